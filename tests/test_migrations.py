"""The store's schema is kept by Alembic: a new database, and one made before migrations (by the
old ``create_all``, even without the columns added to it later), both come out at the newest
revision with their rows intact, on SQLite and PostgreSQL; the migrations build exactly the
schema the models describe; and every LLM exchange of a review is stored with it."""

from __future__ import annotations

import json
from pathlib import Path
from tomllib import loads

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import seed
from fake_openai import FakeOpenAI, covering_answer
from sqlalchemy import create_engine, inspect, select, text

from bot.config import database_url
from bot.store import MIGRATIONS, Base, LLMCallRow, LLMExchangeRow, Store
from nianbao.narrative.llm_review import LLMReviewer
from nianbao.narrative.settings import LLMSettings
from nianbao.review import review_bytes

# The schema of the store before migrations, as the old create_all made it (before claimed_by and
# heartbeat_at were added), with one finished review in it.
OLD_SCHEMA = """
CREATE TABLE reviews (id INTEGER PRIMARY KEY, dedup_key VARCHAR(200) NOT NULL UNIQUE, kind VARCHAR(8) NOT NULL,
  status VARCHAR(8) NOT NULL, attempts INTEGER NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE, finished_at TIMESTAMP WITH TIME ZONE, channel VARCHAR(32) NOT NULL,
  user_id VARCHAR(32), message_ts VARCHAR(32), thread_ts VARCHAR(32), reply_ts VARCHAR(32), upload_id VARCHAR(32),
  file_id VARCHAR(32), file_name VARCHAR(300), source_url TEXT, sha256 VARCHAR(64), format VARCHAR(8),
  issuer VARCHAR(200), year INTEGER, verdict VARCHAR(4), n_error INTEGER, n_warning INTEGER, n_info INTEGER,
  previous_id INTEGER REFERENCES reviews (id), n_fixed INTEGER, n_new INTEGER, n_open INTEGER, error TEXT,
  review_json {json});
CREATE TABLE findings (id INTEGER PRIMARY KEY, review_id INTEGER NOT NULL REFERENCES reviews (id),
  rule VARCHAR(80) NOT NULL, severity VARCHAR(8) NOT NULL, part VARCHAR(4), source VARCHAR(10) NOT NULL,
  message TEXT NOT NULL, evidence TEXT NOT NULL, cell VARCHAR(120), line INTEGER, page INTEGER);
CREATE TABLE llm_calls (id INTEGER PRIMARY KEY, review_id INTEGER NOT NULL REFERENCES reviews (id),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL, model VARCHAR(120) NOT NULL, prompt VARCHAR(120) NOT NULL,
  tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, latency_ms INTEGER NOT NULL, attempts INTEGER NOT NULL,
  ok BOOLEAN NOT NULL, error TEXT);
CREATE TABLE slack_events (event_id VARCHAR(64) PRIMARY KEY, received_at TIMESTAMP WITH TIME ZONE NOT NULL);
CREATE TABLE digest_runs (id INTEGER PRIMARY KEY, channel VARCHAR(32) NOT NULL, week VARCHAR(8) NOT NULL,
  claim VARCHAR(32) NOT NULL, claimed_at TIMESTAMP WITH TIME ZONE NOT NULL, message_ts VARCHAR(32),
  chart_id VARCHAR(32), posted_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT uq_digest_runs_channel_week UNIQUE (channel, week));
INSERT INTO reviews (id, dedup_key, kind, status, attempts, created_at, channel, issuer, year, verdict)
  VALUES (1, 'file:C1:F1', 'file', 'done', 1, '2025-01-20 09:00:00+00:00', 'C1', '某镇人民政府', 2024, 'warn');
INSERT INTO llm_calls (id, review_id, created_at, model, prompt, tokens_in, tokens_out, latency_ms, attempts, ok)
  VALUES (1, 1, '2025-01-20 09:00:01+00:00', 'deepseek-chat', 'narrative_review@8da01c0c', 1200, 300, 900, 1, TRUE);
"""


def _old_store(url: str) -> None:
    engine = create_engine(database_url(url))
    json_type = "JSONB" if engine.dialect.name == "postgresql" else "JSON"
    with engine.begin() as c:
        for statement in OLD_SCHEMA.format(json=json_type).split(";"):
            if statement.strip():
                c.execute(text(statement))
    engine.dispose()


def _revision(store: Store) -> str:
    with store.engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


def test_an_old_store_is_upgraded_with_its_rows(db_url):
    _old_store(db_url)
    store = Store(db_url)
    try:
        assert _revision(store) == "0002"
        columns = {c["name"] for c in inspect(store.engine).get_columns("reviews")}
        assert {"claimed_by", "heartbeat_at"} <= columns
        assert {"tokens_cached", "cost", "currency"} <= {
            c["name"] for c in inspect(store.engine).get_columns("llm_calls")
        }
        row = store.get(1)
        assert (row.issuer, row.verdict, row.claimed_by) == ("某镇人民政府", "warn", None)
        with store.session() as s:
            [call] = s.scalars(select(LLMCallRow))
        assert (call.model, call.tokens_in, call.tokens_cached, call.cost) == ("deepseek-chat", 1200, 0, None)
    finally:
        store.close()
    again = Store(db_url)  # a second start has nothing to do
    assert _revision(again) == "0002"
    again.close()


def test_the_migrations_build_the_schema_the_models_describe(db_url):
    store = Store(db_url)
    try:
        with store.engine.connect() as c:
            differences = compare_metadata(MigrationContext.configure(c), Base.metadata)
        assert differences == []
    finally:
        store.close()


def test_the_migrations_ship_inside_the_package():
    assert (MIGRATIONS / "env.py").is_file() and len(list((MIGRATIONS / "versions").glob("0*.py"))) == 2
    config = loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "migrations/versions/*.py" in config["tool"]["setuptools"]["package-data"]["bot"]


def test_every_llm_exchange_is_stored_with_its_review(db_url):
    """The audit log: masked messages sent, the raw answer, model, tokens and latency of each
    request — a re-ask included."""
    with FakeOpenAI(["不是 JSON", covering_answer]) as fake:
        reviewer = LLMReviewer(
            LLMSettings(model="fake-model", base_url=fake.base_url, api_key="k", backoff=0.01)
        )
        text_ = seed("001").read_bytes()
        review = review_bytes(text_, "001.txt", narrative=reviewer)
    store = Store(db_url)
    try:
        review_id = store.create("file:C1:F9", kind="file", channel="C1")
        store.save_review(review_id, review)
        with store.session() as s:
            first, second = s.scalars(
                select(LLMExchangeRow)
                .where(LLMExchangeRow.review_id == review_id)
                .order_by(LLMExchangeRow.seq)
            )
        assert (first.seq, first.answer, second.seq) == (0, "不是 JSON", 1)
        assert json.loads(second.answer)["summary"] == "叙述部分完整。"
        assert [m["role"] for m in first.messages] == ["system", "user"]
        assert [m["role"] for m in second.messages] == ["system", "user", "assistant", "user"]  # the re-ask
        sent = first.messages[1]["content"]
        assert "18753357806" not in sent and "***********" in sent  # masked as sent
        assert second.model == "fake-model" and second.tokens_in > 0 and second.tokens_out > 0
        assert second.latency_ms >= 0
        with store.session() as s:
            [call] = s.scalars(select(LLMCallRow).where(LLMCallRow.review_id == review_id))
            assert [e.id for e in call.exchanges] == [first.id, second.id] and call.attempts == 2
    finally:
        store.close()
