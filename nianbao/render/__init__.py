"""Renderings of a Review: text (terminal), JSON (the contract), Markdown (for documents), HTML (a
report to print). What a reader sees of a finding — its place, who judged it, the footer — is
worded here once, so every rendering says the same."""

from __future__ import annotations

from extractors.parts import PART_HEADINGS

from ..models import PARTS, Finding, Review
from ..models import SEVERITY_ZH as SEVERITY_ZH  # the renderers and the bot name severities from here

VERDICT_ZH = {"pass": "通过", "warn": "有警告", "fail": "不通过"}
UNREADABLE_ZH = "无法读取"  # a batch's input that could not be reviewed
TEMPLATE_ZH = {"2021": "2021 版", "2019": "2019 版", "hybrid": "混用"}
# who judged: code is the default and goes unmarked; a model's or a heuristic's judgement is a
# different kind of claim, and a reader must see it without opening the JSON
SOURCE_ZH = {"llm": "大模型判断", "heuristic": "启发式判断"}
# a part as the template heads it: 「一、总体情况」
PART_TITLES: dict[str | None, str] = {
    None: "封面与通用",
    **{p: f"{p}、{names[0]}" for p, names in PART_HEADINGS.items()},
}


def by_part(findings: list[Finding]) -> list[tuple[str | None, list[Finding]]]:
    """Findings grouped in reading order: front matter first, then 一 … 六."""
    order = [None, *PARTS]
    groups = {p: [f for f in findings if f.part == p] for p in order}
    return [(p, groups[p]) for p in order if groups[p]]


def where(f: Finding) -> str:
    loc = f.location
    bits = []
    if loc.page is not None:
        bits.append(f"第{loc.page}页")
    if loc.page is not None and loc.page_line is not None:
        bits.append(f"第{loc.page_line}行")  # a reviewer counts lines on the printed page
    elif loc.line is not None:
        bits.append(f"第{loc.line}行")
    if loc.cell_label:
        bits.append(loc.cell_label)
    return " ".join(bits)


def source_mark(f: Finding) -> str | None:
    """「大模型判断」 / 「启发式判断」, or None for a finding computed by a rule."""
    label = SOURCE_ZH.get(f.source)
    return f"「{label}」" if label else None


def template_zh(template: str | None) -> str:
    return TEMPLATE_ZH.get(template or "", template or "未识别")


def headline(review: Review) -> str:
    r = review.report
    c = review.counts
    who = r.issuer or "（未识别发布机关）"
    year = f"{r.year}年度" if r.year else "（年度未知）"
    return (
        f"{who} {year} · {VERDICT_ZH[review.verdict]} · 错误 {c['error']} · 警告 {c['warning']} · "
        f"提示 {c['info']}"
    )


def narrative_line(review: Review) -> str | None:
    n = review.narrative
    if n.method == "none":
        return None
    if n.method == "llm":
        cost = f"，约 {n.cost:.4f} {n.currency}" if n.cost is not None else ""
        dropped = f"；丢弃 {n.dropped_quotes} 条无据的回答" if n.dropped_quotes else ""
        return (
            f"叙述审阅：{n.model}（{n.prompt}），输入 {n.tokens_in}（缓存 {n.tokens_cached}）/ 输出 {n.tokens_out} tokens"
            f"{cost}，{n.latency_ms} 毫秒，{sum(c.attempts for c in n.calls)} 次调用{dropped}"
        )
    if n.calls:  # the LLM was asked and failed: the note says why
        return f"叙述审阅：大模型（{n.model or n.calls[0].model}）调用失败，已改用启发式"
    return "叙述审阅：启发式（未配置大模型或使用了 --no-llm）"


def nothing_listed(review: Review) -> str:
    """What stands where no finding is listed: none at all, or none at the level --min-severity shows
    (the verdict still counts the hidden ones, so the page must say they exist)."""
    shown = {"error": 0, "warning": 0, "info": 0}
    for f in review.findings:
        shown[f.severity] += 1
    hidden = [f"{SEVERITY_ZH[s]} {n - shown[s]} 处" for s, n in review.counts.items() if n > shown[s]]
    if not hidden:
        return "未发现问题。"
    return f"所选级别及以上没有问题（另有{'、'.join(hidden)}未列出）。"


def disabled_line(review: Review) -> str | None:
    """The rules a configuration switched off: an assessor must see that something was not checked."""
    if not review.disabled_rules:
        return None
    return f"按配置停用的规则（未检查）：{'、'.join(review.disabled_rules)}"
