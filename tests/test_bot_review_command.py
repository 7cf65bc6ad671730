"""``/review``: acknowledged at once; help, rules and usage errors are private answers; ``last``
reviews the channel's latest report file in its thread."""

from __future__ import annotations

import time

import pytest
from bot_harness import running_bot, seed_docx, seed_txt
from sqlalchemy import text

from bot.commands import QUEUE_FAILED
from nianbao.rules import REGISTRY


@pytest.fixture
def harness(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch) as h:
        yield h


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
def test_help_is_the_usage(harness, text):
    status, body = harness.slack.send_command(harness.url, text)
    assert status == 200
    assert body.startswith("用法：") and "/review last" in body and "/review rules" in body
    assert harness.rows() == []


def test_ack_is_immediate(harness):
    harness.slack.send_command(harness.url, "help")  # warm-up
    start = time.perf_counter()
    status, _ = harness.slack.send_command(
        harness.url, "http://127.0.0.1:9/report.html"
    )  # refused later: loopback
    assert (
        status == 200 and time.perf_counter() - start < 2
    )  # Slack allows 3 s; bench/bench_bot.py measures ~ms


def test_the_ack_comes_after_the_request_is_recorded(harness):
    with harness.bot.store.engine.begin() as c:  # a broken database: inserting a review fails
        c.execute(text("ALTER TABLE reviews RENAME TO reviews_moved"))
    try:
        status, body = harness.slack.send_command(harness.url, "https://www.zibo.gov.cn/report.pdf")
    finally:
        with harness.bot.store.engine.begin() as c:
            c.execute(text("ALTER TABLE reviews_moved RENAME TO reviews"))
    assert (status, body) == (200, QUEUE_FAILED)  # not "收到": no review would ever come
    assert harness.rows() == [] and not harness.slack.calls_to("response_url")


def test_a_link_slack_sent_html_escaped_is_fetched_as_typed(harness):
    status, body = harness.slack.send_command(harness.url, "http://127.0.0.1:9/report?a=1&amp;b=2")
    assert status == 200 and body.startswith("收到")
    [row] = harness.wait_idle()
    assert row.source_url == "http://127.0.0.1:9/report?a=1&b=2"  # then refused: loopback


def test_rules_lists_every_rule(harness):
    status, body = harness.slack.send_command(harness.url, "rules")
    assert status == 200 and f"共 {len(REGISTRY)} 条" in body
    assert all(f"`{rule_id}`" in body for rule_id in REGISTRY)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("please review", "无法识别「please review」"),
        ("ftp://example.com/a.pdf", "只支持 http 和 https 链接"),
    ],
)
def test_unusable_arguments_get_the_reason_and_the_usage(harness, text, reason):
    status, body = harness.slack.send_command(harness.url, text)
    assert status == 200 and body.startswith(reason) and "用法：" in body
    assert harness.rows() == []


def test_last_reviews_the_most_recent_report_file_in_its_thread(harness):
    slack = harness.slack
    older = slack.share_file("2021.txt", seed_txt("000"))
    latest = slack.share_file("2022.docx", seed_docx())
    slack.share_file("photo.png", b"\x89PNG\r\n\x1a\n")  # newer, but not a report
    status, body = slack.send_command(harness.url, "last")
    assert status == 200 and "最近分享的报告文件" in body
    [row] = harness.wait_idle()
    assert (row.status, row.kind, row.file_id, row.thread_ts) == ("done", "last", latest.id, latest.ts)
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == latest.ts != older.ts
    assert [c.params["name"] for c in slack.calls_to("reactions.add")] == ["eyes", "x"]


def test_last_without_any_report_file_says_so_privately(harness):
    harness.slack.share_file("photo.png", b"\x89PNG\r\n\x1a\n")
    harness.slack.send_command(harness.url, "last")
    [row] = harness.wait_idle()
    assert row.status == "failed"
    [reply] = harness.slack.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral" and "没有报告文件" in reply.params["text"]
    assert not harness.slack.calls_to("chat.postMessage")


def test_last_in_a_channel_the_bot_is_not_in_asks_for_an_invite(harness):
    harness.slack.not_in_channel.add("C999")
    harness.slack.send_command(harness.url, "last", channel="C999")
    [row] = harness.wait_idle()
    assert row.status == "failed" and "/invite" in row.error
    assert "/invite" in harness.slack.wait_for("response_url")[0].params["text"]
