"""Migrations at start and on request: backup first on SQLite, foreign keys off while tables are
rebuilt, and a foreign-key check before the migration commits."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

import migrations
from db.engine import enable_wal, is_sqlite, make_engine, sqlite_file
from db.errors import DatabaseRefused
from db.session import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported only where a migration (or its history) is really needed: importing it and
# reading its script directory cost a tenth of a second on every command otherwise.
MIGRATIONS_DIR = Path(migrations.__file__).parent
VERSION_TABLE = "alembic_version"
HAND_MADE_TABLE_PREFIXES = ("sqlite_", "contacts_fts", "search_")
PG_MIGRATION_LOCK = 0x43524D  # any constant: serialises concurrent starters on one PostgreSQL


class MigrationError(DatabaseRefused):
    pass


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return script_directory().get_current_head()


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_at_head(db: Database) -> bool:
    return current_revision(db) == head_revision()


def _known(revision: str | None) -> bool:
    if revision is None:
        return True
    try:
        return script_directory().get_revision(revision) is not None
    except Exception:
        return False


def upgrade(db: Database, target: str = "head", *, backup: bool = True) -> Path | None:
    """Bring the database to target. Returns the path of the backup taken first, if any."""
    from alembic import command

    from db.backup import sqlite_backup

    refuse_foreign_sqlite(db)
    current = current_revision(db)
    if current is None and _has_tables(db):
        raise DatabaseRefused("db_not_crm", path=sqlite_file(db.url) or db.display_url)
    if not _known(current):
        raise MigrationError("db_newer_than_app", revision=current)
    backup_path = None
    source = sqlite_file(db.url)
    if backup and current is not None and source is not None and source.exists() and current != head_revision():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = source.with_name(f"{source.name}.before-migration-{current}-{stamp}.bak")
        sqlite_backup(source, backup_path)
    # Batch migrations on SQLite drop and recreate tables: with foreign keys on, that would cascade.
    engine = make_engine(db.url, foreign_keys=False, pooled=False) if is_sqlite(db.url) else db.engine
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        _check_foreign_keys(conn)
    if engine is not db.engine:
        engine.dispose()
    if source is not None:
        enable_wal(db.engine)  # a database crm made or migrated is crm's: readers need not wait for writers
    return backup_path


def downgrade(db: Database, target: str) -> None:
    from alembic import command

    engine = make_engine(db.url, foreign_keys=False, pooled=False) if is_sqlite(db.url) else db.engine
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)
        _check_foreign_keys(conn)
    if engine is not db.engine:
        engine.dispose()


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise MigrationError("foreign_key_check_failed", count=len(broken), table=broken[0][0])


def ensure_ready(db: Database) -> Path | None:
    """Create or migrate the database on first use; a no-op when it is already at head. The usual case
    (at head) is decided by one query and the migration files' texts, without Alembic. Another
    program's SQLite file (tables, but no crm revision) is refused before anything is written to it."""
    refuse_foreign_sqlite(db)
    head = head_from_files()
    if head is not None and stored_revisions(db) == [head]:
        return None
    if is_at_head(db):
        return None
    return upgrade(db)


SQLITE_HEADER = b"SQLite format 3\x00"


def refuse_foreign_sqlite(db: Database) -> None:
    """A file that is not SQLite at all is refused by name, not by a driver's error (and before any
    connection could change it)."""
    path = sqlite_file(db.url)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise DatabaseRefused("db_not_sqlite", path=path)


def _has_tables(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


_REVISION = re.compile(r"""^revision\b[^=\n]*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def head_from_files(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The head revision as the files in migrations/versions state it (`revision = '0004'`,
    `down_revision = '0003'`, annotated or not), or None when any file does not say it plainly or there
    is not exactly one head: Alembic decides then. A test holds it equal to Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        parents.update(_QUOTED.findall(down[0]))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def stored_revisions(db: Database) -> list[str] | None:
    """The revisions recorded in the database (Alembic's version table), None for a database without one."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return sorted(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


def schema_differences(db: Database) -> list:
    """What autogenerate would change: empty when the models match the migrated database."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from db.base import Base

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_object": include_object},
        )
        return compare_metadata(ctx, Base.metadata)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Tables and indexes made by hand in migrations (full-text search, pg_trgm) are not the models' business."""
    return not (type_ in ("table", "index") and name and name.startswith(HAND_MADE_TABLE_PREFIXES))
