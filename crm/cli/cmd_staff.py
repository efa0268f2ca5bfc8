"""crm staff add | list"""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import yes_no


def register(commands) -> None:
    staff = commands.add_parser("staff", help=pick("工作人员（项目责任人）", "staff (responsible for projects)"))
    sub = staff.add_subparsers(dest="staff_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("add", help=pick("添加工作人员，以便指定为项目责任人", "add a colleague, to name as responsible"))
    p.add_argument("login", metavar=pick("登录名", "LOGIN"))
    p.add_argument("--name", metavar=pick("姓名", "NAME"), help=pick("姓名（默认同登录名）", "full name (default: the login)"))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"), help=pick("所在单位", "their unit"))
    p.add_argument("--reviewer", action="store_true",
                   help=pick("省级审核人：认定或退回各单位上报的事项", "a provincial reviewer: accepts or returns what units submit"))
    p.add_argument("--email", metavar=pick("邮箱", "EMAIL"), help=pick("提醒（crm remind）发往的邮箱", "where crm remind sends the digest"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)
    p = sub.add_parser("edit", help=pick("修改工作人员的姓名或邮箱", "change a colleague's name or e-mail"))
    p.add_argument("login", metavar=pick("登录名", "LOGIN"))
    p.add_argument("--name", metavar=pick("姓名", "NAME"))
    p.add_argument("--email", metavar=pick("邮箱", "EMAIL"), help=pick("空字符串清除", '"" clears it'))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"), help=pick("所在单位（团队数据库上由所有者修改）",
                                                                "their unit (the owner's to change on a team database)"))
    reviewer = p.add_mutually_exclusive_group()
    reviewer.add_argument("--reviewer", action="store_true", default=None, help=pick("设为省级审核人", "make a reviewer"))
    reviewer.add_argument("--no-reviewer", action="store_false", dest="reviewer", help=pick("取消审核人", "no longer a reviewer"))
    p.set_defaults(handler=edit)
    p = sub.add_parser("list", help=pick("工作人员名单", "list staff"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)


def add(ctx) -> int:
    from crm.services.staff import add_staff

    with ctx.db.unit_of_work() as session:
        staff = add_staff(session, ctx.args.login, ctx.args.name, ctx.args.unit, reviewer=ctx.args.reviewer,
                          email=ctx.args.email)
        login, name = staff.login, staff.name
    if ctx.args.json:
        print_json({"login": login, "name": name})
    else:
        print(t("staff_added", login=login, name=name))
    return 0


def edit(ctx) -> int:
    from crm.errors import CrmError
    from crm.services.staff import edit_staff

    a = ctx.args
    if a.name is None and a.email is None and a.unit is None and a.reviewer is None:
        raise CrmError("nothing_to_change")
    with ctx.db.unit_of_work() as session:
        staff = edit_staff(session, a.login, name=a.name, email=a.email, unit=a.unit, reviewer=a.reviewer)
        login, name, email = staff.login, staff.name, staff.email
    print(t("staff_edited", login=login, name=name, email=email or pick("（无）", "(none)")))
    return 0


def list_(ctx) -> int:
    from crm.services.staff import list_staff

    with ctx.db.unit_of_work(write=False) as session:
        rows = list_staff(session)
    if ctx.args.json:
        print_json([row.as_dict() for row in rows])
    else:
        print_table([pick("登录名", "login"), pick("姓名", "name"), pick("单位", "unit"), pick("邮箱", "email"),
                     pick("审核人", "reviewer")],
                    [[r.login, r.name, r.unit, r.email, yes_no(r.reviewer)] for r in rows])
    return 0
