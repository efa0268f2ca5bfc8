"""`crm restore FILE [--force]`: put a backup back, all or nothing.

A pg_dump file goes back through pg_restore in a single transaction (PostgreSQL only). Any other
backup — a SQLite file or a portable dump, from either backend — is first staged in a temporary
SQLite database and migrated to this program's revision there; its rows then replace the target's in
one transaction. A database that holds data is only overwritten with `force`."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect

from db import migrate
from db.backup import (
    BackupToolError,
    copy_tables,
    has_rows,
    load_portable,
    pg_dump_revision,
    pg_dump_tables,
    pg_restore,
    read_manifest,
    server_major,
    sniff,
    sqlite_backup,
    tool_major,
)
from db.engine import make_engine
from db.session import Database

from crm.errors import CrmError, DatabaseUnavailable, FileRefused


@dataclass
class RestoreResult:
    kind: str  # sqlite | pg_dump | portable
    rows: int | None  # rows copied (pg_restore does not say)


def restore_database(url: str | None, source: Path, *, force: bool) -> RestoreResult:
    if not source.is_file():
        raise FileRefused("restore_not_a_backup", path=source)
    kind = sniff(source)
    if kind is None:
        raise FileRefused("restore_not_a_backup", path=source)
    target = Database(url)
    try:
        if kind == "pg_dump":
            _restore_pg_dump(target, source, force=force)
            return RestoreResult(kind, None)
        with _staged(kind, source) as staged:
            migrate.ensure_ready(target)
            return RestoreResult(kind, _replace_rows(staged, target, force=force))
    finally:
        target.dispose()


def _known(revision: str | None) -> bool:
    return revision is not None and revision in {r.revision for r in migrate.script_directory().walk_revisions()}


@contextmanager
def _staged(kind: str, source: Path) -> Iterator[Database]:
    """The backup as a SQLite database at this program's revision, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as folder:
        staged = Database(str(Path(folder) / "staged.sqlite3"))
        try:
            if kind == "sqlite":
                sqlite_backup(source, Path(staged.url.database))
                revision = migrate.current_revision(staged)
                if revision is None:
                    raise FileRefused("restore_not_a_backup", path=source)
                if not _known(revision):
                    raise CrmError("backup_newer_than_app", revision=revision)
            else:
                _stage_portable(source, staged)
            migrate.upgrade(staged, backup=False)
            yield staged
        finally:
            staged.dispose()


def _stage_portable(source: Path, staged: Database) -> None:
    try:
        manifest = read_manifest(source)
    except ValueError as error:
        raise FileRefused("restore_broken_file", path=source, reason=str(error)) from None
    revision = manifest.get("revision")
    if revision is None:
        raise FileRefused("restore_not_a_backup", path=source)
    if not _known(revision):
        raise CrmError("backup_newer_than_app", revision=revision)
    migrate.upgrade(staged, revision, backup=False)
    # As in migrations: rows go in whole tables at a time, foreign keys are checked after.
    engine = make_engine(staged.url, foreign_keys=False, pooled=False)
    try:
        with engine.begin() as conn:
            try:
                load_portable(source, conn, manifest)
            except (ValueError, KeyError) as error:
                raise FileRefused("restore_broken_file", path=source, reason=str(error)) from None
    finally:
        engine.dispose()


def _replace_rows(staged: Database, target: Database, *, force: bool) -> int:
    """One transaction on the target (SQLite: the write lock from its start): check, wipe, copy, check."""
    with staged.engine.connect() as source, target.engine.execution_options(crm_write=True).begin() as conn:
        if has_rows(conn) and not force:
            raise CrmError("restore_target_has_data", url=target.display_url)
        copied = copy_tables(source, conn)
        if conn.dialect.name == "sqlite":
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise migrate.MigrationError("foreign_key_check_failed", count=len(broken), table=broken[0][0])
        return copied


def _restore_pg_dump(target: Database, dump: Path, *, force: bool) -> None:
    if target.url.get_backend_name() != "postgresql":
        raise FileRefused("restore_pg_dump_needs_pg", path=dump)
    try:
        revision = pg_dump_revision(dump, target.url)
        if not _known(revision):
            raise CrmError("backup_newer_than_app", revision=revision) if revision else \
                FileRefused("restore_not_a_backup", path=dump)
        with target.engine.connect() as conn:
            client, server = tool_major("pg_restore"), server_major(conn)
            if client != server:
                raise CrmError("backup_tool_failed", tool="pg_restore",
                               reason=f"pg_restore {client} ≠ PostgreSQL {server}")
            existing = set(inspect(conn).get_table_names())
            if existing and has_rows(conn) and not force:
                raise CrmError("restore_target_has_data", url=target.display_url)
        extra = existing - pg_dump_tables(dump, target.url)
        if extra:
            raise CrmError("restore_pg_extra_tables", tables=", ".join(sorted(extra)))
        pg_restore(dump, target.url)
    except BackupToolError as error:
        raise DatabaseUnavailable("backup_tool_failed", tool=error.tool, reason=error.reason) from None
    migrate.upgrade(target, backup=False)
