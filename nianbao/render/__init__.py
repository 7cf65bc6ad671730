"""Renderings of a Review: text (terminal), JSON (the contract), Markdown (for documents)."""

from __future__ import annotations

from ..models import PARTS, Finding, Review

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
VERDICT_ZH = {"pass": "通过", "warn": "有警告", "fail": "不通过"}
PART_TITLES = {None: "封面与通用", "一": "一、总体情况", "二": "二、主动公开政府信息情况",
               "三": "三、收到和处理政府信息公开申请情况", "四": "四、行政复议、行政诉讼情况",
               "五": "五、存在的主要问题及改进情况", "六": "六、其他需要报告的事项"}


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
    if loc.cell:
        bits.append(loc.cell)
    return " ".join(bits)


def headline(review: Review) -> str:
    r = review.report
    c = review.counts
    who = r.issuer or "（未识别发布机关）"
    year = f"{r.year}年度" if r.year else "（年度未知）"
    return (f"{who} {year} · {VERDICT_ZH[review.verdict]} · 错误 {c['error']} · 警告 {c['warning']} · "
            f"提示 {c['info']}")


def narrative_line(review: Review) -> str | None:
    n = review.narrative
    if n.method == "none":
        return None
    if n.method == "llm":
        return (f"叙述审阅：{n.model}（{n.prompt}），输入 {n.tokens_in} / 输出 {n.tokens_out} tokens，"
                f"{n.latency_ms} ms，{sum(c.attempts for c in n.calls)} 次调用")
    if n.calls:  # the LLM was asked and failed: the note says why
        return f"叙述审阅：大模型（{n.model or n.calls[0].model}）调用失败，已改用启发式"
    return "叙述审阅：启发式（未配置大模型或使用了 --no-llm）"
