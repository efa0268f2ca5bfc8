"""`crm backup FILE`: a consistent copy of the database, in the best format available — SQLite's own
file (online backup API), pg_dump's custom format when the client matches the server, else (or with
`portable`) our portable dump, which restores into either backend."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext

from db.backup import BackupToolError, pg_dump, server_major, sqlite_backup, tool_major, write_portable
from db.engine import is_sqlite, sqlite_file
from db.session import Database

from crm.errors import CrmError, DatabaseUnavailable
from crm.i18n import pick, t
from crm.outputs import check_output_path


@dataclass
class BackupResult:
    path: Path
    kind: str  # sqlite | pg_dump | portable
    notice: str | None = None  # why a portable backup was written instead of pg_dump's


def backup_database(db: Database, target: Path, *, portable: bool = False) -> BackupResult:
    source = sqlite_file(db.url)
    check_output_path(target, live_database=source)
    if is_sqlite(db.url) and (source is None or not source.exists()):
        raise CrmError("write_failed", path=target, reason=pick("数据库文件不存在", "the database file does not exist"))
    if source is not None and not portable:
        sqlite_backup(source, target)
        return BackupResult(target, "sqlite")
    notice = None
    if db.url.get_backend_name() == "postgresql" and not portable:
        client = tool_major("pg_dump")
        with db.engine.connect() as conn:
            server = server_major(conn)
        if client == server:
            try:
                pg_dump(db.url, target)
            except BackupToolError as error:
                key = "backup_pg_dump_denied" if "permission denied" in error.reason else "backup_tool_failed"
                raise DatabaseUnavailable(key, tool=error.tool, reason=error.reason) from None
            return BackupResult(target, "pg_dump")
        notice = t("backup_pg_dump_mismatch", client=client or pick("未安装", "not installed"), server=server)
    write_portable_backup(db, target)
    return BackupResult(target, "portable", notice)


def write_portable_backup(db: Database, target: Path) -> None:
    """All tables read in one transaction — on PostgreSQL a repeatable-read snapshot — so the copy is
    consistent while others write."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            write_portable(conn, target, revision=MigrationContext.configure(conn).get_current_revision())
