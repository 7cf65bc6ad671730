"""Alembic's entry point, run by ``bot.store.migrate`` on the connection it is given (there is no
alembic.ini: the store's URL is the configuration). Migrations run inside one transaction; on
PostgreSQL an advisory lock makes processes that start together upgrade one after the other."""

from alembic import context
from sqlalchemy import text

MIGRATION_LOCK = 7_275_736  # any constant: the key of the advisory lock

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
    context.run_migrations()
