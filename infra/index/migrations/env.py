"""Alembic's environment for the index: run on the connection `infra.index.engine.migrate` hands over
(no alembic.ini, no URL of its own). On PostgreSQL an advisory lock keeps two workers starting at once
from migrating together."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from infra.index.tables import metadata

MIGRATION_LOCK = 7_424_113  # any constant: the advisory lock's number


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": MIGRATION_LOCK})
        context.run_migrations()


run_migrations_online()
