"""crm backup FILE [--portable], crm restore FILE [--force]"""
from __future__ import annotations

import sys
from pathlib import Path

from crm.i18n import pick, t

KIND_LABELS = {
    "sqlite": ("SQLite 数据库文件", "SQLite database file"),
    "pg_dump": ("pg_dump 自定义格式", "pg_dump custom format"),
    "portable": ("可移植格式", "portable format"),
}


def register(commands) -> None:
    p = commands.add_parser("backup", help=pick("备份数据库到文件（一致性副本）", "write a consistent copy of the database"))
    p.add_argument("file", metavar=pick("文件", "FILE"))
    p.add_argument("--portable", action="store_true",
                   help=pick("可移植格式：可恢复到 SQLite 或 PostgreSQL", "portable format: restores into SQLite or PostgreSQL"))
    p.set_defaults(handler=backup)

    p = commands.add_parser("restore", help=pick("从备份恢复（要么全部恢复，要么不做改动）", "restore a backup (all or nothing)"))
    p.add_argument("file", metavar=pick("文件", "FILE"))
    p.add_argument("--force", action="store_true", help=pick("覆盖已有数据", "overwrite the data already there"))
    p.set_defaults(handler=restore)


def backup(ctx) -> int:
    from db.session import Database

    from crm.services.backup import backup_database

    # Not migrated first: a backup is what one takes before an upgrade.
    database = Database(ctx.args.db)
    try:
        result = backup_database(database, Path(ctx.args.file).expanduser().resolve(), portable=ctx.args.portable)
    finally:
        database.dispose()
    if result.notice:
        print(result.notice, file=sys.stderr)
    print(t("backup_written_kind", path=result.path, kind=pick(*KIND_LABELS[result.kind])))
    return 0


def restore(ctx) -> int:
    from db.engine import display_url, resolve_url

    from crm.services.restore import restore_database

    source = Path(ctx.args.file).expanduser().resolve()
    result = restore_database(ctx.args.db, source, force=ctx.args.force)
    rows = result.rows if result.rows is not None else "?"
    print(t("restored", path=source, url=display_url(resolve_url(ctx.args.db)), rows=rows))
    return 0
