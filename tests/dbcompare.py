"""Every row of a database in a backend-neutral form, to compare two databases (backups, migrations)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import create_engine

from db.backup import copyable_tables, fetch_rows
from db.engine import resolve_url


def neutral(value):
    """SQLite keeps naive UTC timestamps and drops trailing zeros; PostgreSQL keeps zones and scale."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def snapshot(url: str, *, columns: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """{table: sorted rows}; `columns` limits each table to the named columns (tables not named: all)."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            result = {}
            for table in copyable_tables(conn):
                keep = sorted(columns[table.name] if columns and table.name in columns else table.c.keys())
                rows = [tuple(neutral(row[c]) for c in keep) for part in fetch_rows(conn, table) for row in part]
                result[table.name] = sorted(rows, key=repr)
            return result
    finally:
        engine.dispose()


def table_columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            return {t.name: set(t.c.keys()) for t in copyable_tables(conn)}
    finally:
        engine.dispose()
