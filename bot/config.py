"""Bot settings from the environment (and ``nianbao serve`` options), validated once at startup."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

from sqlalchemy.engine import make_url

from nianbao.errors import UserError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DB = "nianbao.sqlite"
DEFAULT_HOST = "127.0.0.1"  # HTTP mode sits behind a reverse proxy on the same machine


class SettingsError(UserError):
    """The bot cannot start; the message says which setting and what to do (Chinese, one line)."""


@dataclass(frozen=True)
class Settings:
    # Secrets are excluded from repr so that logging a Settings object cannot leak them.
    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    openai_api_key: str = field(
        default="", repr=False
    )  # only masked here; the narrative reviewer reads it itself
    api_url: str = DEFAULT_API_URL
    http: bool = False
    host: str = DEFAULT_HOST
    port: int = 3000
    workers: int = 4
    database_url: str = f"sqlite:///{DEFAULT_DB}"
    allow_hosts: tuple[str, ...] = ()
    fetch_timeout: float = 20.0

    @property
    def secrets(self) -> tuple[str, ...]:
        """What bot/logs.py masks wherever text leaves the process (the database password also as it is
        written in a URL)."""
        password = make_url(self.database_url).password or ""
        return tuple(
            dict.fromkeys(
                s
                for s in (
                    self.bot_token,
                    self.app_token,
                    self.signing_secret,
                    self.openai_api_key,
                    password,
                    quote_plus(password),
                )
                if s
            )
        )

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        http: bool = False,
        host: str | None = None,
        port: int = 3000,
        workers: int = 4,
        allow_hosts: Iterable[str] = (),
        db: str | None = None,
        events: bool = True,
    ) -> Settings:
        """``events=False``: Web API calls only (``nianbao digest``), no app token or signing secret.
        ``host`` (``--host``) wins over NIANBAO_HOST."""
        env = os.environ if env is None else env
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
        app_token = env.get("SLACK_APP_TOKEN", "").strip()
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        if not bot_token.startswith("xoxb-"):
            raise SettingsError(
                "缺少或无效的 SLACK_BOT_TOKEN：应为 xoxb- 开头的机器人令牌"
                "（Slack 应用设置 → OAuth & Permissions → Bot User OAuth Token）"
            )
        if events and http and not secret:
            raise SettingsError(
                "HTTP 模式需要 SLACK_SIGNING_SECRET（Slack 应用设置 → Basic Information → Signing Secret）"
            )
        if events and not http and not app_token.startswith("xapp-"):
            raise SettingsError(
                "Socket Mode 需要 SLACK_APP_TOKEN：应为 xapp- 开头、带 connections:write 权限的应用级令牌"
                "（Basic Information → App-Level Tokens）；或改用 --http"
            )
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).hostname:
            raise SettingsError(f"SLACK_API_URL 应为 http(s) 地址，例如 {DEFAULT_API_URL}")
        hosts = [
            *allow_hosts,
            *filter(None, (h.strip() for h in env.get("NIANBAO_ALLOW_HOSTS", "").split(","))),
        ]
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=secret,
            openai_api_key=env.get("OPENAI_API_KEY", "").strip(),
            api_url=api_url,
            http=http,
            host=_check_listen(host or env.get("NIANBAO_HOST", "").strip() or DEFAULT_HOST),
            port=port,
            workers=workers,
            allow_hosts=tuple(_check_host(h) for h in hosts),
            database_url=store_url(db, env),
        )


def store_url(db: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """--db, else DATABASE_URL, else NIANBAO_DB, else the default SQLite file."""
    env = os.environ if env is None else env
    return database_url(db or env.get("DATABASE_URL") or env.get("NIANBAO_DB") or DEFAULT_DB)


def database_url(value: str) -> str:
    """A SQLAlchemy URL, or a path to a SQLite file. ``postgres://`` URLs get the psycopg 3 driver."""
    if "://" not in value:
        return f"sqlite:///{value}"
    for bare in ("postgres://", "postgresql://"):
        if value.startswith(bare):
            return "postgresql+psycopg://" + value[len(bare) :]
    return value


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for another database or an in-memory one)."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _check_host(entry: str) -> str:
    """An allow-list entry is a host name, an IP address or a network (CIDR)."""
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        if not entry or "/" in entry or ":" in entry or " " in entry:
            raise SettingsError(
                f"--allow-host「{entry}」无效：应为主机名、IP 地址或网段（如 10.0.0.0/8）"
            ) from None
    return entry.lower()


def _check_listen(host: str) -> str:
    """An address to listen on: an IP address, so that it means one socket (0.0.0.0 for every interface)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        raise SettingsError(
            f"--host「{host}」无效：应为本机的 IP 地址，例如 127.0.0.1（默认）或 0.0.0.0（所有网卡）"
        ) from None
