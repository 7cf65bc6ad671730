"""The bot under test: the real app behind its real HTTP adapter on 127.0.0.1, talking to a fake Slack."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from fake_slack import FakeSlack
from sqlalchemy import select

from bot.app import EVENTS_PATH, Bot, HttpLimits, HttpServer, create_app
from bot.config import Settings
from bot.store import UNFINISHED, ReviewRow

GENERATED = Path(__file__).parent / "fixtures" / "generated"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def seed_docx() -> bytes:
    return (GENERATED / "001.docx").read_bytes()  # 金岭回族镇 2022: verdict fail


def seed_txt(prefix: str = "001") -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


@dataclass
class Harness:
    slack: FakeSlack
    bot: Bot
    settings: Settings
    url: str  # the app's events endpoint

    def rows(self) -> list[ReviewRow]:
        with self.bot.store.session() as s:
            return list(s.scalars(select(ReviewRow).order_by(ReviewRow.id)))

    def wait_idle(self, count: int = 1, timeout: float = 15) -> list[ReviewRow]:
        """Until at least ``count`` reviews exist and none is queued or running."""
        return self._wait(
            lambda rows: len(rows) >= count and all(r.status not in UNFINISHED for r in rows), timeout
        )

    def wait_finished(self, *ids: int, timeout: float = 15) -> dict[int, ReviewRow]:
        """Until these reviews are finished (others, e.g. another process's, may stay unfinished)."""
        rows = self._wait(lambda rows: all(r.status not in UNFINISHED for r in rows if r.id in ids), timeout)
        return {r.id: r for r in rows}

    def _wait(self, done, timeout: float) -> list[ReviewRow]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rows = self.rows()
            if done(rows):
                return rows
            time.sleep(0.02)
        raise AssertionError(f"reviews not finished: {[(r.id, r.status) for r in self.rows()]}")


def clear_slack_env(monkeypatch) -> None:
    """SLACK_* variables change bolt's behaviour (e.g. OAuth mode); tests must not inherit them."""
    for var in list(os.environ):
        if var.startswith("SLACK_"):
            monkeypatch.delenv(var)


def settings_for(slack: FakeSlack, db: Path, **overrides) -> Settings:
    return Settings(
        **{
            "bot_token": slack.bot_token,
            "signing_secret": slack.signing_secret,
            "api_url": slack.api_url,
            "http": True,
            "workers": 2,
            "database_url": f"sqlite:///{db}",
            "fetch_timeout": 5,
            **overrides,
        }
    )


@contextmanager
def serving(
    slack: FakeSlack, settings: Settings, limits: HttpLimits = HttpLimits(), **create_kwargs
) -> Iterator[Harness]:
    """The app over HTTP for an already running fake Slack (tests that restart the bot reuse the fake)."""
    bot = create_app(settings, **{"narrative": None, **create_kwargs})
    server = HttpServer(bot, replace(settings, host="127.0.0.1", port=0), limits)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    bot.start()
    try:
        yield Harness(slack, bot, settings, f"http://127.0.0.1:{server.port}{EVENTS_PATH}")
    finally:
        server.stop()
        thread.join()
        server.close()
        bot.stop()


@contextmanager
def running_bot(tmp_path: Path, monkeypatch, **kwargs) -> Iterator[Harness]:
    """Fake Slack + bot. ``kwargs``: Settings overrides (allow_hosts, workers, …), the HTTP ``limits``, or
    create_app's (config, narrative; narrative defaults to None: the deterministic review only)."""
    clear_slack_env(monkeypatch)
    create_kwargs = {k: kwargs.pop(k) for k in ("config", "narrative", "limits") if k in kwargs}
    with (
        FakeSlack() as fake,
        serving(fake, settings_for(fake, tmp_path / "bot.sqlite", **kwargs), **create_kwargs) as harness,
    ):
        yield harness


@contextmanager
def web_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """A plain web server on 127.0.0.1 answering ``path → (status, headers, body)``; yields its base URL.
    A body of ``None`` with status 200 streams forever without a length (for size and time limits)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            status, headers, body = routes.get(unquote(self.path), (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body is not None:
                self.wfile.write(body)
                return
            try:
                while True:
                    self.wfile.write(b"x" * 65536)
                    time.sleep(0.01)
            except OSError:  # the client gave up, as it should
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- the bot as its own process, and hostile peers (tests/test_bot_hostile.py, bench/bench_http_soak.py) ----


@dataclass
class ServedProcess:
    pid: int
    port: int
    url: str  # the events endpoint
    log: Path  # the process's stderr: its log

    def rss_mb(self, peak: bool = False) -> float:
        """Resident memory now (or its peak so far), from /proc."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(status.split("VmHWM:" if peak else "VmRSS:")[1].split()[0]) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_process(
    slack: FakeSlack,
    folder: Path,
    *options: str,
    env: dict[str, str] | None = None,
) -> Iterator[ServedProcess]:
    """``nianbao serve --http`` in a process of its own (so /proc measures the server alone) for an already
    running fake Slack; SIGTERM on the way out."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "NIANBAO_"))}
    environ.update(
        {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
            "SLACK_API_URL": slack.api_url,
            "NO_PROXY": "127.0.0.1,localhost",
            **(env or {}),
        }
    )
    log = folder / "serve.log"
    command = [
        sys.executable,
        "-c",
        "from nianbao.cli import main; main()",
        "serve",
        "--http",
        "--port",
        str(port),
        "--db",
        str(folder / "bot.sqlite"),
        *options,
    ]
    with open(log, "wb") as err:
        process = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait_listening(process, port, log)
        yield ServedProcess(process.pid, port, f"http://127.0.0.1:{port}{EVENTS_PATH}", log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(process: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nianbao serve did not start: {log.read_text(errors='replace')[-2000:]}")


def listening_address(port: int) -> str:
    """The IPv4 address a local socket listens on for ``port`` ("" if none), from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            return socket.inet_ntoa(bytes.fromhex(address)[::-1])
    return ""


def send_unsigned_body(port: int, declared: int | None, send: int, chunk: int = 1 << 20) -> tuple[str, int]:
    """POST an unsigned JSON body of ``declared`` bytes (None: chunked, no length), writing at most ``send``
    bytes. Returns the server's status line ("" if it closed without one) and the bytes it took."""
    length = f"Content-Length: {declared}" if declared is not None else "Transfer-Encoding: chunked"
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{length}\r\n\r\n".encode()
        )
        piece = b"x" * chunk if declared is not None else b"%x\r\n%s\r\n" % (chunk, b"x" * chunk)
        try:
            while sent < send:
                s.sendall(piece)
                sent += chunk
        except OSError:  # the server answered and closed: the rest was refused unread
            pass
        try:
            return s.recv(200).decode(errors="replace").split("\r\n")[0], sent
        except OSError:
            return "", sent


def idle_connections(port: int, count: int) -> list[socket.socket]:
    """Connections that never send a byte."""
    return [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]


def is_closed(conn: socket.socket, wait: float = 0.0) -> bool:
    """Whether the server closed it (read returns end of file or a reset)."""
    conn.settimeout(wait or 0.001)
    try:
        return conn.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def signed_events(
    slack: FakeSlack,
    url: str,
    events: list[dict],
    per_second: float,
    threads: int = 8,
) -> list[tuple[int, float]]:
    """Each event signed and sent, ``per_second`` of them a second; (status, seconds to answer) each."""
    start = time.monotonic()

    def send(i: int) -> tuple[int, float]:
        time.sleep(max(0.0, start + i / per_second - time.monotonic()))
        t = time.monotonic()
        status, _ = slack.send_event(url, events[i])
        return status, time.monotonic() - t

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(send, range(len(events))))


def soak_events(slack: FakeSlack, count: int) -> list[dict]:
    """Half chat messages (no work), half shares of images (a review row each, ignored by the worker)."""
    events = []
    for i in range(count):
        if i % 2:
            events.append(
                {
                    "type": "message",
                    "channel": "C111",
                    "user": "U111",
                    "ts": slack.next_ts(),
                    "text": json.dumps({"n": i}),
                }
            )
        else:
            events.append(slack.file_shared_event(slack.share_file(f"photo-{i}.png", b"\x89PNG\r\n")))
    return events
