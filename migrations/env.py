"""Alembic environment: always given a connection by db.migrate (or by pytest-alembic)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import db.models  # noqa: F401  (registers every table on the metadata)
from db.base import Base
from db.migrate import include_object


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Engine):  # pytest-alembic hands over an engine
        with connection.connect() as conn:
            _run(conn)
            conn.commit()
        return
    if connection is None:
        from db.engine import make_engine, resolve_url

        engine = make_engine(resolve_url(context.config.get_main_option("sqlalchemy.url")), foreign_keys=False)
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
        include_object=include_object,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
