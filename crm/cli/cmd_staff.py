"""crm staff add | list"""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t


def register(commands) -> None:
    staff = commands.add_parser("staff", help=pick("工作人员（项目责任人）", "staff (responsible for projects)"))
    sub = staff.add_subparsers(dest="staff_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("add", help=pick("添加工作人员，以便指定为项目责任人", "add a colleague, to name as responsible"))
    p.add_argument("login", metavar=pick("登录名", "LOGIN"))
    p.add_argument("--name", metavar=pick("姓名", "NAME"), help=pick("姓名（默认同登录名）", "full name (default: the login)"))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"), help=pick("所在单位", "their unit"))
    p.add_argument("--reviewer", action="store_true",
                   help=pick("省级审核人：认定或退回各单位上报的事项", "a provincial reviewer: accepts or returns what units submit"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)
    p = sub.add_parser("list", help=pick("工作人员名单", "list staff"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)


def add(ctx) -> int:
    from crm.services.staff import add_staff

    with ctx.db.unit_of_work() as session:
        staff = add_staff(session, ctx.args.login, ctx.args.name, ctx.args.unit, reviewer=ctx.args.reviewer)
        login, name = staff.login, staff.name
    if ctx.args.json:
        print_json({"login": login, "name": name})
    else:
        print(t("staff_added", login=login, name=name))
    return 0


def list_(ctx) -> int:
    from crm.services.staff import list_staff

    with ctx.db.unit_of_work(write=False) as session:
        rows = list_staff(session)
    if ctx.args.json:
        print_json([row.as_dict() for row in rows])
    else:
        print_table([pick("登录名", "login"), pick("姓名", "name"), pick("单位", "unit")],
                    [[r.login, r.name, r.unit] for r in rows])
    return 0
