"""The summary message (pure): Block Kit limits, the most important findings first, re-review changes."""

from __future__ import annotations

from datetime import datetime

from bot.blocks import HEADER_CHARS, MAX_BLOCKS, SECTION_CHARS, escape, review_message
from bot.compare import compare
from nianbao.models import Finding, Location, Narrative, ReportInfo, Review, Source, verdict_of


def finding(
    rule="t3-balance-mismatch", severity="error", part="三", message="总计不符", evidence="", cell=None
):
    return Finding(
        rule=rule,
        severity=severity,
        part=part,
        message=message,
        evidence=evidence,
        location=Location(cell=cell),
    )


def review_of(findings, summary="", issuer="某某镇人民政府"):
    verdict, counts = verdict_of(findings)
    return Review(
        source=Source(path="a.docx", sha256="0" * 64, format="docx"),
        report=ReportInfo(issuer=issuer, year=2024),
        tables={},
        findings=findings,
        narrative=Narrative(summary=summary),
        verdict=verdict,
        counts=counts,
    )


def texts(blocks):
    for b in blocks:
        if "text" in b:
            yield b["text"]["text"]
        for e in b.get("elements", []):
            yield e["text"]


def test_limits_hold_for_huge_reviews():
    many = [
        finding(message="很长的问题描述" * 400, evidence="原文" * 2000, severity=s)
        for s in ("info", "warning", "error")
        for _ in range(100)
    ]
    text, blocks = review_message(
        review_of(many, summary="摘要" * 5000, issuer="机关" * 200),
        compare(many[:50], many, datetime(2026, 1, 1)),
        intro="<@U1> 请求审阅",
    )
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(t) <= SECTION_CHARS for t in texts(blocks))
    assert len(blocks[0]["text"]["text"]) <= HEADER_CHARS
    assert blocks[-1]["type"] == "context" and "另有 290 条问题未列出" in blocks[-1]["elements"][0]["text"]
    assert text.startswith("❌ ")


def test_errors_come_first_with_part_message_and_evidence():
    findings = [
        finding("typo", "info", "一", "错别字"),
        finding("part-order", "warning", "二", "顺序错误"),
        finding("t3-balance-mismatch", "error", "三", "本年新收 27 ≠ 26", "27 & <26>"),
    ]
    _, blocks = review_message(review_of(findings))
    shown = [t for t in texts(blocks) if t.startswith(("🔴", "🟠", "🔵"))]
    assert [t.split("`")[1] for t in shown] == ["t3-balance-mismatch", "part-order", "typo"]
    assert (
        shown[0]
        == "🔴 *错误* · 三、收到和处理政府信息公开申请情况 · `t3-balance-mismatch`\n本年新收 27 ≠ 26\n> 27 &amp; &lt;26&gt;"
    )


def test_a_clean_review_passes_with_the_narrative_summary():
    text, blocks = review_message(review_of([], summary="叙述完整。"))
    assert text == "✅ 某某镇人民政府 2024年度 · 通过 · 错误 0 · 警告 0 · 提示 0"
    assert "*摘要*\n叙述完整。" in list(texts(blocks))
    assert not any(b["type"] == "divider" for b in blocks)


def test_changes_are_shown_before_the_summary_and_findings():
    old = [finding(cell="t3.new_received.total", message="27 ≠ 26"), finding("typo", "info", "一", "错字甲")]
    new = [
        finding(cell="t3.new_received.total", message="28 ≠ 26"),
        finding("part-order", "warning", "二", "顺序"),
    ]
    c = compare(old, new, datetime(2026, 11, 20, 9, 30))
    assert ([f.rule for f in c.fixed], [f.rule for f in c.new], [f.rule for f in c.still_open]) == (
        ["typo"],
        ["part-order"],
        ["t3-balance-mismatch"],
    )  # a cell is the same problem though its numbers changed
    _, blocks = review_message(review_of(new, summary="摘要"), c)
    changes = blocks[2]["text"]["text"]
    assert changes.startswith("*与上次审阅（2026-11-20 09:30）相比*：已修正 1 · 新增 1 · 仍存在 1")
    assert "已修正 ~🔵 错字甲~" in changes and "新增 🟠 顺序" in changes


def test_repeated_findings_are_matched_one_to_one():
    a = finding("personal-info-exposed", evidence="138****0000")
    c = compare([a, a], [a], datetime(2026, 1, 1))
    assert (len(c.fixed), len(c.new), len(c.still_open)) == (1, 0, 1)


def test_escape():
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_judgements_of_the_llm_and_the_heuristic_are_marked():
    findings = [
        finding("narrative-table-mismatch", "warning", "一", "叙述与表三不符"),
        finding("section5-weak", "info", "五", "第五部分空泛"),
        finding(),
    ]
    findings[0].source, findings[1].source = "llm", "heuristic"
    _, blocks = review_message(review_of(findings))
    shown = {t.split("`")[1]: t for t in texts(blocks) if t.startswith(("🔴", "🟠", "🔵"))}
    assert shown["narrative-table-mismatch"].endswith("\n*「大模型判断」*叙述与表三不符")
    assert shown["section5-weak"].endswith("\n*「启发式判断」*第五部分空泛")
    assert "判断" not in shown["t3-balance-mismatch"]
