"""HTTP mode: only requests signed with the signing secret, recently, reach the listeners."""

from __future__ import annotations

import json
import time

import pytest
from bot_harness import running_bot


@pytest.fixture
def harness(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch) as h:
        yield h


def test_signed_request_is_accepted(harness):
    status, body = harness.slack.send_command(harness.url, "help")
    assert status == 200 and "用法" in body


def test_unsigned_request_is_rejected(harness):
    body = harness.slack.command_body("help")
    assert harness.slack.send(harness.url, body, "application/x-www-form-urlencoded", signed=False)[0] == 401


def test_wrong_signature_is_rejected(harness):
    body = harness.slack.command_body("help")
    forged = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
    assert (
        harness.slack.send(harness.url, body, "application/x-www-form-urlencoded", forged, signed=False)[0]
        == 401
    )


def test_stale_timestamp_is_rejected_even_when_correctly_signed(harness):
    body = harness.slack.command_body("help")
    stale = harness.slack.sign(body, timestamp=int(time.time()) - 10 * 60)  # a replayed request
    assert (
        harness.slack.send(harness.url, body, "application/x-www-form-urlencoded", stale, signed=False)[0]
        == 401
    )


def test_rejected_events_do_nothing(harness):
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "Ev9",
            "team_id": "T111",
            "event": {"type": "file_shared", "channel_id": "C111", "file_id": "F1", "user_id": "U1"},
        }
    )
    assert harness.slack.send(harness.url, body, "application/json", signed=False)[0] == 401
    assert harness.rows() == [] and harness.slack.methods() == ["auth.test"]


def test_url_verification_challenge_is_echoed(harness):
    body = json.dumps({"type": "url_verification", "token": "legacy", "challenge": "abc123"})
    status, text = harness.slack.send(harness.url, body, "application/json")
    assert status == 200 and json.loads(text) == {"challenge": "abc123"}
