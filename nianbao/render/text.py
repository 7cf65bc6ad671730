"""Terminal rendering with rich: grouped by part, coloured by severity, every paragraph wrapped by
rich at the console's width with a hanging indent (see wrap.py); plain, unwrapped lines when piped."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ..models import Finding, Review
from . import (
    PART_TITLES,
    SEVERITY_ZH,
    VERDICT_ZH,
    by_part,
    disabled_line,
    headline,
    narrative_line,
    nothing_listed,
    source_mark,
    template_zh,
    where,
)
from .wrap import Hanging

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red"}
SOURCE_STYLE = "magenta"
INDENT = "  "


def console() -> Console:
    """stdout: wrapped by rich at the terminal's width; piped, plain and one paragraph a line."""
    out = Console(highlight=False, emoji=False)
    out.soft_wrap = not out.is_terminal
    return out


def _finding(f: Finding) -> list[Hanging]:
    head = Text(INDENT)
    head.append(f"{SEVERITY_ZH[f.severity]} ", style=STYLE[f.severity])
    body = Text()
    if mark := source_mark(f):
        body.append(mark, style=SOURCE_STYLE)
    body.append(f.message)
    body.append(f"  [{f.rule}]", style="dim")
    if loc := where(f):
        body.append(f" {loc}", style="dim")
    out = [Hanging(head, body)]
    if f.evidence:
        out.append(
            Hanging(
                Text(" " * cell_len(head.plain) + "原文：", style="italic dim"),
                Text(f.evidence, style="italic dim"),
            )
        )
    return out


def render(review: Review, console: Console) -> None:
    """(How long each step took is in the JSON, for whoever tunes a batch; a reviewer has no use for it.)"""
    r = review.report
    console.print(Hanging("", Text(r.title or review.source.path, style="bold")))
    console.print(Hanging("", Text(headline(review), style=VERDICT_STYLE[review.verdict])))
    console.print(
        Hanging(
            Text("文件：", style="dim"),
            Text(
                f"{review.source.path}（{review.source.format}）  格式模板：{template_zh(r.template)}",
                style="dim",
            ),
        )
    )
    if review.narrative.summary:
        console.print(Hanging("摘要：", review.narrative.summary))
    for part, findings in by_part(review.findings):
        console.print(Text("\n" + PART_TITLES[part], style="bold underline"))
        for f in findings:
            for paragraph in _finding(f):
                console.print(paragraph)
    if not review.findings:
        console.print(Text("\n" + nothing_listed(review), style="green"))
    console.print()
    footer = [narrative_line(review), disabled_line(review)]
    for line in filter(None, footer):
        console.print(Hanging("", Text(line, style="dim")))
    if review.narrative.note:
        console.print(Hanging("", Text(review.narrative.note, style="yellow")))
    console.print(Text(f"结论：{VERDICT_ZH[review.verdict]}\n", style=VERDICT_STYLE[review.verdict]))
