"""Terminal rendering with rich: grouped by part, coloured by severity."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from ..models import Review
from . import PART_TITLES, SEVERITY_ZH, VERDICT_ZH, by_part, headline, narrative_line, where

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red"}


def render(review: Review, console: Console) -> None:
    r = review.report
    lines = [Text(headline(review), style=VERDICT_STYLE[review.verdict]),
             Text(f"文件：{review.source.path}（{review.source.format}）  格式模板：{r.template or '未识别'}", style="dim")]
    if review.narrative.summary:
        lines.append(Text("摘要：" + review.narrative.summary))
    body = []
    for part, findings in by_part(review.findings):
        body.append(Text(PART_TITLES[part], style="bold underline"))
        for f in findings:
            line = Text("  ")
            line.append(f"{SEVERITY_ZH[f.severity]} ", style=STYLE[f.severity])
            line.append(f"[{f.rule}] ", style="dim")
            line.append(f.message)
            loc = where(f)
            if loc:
                line.append(f"  ({loc})", style="dim")
            body.append(line)
            if f.evidence:
                body.append(Text(f"      原文：{f.evidence}", style="italic dim"))
    if not review.findings:
        body.append(Text("未发现问题。", style="green"))
    note = narrative_line(review)
    footer = [Text(note, style="dim")] if note else []
    if review.narrative.note:
        footer.append(Text(review.narrative.note, style="yellow"))
    timing = " ".join(f"{k} {v}ms" for k, v in review.timing_ms.items())
    footer.append(Text(f"结论：{VERDICT_ZH[review.verdict]}  用时 {timing}", style="dim"))
    console.print(Panel(Group(*lines, Text(""), *body, Text(""), *footer),
                        title=escape(review.report.title or review.source.path), title_align="left",
                        border_style=VERDICT_STYLE[review.verdict]))
