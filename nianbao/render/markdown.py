"""Markdown rendering, for pasting into a document or uploading to Slack."""

from __future__ import annotations

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

_STATUS_ZH = {"covered": "已覆盖", "partial": "部分覆盖", "missing": "缺失"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _message(f: Finding) -> str:
    mark = source_mark(f)
    return f"**{mark}**{_cell(f.message)}" if mark else _cell(f.message)


def render(review: Review) -> str:
    r = review.report
    out = [
        f"# 审阅报告：{r.title or review.source.path}",
        "",
        f"**{headline(review)}**",
        "",
        "| 项目 | 内容 |",
        "|---|---|",
        f"| 文件 | {_cell(review.source.path)}（{review.source.format}） |",
        f"| 发布机关 | {r.issuer or '未识别'} |",
        f"| 报告年度 | {r.year or '未识别'} |",
        f"| 格式模板 | {template_zh(r.template)} |",
        f"| 统计期限 | {r.period.start or '—'} 至 {r.period.end or '—'} |",
        f"| 落款日期 | {r.signed_on or '无'} |",
        "",
    ]
    if review.narrative.summary:
        out += ["## 摘要", "", review.narrative.summary, ""]
    out += ["## 发现的问题", ""]
    if not review.findings:
        out += [nothing_listed(review), ""]
    for part, findings in by_part(review.findings):
        out += [
            f"### {PART_TITLES[part]}",
            "",
            "| 级别 | 规则 | 问题 | 原文 | 位置 |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {SEVERITY_ZH[f.severity]} | `{f.rule}` | {_message(f)} | {_cell(f.evidence)} | {where(f)} |"
            for f in findings
        ]
        out.append("")
    if review.narrative.aspects:
        out += ["## 叙述部分要素", "", "| 部分 | 要素 | 状态 | 依据 |", "|---|---|---|---|"]
        out += [
            f"| {a.part} | {a.aspect} | {_STATUS_ZH[a.status]} | {_cell(a.evidence or a.summary)} |"
            for a in review.narrative.aspects
        ]
        out.append("")
    note = narrative_line(review)
    if note:
        out += [f"_{note}_", ""]
    if review.narrative.note:
        out += [f"_{review.narrative.note}_", ""]
    if disabled := disabled_line(review):
        out += [f"_{disabled}_", ""]
    out.append(f"结论：**{VERDICT_ZH[review.verdict]}**")
    return "\n".join(out) + "\n"
