"""Terminal rendering: grouped by part, coloured by severity, every paragraph wrapped by rich at the
console's width with a hanging indent (see wrap.py); plain, unwrapped lines when piped. Described
once as paragraphs (draw.py), drawn by rich only on a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from .draw import Paragraph, Rich, cells, hanging, line, spans

if TYPE_CHECKING:
    from rich.console import Console

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red"}
SOURCE_STYLE = "magenta"
INDENT = "  "


def console() -> Console:
    """stdout: wrapped by rich at the terminal's width; piped, plain and one paragraph a line."""
    from rich.console import Console

    out = Console(highlight=False, emoji=False)
    out.soft_wrap = not out.is_terminal
    return out


def _finding(f: Finding) -> list[Paragraph]:
    head = (INDENT, ""), (f"{SEVERITY_ZH[f.severity]} ", STYLE[f.severity])
    body = [(mark, SOURCE_STYLE)] if (mark := source_mark(f)) else []
    body += [(f.message, ""), (f"  [{f.rule}]", "dim")]
    if loc := where(f):
        body.append((f" {loc}", "dim"))
    out = [hanging(head, tuple(body))]
    if f.evidence:
        evidence = " " * cells("".join(t for t, _ in head)) + "原文："
        out.append(hanging(spans(evidence, "italic dim"), spans(f.evidence, "italic dim")))
    return out


def paragraphs(review: Review) -> list[Paragraph]:
    """(How long each step took is in the JSON, for whoever tunes a batch; a reviewer has no use for it.)"""
    r = review.report
    out = [
        hanging("", spans(r.title or review.source.path, "bold")),
        hanging("", spans(headline(review), VERDICT_STYLE[review.verdict])),
        hanging(
            spans("文件：", "dim"),
            spans(
                f"{review.source.path}（{review.source.format}）  格式模板：{template_zh(r.template)}", "dim"
            ),
        ),
    ]
    if review.narrative.summary:
        out.append(hanging("摘要：", review.narrative.summary))
    for part, findings in by_part(review.findings):
        out.append(line("\n" + PART_TITLES[part], "bold underline"))
        for f in findings:
            out += _finding(f)
    if not review.findings:
        out.append(line("\n" + nothing_listed(review), "green"))
    out.append(line())
    footer = [narrative_line(review), disabled_line(review)]
    out += [hanging("", spans(text, "dim")) for text in filter(None, footer)]
    if review.narrative.note:
        out.append(hanging("", spans(review.narrative.note, "yellow")))
    out.append(line(f"结论：{VERDICT_ZH[review.verdict]}\n", VERDICT_STYLE[review.verdict]))
    return out


def render(review: Review, console: Console) -> None:
    """The review on a rich console (the text writer draws it plain where there is no terminal)."""
    Rich(console).draw(paragraphs(review))
