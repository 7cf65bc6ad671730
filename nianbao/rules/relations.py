"""The hard 勾稽 relations of spec §4.1 as weighted data, the way XBRL calculation arcs are.

An equation states ``Σ weight × cell = 0`` for every key of one named axis (each column, each
row, each group): the +1 terms are what the report states — the first of them anchors the
finding — and the −1 terms what they must add up to. Equations belong to the template variants
whose rows they use. One engine expands them into comparisons, evaluates them, writes the
messages, answers which cells take part in which relation and registers each relation as a rule.

An operand that is blank, a placeholder, text or absent makes a comparison uncertain: it is
skipped here and reported by ``blank-or-placeholder-cells`` / ``invalid-number`` instead. A
negative or fractional count is summed as reported (and flagged by ``invalid-number`` as well).
"""

from __future__ import annotations

import inspect
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

from extractors import schema as S
from extractors.tables import TableSet

from .doubt import doubtful, needs_checking
from .registry import Hit, Part, Rule, add

if TYPE_CHECKING:
    from .context import Context

Variant = Literal["2021", "2019"]
BOTH: frozenset[Variant] = frozenset({"2021", "2019"})


def variant_of(template: str | None) -> Variant:
    """Only the 2019 trial format has other rows; hybrid and unrecognised tables use the 2021 rows."""
    return "2019" if template == "2019" else "2021"


@dataclass(frozen=True, slots=True)
class Axis:
    """The keys an equation holds for (the columns, rows or groups of a table), with their names."""

    name: str  # the placeholder in cell templates and in ``where``
    labels: Mapping[str, str]  # key -> its name in messages, in table order


@dataclass(frozen=True, slots=True)
class Term:
    """One weighted cell of an equation."""

    weight: Literal[1, -1]
    cell: str  # address template, e.g. "t3.new_received.{column}"
    name: str  # its name in messages


@dataclass(frozen=True, slots=True)
class Equation:
    """Σ weight × cell = 0 for every key of its axis, in the template variants listed."""

    where: str  # e.g. "表三「{column}」列"
    axis: Axis
    terms: tuple[Term, ...]
    computed: str = ""  # the name of the −1 side's sum in messages, when it has one
    variants: frozenset[Variant] = BOTH

    def at(self, key: str, label: str) -> Comparison:
        """The equation for one key of its axis."""

        def side(weight: int) -> tuple[Operand, ...]:
            return tuple(
                Operand(t.name, t.cell.format(**{self.axis.name: key}))
                for t in self.terms
                if t.weight == weight
            )

        return Comparison(self.where.format(**{self.axis.name: label}), side(1), side(-1), self.computed)


@dataclass(frozen=True, slots=True)
class Operand:
    """A cell of a comparison: its name in messages and its address."""

    name: str
    address: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """One equation for one key of its axis: the stated side must equal the computed side."""

    where: str
    stated: tuple[Operand, ...]
    computed: tuple[Operand, ...]
    computed_name: str

    @property
    def anchor(self) -> str:
        return self.stated[0].address

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(o.address for o in (*self.stated, *self.computed))


@dataclass(frozen=True, slots=True)
class Relation:
    """One rule's equations, with its documentation."""

    rule: str
    spec: str
    part: Part
    equations: tuple[Equation, ...]
    doc: str

    def comparisons(self, template: str | None, present: Container[str]) -> Iterator[Comparison]:
        """Every comparison of this relation whose cells the tables have."""
        variant = variant_of(template)
        for eq in self.equations:
            if variant not in eq.variants:
                continue
            for key, label in eq.axis.labels.items():
                comparison = eq.at(key, label)
                if all(c in present for c in comparison.cells):
                    yield comparison


# ---- axes ---------------------------------------------------------------------------------

COLUMNS = Axis("column", {c: S.T3_COLUMN_LABELS[c] for c in S.T3_COLUMNS})
# table 三's 25 rows, then the subtotal rows a regional format prints (absent elsewhere: no comparison)
ROWS = Axis(
    "row",
    {
        **{f"t3.{k}": S.T3_ROW_LABELS_ZH[k] for k in S.T3_ROW_KEYS},
        **{f"t3_groups.{g}": S.T3_ROW_LABELS_ZH.get(g, label) for g, label in S.T3_GROUPS.items()},
    },
)
T4_GROUPS = Axis("group", {g: S.T4_GROUP_LABELS_ZH[g] for g in S.T4_GROUPS})


def _plus(cell: str, name: str) -> Term:
    return Term(1, cell, name)


def _minus(cell: str, name: str) -> Term:
    return Term(-1, cell, name)


def _leaves(variant: Variant) -> tuple[Term, ...]:
    """The result leaves of table 三 per column; the 2019 format has one （六）其他处理 row."""
    rows = [f"t3.{k}" for k in S.LEAVES]
    if variant == "2019":
        rows = [r for r in rows if not r.startswith("t3.oh_")] + ["t3_groups.other_handling"]
    return tuple(_minus(f"{r}.{{column}}", S.T3_ROW_LABELS_ZH[r.split(".")[1]]) for r in rows)


# ---- the equations ------------------------------------------------------------------------

BALANCE = Equation("表三「{column}」列", COLUMNS, (
    _plus("t3.new_received.{column}", "本年新收"), _plus("t3.carried_over.{column}", "上年结转"),
    _minus("t3.results_total.{column}", "办理结果总计"), _minus("t3.carried_forward.{column}", "结转下年度")))  # fmt: skip

ROW_TOTAL = Equation("表三「{row}」行", ROWS, (
    _plus("{row}.total", "总计"), *(_minus(f"{{row}}.{c}", S.T3_COLUMN_LABELS[c]) for c in S.C6)),
    "六类申请人之和")  # fmt: skip

RESULTS_TOTAL = tuple(
    Equation("表三「{column}」列", COLUMNS, (_plus("t3.results_total.{column}", "（七）总计"), *_leaves(variant)),
             "各项办理结果之和", frozenset({variant}))
    for variant in ("2021", "2019"))  # fmt: skip

SUBTOTALS = tuple(
    Equation(f"表三「{S.T3_ROW_LABELS_ZH[group]}」「{{column}}」列", COLUMNS, (
        _plus(f"t3_groups.{group}.{{column}}", "小计"), *(_minus(f"t3.{k}.{{column}}", S.T3_ROW_LABELS_ZH[k]) for k in leaves)),
        "所含各项之和",
        # in the 2019 format （六）其他处理 is itself a leaf, not a subtotal
        frozenset({"2021"}) if group == "other_handling" else BOTH)
    for group, leaves in S.GROUP_LEAVES.items())  # fmt: skip

T4_TOTAL = Equation("表四「{group}」", T4_GROUPS, (
    _plus("t4.{group}.total", "总计"), *(_minus(f"t4.{{group}}.{c}", S.T4_COLUMN_LABELS_ZH[c]) for c in S.T4_COLUMNS[:4])),
    "四项之和")  # fmt: skip


# ---- the relations: their equations and their documentation -------------------------------

RELATIONS: tuple[Relation, ...] = (
    Relation("t3-balance-mismatch", "§4.1 R-T3-BAL", "三", (BALANCE,), doc="""
        表三每一列：本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度（R-T3-BAL）。

        做什么：对表三七列中的每一列，核对「一、本年新收」+「二、上年结转」是否等于「（七）总计」+「四、结转下年度继续办理」，即表格左上角说明里印着的勾稽关系。
        为什么：本年收到和上年结转的每一件申请，要么在本年办结，要么结转下年；两边不等，说明有申请漏计或重复计算。
        示例：表三「自然人」列：本年新收 27 + 上年结转 0 = 27，但办理结果总计 26 + 结转下年度 0 = 26。
        如何改正：逐件核对台账，找出漏计或多计的申请，改正该列中写错的数字；不要只改总计凑平。
    """),
    Relation("t3-row-total-mismatch", "§4.1 R-T3-ROW", "三", (ROW_TOTAL,), doc="""
        表三某一行的「总计」列 ≠ 六类申请人（自然人至其他）之和（R-T3-ROW）。

        做什么：对表三的 25 行（以及地方格式印出的小计行），核对「总计」列是否等于自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。
        为什么：「总计」列按定义就是六类申请人之和，不等通常是录入或复制时出错。
        示例：表三「（一）予以公开」行：总计 5，但六类申请人之和（自然人 3 + 商业企业 1）= 4。
        如何改正：核对该行六类申请人的件数，改正写错的一格，使「总计」等于六类之和。
    """),
    Relation("t3-results-total-mismatch", "§4.1 R-T3-RES、R-T3-SUB", "三", (*RESULTS_TOTAL, *SUBTOTALS), doc="""
        表三「（七）总计」≠ 各项办理结果之和，或地方小计行 ≠ 所含各项之和（R-T3-RES / R-T3-SUB）。

        做什么：对每一列，核对「（七）总计」是否等于予以公开 + 部分公开 + 不予公开（8 项）+ 无法提供（3 项）+ 不予处理（5 项）+ 其他处理（3 项；2019 年版为 1 行）；地方格式为（三）至（六）印了小计行的，小计也要等于所含各项之和。
        为什么：「（七）总计」是本年办结的申请数，每件申请的办理结果恰好落在一个末级项目里。
        示例：表三「总计」列：（七）总计 26，但各项办理结果之和（予以公开 12 + 部分公开 10 + …）= 24。
        如何改正：逐项核对各办理结果的件数，改正写错的项目或总计；一件申请只计入一个办理结果。
    """),
    Relation("t4-group-total-mismatch", "§4.1 R-T4-GRP", "四", (T4_TOTAL,), doc="""
        表四某组的「总计」≠ 结果维持 + 结果纠正 + 其他结果 + 尚未审结（R-T4-GRP）。

        做什么：对行政复议、行政诉讼·未经复议直接起诉、行政诉讼·复议后起诉三组分别核对。
        为什么：四种结果把一组案件恰好分完，总计必须等于四项之和。
        示例：表四「行政复议」：总计 3，但四项之和（结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0）= 2。
        如何改正：按案件台账核对四种结果的件数，改正写错的一格；尚未审结的案件计入「尚未审结」。
    """),
)  # fmt: skip


def comparisons(template: str | None, present: Container[str]) -> Iterator[tuple[Relation, Comparison]]:
    for relation in RELATIONS:
        for comparison in relation.comparisons(template, present):
            yield relation, comparison


def relations_of(address: str, template: str | None, present: Container[str]) -> set[tuple[str, str]]:
    """(rule, anchor cell) of every comparison the cell takes part in."""
    return {(r.rule, c.anchor) for r, c in comparisons(template, present) if address in c.cells}


# ---- evaluation ---------------------------------------------------------------------------


def _fmt(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _side(operands: tuple[Operand, ...], values: list[int | float], name: str) -> str:
    if len(operands) == 1:
        return f"{operands[0].name} {_fmt(values[0])}"
    # short sums are shown in full (spec example); long ones only by their non-zero terms
    shown = [f"{o.name} {_fmt(v)}" for o, v in zip(operands, values, strict=True) if v or len(operands) <= 4]
    body = " + ".join(shown) if shown else "各项均为 0"
    total = _fmt(sum(values))
    return f"{name}（{body}）= {total}" if name else f"{body} = {total}"


def evaluate(relation: Relation, tables: TableSet, template: str | None) -> Iterator[Hit]:
    cells = tables.cells
    for c in relation.comparisons(template, cells):
        values = [v for a in c.cells if (v := cells[a].value) is not None]
        if len(values) < len(c.cells):
            continue  # uncertain: blank, placeholder or unreadable operand
        stated, computed = values[: len(c.stated)], values[len(c.stated) :]
        if abs(sum(stated) - sum(computed)) < 1e-9:
            continue
        message = (
            f"{c.where}：{_side(c.stated, stated, '')}，但{_side(c.computed, computed, c.computed_name)}"
        )
        doubt = doubtful((a, cells[a]) for a in c.cells)
        anchor = cells[c.anchor]
        yield Hit(
            needs_checking(message, doubt) if doubt else message,
            evidence=anchor.raw,
            line=anchor.line,
            page=anchor.page,
            cell=c.anchor,
            doubtful=bool(doubt),
        )


def _check(relation: Relation, ctx: Context) -> Iterator[Hit]:
    return evaluate(relation, ctx.ex.tables, ctx.ex.template)


for _relation in RELATIONS:
    add(
        Rule(
            _relation.rule,
            "error",
            _relation.part,
            "D",
            _relation.spec,
            inspect.cleandoc(_relation.doc),
            partial(_check, _relation),
        )
    )
