"""The bot assembled: Web API client, bolt App, store, worker pool; and its two adapters, Socket Mode
(default: no public URL needed) and HTTP (waitress, meant to sit behind a reverse proxy; every request is
checked before bolt sees it; limits in docs/limits-bot.md)."""

from __future__ import annotations

import hashlib
import heapq
import hmac
import io
import logging
import resource
import signal
import sys
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final, Protocol

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_bolt.request.internals import parse_body
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

from nianbao.config import Config, ConfigError
from nianbao.narrative import NarrativeReviewer
from nianbao.rules import REGISTRY

from . import commands
from .config import Settings, SettingsError
from .fetch import Limits, origin_of
from .handlers import register
from .jobs import Runner
from .logs import setup_logging
from .reviewing import make_review_fn
from .store import Store
from .worker import Worker

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
REPLAY_WINDOW = 300  # seconds: Slack's rule, and bolt's
ACCEPT_BATCH = 64  # connections accepted in one poll round
SLACK_FILES_ORIGIN = ("https", "files.slack.com", 443)


class _Default(Enum):
    """A one-member enum for a sentinel, so the type checker can tell it from a reviewer."""

    CONFIGURED = "configured"


# create_app(narrative=…) default: the reviewer the environment configures
CONFIGURED: Final = _Default.CONFIGURED


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class Bot:
    app: App
    worker: Worker
    store: Store

    def start(self) -> None:
        self.store.forget_events()
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.store.close()


def make_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    config: Config | None = None,
    narrative: NarrativeReviewer | _Default | None = CONFIGURED,
) -> Bot:
    """``narrative`` defaults to the configured narrative reviewer (LLM or heuristic)."""
    client = client or make_client(settings)
    # bolt logs whole request bodies at INFO (a bad signature's, response_url included): keep its warnings only
    bolt_log = logging.getLogger("bot.bolt")
    bolt_log.setLevel(logging.WARNING)
    # The token lives on the client (bolt ignores ``token=`` next to ``client=``); auth.test runs here.
    app = App(client=client, signing_secret=settings.signing_secret, logger=bolt_log)
    config = config or Config()
    if narrative is CONFIGURED:
        from nianbao.narrative import make_reviewer

        narrative = make_reviewer()
    store = Store(settings.database_url)
    runner = Runner(
        client,
        store,
        make_review_fn(config, narrative),
        Limits(config.max_bytes, settings.fetch_timeout),
        settings.bot_token,
        frozenset({SLACK_FILES_ORIGIN, origin_of(settings.api_url)}),
        settings.allow_hosts,
        settings.secrets,
    )
    worker = Worker(store, runner, settings.workers)
    register(app, worker, commands.rules_text(REGISTRY))
    return Bot(app, worker, store)


@dataclass(frozen=True)
class HttpLimits:
    """HTTP mode's defences. Slack's requests are a few KB and arrive at once; the reverse proxy in front
    may have its own limits, these hold without one."""

    max_body: int = 1 << 20  # bytes; a larger request gets 413 before its body is read
    max_header: int = 16 << 10  # bytes of request line and headers (431 beyond)
    request_timeout: int = 10  # seconds for a request to arrive whole, from its first byte
    idle_timeout: int = 30  # seconds a connection may stay open between requests
    connections: int = 1000  # open at once; beyond, the one idle longest is closed for the newcomer
    threads: int = 8  # requests handled at once (each only verifies, parses and queues)


class _RefusalLog:
    """At most one INFO line a minute about refused requests, with counts and no content: an operator sees a
    wrong SLACK_SIGNING_SECRET (every request refused 401), and a flood of junk cannot fill the disk."""

    def __init__(self, every: float = 60.0):
        self.every, self.next = every, 0.0
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, status: str) -> None:
        with self.lock:
            self.counts[status] += 1
            if time.monotonic() < self.next:
                return
            counts, self.counts, self.next = self.counts, Counter(), time.monotonic() + self.every
        log.info(
            "http: refused %d request(s): %s",
            counts.total(),
            ", ".join(f"{s} ×{n}" for s, n in counts.items()),
        )


def _refuse(start_response, status: str) -> list[bytes]:
    body = status.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


class SlackGate:
    """WSGI app in front of bolt's adapter. Bolt reads and parses the body before it checks the signature,
    and answers a body it cannot parse with 500 and a traceback; here a request is refused, cheapest check
    first, with a 4xx (counted in the log, never quoted), and only a signed, well-formed one reaches bolt."""

    _TYPES = ("application/json", "application/x-www-form-urlencoded")  # what Slack sends

    def __init__(self, app: App, signing_secret: str):
        self.bolt = SlackRequestHandler(app, path=EVENTS_PATH)
        self.secret = signing_secret.encode()
        self.refused = _RefusalLog()

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        status, body = self._check(environ)
        if status:
            self.refused(status)
            return _refuse(start_response, status)
        environ["wsgi.input"] = io.BytesIO(body)  # read once here, read again by the adapter
        return self.bolt(environ, start_response)

    def _check(self, environ: dict) -> tuple[str | None, bytes]:
        """(refusal status or None, the body)."""
        if environ.get("PATH_INFO") != EVENTS_PATH:
            return "404 Not Found", b""
        if environ.get("REQUEST_METHOD") != "POST":
            return "405 Method Not Allowed", b""
        media_type = environ.get("CONTENT_TYPE", "").split(";")[0]
        if media_type.strip().lower() not in self._TYPES:
            return "415 Unsupported Media Type", b""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 20 and signature):
            return "401 Unauthorized", b""
        # waitress has checked the length is a number within HttpLimits.max_body, and has the body in hand
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if not self._signed(body, timestamp, signature):
            return "401 Unauthorized", b""
        try:
            if not isinstance(parse_body(body.decode(), media_type), dict):  # exactly as bolt will parse it
                return "400 Bad Request", b""
        except ValueError:  # not UTF-8, not JSON
            return "400 Bad Request", b""
        return None, body

    def _signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Slack's v0 signature, over the bytes (slack_sdk's verifier decodes them first, and fails on
        non-UTF-8), made less than 5 minutes ago (else a replay)."""
        if abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
            return False
        expected = hmac.new(self.secret, b"v0:%s:%s" % (timestamp.encode(), body), hashlib.sha256).hexdigest()
        return hmac.compare_digest(
            f"v0={expected}".encode(), signature.encode("latin-1")
        )  # as WSGI decoded it


class _Waitress(TcpWSGIServer):
    """waitress, plus two defences it lacks: a request must arrive whole within ``request_timeout`` (a
    client trickling its headers holds no connection for long), and at the connection limit the
    connection idle longest is closed for the newcomer (idle sockets cannot lock Slack out; waitress would
    stop accepting). Its own limit is set out of reach."""

    def __init__(self, app, adj: Adjustments, limits: HttpLimits, socket_map: dict):
        self.limits = limits
        self._first_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # request arriving → when
        super().__init__(app, map=socket_map, adj=adj)

    def maintenance(self, now: float) -> None:  # every cleanup_interval, from the loop
        super().maintenance(now)  # closes connections idle for channel_timeout
        for channel in self.active_channels.values():
            arriving = channel.request
            stalled = arriving is not None and not channel.requests
            if stalled and now - self._first_seen.setdefault(arriving, now) > self.limits.request_timeout:
                channel.will_close = True

    def readable(self) -> bool:  # asked by the loop before every poll
        super().readable()  # runs maintenance
        full = len(self.active_channels) >= self.limits.connections
        return self.accepting and (not full or bool(self._idlest(1)))  # all busy: wait in the backlog

    def handle_accept(self) -> None:
        """Everything waiting, up to ACCEPT_BATCH (one a poll round is slow behind a flood), then make room.
        Closed after the accepts, not before: a descriptor freed earlier could go to a newcomer, which would
        then receive the closed connection's pending poll event."""
        for _ in range(ACCEPT_BATCH):
            before = len(self.active_channels)
            super().handle_accept()
            if len(self.active_channels) == before:  # nobody waiting
                break
        for channel in self._idlest(len(self.active_channels) - self.limits.connections):
            channel.handle_close()

    def _idlest(self, count: int) -> list:
        """Up to ``count`` connections neither being answered nor sending, the longest silent first."""
        idle = (c for c in self.active_channels.values() if not c.requests and not c.total_outbufs_len)
        return heapq.nsmallest(count, idle, key=lambda c: c.last_activity) if count > 0 else []


class HttpServer:
    """The HTTP adapter: Slack's events, commands and url_verification at ``/slack/events`` on settings.host
    and .port (0: any free port). ``serve()`` blocks until ``stop()`` or an exception (SIGTERM's
    SystemExit); ``close()`` then closes every socket and ends the request threads."""

    def __init__(self, bot: Bot, settings: Settings, limits: HttpLimits = HttpLimits()):
        _allow_descriptors(2 * limits.connections + 256)  # a socket each, and a temp file while a body spools
        # poll: select() cannot watch descriptors above 1023. Bodies over 64 KB spool to a temporary file.
        adj = Adjustments(
            host=settings.host,
            port=settings.port,
            threads=limits.threads,
            connection_limit=limits.connections + ACCEPT_BATCH + 10,  # out of reach: see _Waitress
            channel_timeout=limits.idle_timeout,
            cleanup_interval=1,
            max_request_body_size=limits.max_body,
            max_request_header_size=limits.max_header,
            inbuf_overflow=64 << 10,
            asyncore_use_poll=True,
            expose_tracebacks=False,
            ident="nianbao",
        )
        # waitress warns for every request that waits for a thread, i.e. at every burst Slack sends
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        gate = SlackGate(bot.app, settings.signing_secret)
        self._map: dict = {}  # every socket of the server, for the loop
        self._server = _Waitress(gate, adj, limits, self._map)
        self.port: int = self._server.effective_port
        self._stopping = threading.Event()

    def serve(self) -> None:
        while not self._stopping.is_set():
            wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)

    def stop(self) -> None:
        """From another thread: serve() returns within a moment."""
        self._stopping.set()
        self._server.pull_trigger()

    def close(self) -> None:
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self._map)


def _allow_descriptors(needed: int) -> None:
    """Raise the soft limit on open files (often 1024) towards ``needed``, as far as the hard limit allows:
    past it accept() fails before the connection limit is reached, and so do the store's and Slack's sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        allowed = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))


def run(
    settings: Settings,
    config: Config,
    after_start: Callable[[], Stoppable] | None = None,
    host: str | None = None,
) -> None:
    """``nianbao serve``: blocks until interrupted. Startup problems raise SettingsError (Chinese).
    ``after_start`` runs once logging is set up and the bot is up (the weekly digest's thread); what it
    returns is stopped on the way out, before the bot. ``host`` overrides settings.host."""
    settings = replace(settings, host=host or settings.host)
    setup_logging(settings.secrets)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally below on `docker stop`
    bot = _create(settings, config)
    server = socket_mode = started = None
    try:
        bot.start()
        started = after_start() if after_start else None
        if settings.http:
            try:
                server = HttpServer(bot, settings)
            except OSError as exc:
                raise SettingsError(
                    f"无法监听 {settings.host} 端口 {settings.port}（{exc.strerror}）"
                ) from None
            log.info("listening on http://%s:%s%s", settings.host, server.port, EVENTS_PATH)
            server.serve()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_mode = SocketModeHandler(bot.app, settings.app_token)
            try:
                socket_mode.connect()
            except SlackApiError:
                raise SettingsError(
                    "Slack 拒绝了 SLACK_APP_TOKEN：应为带 connections:write 权限的应用级令牌"
                ) from None
            log.info("connected in Socket Mode")
            threading.Event().wait()
    finally:  # stop taking requests, then the digest, then finish the reviews under way
        if server is not None:
            server.close()
        if socket_mode is not None:
            socket_mode.close()
        if started is not None:
            started.stop()
        bot.stop()


def _create(settings: Settings, config: Config) -> Bot:
    """create_app, with what can go wrong at startup said in one line."""
    try:
        return create_app(settings, config=config)
    except ConfigError as exc:  # invalid NIANBAO_LLM_* settings
        raise SettingsError(str(exc)) from None
    except BoltError:
        raise SettingsError(
            "Slack 拒绝了 SLACK_BOT_TOKEN（auth.test 未通过）：请检查令牌，或重新安装应用"
        ) from None
    except (SlackClientError, OSError) as exc:
        raise SettingsError(f"无法连接 Slack API {settings.api_url}（{exc.__class__.__name__}）") from None
    except SQLAlchemyError as exc:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        raise SettingsError(f"无法打开数据库 {where}（{exc.__class__.__name__}）") from None
