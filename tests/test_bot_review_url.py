"""``/review <url>``: fetch the page or file and review it in the channel; internal addresses only when
the operator allow-listed them."""

from __future__ import annotations

import json

import pytest
from bot_harness import GENERATED, running_bot, seed_docx, web_server

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def site():
    routes = {
        "/files/2022年报.docx": (200, {"Content-Type": DOCX}, seed_docx()),
        "/page.html": (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            (GENERATED / "001.html").read_bytes(),
        ),
        "/go": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    }
    with web_server(routes) as base:
        yield base


def test_allow_listed_url_is_reviewed_in_the_channel(tmp_path, monkeypatch, site):
    with running_bot(tmp_path, monkeypatch, allow_hosts=("127.0.0.1",)) as h:
        url = f"{site}/files/2022年报.docx"
        status, ack = h.slack.send_command(h.url, f"<{url}>", user="U222")
        assert status == 200 and url in ack
        [row] = h.wait_idle()
        assert (row.status, row.kind, row.source_url, row.verdict, row.user_id) == (
            "done",
            "url",
            url,
            "fail",
            "U222",
        )
        [post] = h.slack.calls_to("chat.postMessage")
        assert "thread_ts" not in post.params  # a new message in the channel, not a thread reply
        assert "<@U222> 请求审阅" in json.dumps(post.params["blocks"], ensure_ascii=False)
        [complete] = h.slack.calls_to("files.completeUploadExternal")
        assert complete.params["thread_ts"] == post.result["ts"]  # the full review goes in its thread
        assert h.slack.calls_to("files.getUploadURLExternal")[0].params["filename"] == "2022年报-审阅.md"
        assert not h.slack.calls_to("reactions.add")


def test_html_page_is_reviewed(tmp_path, monkeypatch, site):
    with running_bot(tmp_path, monkeypatch, allow_hosts=("127.0.0.0/8",)) as h:
        h.slack.send_command(h.url, f"{site}/page.html")
        [row] = h.wait_idle()
        assert (row.status, row.format, row.issuer) == ("done", "html", "临淄区金岭回族镇")


def test_same_url_is_refused_without_the_allow_list(tmp_path, monkeypatch, site):
    with running_bot(tmp_path, monkeypatch) as h:
        assert h.slack.send_command(h.url, f"{site}/files/2022年报.docx")[0] == 200
        [row] = h.wait_idle()
        assert row.status == "failed" and "拒绝访问内网或保留地址 127.0.0.1" in row.error
        [reply] = h.slack.wait_for("response_url")
        assert reply.params["response_type"] == "ephemeral" and "--allow-host" in reply.params["text"]
        assert not h.slack.calls_to("chat.postMessage")


def test_redirect_to_an_internal_address_is_refused(tmp_path, monkeypatch, site):
    with running_bot(tmp_path, monkeypatch, allow_hosts=("127.0.0.1",)) as h:
        h.slack.send_command(h.url, f"{site}/go")
        [row] = h.wait_idle()
        assert row.status == "failed" and "169.254.169.254" in row.error


def test_bot_not_in_the_channel_asks_for_an_invite(tmp_path, monkeypatch, site):
    with running_bot(tmp_path, monkeypatch, allow_hosts=("127.0.0.1",)) as h:
        h.slack.not_in_channel.add("C777")
        h.slack.send_command(h.url, f"{site}/files/2022年报.docx", channel="C777")
        [row] = h.wait_idle()
        assert row.status == "failed" and row.review_json is not None  # reviewed and kept, just not posted
        assert "/invite" in h.slack.wait_for("response_url")[0].params["text"]
