"""Socket Mode (the default): the app opens a WebSocket with the app-level token, acknowledges each
envelope over it, and does the same work as over HTTP."""

from __future__ import annotations

import json
import queue
import threading

import pytest
from bot_harness import clear_slack_env, seed_txt, settings_for
from fake_slack import FakeSlack
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import serve

from bot.app import create_app


@pytest.fixture
def socket_slack(tmp_path, monkeypatch):
    """Fake Slack whose apps.connections.open points at a local WebSocket server; yields
    (fake, envelopes to send, acknowledgements received)."""
    clear_slack_env(monkeypatch)
    outgoing: queue.Queue = queue.Queue()
    acks: queue.Queue = queue.Queue()

    def session(ws):
        ws.send(json.dumps({"type": "hello", "num_connections": 1}))
        while True:
            envelope = outgoing.get()
            if envelope is None:
                return
            ws.send(json.dumps(envelope))
            acks.put(json.loads(ws.recv(timeout=10)))

    with FakeSlack() as slack, serve(session, "127.0.0.1", 0) as server:
        slack.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = settings_for(
            slack, tmp_path / "bot.sqlite", http=False, signing_secret="", app_token=slack.app_token
        )
        bot = create_app(settings, narrative=None)
        bot.start()
        handler = SocketModeHandler(bot.app, settings.app_token)
        handler.connect()
        try:
            yield slack, outgoing, acks
        finally:
            outgoing.put(None)
            handler.close()
            bot.stop()
            server.shutdown()


def test_slash_command_and_file_share_over_socket_mode(socket_slack):
    slack, outgoing, acks = socket_slack
    outgoing.put(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/review",
                "text": "help",
                "channel_id": "C111",
                "user_id": "U111",
                "team_id": "T111",
                "trigger_id": "t.1",
                "response_url": f"{slack.base}/commands/1",
            },
        }
    )
    ack = acks.get(timeout=10)
    assert ack["envelope_id"] == "env-1" and ack["payload"]["text"].startswith("用法：")

    f = slack.share_file("report.txt", seed_txt())
    outgoing.put(
        {
            "envelope_id": "env-2",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": {
                "type": "event_callback",
                "team_id": "T111",
                "event_id": "Ev1",
                "event": slack.file_share_event(f),
            },
        }
    )
    assert acks.get(timeout=10)["envelope_id"] == "env-2"
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == f.ts
    assert slack.calls_to("apps.connections.open")[0].headers["authorization"] == f"Bearer {slack.app_token}"
