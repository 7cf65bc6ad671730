"""Terminal rendering with rich: grouped by part, coloured by severity."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..models import Review
from . import PART_TITLES, SEVERITY_ZH, VERDICT_ZH, by_part, headline, narrative_line, where

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red"}


def render(review: Review, console: Console) -> None:
    r = review.report
    console.print(Text(r.title or review.source.path, style="bold"))
    console.print(Text(headline(review), style=VERDICT_STYLE[review.verdict]))
    console.print(Text(f"文件：{review.source.path}（{review.source.format}）  格式模板：{r.template or '未识别'}",
                       style="dim"))
    if review.narrative.summary:
        console.print(Text("摘要：" + review.narrative.summary))
    for part, findings in by_part(review.findings):
        console.print(Text("\n" + PART_TITLES[part], style="bold underline"))
        for f in findings:
            line = Text("  ")
            line.append(f"{SEVERITY_ZH[f.severity]} ", style=STYLE[f.severity])
            line.append(f.message)
            line.append(f"  [{f.rule}]", style="dim")
            if loc := where(f):
                line.append(f" {loc}", style="dim")
            console.print(line)
            if f.evidence:
                console.print(Text(f"      原文：{f.evidence}", style="italic dim"))
    if not review.findings:
        console.print(Text("\n未发现问题。", style="green"))
    console.print()
    if note := narrative_line(review):
        console.print(Text(note, style="dim"))
    if review.narrative.note:
        console.print(Text(review.narrative.note, style="yellow"))
    timing = " ".join(f"{k} {v}ms" for k, v in review.timing_ms.items())
    console.print(Text(f"结论：{VERDICT_ZH[review.verdict]}  用时 {timing}\n", style=VERDICT_STYLE[review.verdict]))
