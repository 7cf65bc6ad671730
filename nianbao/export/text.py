"""Text (terminal) and Markdown: each review as it comes, an unreadable file where it stands in the
input order, and the batch summary after the last review."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from ..models import Review
from ..render import SEVERITY_ZH, VERDICT_ZH, template_zh
from ..render import markdown as markdown_render
from ..render import text as text_render
from ..render.draw import Paragraph, Plain, Rich, hanging, is_terminal, line, spans
from ..summary import ReportRow, Summary
from .rows import SUMMARY_HEADER, UNREADABLE_ZH, summary_cells

if TYPE_CHECKING:
    from rich.console import Console

_SORT_ZH = {"input": "按输入顺序", "verdict": "按结论", "unit": "按单位", "rule": "按主要问题的规则"}
_MIN_ZH = {"info": "", "warning": "；只列出警告及以上的问题", "error": "；只列出错误"}
_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "unreadable": "bold magenta"}


def path_shown(review: Review, shown: Callable[[str], str]) -> Review:
    """The review with its file name made safe for a terminal or a document (JSON escapes it by itself)."""
    return replace(review, source=replace(review.source, path=shown(review.source.path)))


def verdicts_line(summary: Summary) -> str:
    t = summary.totals
    return (
        f"共 {t.reports} 份：通过 {t.passed}，有警告 {t.warned}，不通过 {t.failed}，无法读取 {t.unreadable}"
        + (f"，未审阅（已中断）{t.unfinished}" if t.unfinished else "")
    )


def totals_line(summary: Summary) -> str:
    f = summary.totals.findings
    return (
        f"{verdicts_line(summary)}；问题：错误 {f['error']} 处，警告 {f['warning']} 处，提示 {f['info']} 处"
    )


def _verdict(row: ReportRow) -> str:
    return UNREADABLE_ZH if row.verdict == "unreadable" else VERDICT_ZH[row.verdict]


class TextWriter:
    """Reviews, unreadable files and the batch summary as text, on rich's console (a terminal) or
    plain (``Plain``: no rich to import). A rich Console given as such is drawn on as before."""

    def __init__(self, out: Plain | Rich | Console, single: bool, shown: Callable[[str], str]):
        self.out = out if isinstance(out, Plain | Rich) else Rich(out)
        self.single, self.shown = single, shown

    def review(self, index: int, review: Review) -> None:
        self.out.draw(text_render.paragraphs(path_shown(review, self.shown)))
        self.out.flush()

    def unreadable(self, index: int, path: str, reason: str) -> None:
        if self.single:  # stderr says why, the exit status is 2: nothing to add here
            return
        self.out.draw([line(f"{UNREADABLE_ZH}：{self.shown(path)}\n  {reason}\n", _STYLE["unreadable"])])
        self.out.flush()

    def finish(self, summary: Summary) -> None:
        if self.single:
            return
        self.out.draw(self._summary(summary))
        self.out.flush()

    def _summary(self, summary: Summary) -> list[Paragraph]:
        shown = self.shown
        out = [
            line("批量审阅汇总", "bold underline"),
            line(totals_line(summary), "bold"),
            line(f"（{_SORT_ZH[summary.sort]}{_MIN_ZH[summary.min_severity]}）\n", "dim"),
        ]
        for row in summary.rows():
            head = spans(f"{_verdict(row)}  ", _STYLE[row.verdict])
            if row.verdict == "unreadable":
                out.append(hanging(head, f"{shown(row.path)}：{row.reason}"))
            else:
                c = row.counts
                unit = (
                    f"{row.unit or '（未识别发布机关）'} {row.year or '（年度未知）'}年度 · "
                    f"{template_zh(row.template)} · 错误 {c['error']} · 警告 {c['warning']} · 提示 {c['info']}"
                )
                out.append(hanging(head, ((unit, ""), (f"  {shown(row.path)}", "dim"))))
            out += [hanging("    ", spans(f"{e.message}  [{e.rule}]", "red")) for e in row.first_errors]
        if rules := summary.rules():
            out.append(line("\n常见问题（涉及的报告数 · 处数 · 级别 · 规则）", "bold"))
            for rule in rules:
                count = f"  {rule.reports} 份 · {rule.findings} 处 · {SEVERITY_ZH[rule.severity]} · "
                out.append(hanging(count, f"{rule_title(rule.rule)}  [{rule.rule}]"))
        return out


def text_writer(stream: TextIO, single: bool, shown: Callable[[str], str]) -> TextWriter:
    """The text writer for ``stream``: rich's where rich would see a terminal (colours; stdout also
    wrapped to the terminal's width), plain lines without importing rich anywhere else."""
    if not is_terminal(stream):
        return TextWriter(Plain(stream), single, shown)
    from rich.console import Console

    console = (
        text_render.console()
        if stream is sys.stdout
        else Console(file=stream, highlight=False, emoji=False, soft_wrap=True)
    )
    return TextWriter(console, single, shown)


def rule_title(rule_id: str) -> str:
    """A rule as a reader knows it: its one-line summary, without the spec's code in brackets."""
    from ..rules import REGISTRY  # only a batch summary needs it: not on every text review's start

    rule = REGISTRY.get(rule_id)
    return re.sub(r"（[A-Z][A-Z0-9-]+）|§[0-9.]+", "", rule.summary).rstrip("。") if rule else rule_id


def _md(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


class MarkdownWriter:
    def __init__(self, stream: TextIO, single: bool, shown: Callable[[str], str]):
        self.stream, self.single, self.shown, self.count = stream, single, shown, 0

    def _write(self, text: str) -> None:
        self.stream.write(("\n---\n\n" if self.count else "") + text)
        self.stream.flush()
        self.count += 1

    def review(self, index: int, review: Review) -> None:
        self._write(markdown_render.render(path_shown(review, self.shown)))

    def unreadable(self, index: int, path: str, reason: str) -> None:
        if self.single:  # stderr says why, the exit status is 2: nothing to add here
            return
        self._write(f"# {UNREADABLE_ZH}：{_md(self.shown(path))}\n\n{reason}\n")

    def finish(self, summary: Summary) -> None:
        if self.single:
            return
        out = [
            "# 批量审阅汇总",
            "",
            totals_line(summary),
            "",
            f"_{_SORT_ZH[summary.sort]}{_MIN_ZH[summary.min_severity]}_",
            "",
            "| " + " | ".join(SUMMARY_HEADER) + " |",
            "|" + "---|" * len(SUMMARY_HEADER),
        ]
        self.stream.write(("\n---\n\n" if self.count else "") + "\n".join(out) + "\n")
        for row in summary.rows():
            cells = summary_cells(replace(row, path=self.shown(row.path)))
            self.stream.write("| " + " | ".join(_md(c) for c in cells) + " |\n")
        if rules := summary.rules():
            self.stream.write("\n## 常见问题\n\n| 规则 | 级别 | 报告数 | 处数 |\n|---|---|---|---|\n")
            self.stream.writelines(
                f"| `{c.rule}` | {SEVERITY_ZH[c.severity]} | {c.reports} | {c.findings} |\n" for c in rules
            )
        self.stream.flush()
