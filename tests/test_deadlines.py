"""Wall-clock deadlines a peer cannot stretch: an LLM endpoint that sends its headers and then a
byte a second (DeepSeek's keep-alive newlines while overloaded), and a download whose server sends
its headers, or a chunked body, a byte a second. Socket timeouts count per read, so each of these
used to hold a request for as long as the peer liked. Everything runs on 127.0.0.1; every test is
bounded by pytest-timeout well below what the peer would take."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bot_harness import running_bot
from conftest import seed
from fake_openai import FakeOpenAI, Reply
from typer.testing import CliRunner

from bot.fetch import FetchError, Limits, fetch_url
from nianbao.cli import app
from nianbao.models import LLMCall
from nianbao.narrative.llm import LLMFailure, StructuredLLM
from nianbao.narrative.schema import NarrativeOut
from nianbao.narrative.settings import LLMSettings

# a newline a second, then the answer: DeepSeek goes on for up to ten minutes; 30 s is far past every
# limit here and keeps a regression from hanging the suite (langchain waits for its request thread)
TRICKLE = Reply(trickle=1.0, delay=30)
MESSAGES = [("system", "审阅"), ("human", "1: 正文")]
SLACK = 0.5  # seconds a deadline may be overshot on a loaded machine


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


def ask_once(settings: LLMSettings) -> tuple[LLMCall, float]:
    """One request (no retry) with a generous review deadline: the call record and the seconds it took."""
    llm = StructuredLLM(settings, NarrativeOut)
    call = LLMCall(model=settings.model, prompt="p", attempts=0)
    start = time.monotonic()
    with pytest.raises(LLMFailure):
        llm.ask(MESSAGES, str, call, deadline=start + 60)
    return call, time.monotonic() - start


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.timeout(20)
def test_a_trickling_answer_ends_at_the_request_timeout_and_its_connection_is_closed(fake):
    fake.push(TRICKLE)
    call, took = ask_once(
        LLMSettings(model="fake-model", base_url=fake.base_url, api_key="test", timeout=2, max_attempts=1)
    )
    assert 2 <= took < 2 + SLACK
    assert (call.ok, call.attempts, call.error) == (
        False,
        1,
        f"请求超时（2 秒内未完成；{fake.base_url}，模型 fake-model）",
    )
    # nothing reads on: the server's next writes fail because the client closed the connection
    assert wait_for(lambda: fake.abandoned == fake.requests, 3)


@pytest.mark.timeout(20)
def test_the_deadline_holds_through_a_proxy_from_the_environment(fake, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", fake.base_url.removesuffix("/v1"))  # the fake plays the proxy
    fake.push(TRICKLE)
    call, took = ask_once(
        LLMSettings(
            model="fake-model", base_url="http://llm.invalid/v1", api_key="test", timeout=1, max_attempts=1
        )
    )
    assert fake.requests[0].path == "http://llm.invalid/v1/chat/completions"  # sent through the proxy
    assert (
        1 <= took < 1 + SLACK
        and call.error == "请求超时（1 秒内未完成；http://llm.invalid/v1，模型 fake-model）"
    )


@pytest.mark.timeout(30)
def test_a_trickling_endpoint_costs_a_review_its_budget_then_the_heuristic_takes_over(fake):
    """The observed case (NIANBAO_LLM_TIMEOUT=5 NIANBAO_LLM_BUDGET=20 took 5 min 12 s), scaled down."""
    fake.default = TRICKLE
    env = {
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "test",
        "NIANBAO_MODEL": "fake-model",
        "NIANBAO_LLM_TIMEOUT": "2",
        "NIANBAO_LLM_BUDGET": "5",
        "NIANBAO_LLM_BACKOFF": "0.01",
    }
    start = time.monotonic()
    result = CliRunner().invoke(app, ["review", str(seed("000")), "--format", "json"], env=env)
    took = time.monotonic() - start
    out = json.loads(result.stdout)
    gaps = [b.at - a.at for a, b in zip(fake.requests, fake.requests[1:])]
    # two requests end at their timeout (seen from the server, give or take the client's set-up)…
    assert len(gaps) == 2 and all(1.9 <= gap < 2 + SLACK for gap in gaps)
    assert 5 <= took < 5 + 1  # …the third at the budget
    narrative = out["narrative"]
    assert narrative["method"] == "heuristic" and [c["attempts"] for c in narrative["calls"]] == [3]
    assert narrative["note"].startswith("大模型审阅不可用：超过叙述审阅总时限（5 秒），3 次尝试")
    assert any(f["rule"] == "narrative-review-unavailable" for f in out["findings"])
    assert result.exit_code == CliRunner().invoke(app, ["review", str(seed("000")), "--no-llm"]).exit_code


@contextmanager
def dripping_site(at_once: bytes, drip: bytes) -> Iterator[str]:
    """A server on 127.0.0.1 that answers any request with ``at_once``, then ``drip`` a byte a second."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(at_once)
                for byte in drip:
                    if stop.wait(1.0):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:  # the client hung up, as it should
                pass

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed at the end of the test
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/2024年报.pdf"
    finally:
        stop.set()
        listener.close()


SLOW_HEADERS = (b"", b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 600)
SLOW_CHUNKS = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"1" * 600,
)  # a chunk size without end


@pytest.mark.timeout(15)
@pytest.mark.parametrize("at_once, drip", [SLOW_HEADERS, SLOW_CHUNKS], ids=["headers", "chunked-body"])
def test_a_download_dripping_a_byte_a_second_ends_at_its_deadline(at_once, drip):
    with dripping_site(at_once, drip) as url:
        start = time.monotonic()
        with pytest.raises(FetchError, match=r"^下载超时（2 秒内未完成）$"):
            fetch_url(url, Limits(max_bytes=1 << 20, timeout=2), allow=("127.0.0.1",))
        assert 2 <= time.monotonic() - start < 2 + SLACK


@pytest.mark.timeout(30)
def test_review_url_of_a_dripping_server_frees_the_worker_and_tells_the_user(tmp_path, monkeypatch):
    # the site inside the bot: on a failure the site stops first, so the bot's worker can stop too
    with (
        running_bot(tmp_path, monkeypatch, allow_hosts=("127.0.0.1",), fetch_timeout=2) as h,
        dripping_site(*SLOW_HEADERS) as url,
    ):
        start = time.monotonic()
        h.slack.send_command(h.url, url)
        [row] = h.wait_idle(timeout=10)
        assert time.monotonic() - start < 2 + 1
        assert row.status == "failed" and "下载超时（2 秒内未完成）" in row.error
        [reply] = h.slack.wait_for("response_url")
        assert "下载超时（2 秒内未完成）" in reply.params["text"]
