"""crm events list|show|fix-date|plan-submitted|summary-submitted, and crm deadlines."""
from __future__ import annotations

from crm.cli.cmd_history import add_delete_restore
from crm.cli.context import print_json, print_table
from crm.dates import parse_date, parse_optional_date
from crm.i18n import pick


def register(commands) -> None:
    events = commands.add_parser("events", help=pick("活动与会议", "events and meetings"))
    sub = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help=pick("列出全部活动", "list events"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_events)

    p = sub.add_parser("show", help=pick("查看一个活动", "show one event"))
    p.add_argument("ref")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show_event)

    p = sub.add_parser("fix-date", help=pick("确定活动日期", "fix the event's date"))
    p.add_argument("ref")
    p.add_argument("--on", required=True, metavar="DATE", help=pick("开始日期", "first day"))
    p.add_argument("--to", metavar="DATE", help=pick("结束日期（默认同开始日期）", "last day (default: same day)"))
    p.set_defaults(handler=fix_date)

    for name, attr, zh, en in (
        ("plan-submitted", "plan", "标记工作方案已报送", "mark the work plan as filed"),
        ("summary-submitted", "summary", "标记工作总结已报送", "mark the summary as filed"),
    ):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("ref")
        p.add_argument("--on", required=True, metavar="DATE")
        p.set_defaults(handler=mark_submitted, which=attr)

    add_delete_restore(sub, "events")

    p = commands.add_parser("deadlines", help=pick("到期与超期提醒", "what is due or overdue"))
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=deadlines)


def list_events(ctx) -> int:
    from crm.services.events import event_dict, list_events as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = [event_dict(e) for e in load(session)]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table(
            [pick("编号", "ref"), pick("名称", "title"), pick("时间", "when"), pick("城市", "city"),
             pick("规模", "scale"), pick("方案截止", "plan due"), pick("总结截止", "summary due")],
            [[r["ref"], r["title"], _when(r), r["city"], r["planned_scale"], r["plan_due"], r["summary_due"]] for r in rows],
        )
    return 0


def _when(row: dict) -> str:
    if row["date_fixed"]:
        return row["starts_on"] if row["starts_on"] == row["ends_on"] else f"{row['starts_on']}~{row['ends_on']}"
    return f"{row['starts_on']}~{row['ends_on']} ({pick('日期未定', 'date not fixed')})"


def show_event(ctx) -> int:
    from crm.services.events import event_dict, get_event

    with ctx.db.unit_of_work(write=False) as session:
        row = event_dict(get_event(session, ctx.args.ref))
    if ctx.args.json:
        print_json(row)
    else:
        print_table([pick("字段", "field"), pick("值", "value")],
                    [[k, ", ".join(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v]
                     for k, v in row.items()])
    return 0


def fix_date(ctx) -> int:
    from crm.services.events import event_dict, fix_date as fix

    with ctx.db.unit_of_work() as session:
        row = event_dict(fix(session, ctx.args.ref, parse_date(ctx.args.on), parse_optional_date(ctx.args.to)))
    print(f"{row['ref']} {row['starts_on']}~{row['ends_on']}")
    return 0


def mark_submitted(ctx) -> int:
    from crm.services import events

    mark = events.mark_plan_submitted if ctx.args.which == "plan" else events.mark_summary_submitted
    with ctx.db.unit_of_work() as session:
        event = mark(session, ctx.args.ref, parse_date(ctx.args.on))
        print(f"{event.ref} {ctx.args.which} {ctx.args.on}")
    return 0


def deadlines(ctx) -> int:
    from crm.services.warnings import all_warnings

    as_of = ctx.as_of(ctx.args.as_of)
    with ctx.db.unit_of_work(write=False) as session:
        rows = [w.as_dict() for w in all_warnings(session, as_of)]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table([pick("类型", "kind"), pick("编号", "ref"), pick("名称", "title"), pick("截止", "due"),
                     pick("状态", "status")], [list(r.values()) for r in rows])
    return 0
