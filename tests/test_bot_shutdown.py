"""``nianbao serve`` on SIGTERM (``docker stop``): it stops taking requests (the HTTP server's socket is
closed, the Socket Mode connection too), stops the digest thread and closes every database connection."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta
from functools import partial

import pytest
from bot_harness import clear_slack_env, settings_for
from digest_data import NOW, seed_january
from fake_slack import FakeSlack
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

import bot.digest_post
from bot.app import run
from bot.digest_schedule import Schedule, start_digests
from bot.store import Store
from nianbao.config import Config


@pytest.fixture(autouse=True)
def process_state():
    """run() installs a SIGTERM handler and its own logging: put both back afterwards."""
    root = logging.getLogger()
    handlers, level, term = root.handlers[:], root.level, signal.getsignal(signal.SIGTERM)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    signal.signal(signal.SIGTERM, term)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def terminate_when(ready) -> threading.Thread:
    """SIGTERM this process once ``ready()`` holds; the handler runs in the main thread, inside run()."""

    def wait_then_kill() -> None:
        end = time.monotonic() + 15
        while not ready() and time.monotonic() < end:
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=wait_then_kill, daemon=True)
    thread.start()
    return thread


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_sigterm_closes_the_http_server_and_stops_the_digest_thread(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    monkeypatch.setattr(bot.digest_post, "chart_png", lambda d: b"\x89PNG chart")  # drawn in test_digest.py
    db = tmp_path / "bot.sqlite"
    store = Store(str(db))
    seed_january(store)
    store.close()
    port = free_port()
    with FakeSlack() as slack:
        settings = settings_for(slack, db, port=port)
        digests = partial(
            start_digests,
            Schedule.parse("MON 09:00"),
            settings,
            Config(),
            None,
            clock=lambda: NOW + timedelta(days=1),
        )
        # the digest thread has used its store (two catch-up digests posted) and the server is up
        terminate_when(lambda: len(slack.calls_to("files.completeUploadExternal")) == 2 and accepts(port))
        with pytest.raises(SystemExit) as stopped:
            run(settings, Config(), digests, host="127.0.0.1")
    assert stopped.value.code == 0
    assert not accepts(port)  # the listening socket is closed, not left to the garbage collector
    assert not {"digest", "review-heartbeat"} & {t.name for t in threading.enumerate()}
    assert not (tmp_path / "bot.sqlite-wal").exists()  # SQLite removes it when the last connection closes


def test_sigterm_closes_the_socket_mode_connection(tmp_path, monkeypatch):
    clear_slack_env(monkeypatch)
    connected, closed = threading.Event(), threading.Event()

    def session(ws) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1}))
        connected.set()
        try:
            for _ in ws:  # until the bot closes the connection
                pass
        except ConnectionClosed:  # closed without a close frame: closed all the same
            pass
        closed.set()

    with FakeSlack() as slack, serve(session, "127.0.0.1", 0) as server:
        slack.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = settings_for(
            slack, tmp_path / "bot.sqlite", http=False, signing_secret="", app_token=slack.app_token
        )
        terminate_when(connected.is_set)
        with pytest.raises(SystemExit):
            run(settings, Config())
        assert closed.wait(10)
        server.shutdown()
