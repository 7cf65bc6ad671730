"""The bot assembled: Web API client, bolt App, store, worker pool; and its two adapters, Socket Mode
(default: no public URL needed) and HTTP (request signatures verified by bolt)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from nianbao.config import Config, ConfigError
from nianbao.models import NarrativeReviewer
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
SLACK_FILES_ORIGIN = ("https", "files.slack.com", 443)
CONFIGURED = object()  # create_app(narrative=…) default: the reviewer the environment configures


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
    return WebClient(token=settings.bot_token, base_url=settings.api_url, timeout=15,
                     retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)])


def create_app(settings: Settings, client: WebClient | None = None, *, config: Config | None = None,
               narrative: NarrativeReviewer | None | object = CONFIGURED) -> Bot:
    """``narrative`` defaults to the configured narrative reviewer (LLM or heuristic)."""
    client = client or make_client(settings)
    # The token lives on the client (bolt ignores ``token=`` next to ``client=``); auth.test runs here.
    app = App(client=client, signing_secret=settings.signing_secret, logger=logging.getLogger("bot.bolt"))
    config = config or Config()
    if narrative is CONFIGURED:
        from nianbao.narrative import make_reviewer

        narrative = make_reviewer()
    store = Store(settings.database_url)
    runner = Runner(client, store, make_review_fn(config, narrative), Limits(config.max_bytes, settings.fetch_timeout),
                    settings.bot_token, frozenset({SLACK_FILES_ORIGIN, origin_of(settings.api_url)}),
                    settings.allow_hosts)
    worker = Worker(store, runner, settings.workers)
    register(app, worker, commands.rules_text(REGISTRY))
    return Bot(app, worker, store)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        log.debug("http: " + format, *args)


def http_server(bot: Bot, host: str = "0.0.0.0", port: int = 3000) -> WSGIServer:
    """Slack's events, commands and url_verification at ``/slack/events``; call serve_forever()."""
    return make_server(host, port, SlackRequestHandler(bot.app, path=EVENTS_PATH),
                       server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def run(settings: Settings, config: Config, after_start: Callable[[], Stoppable] | None = None,
        host: str = "0.0.0.0") -> None:
    """``nianbao serve``: blocks until interrupted. Startup problems raise SettingsError (Chinese).
    ``after_start`` runs once logging is set up and the bot is up (the weekly digest's thread); what it
    returns is stopped on the way out, before the bot."""
    setup_logging(settings.secrets)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally below on `docker stop`
    bot = _create(settings, config)
    server = socket_mode = started = None
    try:
        bot.start()
        started = after_start() if after_start else None
        if settings.http:
            try:
                server = http_server(bot, host, settings.port)
            except OSError as exc:
                raise SettingsError(f"无法监听端口 {settings.port}（{exc.strerror}）") from None
            log.info("listening on http://%s:%s%s", host, server.server_address[1], EVENTS_PATH)
            server.serve_forever()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_mode = SocketModeHandler(bot.app, settings.app_token)
            try:
                socket_mode.connect()
            except SlackApiError:
                raise SettingsError("Slack 拒绝了 SLACK_APP_TOKEN：应为带 connections:write 权限的应用级令牌") from None
            log.info("connected in Socket Mode")
            threading.Event().wait()
    finally:  # stop taking requests, then the digest, then finish the reviews under way
        if server is not None:
            server.server_close()
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
        raise SettingsError("Slack 拒绝了 SLACK_BOT_TOKEN（auth.test 未通过）：请检查令牌，或重新安装应用") from None
    except (SlackClientError, OSError) as exc:
        raise SettingsError(f"无法连接 Slack API {settings.api_url}（{exc.__class__.__name__}）") from None
    except SQLAlchemyError as exc:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        raise SettingsError(f"无法打开数据库 {where}（{exc.__class__.__name__}）") from None
