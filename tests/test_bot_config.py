"""``nianbao serve`` settings: validated at startup with a clear Chinese line, never a traceback;
secrets never printed."""

from __future__ import annotations

import io
import logging
import signal

import pytest
from bot_harness import clear_slack_env
from fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from typer.testing import CliRunner

from bot import commands
from bot.config import Settings, SettingsError, database_url
from bot.logs import RedactingFormatter, redact
from nianbao.cli import app

SOCKET = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}


def test_socket_mode_is_the_default_and_needs_no_signing_secret():
    s = Settings.from_env(SOCKET)
    assert (s.http, s.api_url, s.database_url) == (
        False,
        "https://slack.com/api/",
        "sqlite:///nianbao.sqlite",
    )
    assert BOT_TOKEN not in repr(s) and APP_TOKEN not in repr(s)


def test_http_mode_needs_the_signing_secret_not_the_app_token():
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:1/api/",
    }
    s = Settings.from_env(env, http=True, port=8080, allow_hosts=["Intranet.gov.cn", "10.0.0.0/8"])
    assert (s.port, s.api_url, s.allow_hosts) == (
        8080,
        "http://127.0.0.1:1/api/",
        ("intranet.gov.cn", "10.0.0.0/8"),
    )
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        Settings.from_env(SOCKET, http=True)


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "xoxb-"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN"),
        ({**SOCKET, "SLACK_API_URL": "slack.com"}, "SLACK_API_URL"),
    ],
)
def test_missing_or_wrong_settings_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_database_urls():
    assert database_url("data/bot.sqlite") == "sqlite:///data/bot.sqlite"
    assert database_url("postgres://u:p@db/nianbao") == "postgresql+psycopg://u:p@db/nianbao"
    assert database_url("postgresql+psycopg://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert (
        Settings.from_env({**SOCKET, "DATABASE_URL": "postgresql://db/x"}, db="x.sqlite").database_url
        == "sqlite:///x.sqlite"
    )  # --db wins


def test_serve_without_tokens_exits_2_with_one_line(monkeypatch):
    clear_slack_env(monkeypatch)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "SLACK_BOT_TOKEN" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "valid, message",
    [
        ({"bot_token": "xoxb-the-valid-one"}, "SLACK_BOT_TOKEN（auth.test"),
        ({"app_token": "xapp-the-valid-one"}, "SLACK_APP_TOKEN"),
    ],
)
def test_serve_with_a_revoked_token_exits_2_without_printing_it(monkeypatch, tmp_path, valid, message):
    clear_slack_env(monkeypatch)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # serve installs its own handler
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # serve sets a SIGTERM handler for its process
    with FakeSlack(**valid) as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "bot.sqlite")])
    assert result.exit_code == 2 and message in result.output
    assert (
        BOT_TOKEN not in result.output and APP_TOKEN not in result.output and "Traceback" not in result.output
    )


def test_bad_allow_host_is_refused():
    with pytest.raises(SettingsError, match="--allow-host"):
        Settings.from_env(SOCKET, allow_hosts=["http://x/"])


def test_redaction_covers_token_shapes_and_configured_secrets():
    line = f"token={BOT_TOKEN} app={APP_TOKEN} user=xoxp-1-2 Authorization: Bearer abc.def secret={SIGNING_SECRET}"
    out = redact(line, [SIGNING_SECRET])
    assert "xox" not in out and "xapp-" not in out and "abc.def" not in out and SIGNING_SECRET not in out
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s"))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        raise ValueError(f"failed with {BOT_TOKEN}")
    except ValueError:
        logger.exception("call with %s", BOT_TOKEN)
    logger.removeHandler(handler)
    assert BOT_TOKEN not in stream.getvalue() and stream.getvalue().count("[redacted]") == 2


@pytest.mark.parametrize(
    "text, parsed",
    [
        ("", ("help", "")),
        ("规则", ("rules", "")),
        (" LAST ", ("last", "")),
        ("<https://a.gov.cn/x.pdf|a.gov.cn/x.pdf>", ("url", "https://a.gov.cn/x.pdf")),
        ("HTTP://A.GOV.CN/", ("url", "HTTP://A.GOV.CN/")),
        (
            "https://a.gov.cn/x?a=1&amp;b=2",
            ("url", "https://a.gov.cn/x?a=1&b=2"),
        ),  # Slack escapes & < > in text
        ("<https://a.gov.cn/x?a=1&amp;b=2>", ("url", "https://a.gov.cn/x?a=1&b=2")),
        ("a &amp; b", ("invalid", "无法识别「a &amp; b」。")),
    ],
)
def test_command_parsing(text, parsed):
    assert commands.parse(text) == parsed
