"""The store as it was before migrations: reviews, findings, LLM calls, Slack events, digest runs.

A store created before Alembic (by ``create_all``) already has these tables, possibly without the
columns added since (``claimed_by``, ``heartbeat_at``): it is brought to this revision by adding
what it lacks, never by creating a table twice.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def _tables() -> dict[str, tuple]:
    return {
        "reviews": (
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("dedup_key", sa.String(200), nullable=False, unique=True),
            sa.Column("kind", sa.String(8), nullable=False),
            sa.Column("status", sa.String(8), nullable=False, index=True),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("claimed_by", sa.String(80)),
            sa.Column("heartbeat_at", WHEN),
            sa.Column("created_at", WHEN, nullable=False, index=True),
            sa.Column("started_at", WHEN),
            sa.Column("finished_at", WHEN),
            sa.Column("channel", sa.String(32), nullable=False),
            sa.Column("user_id", sa.String(32)),
            sa.Column("message_ts", sa.String(32)),
            sa.Column("thread_ts", sa.String(32)),
            sa.Column("reply_ts", sa.String(32)),
            sa.Column("upload_id", sa.String(32)),
            sa.Column("file_id", sa.String(32), index=True),
            sa.Column("file_name", sa.String(300)),
            sa.Column("source_url", sa.Text),
            sa.Column("sha256", sa.String(64), index=True),
            sa.Column("format", sa.String(8)),
            sa.Column("issuer", sa.String(200)),
            sa.Column("year", sa.Integer),
            sa.Column("verdict", sa.String(4)),
            sa.Column("n_error", sa.Integer),
            sa.Column("n_warning", sa.Integer),
            sa.Column("n_info", sa.Integer),
            sa.Column("previous_id", sa.Integer, sa.ForeignKey("reviews.id")),
            sa.Column("n_fixed", sa.Integer),
            sa.Column("n_new", sa.Integer),
            sa.Column("n_open", sa.Integer),
            sa.Column("error", sa.Text),
            sa.Column("review_json", JSON),
            sa.Index("ix_reviews_channel_created", "channel", "created_at"),
            sa.Index("ix_reviews_issuer_year", "issuer", "year"),
        ),
        "findings": (
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id"), nullable=False, index=True),
            sa.Column("rule", sa.String(80), nullable=False, index=True),
            sa.Column("severity", sa.String(8), nullable=False),
            sa.Column("part", sa.String(4)),
            sa.Column("source", sa.String(10), nullable=False),
            sa.Column("message", sa.Text, nullable=False),
            sa.Column("evidence", sa.Text, nullable=False),
            sa.Column("cell", sa.String(120)),
            sa.Column("line", sa.Integer),
            sa.Column("page", sa.Integer),
        ),
        "llm_calls": (
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id"), nullable=False, index=True),
            sa.Column("created_at", WHEN, nullable=False, index=True),
            sa.Column("model", sa.String(120), nullable=False),
            sa.Column("prompt", sa.String(120), nullable=False),
            sa.Column("tokens_in", sa.Integer, nullable=False),
            sa.Column("tokens_out", sa.Integer, nullable=False),
            sa.Column("latency_ms", sa.Integer, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("ok", sa.Boolean, nullable=False),
            sa.Column("error", sa.Text),
        ),
        "slack_events": (
            sa.Column("event_id", sa.String(64), primary_key=True),
            sa.Column("received_at", WHEN, nullable=False),
        ),
        "digest_runs": (
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("channel", sa.String(32), nullable=False),
            sa.Column("week", sa.String(8), nullable=False),
            sa.Column("claim", sa.String(32), nullable=False),
            sa.Column("claimed_at", WHEN, nullable=False),
            sa.Column("message_ts", sa.String(32)),
            sa.Column("chart_id", sa.String(32)),
            sa.Column("posted_at", WHEN),
            sa.UniqueConstraint("channel", "week", name="uq_digest_runs_channel_week"),
        ),
    }


# columns a pre-Alembic store may lack (the old hand-kept list): nullable, so adding them is safe
_ADDED_LATER = {"reviews": ("claimed_by", "heartbeat_at")}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, items in _tables().items():
        if not inspector.has_table(name):
            op.create_table(name, *items)
            continue
        present = {c["name"] for c in inspector.get_columns(name)}
        columns = {c.name: c for c in items if isinstance(c, sa.Column)}
        for column in _ADDED_LATER.get(name, ()):
            if column not in present:
                op.add_column(name, columns[column])  # built afresh by _tables(): in no table yet


def downgrade() -> None:
    for name in reversed(list(_tables())):
        op.drop_table(name)
