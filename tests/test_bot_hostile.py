"""Hostile files and hostile peers (issue 10): the HTTP server's limits, requests that are not what Slack
sends, reports whose text would break the store or ping a channel, secrets echoed back by an LLM, and
a bounded soak of the server as its own process (bench/bench_http_soak.py is the same, larger).
docs/limits-bot.md says what a user or operator sees in each case."""

from __future__ import annotations

import io
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs

import pytest
from bot_harness import (
    clear_slack_env,
    idle_connections,
    is_closed,
    listening_address,
    running_bot,
    seed_docx,
    seed_txt,
    send_unsigned_body,
    serve_process,
    serving,
    settings_for,
    signed_events,
    soak_events,
)
from fake_openai import FakeOpenAI, Reply
from fake_slack import FakeSlack

from bot.app import CONFIGURED, EVENTS_PATH, HttpLimits
from bot.config import Settings, SettingsError
from bot.logs import RedactingFormatter, redact

SLACK_TIMEOUT = 3.0  # seconds Slack waits for an answer before it retries


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``nianbao serve --http`` as its own process, with its default limits and host."""
    with FakeSlack() as slack, serve_process(slack, tmp_path_factory.mktemp("serve")) as process:
        yield slack, process


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def share(h, name: str, data: bytes):
    f = h.slack.share_file(name, data)
    assert h.slack.send_event(h.url, h.slack.file_share_event(f))[0] == 200
    [row] = h.wait_idle(timeout=30)
    return row


# -- HTTP mode --------------------------------------------------------------------------------------


def test_unsigned_large_bodies_are_refused_before_they_are_read(served):
    """Was: the body was read into memory before the signature was checked (1 GiB sent → 1.18 GB RSS)."""
    _, process = served
    before = process.rss_mb()
    assert send_unsigned_body(process.port, 1 << 30, 64 << 20)[0].startswith("HTTP/1.1 413")
    status, _ = send_unsigned_body(process.port, None, 64 << 20)  # chunked: no length to check up front
    assert status.startswith("HTTP/1.1 413")
    assert process.rss_mb() - before < 5


def test_a_thousand_idle_connections_do_not_lock_slack_out(tmp_path, monkeypatch):
    """Was: no read timeout and a thread per connection, so signed requests waited until the client closed."""
    with running_bot(tmp_path, monkeypatch) as h:
        idle = idle_connections(port_of(h.url), 1020)
        try:
            start = time.monotonic()
            status, body = h.slack.send_command(h.url, "help")
            assert status == 200 and "用法" in body and time.monotonic() - start < SLACK_TIMEOUT
            assert sum(is_closed(c) for c in idle) >= 20  # the idlest made room (limit 1000)
        finally:
            for c in idle:
                c.close()


def test_slow_and_silent_connections_are_closed(tmp_path, monkeypatch):
    limits = HttpLimits(request_timeout=1, idle_timeout=1)
    with running_bot(tmp_path, monkeypatch, limits=limits) as h:
        port = port_of(h.url)
        [silent] = idle_connections(port, 1)
        with socket.create_connection(("127.0.0.1", port)) as trickling:
            trickling.sendall(f"POST {EVENTS_PATH} HTTP/1.1\r\n".encode())
            end = time.monotonic() + 5
            while not is_closed(trickling, 0.3) and time.monotonic() < end:
                trickling.sendall(b"X-Slow: 1\r\n")  # a header line every 0.3 s: never idle, never done
            assert time.monotonic() < end
        assert is_closed(silent, 3)
        assert h.slack.send_command(h.url, "help")[0] == 200  # and the server still answers


BAD_REQUESTS = {  # name: (content type, body, headers ({now}: the time sent); None: correctly signed, status)
    "signed body that is not JSON": ("application/json", "not json{", None, 400),
    "signed JSON that is not an object": ("application/json", "[1, 2]", None, 400),
    "signed body that is not UTF-8": ("application/json", b'{"a": "\xff"}', None, 400),
    "signed form whose payload is not JSON": (
        "application/x-www-form-urlencoded",
        "payload=%7Bnope",
        None,
        400,
    ),
    "timestamp that is not a number": (
        "application/json",
        "{}",
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        401,
    ),
    "timestamp of 5000 digits": (
        "application/json",
        "{}",
        {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=00"},
        401,
    ),
    "signature that is not ASCII": (
        "application/json",
        "{}",
        {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "v0=é"},
        401,
    ),
    "signed, wrong content type": ("text/plain", "text=help", None, 415),
    "no signature": ("application/json", "{}", {}, 401),
}


@pytest.mark.parametrize("case", BAD_REQUESTS)
def test_malformed_requests_get_a_4xx_and_no_traceback(tmp_path, monkeypatch, caplog, case):
    """Was: a signed non-JSON body or a non-numeric timestamp got 500 with a traceback in the log."""
    content_type, body, headers, expected = BAD_REQUESTS[case]
    if headers is not None:
        headers = {name: value.format(now=int(time.time())) for name, value in headers.items()}
    caplog.set_level(logging.DEBUG)
    with running_bot(tmp_path, monkeypatch) as h:
        status, _ = h.slack.send(h.url, body, content_type, headers, signed=headers is None)
        rows = h.rows()
    assert status == expected and rows == []
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"http: refused 1 request(s): {expected}" in caplog.text


def test_a_get_or_another_path_is_refused(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch) as h:
        assert h.slack.send(h.url.replace(EVENTS_PATH, "/other"), "{}", "application/json")[0] == 404
        with pytest.raises(urllib.error.HTTPError) as got:
            urllib.request.urlopen(h.url, timeout=10)
        assert got.value.code == 405


def test_refused_requests_never_log_a_body_or_response_url(tmp_path, monkeypatch, caplog):
    """bolt logged a bad signature's whole body, response_url included, at INFO."""
    caplog.set_level(logging.INFO)
    with running_bot(tmp_path, monkeypatch) as h:
        body = h.slack.command_body("last")
        replayed = h.slack.sign(body, timestamp=int(time.time()) - 600)
        assert (
            h.slack.send(h.url, body, "application/x-www-form-urlencoded", replayed, signed=False)[0] == 401
        )
        assert h.slack.send(h.url, body, "application/x-www-form-urlencoded", signed=False)[0] == 401
    [response_url] = parse_qs(body)["response_url"]
    assert response_url not in caplog.text and "trigger." not in caplog.text
    assert caplog.text.count("http: refused") == 1  # counted, at most a line a minute


def test_http_mode_listens_on_localhost_unless_told(served, tmp_path):
    """Was: ``serve --http`` always bound 0.0.0.0."""
    _, process = served
    assert listening_address(process.port) == "127.0.0.1"
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32}
    assert Settings.from_env(env, http=True).host == "127.0.0.1"
    assert Settings.from_env({**env, "NIANBAO_HOST": "0.0.0.0"}, http=True).host == "0.0.0.0"
    assert Settings.from_env({**env, "NIANBAO_HOST": "0.0.0.0"}, http=True, host="::1").host == "::1"
    with pytest.raises(SettingsError, match="--host"):
        Settings.from_env(env, http=True, host="example.org")
    with FakeSlack() as slack, serve_process(slack, tmp_path, env={"NIANBAO_HOST": "0.0.0.0"}) as everywhere:
        assert listening_address(everywhere.port) == "0.0.0.0"
    with FakeSlack() as slack, serve_process(slack, tmp_path, "--host", "0.0.0.0") as told:
        assert listening_address(told.port) == "0.0.0.0"


# -- the store, Slack texts, secrets ----------------------------------------------------------------


def test_a_nul_byte_in_a_report_saves_on_every_store(tmp_path, monkeypatch, db_url):
    """Was: a NUL after the first 4 KB (past the binary sniff) made save_review raise DataError on
    PostgreSQL; the user was told to retry, and a retry could never work. A file name longer than its
    column did the same."""
    data = seed_txt()
    at = data.index("未收取关于依申请公开费用。".encode()) + 6  # inside a finding's quoted evidence
    assert at > 4096
    name = "\x00" + "年报" * 200 + ".txt"
    with running_bot(tmp_path, monkeypatch, database_url=db_url) as h:
        row = share(h, name, data[:at] + b"\x00" + data[at:])
        [post] = h.slack.calls_to("chat.postMessage")
    assert (row.status, row.error) == ("done", None)
    [fee] = [f for f in row.review_json["findings"] if f["rule"] == "fee-statement-vague"]
    assert "\x00" not in fee["evidence"] and "\\u0000" not in json.dumps(post.params)
    assert len(row.file_name) == 300 and row.file_name.startswith("\ufffd年报")


def hostile_signature_report() -> bytes:
    """The seed, signed by 「<!channel><@U999>人民政府」 under a title naming no issuer: the issuer shown."""
    report = (
        seed_txt()
        .decode()
        .replace("临淄区金岭回族镇2022年政府信息公开\n\n工作年度报告", "2022年政府信息公开工作年度报告", 1)
    )
    at = report.rindex("金岭回族镇人民政府")
    return (report[:at] + "<!channel> <@U999>人民政府" + report[at + len("金岭回族镇人民政府") :]).encode()


def test_mentions_in_a_report_never_reach_slack_unescaped(tmp_path, monkeypatch):
    """Was: the blocks were escaped but the notification ``text`` of chat.postMessage was not."""
    with running_bot(tmp_path, monkeypatch) as h:
        row = share(h, "report.txt", hostile_signature_report())
        [post] = h.slack.calls_to("chat.postMessage")
        [upload] = h.slack.calls_to("files.completeUploadExternal")
    assert row.issuer == "<!channel><@U999>人民政府"
    sent = json.dumps([post.params, upload.params], ensure_ascii=False)
    assert "<!channel>" not in sent and "<@U999>" not in sent
    assert "&lt;!channel&gt;&lt;@U999&gt;人民政府" in post.params["text"]


def test_secrets_echoed_by_the_llm_are_masked_in_messages_uploads_logs_and_the_store(tmp_path, monkeypatch):
    """Was: an LLM 400 error echoing the API key put it in the Slack message, the Markdown and the store."""
    key = "live-key-0123456789abcdef"  # no known shape: masked because it is configured
    with FakeSlack(app_token="xapp-1-A111-0123456789-abcdef") as slack:
        secrets = [key, slack.bot_token, slack.app_token, slack.signing_secret]
        echo = Reply(400, "Incorrect API key provided: " + " / ".join(secrets))
        log = io.StringIO()
        handler = logging.StreamHandler(log)
        with FakeOpenAI(default=echo) as llm:
            monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
            monkeypatch.setenv("OPENAI_API_KEY", key)
            monkeypatch.setenv("NIANBAO_MODEL", "fake-model")  # a custom endpoint names its model
            monkeypatch.setenv("NIANBAO_LLM_BACKOFF", "0.01")
            clear_slack_env(monkeypatch)
            settings = settings_for(
                slack, tmp_path / "bot.sqlite", openai_api_key=key, app_token=slack.app_token
            )
            handler.setFormatter(RedactingFormatter("%(message)s", settings.secrets))  # as setup_logging does
            logging.getLogger().addHandler(handler)
            try:
                with serving(slack, settings, narrative=CONFIGURED) as h:
                    row = share(h, "report.docx", seed_docx())
            finally:
                logging.getLogger().removeHandler(handler)
        assert llm.requests and row.status == "done"
        sent = json.dumps([c.params for c in slack.calls if c.method != "auth.test"], ensure_ascii=False)
        sent += b"".join(c.body for c in slack.calls_to("upload")).decode()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("bot.sqlite*"))
    assert "[redacted]" in sent and "[redacted]" in json.dumps(row.review_json, ensure_ascii=False)
    for secret in secrets:
        assert secret not in sent and secret.encode() not in stored and secret not in log.getvalue()


def test_every_configured_secret_is_masked_and_short_ones_leave_words_alone():
    settings = Settings(
        bot_token="xoxb-1-2-3",
        app_token="xapp-1-2",
        signing_secret="signing-secret-1",
        openai_api_key="deepseek-key-1",
        database_url="postgresql+psycopg://u:p%40ss-word-1@db/x",
    )
    assert set(settings.secrets) == {
        "xoxb-1-2-3",
        "xapp-1-2",
        "signing-secret-1",
        "deepseek-key-1",
        "p@ss-word-1",
        "p%40ss-word-1",
    }
    assert "deepseek-key-1" not in repr(settings)
    assert (
        redact("URL postgresql://u:p%40ss-word-1@db，密钥deepseek-key-1。", settings.secrets)
        == "URL postgresql://u:[redacted]@db，密钥[redacted]。"
    )
    assert redact("nianbao.review/1", ["nianbao"]) == "nianbao.review/1"  # .ci/run's database password


# -- soak ---------------------------------------------------------------------------------------------


def test_http_soak_keeps_memory_flat(served):
    """Unsigned large bodies, many idle connections and 300 signed events in 10 s against the real
    ``nianbao serve --http``: every event answered in time, resident memory roughly flat."""
    slack, process = served
    signed_events(slack, process.url, soak_events(slack, 30), per_second=100)  # warm up
    before = process.rss_mb()
    for declared in (1 << 30, None) * 5:
        assert send_unsigned_body(process.port, declared, 4 << 20)[0].startswith("HTTP/1.1 413")
    idle = idle_connections(process.port, 300)
    try:
        start = time.monotonic()
        answers = signed_events(slack, process.url, soak_events(slack, 300), per_second=30)
        took = time.monotonic() - start
    finally:
        for c in idle:
            c.close()
    assert {status for status, _ in answers} == {200} and took < 12
    assert max(seconds for _, seconds in answers) < SLACK_TIMEOUT
    assert process.rss_mb() - before < 20
    log = process.log.read_text(errors="replace")
    assert "Traceback" not in log and " ERROR " not in log
