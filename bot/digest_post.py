"""Posting the weekly digest once per channel and week, whoever runs it: cron firing twice, two bot
processes with ``--digest``, or both.

The (channel, week) row of ``digest_runs`` is claimed in one transaction before anything is posted
(PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT … FOR UPDATE``; SQLite: the same
statements under its single-writer lock and the unique constraint). Then the message is posted and
its ts recorded, then the chart is uploaded in its thread, then the row is marked posted. A run that
died after claiming leaves a claim without ``posted_at``; after ``STALE`` another run takes it over
and does only the steps not recorded. A run that fails (Slack error) releases its claim, so the
next run can finish at once instead of waiting.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from nianbao.config import Config

from .digest import Digest, Week, active_channels, as_utc, compute, read_rows
from .digest_render import chart_png, digest_blocks
from .jobs import NOT_IN_CHANNEL
from .store import DigestRun, Store
from .units import Unit

log = logging.getLogger(__name__)

STALE = timedelta(minutes=30)  # far longer than a digest takes to post; shorter than a cron interval
RELEASED = datetime(2000, 1, 1, tzinfo=UTC)  # a released claim looks long stale: the next run takes it
# INSERT … ON CONFLICT DO NOTHING, in the dialects the store runs on
_INSERTS: dict[str, Callable[[type[DigestRun]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": pg_insert,
    "sqlite": sqlite_insert,
}

POSTED, ALREADY, BUSY, SKIPPED, FAILED = "posted", "already", "busy", "skipped", "failed"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DigestOutcome:
    channel: str
    week: str
    status: str  # posted | already | busy | skipped | failed
    message: str  # for the operator (Chinese, one line)


def claim(
    store: Store, channel: str, week: str, now: datetime, stale: timedelta = STALE
) -> tuple[bool, DigestRun]:
    """(True, the run) when this caller now holds the (channel, week) digest; else (False, the holder's run)."""
    token, now = secrets.token_hex(16), now.astimezone(UTC)  # SQLite keeps no offset: the store is UTC
    with store.session.begin() as s:
        insert = _INSERTS[store.engine.dialect.name]
        s.execute(
            insert(DigestRun)
            .values(channel=channel, week=week, claim=token, claimed_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "week"])
        )
        run = s.scalars(
            select(DigestRun).where(DigestRun.channel == channel, DigestRun.week == week).with_for_update()
        ).one()
        if run.claim != token and run.posted_at is None and as_utc(run.claimed_at) <= now - stale:
            log.warning(
                "digest %s %s: taking over a claim from %s that never finished", channel, week, run.claimed_at
            )
            run.claim, run.claimed_at = token, now
        return run.claim == token, run


def _record(store: Store, run: DigestRun, **fields) -> None:
    with store.session.begin() as s:
        s.execute(
            update(DigestRun).where(DigestRun.id == run.id, DigestRun.claim == run.claim).values(**fields)
        )


def post_digest(
    store: Store,
    client: WebClient,
    digest: Digest,
    now: datetime,
    *,
    workspace_url: str | None = None,
    skip_empty: bool = False,
    stale: timedelta = STALE,
) -> DigestOutcome:
    where = f"{digest.channel} {digest.week}"
    if digest.empty and skip_empty:
        return DigestOutcome(
            digest.channel, digest.week, SKIPPED, f"{where}：本周没有审阅，按 --skip-empty 不发送"
        )
    held, run = claim(store, digest.channel, digest.week, now, stale)
    if not held:
        if run.posted_at is not None:
            return DigestOutcome(digest.channel, digest.week, ALREADY, f"{where}：周报已发送过，不再发送")
        return DigestOutcome(digest.channel, digest.week, BUSY, f"{where}：另一进程正在发送周报")
    try:
        if run.message_ts is None:
            text, blocks = digest_blocks(digest, workspace_url)
            resp = client.chat_postMessage(
                channel=digest.channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
            run.message_ts = resp["ts"]
            _record(store, run, message_ts=run.message_ts)
        if run.chart_id is None and (png := chart_png(digest)):
            upload = client.files_upload_v2(
                channel=digest.channel,
                thread_ts=run.message_ts,
                file=png,
                filename=f"周报-{digest.week}.png",
                title=f"审阅周报 {digest.week}",
                alt_txt="各规则涉及的单位数；各周审阅结论",
            )
            _record(store, run, chart_id=upload["file"]["id"])
        _record(store, run, posted_at=now.astimezone(UTC))
    except Exception:
        _record(store, run, claimed_at=RELEASED)  # stale at once: the next run finishes what is left
        raise
    return DigestOutcome(digest.channel, digest.week, POSTED, f"{where}：周报已发送")


def run_digests(
    store: Store,
    client: WebClient,
    week: Week,
    now: datetime,
    *,
    config: Config,
    channels: list[str] | None = None,
    units: list[Unit] | None = None,
    year: int | None = None,
    skip_empty: bool = False,
) -> list[DigestOutcome]:
    """One digest per channel (by default the active ones, see ``active_channels``). A channel that
    fails, whatever the reason (Slack, the database, drawing the chart), is reported in its outcome;
    the others are still posted."""
    outcomes = []
    workspace_url = None
    for channel in channels or active_channels(store, week, units):
        try:
            digest = compute(
                read_rows(store, channel, week, now, year),
                channel,
                week,
                now,
                config=config,
                units=units,
                year=year,
            )
            if workspace_url is None and digest.still_wrong:  # for links to the units' threads
                workspace_url = client.auth_test()["url"]
            outcomes.append(
                post_digest(store, client, digest, now, workspace_url=workspace_url, skip_empty=skip_empty)
            )
        except Exception as exc:  # costs this channel's digest only
            outcomes.append(
                DigestOutcome(channel, str(week), FAILED, f"{channel} {week}：{_reason(exc, channel, week)}")
            )
    return outcomes


def _reason(exc: Exception, channel: str, week: Week) -> str:
    """For the operator; called in the except block, so unexpected errors are logged with their traceback."""
    if isinstance(exc, SlackApiError):
        return _slack_reason(exc)
    if isinstance(exc, (SlackClientError, OSError)):
        return f"无法连接 Slack（{exc.__class__.__name__}）"
    if isinstance(exc, SQLAlchemyError):
        log.warning("digest %s %s: database error", channel, week, exc_info=True)
        return f"无法读写数据库（{exc.__class__.__name__}）"
    log.exception("digest %s %s failed", channel, week)  # a bug, or matplotlib failing to draw the chart
    return f"内部错误（{exc.__class__.__name__}），已记录日志"


def _slack_reason(exc: SlackApiError) -> str:
    error = exc.response.get("error")
    if error in ("not_in_channel", "channel_not_found"):
        return NOT_IN_CHANNEL
    if error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive"):
        return "Slack 拒绝了 SLACK_BOT_TOKEN：请检查令牌，或重新安装应用"
    if error == "missing_scope":
        return "机器人缺少权限（chat:write、files:write）：请按 bot/slack_app_manifest.yml 重新安装应用"
    return f"Slack 返回错误 {error}"
