"""The digest as Slack Block Kit, as terminal text, and as a PNG chart; pure functions of a Digest.
Block Kit and text are built from the same sections, so the two cannot drift apart."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass

from nianbao.render import VERDICT_ZH
from nianbao.rules import REGISTRY

from .blocks import (
    HEADER_CHARS,
    MAX_BLOCKS,
    SECTION_CHARS,
    SEVERITY_MARK,
    VERDICT_EMOJI,
    clip,
    context,
    escape,
    section,
)
from .digest import Digest, StillWrong

SHOWN_UNITS = 15
SHOWN_RULES = 8
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
_VERDICT_COLOURS = {"pass": "#2e7d32", "warn": "#f9a825", "fail": "#c62828"}
_VERDICT_SYMBOLS = {"pass": "✓", "warn": "!", "fail": "✗"}  # legend without a CJK font: DejaVu has these


@dataclass(frozen=True)
class _Style:
    """How a line is marked up: Slack mrkdwn or plain terminal text."""

    bold: Callable[[str], str]
    text: Callable[[str], str]
    link: Callable[[str, str | None], str]
    channel: Callable[[str], str]  # Slack shows <#C…> as the channel's name; a terminal has only the id


_MRKDWN = _Style(
    lambda s: f"*{s}*", escape, lambda label, url: f"<{url}|{label}>" if url else label, lambda c: f"<#{c}>"
)
_PLAIN = _Style(lambda s: s, lambda s: s, lambda label, _url: label, lambda c: c)


def title(d: Digest) -> str:
    return f"📊 信息公开年报审阅周报 {d.week}（{_md(d.first_day)}—{_md(d.last_day)}）"


def summary(d: Digest) -> str:
    """One line: the notification text and the fallback of the Block Kit message."""
    if d.empty:
        return f"{title(d)}：本周没有审阅报告"
    return f"{title(d)}：审阅 {d.reviewed} 份，{VERDICT_ZH['fail']} {d.verdicts['fail']} 份"


def permalink(workspace_url: str, channel: str, ts: str, thread_ts: str | None = None) -> str:
    """Slack's permalink format; saves one chat.getPermalink call per unit."""
    url = f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
    return f"{url}?thread_ts={thread_ts}&cid={channel}" if thread_ts and thread_ts != ts else url


def digest_blocks(d: Digest, workspace_url: str | None = None) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for chat.postMessage."""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title(d), HEADER_CHARS)}}
    ]
    for heading, lines in _sections(d, _MRKDWN, workspace_url):
        body = _fit(lines, SECTION_CHARS - len(heading) - 8)
        blocks.append(section(f"*{heading}*\n{body}" if heading else body))
    blocks = blocks[: MAX_BLOCKS - 1] + [
        context(_footer(d, _MRKDWN) + ("；图表见本线程" if not d.empty else ""))
    ]
    return summary(d), blocks


def digest_text(d: Digest) -> str:
    """The same digest for a terminal (``nianbao digest --print``), led by its channel: several
    channels' digests print one after another."""
    parts = [f"{title(d)} · 频道 {d.channel}"]
    for heading, lines in _sections(d, _PLAIN, None):
        parts.append("\n".join([heading, *(f"  {line}" for line in lines)] if heading else lines))
    parts.append(_footer(d, _PLAIN))
    return "\n\n".join(parts) + "\n"


def _footer(d: Digest, style: _Style) -> str:
    return f"频道 {style.channel(d.channel)} · 统计 {d.first_day:%Y-%m-%d} 至 {d.last_day:%Y-%m-%d}（北京时间），报告年度 {d.report_year}"


def _sections(d: Digest, style: _Style, workspace_url: str | None) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    if d.empty:
        sections.append(("", ["本周没有审阅报告。"]))
    else:
        sections.append(("审阅概况", _overview(d)))
    if d.still_wrong:
        lines = [_wrong_line(u, d.channel, style, workspace_url) for u in d.still_wrong[:SHOWN_UNITS]]
        sections.append(
            (f"仍有错误的单位（{len(d.still_wrong)}）", _more(lines, len(d.still_wrong), "个单位"))
        )
    if d.rules:
        lines = [_rule_line(r.rule, r.severity, r.units, r.findings, style) for r in d.rules[:SHOWN_RULES]]
        sections.append(("最常见的问题（按单位计）", _more(lines, len(d.rules), "条规则")))
    if d.expected is not None:
        sections.append(
            (
                f"未提交 {d.report_year} 年度报告的单位（{sum(len(m.units) for m in d.missing)}/"
                f"{d.expected}，剩余天数截至{_md(d.last_day)}）",
                _missing(d, style),
            )
        )
    return sections


def _overview(d: Digest) -> list[str]:
    verdicts = " · ".join(f"{VERDICT_EMOJI[v]} {VERDICT_ZH[v]} {n}" for v, n in d.verdicts.items())
    lines = [f"审阅 {d.reviewed} 份（首次 {d.new}，复审 {d.re_reviews}）：{verdicts}"]
    if d.failed:
        lines.append(f"🚫 无法审阅 {d.failed} 份")
    if d.re_reviews:
        lines.append(f"复审中已修正的问题：{d.fixed} 条")
    if d.llm_calls:
        failed = f"，失败 {d.llm_failed} 次" if d.llm_failed else ""
        cached = f"（缓存命中 {d.tokens_cached:,}）" if d.tokens_cached else ""
        cost = "".join(f"，约 {v:.2f} {currency}" for currency, v in d.cost.items())
        lines.append(
            f"大模型：调用 {d.llm_calls} 次{failed}，输入 {d.tokens_in:,}{cached} / 输出 {d.tokens_out:,} tokens{cost}"
        )
    return lines


def _wrong_line(u: StillWrong, channel: str, style: _Style, workspace_url: str | None) -> str:
    ts = u.reply_ts or u.thread_ts
    url = permalink(workspace_url, channel, ts, u.thread_ts) if workspace_url and ts else None
    name = style.link(style.text(u.issuer + (f" {u.year}年度" if u.year else "")), url)
    warnings = f" · 警告 {u.n_warning}" if u.n_warning else ""
    return f"❌ {name} · 错误 {u.n_error}{warnings} · 审阅于 {_md(u.reviewed_at.date())}"


def _rule_line(rule_id: str, severity: str, units: int, findings: int, style: _Style) -> str:
    rule = REGISTRY.get(rule_id)
    about = f" {style.text(rule.summary)}" if rule else ""
    times = f"（{findings} 处）" if findings != units else ""
    return f"{SEVERITY_MARK.get(severity, '•')} {rule_id}{about} · {units} 个单位{times}"


def _missing(d: Digest, style: _Style) -> list[str]:
    if not d.missing:
        return [f"名单上的 {d.expected} 个单位都已提交。"]
    lines = []
    for m in d.missing:
        when = f"还剩 {m.days_left} 天" if m.days_left >= 0 else f"已逾期 {-m.days_left} 天"
        lines.append(f"{style.bold(f'{_md(m.deadline)}截止，{when}')}：{style.text('、'.join(m.units))}")
    return lines


def _more(lines: list[str], total: int, unit: str) -> list[str]:
    return lines + ([f"……另有 {total - len(lines)} {unit}"] if total > len(lines) else [])


def _fit(lines: list[str], budget: int) -> str:
    """Whole lines up to the budget (a cut link would break the mrkdwn), then a note of what is left."""
    kept: list[str] = []
    for line in lines:
        if sum(len(k) + 1 for k in kept) + len(line) > budget - 20:
            rest = len(lines) - len(kept)
            return "\n".join([*kept, f"……另有 {rest} 行未显示"]) if kept else clip(line, budget)
        kept.append(line)
    return "\n".join(kept)


def _md(day) -> str:
    return f"{day.month}月{day.day}日"


# -- chart ------------------------------------------------------------------------------------------


@functools.cache
def cjk_font() -> str | None:
    """A font with Chinese glyphs known to matplotlib, or None (the chart then has no Chinese text)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def chart_png(d: Digest) -> bytes | None:
    """Findings by rule this week (units per rule) and verdicts by week; None for an empty week."""
    if d.empty:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    font = cjk_font()
    with rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}):
        fig = Figure(figsize=(11, 4.5), dpi=100, layout="constrained")
        rules_ax, weeks_ax = fig.subplots(1, 2, width_ratios=(3, 2))
        rules = d.rules[:SHOWN_RULES][::-1]  # the most frequent on top
        rules_ax.barh([r.rule for r in rules], [r.units for r in rules], height=0.6, color="#5c6bc0")
        rules_ax.xaxis.get_major_locator().set_params(integer=True)
        bottoms = [0] * len(d.history)
        for verdict in ("pass", "warn", "fail"):
            counts = [w.verdicts.get(verdict, 0) for w in d.history]
            weeks_ax.bar(
                [w.week[-3:] for w in d.history],
                counts,
                bottom=bottoms,
                color=_VERDICT_COLOURS[verdict],
                label=VERDICT_ZH[verdict] if font else _VERDICT_SYMBOLS[verdict],
            )
            bottoms = [b + c for b, c in zip(bottoms, counts)]
        weeks_ax.yaxis.get_major_locator().set_params(integer=True)
        weeks_ax.legend(loc="upper left", frameon=False)
        if font:
            rules_ax.set_title(f"{d.week} 问题分布（单位数）")
            weeks_ax.set_title("各周审阅结论（份）")
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
