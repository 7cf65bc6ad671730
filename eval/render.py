"""What ``nianbao eval`` prints: per failing case a short diff, the per-rule scores and a verdict
line; the same scores as Markdown for ``--report``."""

from __future__ import annotations

import unicodedata

from .compare import Diff
from .runner import MISSING, SCRIPTED, Outcome
from .scores import Score, Scores

HEADER = ("规则", "期望", "发现", "命中", "精确率", "召回率")
NOT_A_GOLDEN = "应修复代码而不是更新金标准"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _row(name: str, s: Score) -> tuple[str, ...]:
    return name, str(s.expected), str(s.found), str(s.hits), _pct(s.precision), _pct(s.recall)


def _rows(scores: Scores) -> list[tuple[str, ...]]:
    return [_row(rule, s) for rule, s in scores.rules.items()] + [
        _row("合计", scores.total), _row("确定性规则", scores.deterministic)]


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
    lines += [f"方面  {aspect}：{old or '（无）'} → {new or '（无）'}" for aspect, old, new in d.aspects]
    if d.dropped:
        lines.append(f"丢弃的引文  {d.dropped[0]} → {d.dropped[1]}")
    return lines


def _case_lines(o: Outcome) -> list[str]:
    """Nothing for a case that matches; else a headline and the details."""
    name = o.case.name
    if o.error:
        return [f"✗ {name}：{o.error}"]
    out = []
    if o.recorded:
        out.append(f"● {name}：录制了 {o.recorded} 条回答")
    if o.missing:
        keys = "，".join(k[:12] for k in o.missing[:3]) + ("，…" if len(o.missing) > 3 else "")
        out.append(f"✗ {name}：缺少录制 {len(o.missing)} 条（{keys}）" + ("；" + SCRIPTED if o.case.scripted else ""))
    elif o.diff is None:  # the case had no golden file
        out.append(f"{'↻' if o.updated else '✗'} {name}：没有金标准 expected.json"
                   + ("，已写入" if o.updated else "；核对结果后运行 nianbao eval --update-golden"))
    elif o.diff:
        out.append(f"{'↻' if o.updated else '✗'} {name}：与金标准不一致" + ("，已更新 expected.json" if o.updated else ""))
        out += [f"    {line}" for line in _diff_lines(o.diff)]
        if o.updated and o.diff.deterministic:
            out.append(f"    注意：表格或确定性规则的结果变了——这通常是缺陷，{NOT_A_GOLDEN}")
    return out


def verdict(outcomes: list[Outcome]) -> str:
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        updated = sum(o.updated for o in outcomes)
        return f"评测通过：{len(outcomes)} 个用例全部与金标准一致" + (f"（更新了 {updated} 个金标准）" if updated else "")
    kinds = {"无法审阅": sum(bool(o.error) for o in failed),
             "缺少录制": sum(bool(o.missing) and not o.error for o in failed),
             "与金标准不一致": sum(not (o.error or o.missing) for o in failed)}
    return f"评测未通过：{len(outcomes)} 个用例中 " + "，".join(f"{n} 个{k}" for k, n in kinds.items() if n)


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    first = max(_width(r[0]) for r in rows) + 2
    return [r[0] + " " * (first - _width(r[0])) + "".join(" " * (8 - _width(c)) + c for c in r[1:]) for r in rows]


def _deterministic(scores: Scores) -> str:
    d = scores.deterministic
    return (f"确定性规则：精确率 {_pct(d.precision)}，召回率 {_pct(d.recall)}"
            + ("" if d.perfect else f"——低于 100% 是缺陷，{NOT_A_GOLDEN}"))


def text(outcomes: list[Outcome], scores: Scores) -> str:
    lines = [line for o in outcomes for line in _case_lines(o)]
    if any(o.missing for o in outcomes):
        lines.append(MISSING)
    lines += ["", *_table([("规则 / rule", *HEADER[1:]), *_rows(scores)]), "", _deterministic(scores), verdict(outcomes)]
    return "\n".join(lines).lstrip("\n") + "\n"


def markdown(outcomes: list[Outcome], scores: Scores) -> str:
    lines = ["# nianbao eval", "", verdict(outcomes), "",
             "| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    for row in _rows(scores):
        name = f"`{row[0]}`" if row[0] in scores.rules else f"**{row[0]}**"
        lines.append("| " + " | ".join((name, *row[1:])) + " |")
    lines += ["", _deterministic(scores)]
    failing = [line for o in outcomes if not o.ok for line in _case_lines(o)]
    if failing:
        lines += ["", "## 不一致的用例", "", "```", *failing, "```"]
    return "\n".join(lines) + "\n"
