"""A report file shared in a channel is reviewed automatically, answered once, in its thread."""

from __future__ import annotations

import json
import logging

import pytest
from bot_harness import running_bot, seed_docx, seed_txt
from fake_slack import BOT_USER

from bot.blocks import MAX_BLOCKS


@pytest.fixture
def harness(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch) as h:
        yield h


def test_share_is_downloaded_with_the_token_reviewed_and_answered_in_the_thread(harness):
    slack = harness.slack
    f = slack.share_file("金岭回族镇2022年报.docx", seed_docx())
    assert slack.send_event(harness.url, slack.file_share_event(f)) == (200, "")
    [row] = harness.wait_idle()

    assert slack.methods() == [
        "auth.test",
        "files.info",
        "reactions.add",
        "download",
        "chat.postMessage",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
        "reactions.remove",
        "reactions.add",
    ]
    [download] = slack.calls_to("download")
    assert download.headers["authorization"] == f"Bearer {slack.bot_token}"
    added = [c.params["name"] for c in slack.calls_to("reactions.add")]
    assert added == ["eyes", "x"]  # working, then the verdict (fail)
    assert slack.calls_to("reactions.remove")[0].params["name"] == "eyes"
    assert all(c.params["timestamp"] == f.ts for c in slack.calls_to("reactions.add"))

    [post] = slack.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == f.ts and post.params["channel"] == f.channel
    assert post.params["text"].startswith("❌ 临淄区金岭回族镇 2022年度 · 不通过 · 错误 1")
    blocks = post.params["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    text = json.dumps(blocks, ensure_ascii=False)
    assert "personal-info-exposed" in text and "187****7806" in text  # part, message and evidence

    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.params["thread_ts"] == f.ts and complete.params["channel_id"] == f.channel
    [upload] = slack.calls_to("upload")
    assert upload.body.decode().startswith("# 审阅报告") and "personal-info-exposed" in upload.body.decode()
    assert slack.calls_to("files.getUploadURLExternal")[0].params["filename"] == "金岭回族镇2022年报-审阅.md"

    assert (row.status, row.verdict, row.issuer, row.year) == ("done", "fail", "临淄区金岭回族镇", 2022)
    assert (row.reply_ts, row.thread_ts, row.file_id) == (post.result["ts"], f.ts, f.id)
    assert row.n_error == 1 and row.review_json["schema"] == "nianbao.review/1"


def test_both_events_of_one_upload_and_a_slack_retry_get_one_reply(harness):
    slack = harness.slack
    f = slack.share_file("report.docx", seed_docx())
    message_event = slack.file_share_event(f)
    slack.send_event(harness.url, message_event, event_id="Ev1")
    slack.send_event(harness.url, slack.file_shared_event(f), event_id="Ev2")
    slack.send_event(harness.url, message_event, event_id="Ev1", retry_num=1)  # Slack redelivers
    slack.send_event(harness.url, message_event, event_id="Ev1")  # the same event delivered twice
    harness.wait_idle()
    assert len(harness.rows()) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("files.completeUploadExternal")) == 1
    assert len(slack.calls_to("download")) == 1


def test_file_shared_alone_finds_the_thread_in_the_files_shares(harness):
    slack = harness.slack
    f = slack.share_file("report.txt", seed_txt())
    slack.send_event(harness.url, slack.file_shared_event(f))
    [row] = harness.wait_idle()
    assert row.status == "done" and row.message_ts == f.ts
    assert slack.calls_to("chat.postMessage")[0].params["thread_ts"] == f.ts


def test_images_archives_and_the_bots_own_files_are_ignored(harness):
    slack = harness.slack
    image = slack.share_file("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    archive = slack.share_file("reports.zip", b"PK\x03\x04" + b"\0" * 100)
    own = slack.share_file("金岭-审阅.md", seed_txt(), user=BOT_USER)  # our review, or the digest's chart
    for f in (own, image, archive):
        slack.send_event(harness.url, slack.file_share_event(f))
        slack.send_event(harness.url, slack.file_shared_event(f))
    rows = harness.wait_idle(count=2)
    assert {r.status for r in rows} == {"ignored"}  # file_shared names no file: files.info decides
    # the bot's own uploads cost nothing: no row, no files.info (bolt drops events of the bot user)
    assert {r.file_id for r in rows} == {image.id, archive.id}
    assert {c.params["file"] for c in slack.calls_to("files.info")} == {image.id, archive.id}
    assert not {"chat.postMessage", "reactions.add", "download"} & set(slack.methods())


def test_an_html_login_page_instead_of_the_file_is_reported_not_reviewed(harness):
    slack = harness.slack
    slack.serve_login_page = True  # e.g. the app lacks files:read
    f = slack.share_file("report.docx", seed_docx())
    slack.send_event(harness.url, slack.file_share_event(f))
    [row] = harness.wait_idle()
    assert row.status == "failed" and "登录页" in row.error and row.review_json is None
    [post] = slack.calls_to("chat.postMessage")
    assert (
        post.params["thread_ts"] == f.ts
        and "登录页" in post.params["text"]
        and "files:read" in post.params["text"]
    )
    assert [c.params["name"] for c in slack.calls_to("reactions.add")] == ["eyes", "no_entry_sign"]


def test_a_60_mb_file_is_refused_without_downloading_it(harness):
    slack = harness.slack
    f = slack.share_file("huge.pdf", b"%PDF-1.7\n" + b"0" * (60 * 1024 * 1024))
    slack.send_event(harness.url, slack.file_share_event(f))
    [row] = harness.wait_idle()
    assert row.status == "failed" and "文件过大（60.0 MB，上限 50 MB）" in row.error
    assert not slack.calls_to("download")
    assert "文件过大" in slack.calls_to("chat.postMessage")[0].params["text"]


def test_an_unreadable_file_gets_its_reason_in_the_thread(harness):
    slack = harness.slack
    f = slack.share_file("notice.txt", "关于召开工作会议的通知\n请各单位按时参加。\n".encode())
    slack.send_event(harness.url, slack.file_share_event(f))
    [row] = harness.wait_idle()
    assert row.status == "failed"
    [post] = slack.calls_to("chat.postMessage")
    assert (
        post.params["text"].startswith("🚫 无法审阅「notice.txt」：")
        and "Traceback" not in post.params["text"]
    )


def test_fifty_shares_at_once_are_each_answered_exactly_once(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    with running_bot(tmp_path, monkeypatch, workers=4) as h:
        files = [h.slack.share_file(f"r{i}.txt", seed_txt()) for i in range(50)]
        events = [e for f in files for e in (h.slack.file_share_event(f), h.slack.file_shared_event(f))]
        with ThreadPoolExecutor(16) as pool:
            assert {s for s, _ in pool.map(lambda e: h.slack.send_event(h.url, e), events)} == {200}
        rows = h.wait_idle(count=50, timeout=60)
        threads = [c.params["thread_ts"] for c in h.slack.calls_to("chat.postMessage")]
        assert sorted(threads) == sorted(f.ts for f in files)
        assert [r.status for r in rows] == ["done"] * 50


def test_no_token_in_logs_or_store(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    with running_bot(tmp_path, monkeypatch) as h:
        f = h.slack.share_file("report.docx", seed_docx())
        h.slack.send_event(h.url, h.slack.file_share_event(f))
        h.wait_idle()
        secrets = (h.settings.bot_token, h.settings.signing_secret)
    assert h.slack.calls_to("download")
    for secret in secrets:
        assert secret not in caplog.text
        for path in tmp_path.glob("bot.sqlite*"):
            assert secret.encode() not in path.read_bytes()
