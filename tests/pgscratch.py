"""Scratch PostgreSQL databases of a test's own, named per process (other test runs may share the server)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _worker, pg_admin_url


def admin_or_skip():
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this case")
    return admin


def unique(prefix: str) -> str:
    return f"{prefix}_{_worker()}_{os.getpid()}"


def recreate(name: str, *, template: str | None = None) -> str:
    """An empty database (or a copy of `template`) called `name`; returns its URL."""
    admin = admin_or_skip()
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    server.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop(*names: str) -> None:
    server = create_engine(admin_or_skip(), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    name = unique(prefix)
    url = recreate(name)
    try:
        yield url
    finally:
        drop(name)
