"""The narrative review in the bot: its summary is shown and its LLM calls are stored; when the LLM is
down, the deterministic findings are still posted."""

from __future__ import annotations

import json
import socket

from bot_harness import running_bot, seed_docx

from bot.app import CONFIGURED
from bot.store import LLMCallRow, LLMExchangeRow
from nianbao.models import LLMCall, Narrative

EXCHANGE = {
    "messages": [{"role": "system", "content": "审阅…"}, {"role": "user", "content": "6: 2024年，…"}],
    "answer": '{"summary": "第一部分覆盖全面；第五部分较空泛。"}',
    "model": "fake-model-0731",
    "tokens_in": 1200,
    "tokens_cached": 1000,
    "tokens_out": 300,
    "latency_ms": 850,
}


def narrative_ok(ex, config):
    call = LLMCall(
        model="fake-model",
        prompt="narrative_review@3f2a9c1e",
        tokens_in=1200,
        tokens_out=300,
        latency_ms=850,
        attempts=1,
        exchanges=[EXCHANGE],
    )
    return Narrative(
        method="llm",
        model="fake-model",
        prompt=call.prompt,
        summary="第一部分覆盖全面；第五部分较空泛。",
        calls=[call],
        tokens_in=1200,
        tokens_out=300,
        latency_ms=850,
    ), []


def narrative_down(ex, config):
    raise ConnectionError("connection refused")


def share_and_wait(h):
    f = h.slack.share_file("report.docx", seed_docx())
    h.slack.send_event(h.url, h.slack.file_share_event(f))
    [row] = h.wait_idle()
    [post] = h.slack.calls_to("chat.postMessage")
    return row, json.dumps(post.params["blocks"], ensure_ascii=False)


def test_narrative_summary_is_shown_and_llm_calls_are_stored(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch, narrative=narrative_ok) as h:
        row, blocks = share_and_wait(h)
        with h.bot.store.session() as s:
            [call] = s.query(LLMCallRow).all()
            [exchange] = s.query(LLMExchangeRow).all()
    assert "*摘要*\\n第一部分覆盖全面；第五部分较空泛。" in blocks
    # the audit log: what was sent and the raw answer, with the review
    assert (exchange.review_id, exchange.call_id, exchange.model, exchange.answer, exchange.messages) == (
        row.id,
        call.id,
        "fake-model-0731",
        EXCHANGE["answer"],
        EXCHANGE["messages"],
    )
    assert (exchange.tokens_in, exchange.tokens_cached, exchange.tokens_out, exchange.latency_ms) == (
        1200,
        1000,
        300,
        850,
    )
    assert (
        call.review_id,
        call.model,
        call.prompt,
        call.tokens_in,
        call.tokens_out,
        call.latency_ms,
        call.ok,
    ) == (row.id, "fake-model", "narrative_review@3f2a9c1e", 1200, 300, 850, True)


def test_an_llm_outage_still_posts_the_deterministic_findings(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch, narrative=narrative_down) as h:
        row, blocks = share_and_wait(h)
    assert (row.status, row.verdict, row.n_error) == ("done", "fail", 1)
    assert "personal-info-exposed" in blocks
    rules = [f["rule"] for f in row.review_json["findings"]]
    assert "narrative-review-unavailable" in rules
    assert "ConnectionError" in row.review_json["narrative"]["note"]


def test_the_configured_llm_being_unreachable_still_posts_the_deterministic_findings(tmp_path, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on: the LLM is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("NIANBAO_MODEL", "fake-model")  # a custom endpoint names its model
    monkeypatch.setenv("NIANBAO_LLM_BACKOFF", "0.01")
    monkeypatch.setenv("NIANBAO_LLM_TIMEOUT", "2")
    with running_bot(tmp_path, monkeypatch, narrative=CONFIGURED) as h:
        row, blocks = share_and_wait(h)
    assert (row.status, row.verdict) == ("done", "fail") and "personal-info-exposed" in blocks
    assert "narrative-review-unavailable" in [f["rule"] for f in row.review_json["findings"]]
