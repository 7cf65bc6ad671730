"""What ``nianbao eval`` prints: per failing case a short diff; the rules' scores against the
goldens; the LLM's scores against the labels (per rule, and a confusion matrix per aspect); who
wrote the answers; tokens and cost; the thresholds and a verdict line. The same as Markdown for
``--report``, and as JSON for ``--baseline`` comparisons."""

from __future__ import annotations

import unicodedata
from collections import Counter

from .cases import REFERENCE_MODEL
from .golden import Diff
from .runner import MISSING, SCRIPTED, CaseOutcome
from .scores import STATUSES, Score, Scores, Thresholds

HEADER = ("规则", "期望", "发现", "命中", "精确率", "召回率")
NOT_A_GOLDEN = "应修复代码而不是更新金标准"
_STATUS = {"covered": "有", "partial": "弱", "missing": "无", None: "—"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _row(name: str, s: Score) -> tuple[str, ...]:
    return name, str(s.expected), str(s.found), str(s.hits), _pct(s.precision), _pct(s.recall)


def _rule_rows(scores: Scores) -> list[tuple[str, ...]]:
    return [_row(rule, s) for rule, s in scores.rules.items()] + [
        _row("确定性规则（source=rule）", scores.deterministic)
    ]


def _llm_rows(scores: Scores) -> list[tuple[str, ...]]:
    return [_row(rule, s) for rule, s in scores.llm.items()] + [_row("大模型合计", scores.llm_total)]


def _aspect_lines(scores: Scores) -> list[str]:
    """One line per aspect: agreement, then labelled→found for each disagreement."""
    lines = []
    for aspect, c in scores.aspects.items():
        misses = [
            f"{_STATUS[label]}→{_STATUS[found]} {n}"
            for label, row in c.cells.items()
            for found, n in row.items()
            if found != label
        ]
        lines.append(f"{aspect}：一致 {c.agreed}/{c.total}" + (f"（{'，'.join(misses)}）" if misses else ""))
    matrix = {
        label: {
            found: sum(c.cells.get(label, Counter()).get(found, 0) for c in scores.aspects.values())
            for found in STATUSES
        }
        for label in STATUSES[:3]
    }
    lines.append(
        "合计（行：标注，列：模型；有/弱/无/—）："
        + "；".join(
            f"{_STATUS[label]} " + " ".join(str(n) for n in row.values()) for label, row in matrix.items()
        )
    )
    lines.append(f"方面一致率：{_pct(scores.aspect_accuracy)}")
    return lines


def provenance(scores: Scores) -> str:
    hand = scores.provenance.get(REFERENCE_MODEL, 0)
    models = [f"{model} {n} 条" for model, n in sorted(scores.provenance.items()) if model != REFERENCE_MODEL]
    return (
        f"回答来源：手写参考答案 {hand} 条（reference）；模型录制 "
        + ("，".join(models) if models else "0 条")
        + "（手写答案只检验代码，不代表任何模型的水平）" * bool(hand)
    )


def cost(scores: Scores) -> str:
    t = scores.tokens
    money = "，".join(f"{v:.4f} {currency}" for currency, v in scores.cost.items())
    priced = f"估算费用 {money}" if money else "估算费用：无（模型没有价格）"
    if money and scores.unpriced:
        priced += "（部分模型没有价格，未计入）"
    return f"tokens：输入 {t['tokens_in']}（缓存命中 {t['tokens_cached']}）/ 输出 {t['tokens_out']}；{priced}"


def _finding(f: dict) -> str:
    where = [f"第{f['part']}部分" if f["part"] else "全文"]
    where += [f"第 {f['line']} 行"] if f["line"] else []
    where += [f["cell"]] if f["cell"] else []
    return f"{f['rule']}（{'，'.join(where)}；{f['source']}）"


def _diff_lines(d: Diff) -> list[str]:
    lines = [f"缺少  {_finding(f)}" for f in d.missing]
    lines += [f"多出  {_finding(f)}" for f in d.unexpected]
    lines += [f"来源  {_finding(f)} → {source}" for f, source in d.sources]
    lines += [f"单元格  {cell}：{old} → {new}" for cell, old, new in d.cells]
    if d.dropped:
        lines.append(f"丢弃的引文  {d.dropped[0]} → {d.dropped[1]}")
    return lines


def _case_lines(o: CaseOutcome) -> list[str]:
    """Nothing for a case that matches; else a headline and the details."""
    name = o.case.name
    if o.error:
        return [f"✗ {name}：{o.error}"]
    out = []
    if o.recorded:
        out.append(f"● {name}：录制了 {o.recorded} 条回答（{o.model}）")
    if o.missing:
        keys = "，".join(k[:12] for k in o.missing[:3]) + ("，…" if len(o.missing) > 3 else "")
        out.append(
            f"✗ {name}：缺少录制 {len(o.missing)} 条（{o.model}；{keys}）"
            + ("；" + SCRIPTED if o.case.scripted else "")
        )
    elif o.diff is None:  # the case had no golden file
        out.append(
            f"{'↻' if o.updated else '✗'} {name}：没有金标准 expected.json"
            + ("，已写入" if o.updated else "；核对结果后运行 nianbao eval --update-golden")
        )
    elif o.diff:
        out.append(
            f"{'↻' if o.updated else '✗'} {name}：与金标准不一致"
            + ("，已更新 expected.json" if o.updated else "")
        )
        out += [f"    {line}" for line in _diff_lines(o.diff)]
        if o.updated and o.diff.deterministic:
            out.append(f"    注意：表格或确定性规则的结果变了——这通常是缺陷，{NOT_A_GOLDEN}")
    return out


def verdict(outcomes: list[CaseOutcome], scores: Scores, limits: Thresholds) -> str:
    failed = [o for o in outcomes if not o.ok]
    below = scores.below(limits)
    if not failed and not below:
        updated = sum(o.updated for o in outcomes)
        return f"评测通过：{len(outcomes)} 个用例全部与金标准一致，大模型评分达到阈值" + (
            f"（更新了 {updated} 个金标准）" if updated else ""
        )
    kinds = {
        "无法审阅": sum(bool(o.error) for o in failed),
        "缺少录制": sum(bool(o.missing) and not o.error for o in failed),
        "与金标准不一致": sum(not (o.error or o.missing) for o in failed),
    }
    parts = [f"{n} 个{k}" for k, n in kinds.items() if n] + below
    return f"评测未通过：{len(outcomes)} 个用例中 " + "，".join(parts)


def ok(outcomes: list[CaseOutcome], scores: Scores, limits: Thresholds) -> bool:
    return all(o.ok for o in outcomes) and not scores.below(limits)


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    first = max(_width(r[0]) for r in rows) + 2
    return [
        r[0] + " " * (first - _width(r[0])) + "".join(" " * (8 - _width(c)) + c for c in r[1:]) for r in rows
    ]


def _deterministic(scores: Scores) -> str:
    d = scores.deterministic
    return f"确定性规则：精确率 {_pct(d.precision)}，召回率 {_pct(d.recall)}" + (
        "" if d.perfect else f"——低于 100% 是缺陷，{NOT_A_GOLDEN}"
    )


def summary_lines(scores: Scores) -> list[str]:
    """The model's side, for one run: provenance, LLM scores, aspects, cost."""
    return [
        "",
        provenance(scores),
        "",
        *_table([("大模型规则（对照标注）", *HEADER[1:]), *_llm_rows(scores)]),
        "",
        *_aspect_lines(scores),
        "",
        cost(scores),
    ]


def text(outcomes: list[CaseOutcome], scores: Scores, limits: Thresholds) -> str:
    lines = [line for o in outcomes for line in _case_lines(o)]
    if any(o.missing for o in outcomes):
        lines.append(MISSING)
    lines += [
        "",
        *_table([("规则 / rule（对照金标准）", *HEADER[1:]), *_rule_rows(scores)]),
        "",
        _deterministic(scores),
        *summary_lines(scores),
        verdict(outcomes, scores, limits),
    ]
    return "\n".join(lines).lstrip("\n") + "\n"


def _md_table(rows: list[tuple[str, ...]], names: set[str]) -> list[str]:
    out = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    for row in rows:
        name = f"`{row[0]}`" if row[0] in names else f"**{row[0]}**"
        out.append("| " + " | ".join((name, *row[1:])) + " |")
    return out


def markdown(outcomes: list[CaseOutcome], scores: Scores, limits: Thresholds) -> str:
    lines = [
        "# nianbao eval",
        "",
        verdict(outcomes, scores, limits),
        "",
        provenance(scores),
        "",
        cost(scores),
        "",
        "## 规则（对照金标准）",
        "",
        *_md_table(_rule_rows(scores), set(scores.rules)),
        "",
        _deterministic(scores),
        "",
        "## 大模型（对照标注）",
        "",
        *_md_table(_llm_rows(scores), set(scores.llm)),
        "",
        *[f"- {line}" for line in _aspect_lines(scores)],
    ]
    failing = [line for o in outcomes if not o.ok for line in _case_lines(o)]
    if failing:
        lines += ["", "## 不一致的用例", "", "```", *failing, "```"]
    return "\n".join(lines) + "\n"


def as_json(scores: Scores) -> dict:
    """The numbers ``--baseline`` compares."""

    def pr(s: Score) -> dict:
        return {"expected": s.expected, "found": s.found, "hits": s.hits}

    return {
        "deterministic": pr(scores.deterministic),
        "llm_total": pr(scores.llm_total),
        "llm": {rule: pr(s) for rule, s in scores.llm.items()},
        "aspect_accuracy": scores.aspect_accuracy,
        "provenance": dict(scores.provenance),
        "tokens": dict(scores.tokens),
        "cost": scores.cost,
    }


def comparison(name: str, now: dict, then: dict) -> list[str]:
    """Side by side: this run against a baseline (another revision, or another model)."""

    def f(d: dict, key: str) -> str:
        s = d[key]
        return f"{_pct(s['hits'] / s['found'] if s['found'] else None)} / {_pct(s['hits'] / s['expected'] if s['expected'] else None)}"

    rows = [
        ("", "现在", name),
        ("确定性规则 精确率/召回率", f(now, "deterministic"), f(then, "deterministic")),
        ("大模型发现 精确率/召回率", f(now, "llm_total"), f(then, "llm_total")),
        ("方面一致率", _pct(now["aspect_accuracy"]), _pct(then["aspect_accuracy"])),
        ("回答来源", _sources(now), _sources(then)),
    ]
    width = max(_width(r[0]) for r in rows) + 2
    return [r[0] + " " * (width - _width(r[0])) + f"{r[1]:<24}{r[2]}" for r in rows]


def _sources(d: dict) -> str:
    return "，".join(f"{k} {v}" for k, v in sorted(d["provenance"].items())) or "—"
