"""Backup mechanics, one per format, each writing its output whole or not at all:

- SQLite: the online backup API (a consistent copy while others write);
- PostgreSQL: pg_dump's custom format, restored with pg_restore in a single transaction;
- portable: a zip of JSON lines per table plus a manifest with the alembic revision, readable into
  either backend (crm.services.restore stages it in a temporary SQLite database first).

Passwords never reach a command line: the PostgreSQL tools get theirs through PGPASSWORD."""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import URL

from db.base import Base

PORTABLE_FORMAT = "zhaoshang-crm-portable"
PORTABLE_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
BATCH = 2000
# Never copied: Alembic's bookkeeping (the restore has its own revision) and SQLite's internals.
SKIPPED_TABLES = ("alembic_version",)


class BackupToolError(Exception):
    """pg_dump/pg_restore failed; `reason` is the tool's first line of complaint."""

    def __init__(self, tool: str, reason: str) -> None:
        super().__init__(f"{tool}: {reason}")
        self.tool = tool
        self.reason = reason


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` that replaces it only when the block succeeds: a process
    killed midway leaves any existing `target` exactly as it was."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def sniff(path: Path) -> str | None:
    """'sqlite', 'pg_dump', 'portable' or None, from the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    if head.startswith(ZIP_MAGIC):
        return "portable"
    return None


# --- SQLite -----------------------------------------------------------------------------------------

def sqlite_backup(source: Path, target: Path) -> None:
    """Copy source to target page by page; target is written whole or not at all."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        with replacing(target) as partial:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A backup should be one self-contained file, not a database plus a write-ahead log.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
    finally:
        src.close()


# --- PostgreSQL tools -------------------------------------------------------------------------------

def tool_major(tool: str) -> int | None:
    """Major version of pg_dump/pg_restore on PATH, None when absent."""
    path = shutil.which(tool)
    if path is None:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def server_major(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[var] = str(value)
    if "sslmode" in url.query:
        env["PGSSLMODE"] = str(url.query["sslmode"])
    return env


def _run(tool: str, args: list[str], url: URL) -> str:
    result = subprocess.run([shutil.which(tool) or tool, *args], env=_pg_env(url), capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = next((line for line in lines if "error" in line.lower()), lines[0] if lines else f"exit {result.returncode}")
        if url.password:
            reason = reason.replace(url.password, "***")
        raise BackupToolError(tool, reason.removeprefix(f"{tool}: "))
    return result.stdout


def pg_dump(url: URL, target: Path) -> None:
    with replacing(target) as partial:
        _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], url)


def pg_dump_tables(dump: Path, url: URL) -> set[str]:
    listing = _run("pg_restore", ["--list", str(dump)], url)
    return {m.group(1) for m in re.finditer(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.MULTILINE)}


def pg_dump_revision(dump: Path, url: URL) -> str | None:
    """The alembic revision stored in a pg_dump file (its alembic_version table's data)."""
    script = _run("pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(dump)], url)
    rows = re.search(r"^COPY \S*alembic_version .*?FROM stdin;\n(.*?)^\\\.$", script, re.MULTILINE | re.DOTALL)
    values = rows.group(1).split() if rows else []
    return values[0] if values else None


def pg_restore(dump: Path, url: URL) -> None:
    """Replace the dump's tables in one transaction: any error leaves the database as it was.
    Extensions are left to the database's owner (dropping one would need its owner's rights)."""
    listing = _run("pg_restore", ["--list", str(dump)], url)
    kept = "".join(line + "\n" for line in listing.splitlines() if " EXTENSION " not in line)
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as f:
        f.write(kept)
    try:
        _run("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
                            "--no-privileges", f"--use-list={f.name}", f"--dbname={url.database}", str(dump)], url)
    finally:
        os.unlink(f.name)


# --- Tables, in an order foreign keys accept ---------------------------------------------------------

def copyable_tables(conn: Connection) -> list[sa.Table]:
    """Every table holding data, reflected, parents before children: the models' tables first, then
    hand-made ones (the search keys of revisions before 0005). SQLite full-text tables are rebuilt by
    their triggers, not copied."""
    inspector = sa.inspect(conn)
    names = set(inspector.get_table_names()) - set(SKIPPED_TABLES)
    if conn.dialect.name == "sqlite":
        virtual = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")}
        names = {n for n in names if not n.startswith("sqlite_") and not any(n == v or n.startswith(v + "_") for v in virtual)}
    ordered = [t.name for t in Base.metadata.sorted_tables if t.name in names]
    ordered += sorted(names - set(ordered))
    metadata = sa.MetaData()
    return [sa.Table(name, metadata, autoload_with=conn) for name in ordered]


def parents_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Rows of a self-referencing table (events.parent_id, stage_steps.corrects_id) ordered so that
    each row comes after the one it points to: foreign keys are checked row by row."""
    columns = _self_references(table)
    if not columns or "id" not in table.c:
        return rows
    by_id = {row["id"]: row for row in rows}
    done: set = set()
    ordered: list[dict] = []

    def place(row: dict) -> None:
        stack = [row]
        while stack:
            current = stack[-1]
            pending = [by_id[current[c]] for c in columns
                       if current[c] is not None and current[c] in by_id and current[c] not in done]
            pending = [p for p in pending if p["id"] not in {s["id"] for s in stack}]
            if pending:
                stack.append(pending[0])
                continue
            stack.pop()
            if current["id"] not in done:
                done.add(current["id"])
                ordered.append(current)

    for row in rows:
        place(row)
    return ordered


def fetch_rows(conn: Connection, table: sa.Table) -> Iterator[list[dict]]:
    """A table's rows in batches, by id; a self-referencing table in one batch, parents first."""
    query = sa.select(table)
    if "id" in table.c:
        query = query.order_by(table.c.id)
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    parts = ([dict(row) for row in part] for part in result.mappings().partitions(BATCH))
    if not _self_references(table):
        yield from parts
        return
    yield parents_first(table, [row for part in parts for row in part])


def _self_references(table: sa.Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows read from another database, keeping only this table's columns. Timestamps: SQLite
    keeps no zone and holds UTC; PostgreSQL's come back in the session's zone."""
    names = set(table.c.keys())
    stamps = [c for c in table.c if isinstance(c.type, sa.DateTime)]
    adapted = []
    for row in rows:
        row = {k: v for k, v in row.items() if k in names}
        for column in stamps:
            value = row.get(column.name)
            if isinstance(value, dt.datetime):
                if column.type.timezone and value.tzinfo is None:
                    row[column.name] = value.replace(tzinfo=dt.timezone.utc)
                elif not column.type.timezone and value.tzinfo is not None:
                    row[column.name] = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        adapted.append(row)
    for start in range(0, len(adapted), BATCH):
        conn.execute(table.insert(), adapted[start : start + BATCH])


def copy_tables(source: Connection, target: Connection) -> int:
    """Replace every table's rows in `target` with `source`'s (same revision), inside the caller's
    transaction. Returns the number of rows copied."""
    source_tables = {t.name: t for t in copyable_tables(source)}
    target_tables = [t for t in copyable_tables(target) if t.name in source_tables]
    for table in reversed(target_tables):
        target.execute(table.delete())
    copied = 0
    for table in target_tables:
        for rows in fetch_rows(source, source_tables[table.name]):
            insert_rows(target, table, rows)
            copied += len(rows)
    if target.dialect.name == "postgresql":
        reset_sequences(target, target_tables)
    return copied


def reset_sequences(conn: Connection, tables: list[sa.Table]) -> None:
    """After rows came in with their ids, the next id must follow the largest one."""
    for table in tables:
        if "id" not in table.c:
            continue
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if sequence:
            conn.execute(
                sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'),
                {"s": sequence},
            )


# Rows every database is given by its migrations (the province's cities): not the user's records.
SEEDED_TABLES = ("regions",)


def has_rows(conn: Connection) -> bool:
    """Whether the database holds records (derived tables such as search keys, and the rows migrations
    seed, do not count)."""
    tables = [t for t in copyable_tables(conn) if t.name in Base.metadata.tables and t.name not in SEEDED_TABLES]
    return any(conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() for t in tables)


# --- Portable dump ------------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decoder(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return None


def write_portable(conn: Connection, target: Path, *, revision: str | None) -> dict[str, int]:
    """Every table of the database as JSON lines, read in the caller's (one, consistent) transaction."""
    counts: dict[str, int] = {}
    with replacing(target) as partial, zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in copyable_tables(conn):
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                for part in fetch_rows(conn, table):
                    for row in part:
                        out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode())
                        out.write(b"\n")
                    count += len(part)
            counts[table.name] = count
        manifest = {"format": PORTABLE_FORMAT, "format_version": PORTABLE_VERSION, "revision": revision,
                    "backend": conn.dialect.name, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                    "tables": counts}
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return counts


def read_manifest(path: Path) -> dict:
    """The manifest of a portable backup; ValueError when the file is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(str(error)) from None
    if manifest.get("format") != PORTABLE_FORMAT or manifest.get("format_version") != PORTABLE_VERSION:
        raise ValueError(f"not a {PORTABLE_FORMAT} v{PORTABLE_VERSION} file")
    return manifest


def load_portable(path: Path, conn: Connection, manifest: dict) -> None:
    """Insert a portable backup's rows into a database at the manifest's revision, in place of the rows
    its migrations seeded."""
    ordered = copyable_tables(conn)
    for table in reversed(ordered):
        conn.execute(table.delete())
    tables = {t.name: t for t in ordered}
    with zipfile.ZipFile(path) as archive:
        for name, expected in manifest["tables"].items():
            table = tables.get(name)
            if table is None:
                raise ValueError(f"table {name} is not in revision {manifest['revision']}")
            decoders = {c.name: d for c in table.c if (d := _decoder(c)) is not None}
            whole = bool(_self_references(table))  # parents first needs the whole table at once
            rows: list[dict] = []
            count = 0
            with archive.open(f"tables/{name}.jsonl") as lines:
                for line in lines:
                    row = json.loads(line)
                    for key, decode in decoders.items():
                        if row.get(key) is not None:
                            row[key] = decode(row[key])
                    rows.append(row)
                    if len(rows) >= BATCH and not whole:
                        insert_rows(conn, table, rows)
                        count, rows = count + len(rows), []
            insert_rows(conn, table, parents_first(table, rows))
            count += len(rows)
            if count != expected:
                raise ValueError(f"table {name}: {count} rows, the manifest says {expected}")
