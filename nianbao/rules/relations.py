"""The hard 勾稽 relations of spec §4.1 as data, evaluated by one engine.

Each relation expands into checks ``Σ lhs == Σ rhs`` over canonical cells. An operand that is
blank, a placeholder or text makes the check uncertain: it is skipped here and reported by
``blank-or-placeholder-cells`` / ``invalid-number`` instead of as a mismatch. A negative or
fractional count is summed as reported (and flagged by ``invalid-number`` as well).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extractors import schema as S
from extractors.tables import TableSet

from .registry import Hit


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class Check:
    where: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    rhs_name: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    id: str
    rule: str
    checks: Callable[[TableSet, str | None], list[Check]]


def _col(c: str) -> str:
    return S.T3_COLUMN_LABELS[c]


def _balance(tables: TableSet, template: str | None) -> list[Check]:
    return [Check(f"表三「{_col(c)}」列",
                  (Term("本年新收", f"t3.new_received.{c}"), Term("上年结转", f"t3.carried_over.{c}")),
                  (Term("办理结果总计", f"t3.results_total.{c}"), Term("结转下年度", f"t3.carried_forward.{c}")))
            for c in S.T3_COLUMNS]


def _row_totals(tables: TableSet, template: str | None) -> list[Check]:
    rows = [("t3", k) for k in S.T3_ROW_KEYS] + [("t3_groups", g) for g in S.T3_GROUPS
                                                  if f"t3_groups.{g}.total" in tables.cells]
    return [Check(f"表三「{S.T3_ROW_LABELS_ZH[row]}」行",
                  (Term("总计", f"{prefix}.{row}.total"),),
                  tuple(Term(_col(c), f"{prefix}.{row}.{c}") for c in S.C6), "六类申请人之和")
            for prefix, row in rows]


def _leaves(template: str | None) -> list[tuple[str, str]]:
    """(prefix, row) of the result leaves; the 2019 format has one （六）其他处理 row."""
    if template == "2019":
        return [("t3", k) for k in S.LEAVES if not k.startswith("oh_")] + [("t3_groups", "other_handling")]
    return [("t3", k) for k in S.LEAVES]


def _results_total(tables: TableSet, template: str | None) -> list[Check]:
    checks = [Check(f"表三「{_col(c)}」列",
                    (Term("（七）总计", f"t3.results_total.{c}"),),
                    tuple(Term(S.T3_ROW_LABELS_ZH[row], f"{prefix}.{row}.{c}") for prefix, row in _leaves(template)),
                    "各项办理结果之和")
              for c in S.T3_COLUMNS]
    for group, leaves in S.GROUP_LEAVES.items():
        if f"t3_groups.{group}.total" not in tables.cells or (template == "2019" and group == "other_handling"):
            continue
        checks += [Check(f"表三「{S.T3_ROW_LABELS_ZH[group]}」「{_col(c)}」列",
                         (Term("小计", f"t3_groups.{group}.{c}"),),
                         tuple(Term(S.T3_ROW_LABELS_ZH[k], f"t3.{k}.{c}") for k in leaves), "所含各项之和")
                   for c in S.T3_COLUMNS]
    return checks


def _t4_groups(tables: TableSet, template: str | None) -> list[Check]:
    return [Check(f"表四「{S.T4_GROUP_LABELS_ZH[g]}」",
                  (Term("总计", f"t4.{g}.total"),),
                  tuple(Term(S.T4_COLUMN_LABELS_ZH[c], f"t4.{g}.{c}") for c in S.T4_COLUMNS[:4]), "四项之和")
            for g in S.T4_GROUPS]


RELATIONS: tuple[Relation, ...] = (
    Relation("R-T3-BAL", "t3-balance-mismatch", _balance),
    Relation("R-T3-ROW", "t3-row-total-mismatch", _row_totals),
    Relation("R-T3-RES", "t3-results-total-mismatch", _results_total),  # includes R-T3-SUB
    Relation("R-T4-GRP", "t4-group-total-mismatch", _t4_groups),
)


def _fmt(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _side(terms: tuple[Term, ...], values: list[int | float], name: str) -> str:
    if len(terms) == 1:
        return f"{terms[0].name} {_fmt(values[0])}"
    # short sums are shown in full (spec example); long ones only by their non-zero terms
    shown = [f"{t.name} {_fmt(v)}" for t, v in zip(terms, values) if v or len(terms) <= 4]
    body = " + ".join(shown) if shown else "各项均为 0"
    total = _fmt(sum(values))
    return f"{name}（{body}）= {total}" if name else f"{body} = {total}"


def evaluate(relation_rule: str, tables: TableSet, template: str | None) -> Iterator[Hit]:
    relation = next(r for r in RELATIONS if r.rule == relation_rule)
    for check in relation.checks(tables, template):
        refs = [tables.cells.get(t.address) for t in (*check.lhs, *check.rhs)]
        if any(ref is None or ref.value is None for ref in refs):
            continue  # uncertain: blank, placeholder, unreadable or absent operand
        lhs = [tables.cells[t.address].value for t in check.lhs]
        rhs = [tables.cells[t.address].value for t in check.rhs]
        if abs(sum(lhs) - sum(rhs)) < 1e-9:
            continue
        anchor = tables.cells[check.lhs[0].address]
        yield Hit(
            f"{check.where}：{_side(check.lhs, lhs, '')}，但{_side(check.rhs, rhs, check.rhs_name)}",
            evidence=f"{anchor.raw}",
            line=anchor.line, page=anchor.page, cell=check.lhs[0].address,
        )
