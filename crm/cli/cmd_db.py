"""crm db upgrade|current|check"""
from __future__ import annotations

import sys

from crm.i18n import pick, t


def register(commands) -> None:
    db = commands.add_parser("db", help=pick("数据库迁移", "database migrations"))
    sub = db.add_subparsers(dest="db_command", metavar=pick("操作", "ACTION"), required=True)
    sub.add_parser("upgrade", help=pick("升级到最新结构（SQLite 先自动备份）", "migrate to head (SQLite backed up first)")
                   ).set_defaults(handler=upgrade)
    sub.add_parser("current", help=pick("当前版本", "current revision")).set_defaults(handler=current)
    sub.add_parser("check", help=pick("检查结构与程序一致", "check the schema matches the program")).set_defaults(handler=check)
    p = sub.add_parser("create-login", help=pick(
        "PostgreSQL：为工作人员创建本人登录名（由数据库所有者运行；密码取自 CRM_NEW_PASSWORD 或提示输入）",
        "PostgreSQL: a login of their own for a staff member (run by the owner; the password from "
        "CRM_NEW_PASSWORD or a prompt)"))
    p.add_argument("login", metavar=pick("登录名", "LOGIN"), help=pick("工作人员的登录名（crm staff add 添加的）",
                                                                    "the staff member's login (from crm staff add)"))
    p.set_defaults(handler=create_login)


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


def create_login(ctx) -> int:
    from db.logins import LoginRefused, create_login as create
    from db.migrate import ensure_ready

    from crm.errors import CrmError
    from crm.services.staff import staff_unit
    from crm.services.values import check_login

    login = check_login(ctx.args.login)
    database = _database(ctx)
    if database.url.get_backend_name() != "postgresql":
        raise CrmError("login_needs_postgresql")
    ensure_ready(database)
    password = _new_password(login)
    with database.unit_of_work(write=False) as session:
        unit, sees_all = staff_unit(session, login)  # the login is a staff member's, with a unit
    try:
        with database.engine.begin() as conn:
            create(conn, login, password)
    except LoginRefused as refused:
        raise CrmError(f"login_{refused.reason}", login=login) from None
    print(t("login_created_provincial" if sees_all else "login_created", login=login, unit=unit))
    return 0


def _new_password(login: str) -> str:
    import getpass
    import os

    from crm.errors import CrmError

    password = os.environ.get("CRM_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CrmError("login_password_needed")
        password = getpass.getpass(pick(f"{login} 的新密码：", f"new password for {login}: "))
        if getpass.getpass(pick("再输入一次：", "again: ")) != password:
            raise CrmError("login_password_mismatch")
    if len(password) < 8:
        raise CrmError("login_password_short")
    return password
