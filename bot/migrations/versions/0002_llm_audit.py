"""The LLM audit log: every exchange with the model (masked messages sent, the raw answer, model,
tokens, latency) stored with its review, and the cached input tokens and estimated cost of each
call.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("llm_calls") as table:
        table.add_column(sa.Column("tokens_cached", sa.Integer, nullable=False, server_default="0"))
        table.add_column(sa.Column("cost", sa.Float))
        table.add_column(sa.Column("currency", sa.String(8)))
    op.create_table(
        "llm_exchanges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("review_id", sa.Integer, sa.ForeignKey("reviews.id"), nullable=False, index=True),
        sa.Column("call_id", sa.Integer, sa.ForeignKey("llm_calls.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),  # the exchange's place in its call (retries, re-asks)
        sa.Column("model", sa.String(120), nullable=False),
        sa.Column("messages", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("tokens_in", sa.Integer, nullable=False),
        sa.Column("tokens_cached", sa.Integer, nullable=False),
        sa.Column("tokens_out", sa.Integer, nullable=False),
        sa.Column("latency_ms", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("llm_exchanges")
    with op.batch_alter_table("llm_calls") as table:
        table.drop_column("currency")
        table.drop_column("cost")
        table.drop_column("tokens_cached")
