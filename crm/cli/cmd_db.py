"""crm db upgrade|current|check"""
from __future__ import annotations

import sys

from crm.i18n import pick, t


def register(commands) -> None:
    db = commands.add_parser("db", help=pick("数据库迁移", "database migrations"))
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    sub.add_parser("upgrade", help=pick("升级到最新结构（SQLite 先自动备份）", "migrate to head (SQLite backed up first)")
                   ).set_defaults(handler=upgrade)
    sub.add_parser("current", help=pick("当前版本", "current revision")).set_defaults(handler=current)
    sub.add_parser("check", help=pick("检查结构与程序一致", "check the schema matches the program")).set_defaults(handler=check)


def _database(ctx):
    """The database without migrating it: these commands are how migrations are inspected and run."""
    from db.session import Database

    return Database(ctx.args.db)


def upgrade(ctx) -> int:
    from db import migrate

    database = _database(ctx)
    backup_path = migrate.upgrade(database)
    if backup_path:
        print(t("db_backup_taken", path=backup_path))
    print(t("db_upgraded", revision=migrate.current_revision(database), url=database.display_url))
    return 0


def current(ctx) -> int:
    from db import migrate

    database = _database(ctx)
    print(t("db_current", revision=migrate.current_revision(database) or t("none"), head=migrate.head_revision()))
    return 0


def check(ctx) -> int:
    from db import migrate

    database = _database(ctx)
    if not migrate.is_at_head(database):
        print(t("db_current", revision=migrate.current_revision(database) or t("none"), head=migrate.head_revision()),
              file=sys.stderr)
        return 1
    diff = migrate.schema_differences(database)
    if diff:
        print(t("db_check_failed", diff=diff), file=sys.stderr)
        return 1
    print(t("db_check_ok"))
    return 0
