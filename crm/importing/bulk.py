"""Writing tens of thousands of rows inside the caller's transaction, fast: ids are taken up front and
rows go to the driver as it wants them (executemany on SQLite, COPY on PostgreSQL). An ORM flush of
50,000 objects takes several seconds; this takes a fraction of one. Used by imports and their undo."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from crm.errors import StaleEdit
from crm.i18n import pick

CHUNK = 500  # ids per IN (...) list


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys. On SQLite the writer holds the write lock (BEGIN IMMEDIATE), so the
    keys after the current maximum are ours; on PostgreSQL they come from the column's sequence."""
    if count == 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        return list(
            connection.execute(text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": sequence, "n": count})
            .scalars()
        )
    first = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(first, first + count))


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT rows (tuples in `columns` order, values the driver takes as they are: str, int, None,
    datetime from `column_default`). Columns left out get their model default."""
    if not rows:
        return
    connection = session.connection()
    defaults = {
        column.name: driver_value(session, column, _default(column))
        for column in table.columns
        if column.name not in columns and column.default is not None
    }
    names = [*columns, *defaults]
    extra = tuple(defaults.values())
    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in names)
    if connection.dialect.name == "postgresql":
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {preparer.format_table(table)} ({quoted}) VALUES ({marks})",
        [row + extra for row in rows] if extra else rows,
    )


def _default(column):
    default = column.default
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps plain callables to take (and ignore) a context
    return None


def driver_value(session: Session, column, value):
    """A Python value as the driver stores it in this column (SQLite keeps datetimes as text)."""
    if value is None:
        return None
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        value = value.value  # enums are stored by their string value
    dialect = session.connection().dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value


def update_versioned(session: Session, table: Table, fields: Sequence[str], rows: list[dict], *, what: str) -> None:
    """UPDATE each row by id, only if it is still at the version read (optimistic locking, db.base.Versioned).
    rows: {"id", "version", field...}; the version goes up by one."""
    if not rows:
        return
    connection = session.connection()
    statement = (
        update(table)
        .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
        .values({name: bindparam(f"p_{name}") for name in fields}
                | {"version": bindparam("p_new_version"), "updated_at": bindparam("p_now")})
    )
    now = dt.datetime.now(dt.timezone.utc)
    params = [
        {"p_id": row["id"], "p_version": row["version"], "p_new_version": row["version"] + 1, "p_now": now}
        | {f"p_{name}": row[name] for name in fields}
        for row in rows
    ]
    result = connection.execute(statement, params)
    if connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
        raise StaleEdit("stale_edit", what=what, who=pick("他人", "someone else"))


def refresh_statistics(session: Session, tables: Iterable[Table]) -> None:
    """ANALYZE after a bulk write on PostgreSQL: its planner otherwise keeps the row counts of before
    (a table of 100,000 contacts estimated at 50 rows is sorted instead of read through its index),
    until autovacuum — which a server may have turned off — gets round to it. Only the tables' owner
    may (the app role of a team set-up leaves it to autovacuum). SQLite's planner does without."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        owned = connection.execute(
            text("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass(:t)"),
            {"t": table.name},
        ).scalar()
        if owned:
            connection.exec_driver_sql(f"ANALYZE {connection.dialect.identifier_preparer.format_table(table)}")


def delete_ids(session: Session, table: Table, ids: Iterable[int]) -> None:
    ids = list(ids)
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        connection.execute(delete(table).where(table.c.id.in_(ids[start : start + CHUNK])))


def select_in(session: Session, columns: list, key, values: Iterable) -> list:
    """Rows whose `key` is in `values`, asked in chunks (SQLite allows a bounded number of parameters)."""
    values = list(values)
    result = []
    for start in range(0, len(values), CHUNK):
        result.extend(session.execute(select(*columns).where(key.in_(values[start : start + CHUNK]))).all())
    return result
