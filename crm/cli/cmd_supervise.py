"""crm supervise add|reply|close|accept|reject|list: supervision orders (督办单).

Contract (issue 15): `add REF --unit U --due DATE --note T --json` prints {"id": N, "ref": "D000N", …};
`reply ID --on DATE --note T` and `close ID [--on DATE]` take the numeric id or the ref (D0001); `close`
is the reviewer accepting the pending reply (the same as `accept`); `list [--json]`."""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import order_state_label

STATES = ("open", "yellow", "red", "replied", "closed")


def register(commands) -> None:
    top = commands.add_parser("supervise", help=pick("督办：下发、回复、审核督办单", "supervision orders (督办单)"))
    sub = top.add_subparsers(dest="supervise_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("add", help=pick("就项目或未办结问题向责任单位下发督办单", "order a unit to act on a project or problem"))
    p.add_argument("target", metavar=pick("项目编号或#问题号", "REF|#PROBLEM"))
    p.add_argument("--unit", required=True, metavar=pick("责任单位", "UNIT"), help=pick("须回复的单位", "the unit that replies"))
    p.add_argument("--due", required=True, metavar=pick("日期", "DATE"), help=pick("回复期限", "reply due by"))
    p.add_argument("--note", required=True, metavar=pick("督办事项", "TEXT"))
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("督办日期（默认今天）", "day issued (default today)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)
    p = sub.add_parser("reply", help=pick("责任单位回复督办单", "the unit's reply"))
    p.add_argument("ref", metavar=pick("督办单号", "ID"), help=pick("编号（如 1）或 D0001", "the id (1) or D0001"))
    p.add_argument("--note", required=True, metavar=pick("回复内容", "TEXT"))
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("回复日期（默认今天）", "day replied (default today)"))
    p.set_defaults(handler=reply)
    for name, accept, zh, en in (("accept", True, "认可回复，督办办结", "accept the reply: the order closes"),
                                 ("reject", False, "不认可回复（说明原因），等待再次回复", "do not accept the reply, saying why")):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("ref", metavar=pick("督办单号", "ID"))
        p.add_argument("--reason", required=not accept, metavar=pick("原因", "TEXT"))
        p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("审核日期（默认今天）", "day decided (default today)"))
        p.set_defaults(handler=decide, accept=accept)
    p = sub.add_parser("close", help=pick("审核人认可待审核的回复，督办办结（同 accept）",
                                          "the reviewer accepts the pending reply and the order closes (as accept)"))
    p.add_argument("ref", metavar=pick("督办单号", "ID"), help=pick("编号（如 1）或 D0001", "the id (1) or D0001"))
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("办结日期（默认今天）", "day closed (default today)"))
    p.set_defaults(handler=decide, accept=True, reason=None)
    p = sub.add_parser("list", help=pick("督办单及其状态（最紧急的在前）", "orders and their state, most urgent first"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"))
    p.add_argument("--state", action="append", choices=STATES, metavar=pick("状态", "STATE"),
                   help=pick("open 办理中 | yellow 逾期未回复 | red 严重逾期 | replied 已回复待审核 | closed 已办结（可多次）",
                             "open | yellow | red | replied | closed (repeatable)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)


def add(ctx) -> int:
    from crm.dates import parse_date, parse_optional_date
    from crm.services.actor import staff_for
    from crm.services.supervision import add_order, order_ref

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        order = add_order(session, a.target, unit=a.unit, due_on=parse_date(a.due), note=a.note,
                          on=parse_optional_date(a.on), actor=staff_for(session, ctx.login), today=ctx.today)
        data = {"id": order.id, "ref": order_ref(order.id), "project": order.project.ref, "unit": order.unit.name,
                "due_on": order.due_on.isoformat()}
    if a.json:
        print_json(data)
    else:
        print(t("order_added", ref=data["ref"], unit=data["unit"], due=data["due_on"]))
    return 0


def reply(ctx) -> int:
    from crm.dates import parse_optional_date
    from crm.services.actor import staff_for
    from crm.services.supervision import order_ref, reply as answer

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        given = answer(session, a.ref, on=parse_optional_date(a.on), note=a.note, actor=staff_for(session, ctx.login),
                       today=ctx.today)
        ref = order_ref(given.order_id)
    print(t("order_replied", ref=ref))
    return 0


def decide(ctx) -> int:
    from crm.dates import parse_optional_date
    from crm.services.actor import staff_for
    from crm.services.supervision import decide as judge, order_ref

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        order = judge(session, a.ref, accept=a.accept, reason=a.reason, on=parse_optional_date(a.on),
                      actor=staff_for(session, ctx.login), today=ctx.today)
        ref = order_ref(order.id)
    print(t("order_accepted", ref=ref) if a.accept else t("order_rejected", ref=ref, reason=a.reason))
    return 0


def list_(ctx) -> int:
    from crm.rules.supervision import red_after_days
    from crm.services.supervision import list_orders

    a = ctx.args
    as_of = ctx.as_of(a.as_of)
    with ctx.db.unit_of_work(write=False) as session:
        rows = list_orders(session, as_of, red_after=red_after_days(ctx.config), states=set(a.state or ()))
    if a.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print_table(
        [pick("督办单", "order"), pick("项目", "project"), pick("责任单位", "unit"), pick("回复期限", "due"),
         pick("状态", "state"), pick("逾期天数", "days over"), pick("督办事项", "ordered")],
        [[r.ref, f"{r.project} {r.project_name}", r.unit, r.due_on, order_state_label(r.state),
          str(r.days_overdue or ""), r.note] for r in rows],
    )
    return 0
