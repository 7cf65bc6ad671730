"""Slack messages for a review, as pure functions. Block Kit limits are enforced here: at most 50
blocks, 3000 characters per section, 150 per header; long texts are cut with "…"."""

from __future__ import annotations

from nianbao.models import SEVERITY_ORDER, Finding, Review
from nianbao.render import PART_TITLES, SEVERITY_ZH, VERDICT_ZH, headline, source_mark

from .compare import Comparison

MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
SHOWN_FINDINGS = 10  # the rest are in the uploaded Markdown file
SHOWN_CHANGES = 5
MESSAGE_CHARS, EVIDENCE_CHARS = 500, 200

VERDICT_EMOJI = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
VERDICT_REACTION = {"pass": "white_check_mark", "warn": "warning", "fail": "x"}
WORKING_REACTION = "eyes"
FAILED_REACTION = "no_entry_sign"
SEVERITY_MARK = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def escape(text: str) -> str:
    """Slack treats &, < and > as control characters in every text it formats, a message's fallback
    ``text`` (the notification) included: unescaped, ``<!channel>`` from a report would ping everyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, SECTION_CHARS)}}


def context(mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, SECTION_CHARS)}]}


def _message(f: Finding) -> str:
    """The message, led by 「大模型判断」/「启发式判断」 when code did not compute it."""
    mark = source_mark(f)
    return (f"*{mark}*" if mark else "") + escape(clip(f.message, MESSAGE_CHARS))


def _finding_line(f: Finding) -> str:
    return f"{SEVERITY_MARK[f.severity]} {_message(f)}"


def _finding_section(f: Finding) -> dict:
    text = (
        f"{SEVERITY_MARK[f.severity]} *{SEVERITY_ZH[f.severity]}* · {PART_TITLES[f.part]} · `{f.rule}`\n"
        f"{_message(f)}"
    )
    if f.evidence:
        text += f"\n> {escape(clip(f.evidence.replace(chr(10), ' '), EVIDENCE_CHARS))}"
    return section(text)


def _changes(c: Comparison) -> dict:
    when = c.previous_at.strftime("%Y-%m-%d %H:%M")
    head = (
        f"*与上次审阅（{when}）相比*：已修正 {len(c.fixed)} · 新增 {len(c.new)} · 仍存在 {len(c.still_open)}"
    )
    if c.same_content:
        head += "\n文件内容与上次审阅的完全相同。"
    lines = [head]
    lines += [f"已修正 ~{_finding_line(f)}~" for f in c.fixed[:SHOWN_CHANGES]]
    lines += [f"新增 {_finding_line(f)}" for f in c.new[:SHOWN_CHANGES]]
    more = max(0, len(c.fixed) - SHOWN_CHANGES) + max(0, len(c.new) - SHOWN_CHANGES)
    if more:
        lines.append(f"……另有 {more} 项变化，见附件")
    return section("\n".join(lines))


def most_important(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.sort_key()))[:SHOWN_FINDINGS]


def review_message(
    review: Review, comparison: Comparison | None = None, intro: str | None = None, note: str | None = None
) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for the summary message: verdict, counts, issuer and year, changes since
    the previous review first, the narrative summary, then the findings that matter most."""
    emoji, verdict = VERDICT_EMOJI[review.verdict], VERDICT_ZH[review.verdict]
    blocks: list[dict] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(f"{emoji} 审阅结果：{verdict}", HEADER_CHARS)},
        }
    ]
    if intro:
        blocks.append(section(intro))
    blocks.append(section(f"*{escape(headline(review))}*"))
    if comparison:
        blocks.append(_changes(comparison))
    if review.narrative.summary:
        blocks.append(section(f"*摘要*\n{escape(review.narrative.summary)}"))
    shown = most_important(review.findings)
    if shown:
        blocks.append({"type": "divider"})
        blocks += [_finding_section(f) for f in shown]
    rest = len(review.findings) - len(shown)
    tail = f"另有 {rest} 条问题未列出；" if rest > 0 else ""
    tail += "完整审阅见本线程中的 Markdown 文件。" + (f"\n{note}" if note else "")
    blocks = blocks[: MAX_BLOCKS - 1] + [context(tail)]
    return f"{emoji} {escape(headline(review))}", blocks


def failure_text(name: str, reason: str) -> str:
    return f"🚫 无法审阅「{escape(name)}」：{escape(reason)}"
