"""Review history (SQLAlchemy): one row per review job, its findings, its LLM calls, and the Slack
event ids already handled. SQLite file by default, PostgreSQL through DATABASE_URL.

A review row is created *before* any work starts (status ``queued``), so a crash leaves a record that
the next start resumes or marks failed. Each unfinished row names the process working on it, which
keeps ``heartbeat_at`` fresh (bot/worker.py), so that several processes never resume each other's
live work. Unique keys make de-duplication hold across threads, processes and restarts. No token,
signing secret or response_url is ever written here.

Every text is made storable on the way in (``storable``; the column types below): what SQLite takes,
PostgreSQL takes too, so a report's odd bytes can never make a review unsaveable.

The weekly digest reads ``reviews`` (created_at, channel, issuer, year, verdict, counts, fixed/new),
``findings`` (rule, severity, part) and ``llm_calls`` (tokens, cache, cost), and claims its (channel,
week) in ``digest_runs`` before posting. ``llm_exchanges`` is the audit log: every request to the
model (the masked messages) and its raw answer, with its review.

The schema is kept by Alembic (``bot/migrations``, shipped in the package): every start upgrades
the database to the newest revision, a store made before migrations included.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import (
    JSON,
    ColumnElement,
    CursorResult,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker
from sqlalchemy.types import TypeEngine

from nianbao.models import LLMCall, Review

from .config import database_url
from .logs import redact

QUEUED, RUNNING, DONE, FAILED, IGNORED = "queued", "running", "done", "failed", "ignored"
UNFINISHED = (QUEUED, RUNNING)
PG_CONNECT_TIMEOUT = 10  # seconds: an unreachable server fails the start or the digest instead of hanging it


# PostgreSQL refuses NUL in text and in JSON; a lone surrogate (from a broken UTF-16 pair) is not even UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _now() -> datetime:
    return datetime.now(UTC)


def storable(value: Any) -> Any:
    """Every string inside ``value`` with the characters no database takes replaced by U+FFFD."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


class Str(TypeDecorator):
    """VARCHAR(n), storable and cut to n characters: PostgreSQL refuses a longer value, SQLite keeps it."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        # TypeDecorator.__init__ replaces the class's impl with an instance: String(n) here
        return None if value is None else storable(value)[: cast(String, self.impl_instance).length]


class Txt(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return storable(value)


class Json(TypeDecorator):
    """JSON (JSONB on PostgreSQL), storable."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return storable(value)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: Json()}  # noqa: RUF012 (SQLAlchemy reads it from the class)


class ReviewRow(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_channel_created", "channel", "created_at"),
        Index("ix_reviews_issuer_year", "issuer", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(Str(200), unique=True)  # file:<channel>:<file id>, cmd:<trigger>
    kind: Mapped[str] = mapped_column(Str(8))  # file | url | last
    status: Mapped[str] = mapped_column(Str(8), index=True, default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(Str(80))  # the process working on it, while unfinished
    heartbeat_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )  # its owner's last sign of life
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(Str(32))
    user_id: Mapped[str | None] = mapped_column(Str(32))
    message_ts: Mapped[str | None] = mapped_column(Str(32))  # the user's message carrying the file
    thread_ts: Mapped[str | None] = mapped_column(Str(32))  # where the reply goes
    reply_ts: Mapped[str | None] = mapped_column(Str(32))  # our summary message (for permalinks)
    upload_id: Mapped[str | None] = mapped_column(Str(32))  # the uploaded Markdown review
    file_id: Mapped[str | None] = mapped_column(Str(32), index=True)
    file_name: Mapped[str | None] = mapped_column(Str(300))
    source_url: Mapped[str | None] = mapped_column(Txt)
    sha256: Mapped[str | None] = mapped_column(Str(64), index=True)
    format: Mapped[str | None] = mapped_column(Str(8))
    issuer: Mapped[str | None] = mapped_column(Str(200))
    year: Mapped[int | None]
    verdict: Mapped[str | None] = mapped_column(Str(4))
    n_error: Mapped[int | None]
    n_warning: Mapped[int | None]
    n_info: Mapped[int | None]
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    n_fixed: Mapped[int | None]
    n_new: Mapped[int | None]
    n_open: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Txt)  # the reason the user was given
    review_json: Mapped[dict[str, Any] | None]

    findings: Mapped[list[FindingRow]] = relationship(back_populates="review", cascade="all, delete-orphan")
    llm_calls: Mapped[list[LLMCallRow]] = relationship(back_populates="review", cascade="all, delete-orphan")


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    rule: Mapped[str] = mapped_column(Str(80), index=True)
    severity: Mapped[str] = mapped_column(Str(8))
    part: Mapped[str | None] = mapped_column(Str(4))
    source: Mapped[str] = mapped_column(Str(10))
    message: Mapped[str] = mapped_column(Txt)
    evidence: Mapped[str] = mapped_column(Txt, default="")
    cell: Mapped[str | None] = mapped_column(Str(120))
    line: Mapped[int | None]
    page: Mapped[int | None]

    review: Mapped[ReviewRow] = relationship(back_populates="findings")


class LLMCallRow(Base):
    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    model: Mapped[str] = mapped_column(Str(120))
    prompt: Mapped[str] = mapped_column(Str(120))  # prompt name@hash
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_cached: Mapped[int] = mapped_column(default=0)  # of tokens_in, from the provider's prompt cache
    tokens_out: Mapped[int] = mapped_column(default=0)
    cost: Mapped[float | None] = mapped_column(Float)  # estimated; None: no price for the model
    currency: Mapped[str | None] = mapped_column(Str(8))
    latency_ms: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=1)
    ok: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(Txt)

    review: Mapped[ReviewRow] = relationship(back_populates="llm_calls")
    exchanges: Mapped[list[LLMExchangeRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="LLMExchangeRow.seq"
    )


class LLMExchangeRow(Base):
    """One request to the model and its raw answer: what was sent (the narrative with personal
    numbers masked, the prompt) and what came back, so a disputed review can be audited and turned
    into an eval case (``nianbao eval --from-review``)."""

    __tablename__ = "llm_exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("llm_calls.id"), index=True)
    seq: Mapped[int]
    model: Mapped[str] = mapped_column(Str(120))
    messages: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    answer: Mapped[str | None] = mapped_column(Txt)
    error: Mapped[str | None] = mapped_column(Txt)
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_cached: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[int] = mapped_column(default=0)

    call: Mapped[LLMCallRow] = relationship(back_populates="exchanges")


class SlackEvent(Base):
    """Event ids already handled: Slack redelivers an event it thinks was not acknowledged."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DigestRun(Base):
    """One weekly digest per channel and ISO week. The row is claimed before anything is posted, so a
    second cron run or another bot process posts nothing (bot/digest_post.py)."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("channel", "week", name="uq_digest_runs_channel_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(Str(32))
    week: Mapped[str] = mapped_column(Str(8))  # ISO week, 2027-W02
    claim: Mapped[str] = mapped_column(Str(32))  # the holder's random token
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    message_ts: Mapped[str | None] = mapped_column(Str(32))  # the digest message, once posted
    chart_id: Mapped[str | None] = mapped_column(Str(32))  # the uploaded chart
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # set when all is posted


MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision``. Two processes starting together: PostgreSQL serialises
    them (an advisory lock, migrations/env.py); on SQLite the second may collide with the first's
    DDL, and then finds the work done when it tries again."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(2):
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
            return
        except DBAPIError:
            if attempt:
                raise


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    def __init__(self, url: str):
        url = database_url(url)  # a bare postgresql:// URL would ask for psycopg2; we ship psycopg 3
        sqlite = url.startswith("sqlite")
        connect_args = (
            {"timeout": 30, "check_same_thread": False}
            if sqlite
            else {"connect_timeout": PG_CONNECT_TIMEOUT}
            if url.startswith("postgresql")
            else {}
        )
        self.engine = create_engine(url, pool_pre_ping=not sqlite, connect_args=connect_args)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)
        self.session = sessionmaker(self.engine, expire_on_commit=False)  # for readers such as the digest

    def close(self) -> None:
        self.engine.dispose()

    def first_delivery(self, event_id: str) -> bool:
        """Record an event id; False if it was seen before."""
        return self._insert(SlackEvent(event_id=event_id)) is not None

    def forget_events(self, older_than: timedelta = timedelta(days=1)) -> None:
        """Slack stops retrying an event within hours; older ids only take space."""
        with self.session.begin() as s:
            s.execute(delete(SlackEvent).where(SlackEvent.received_at < _now() - older_than))

    def create(self, dedup_key: str, owner: str | None = None, **fields: Any) -> int | None:
        """A new queued review (``owner``: the process that will run it), or None when one with this key
        exists (a duplicate)."""
        row = self._insert(
            ReviewRow(
                dedup_key=dedup_key,
                status=QUEUED,
                attempts=0,
                claimed_by=owner,
                heartbeat_at=_now() if owner else None,
                **fields,
            )
        )
        return row.id if row is not None else None

    def _insert(self, row):
        with self.session() as s:
            s.add(row)
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                return None
            return row

    def get(self, review_id: int) -> ReviewRow:
        with self.session() as s:
            return s.get_one(ReviewRow, review_id)

    def update(self, review_id: int, **fields: Any) -> None:
        with self.session.begin() as s:
            s.execute(update(ReviewRow).where(ReviewRow.id == review_id).values(**fields))

    def start(self, review_id: int) -> ReviewRow:
        with self.session.begin() as s:
            s.execute(
                update(ReviewRow)
                .where(ReviewRow.id == review_id)
                .values(status=RUNNING, attempts=ReviewRow.attempts + 1, started_at=_now())
            )
        return self.get(review_id)

    def finish(self, review_id: int, status: str, error: str | None = None) -> None:
        self.update(review_id, status=status, error=error, finished_at=_now())

    def heartbeat(self, owner: str) -> None:
        """``owner`` is alive: its unfinished reviews are not abandoned."""
        with self.session.begin() as s:
            s.execute(
                update(ReviewRow)
                .where(ReviewRow.claimed_by == owner, ReviewRow.status.in_(UNFINISHED))
                .values(heartbeat_at=_now())
            )

    def abandoned(self, lease: timedelta) -> list[ReviewRow]:
        """Unfinished reviews without an owner, or whose owner was silent for ``lease``."""
        with self.session() as s:
            return list(
                s.scalars(
                    select(ReviewRow)
                    .where(ReviewRow.status.in_(UNFINISHED), _silent(lease))
                    .order_by(ReviewRow.id)
                )
            )

    def take_over(self, review_id: int, owner: str, lease: timedelta) -> bool:
        """Own an abandoned review; False when another process took it first (or it finished)."""
        with self.session.begin() as s:
            # An UPDATE gives a CursorResult; Session.execute's stubs only say Result.
            result = cast(
                CursorResult[Any],
                s.execute(
                    update(ReviewRow)
                    .where(ReviewRow.id == review_id, ReviewRow.status.in_(UNFINISHED), _silent(lease))
                    .values(claimed_by=owner, heartbeat_at=_now())
                ),
            )
            return result.rowcount == 1

    def release(self, owner: str) -> None:
        """``owner`` stops: its unfinished reviews may be taken over at once."""
        with self.session.begin() as s:
            s.execute(
                update(ReviewRow)
                .where(ReviewRow.claimed_by == owner, ReviewRow.status.in_(UNFINISHED))
                .values(claimed_by=None, heartbeat_at=None)
            )

    def save_review(
        self,
        review_id: int,
        review: Review,
        previous_id: int | None = None,
        fixed: int | None = None,
        new: int | None = None,
        still_open: int | None = None,
    ) -> None:
        """The review's result, findings and LLM calls, in one transaction (before anything is posted,
        so a resumed job posts the same review instead of running it again)."""
        with self.session.begin() as s:
            row = s.get_one(ReviewRow, review_id)
            row.sha256, row.format = review.source.sha256, review.source.format
            row.issuer, row.year, row.verdict = review.report.issuer, review.report.year, review.verdict
            row.n_error, row.n_warning, row.n_info = (review.counts[k] for k in ("error", "warning", "info"))
            row.previous_id, row.n_fixed, row.n_new, row.n_open = previous_id, fixed, new, still_open
            row.review_json = review.to_json_dict()
            row.findings = [
                FindingRow(
                    rule=f.rule,
                    severity=f.severity,
                    part=f.part,
                    source=f.source,
                    message=f.message,
                    evidence=f.evidence,
                    cell=f.location.cell,
                    line=f.location.line,
                    page=f.location.page,
                )
                for f in review.findings
            ]
            row.llm_calls = [_call_row(review_id, c) for c in review.narrative.calls]

    def previous(self, channel: str, issuer: str, year: int, before_id: int) -> ReviewRow | None:
        """The latest finished review of the same issuer and year in the same channel (for a re-review;
        another channel's findings may be private to it)."""
        with self.session() as s:
            return s.scalars(
                select(ReviewRow)
                .where(
                    ReviewRow.channel == channel,
                    ReviewRow.issuer == issuer,
                    ReviewRow.year == year,
                    ReviewRow.id < before_id,
                    ReviewRow.status == DONE,
                    ReviewRow.review_json.is_not(None),
                )
                .order_by(ReviewRow.id.desc())
                .limit(1)
            ).first()


def _call_row(review_id: int, c: LLMCall) -> LLMCallRow:
    """An LLM call with its exchanges, configured secrets masked (the messages' personal numbers
    were masked before they were sent)."""
    exchanges = [
        LLMExchangeRow(
            review_id=review_id,
            seq=i,
            model=e.get("model") or c.model,
            messages=[{**m, "content": redact(m.get("content") or "")} for m in e["messages"]],
            answer=e.get("answer") and redact(e["answer"]),
            error=e.get("error") and redact(e["error"]),
            tokens_in=e.get("tokens_in", 0),
            tokens_cached=e.get("tokens_cached", 0),
            tokens_out=e.get("tokens_out", 0),
            latency_ms=e.get("latency_ms", 0),
        )
        for i, e in enumerate(c.exchanges)
    ]
    return LLMCallRow(
        model=c.model,
        prompt=c.prompt,
        tokens_in=c.tokens_in,
        tokens_cached=c.tokens_cached,
        tokens_out=c.tokens_out,
        cost=c.cost,
        currency=c.currency,
        latency_ms=c.latency_ms,
        attempts=c.attempts,
        ok=c.ok,
        error=c.error and redact(c.error),
        exchanges=exchanges,
    )


def _silent(lease: timedelta) -> ColumnElement[bool]:
    return or_(ReviewRow.heartbeat_at.is_(None), ReviewRow.heartbeat_at < _now() - lease)
