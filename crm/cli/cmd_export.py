"""crm export weekly|event|plan — workbooks leaders print (the services live in crm.exporting)."""
from __future__ import annotations

from crm.cli.context import batch
from crm.i18n import pick, t


def register(commands) -> None:
    export = commands.add_parser("export", help=pick("导出周报、活动总结材料、活动工作方案（Excel）",
                                                     "export the weekly sheet, event package, event plan (Excel)"))
    sub = export.add_subparsers(dest="export_command", metavar=pick("内容", "WHAT"), required=True)

    p = sub.add_parser("weekly", help=pick("项目推进周报", "weekly progress sheet"))
    when = p.add_mutually_exclusive_group()
    when.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天），本周即其所在周",
                                                           "as-of date (default today); the week is the one it falls in"))
    when.add_argument("--week", metavar=pick("周次", "YYYY-Www"), help=pick("ISO 周次，如 2026-W48（截至该周周日）",
                                                              "ISO week, e.g. 2026-W48 (as of its Sunday)"))
    p.add_argument("--city", metavar=pick("城市", "CITY"), help=pick("只看一个设区市", "one city only"))
    p.add_argument("--industry", metavar=pick("产业", "IND"), help=pick("只看一个产业", "one industry only"))
    counting = p.add_mutually_exclusive_group()
    counting.add_argument("--confirmed", dest="confirmed", action="store_const", const=True,
                          help=pick("只计省级已认定的项目（省级工作人员的默认）", "only confirmed projects (the province's default)"))
    counting.add_argument("--reported", dest="confirmed", action="store_const", const=False,
                          help=pick("计各单位上报的项目，重复上报只计一次（各单位的默认）",
                                    "every reported project, one reported twice once (the units' default)"))
    _out(p)
    p.set_defaults(handler=weekly)

    for name, handler, zh, en in (
        ("event", event_package, "活动总结材料：活动概况、签约项目、客商邀请名单", "event summary package"),
        ("plan", event_plan, "活动工作方案（报备）", "event work plan for filing"),
    ):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("ref", metavar=pick("活动编号", "REF"), help=pick("活动编号", "event ref"))
        p.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天）", "as-of date (default today)"))
        _out(p)
        p.set_defaults(handler=handler)


def _out(parser) -> None:
    parser.add_argument("--out", required=True, metavar=pick("文件.xlsx", "FILE.xlsx"), help=pick("输出文件", "output file"))


def _check_out(ctx) -> None:
    """The export's file may not be the live database (export_book checks everything else)."""
    from db.engine import resolve_url, sqlite_file

    from crm.outputs import check_output_path

    check_output_path(ctx.args.out, live_database=sqlite_file(resolve_url(ctx.args.db)))


def weekly(ctx) -> int:
    a = ctx.args
    _check_out(ctx)
    with batch():
        from crm.exporting.weekly import report_week, weekly_report, write_weekly

        week = report_week(as_of=ctx.as_of(a.as_of) if a.as_of else None, week=a.week, today=ctx.today)
        with ctx.db.unit_of_work(write=False) as session:
            report = weekly_report(session, week, city=a.city, industry=a.industry, confirmed=a.confirmed)
        write_weekly(report, a.out)  # the read transaction has ended: nothing left to fail but the file
    _written(a.out, pick(f"{len(report.projects)} 个项目", f"{len(report.projects)} projects"))
    return 0


def event_package(ctx) -> int:
    _check_out(ctx)
    with batch():
        from crm.exporting.event_package import write_event_package
        from crm.services.event_report import event_report

        with ctx.db.unit_of_work(write=False) as session:
            report = event_report(session, ctx.args.ref, ctx.as_of(ctx.args.as_of), today=ctx.today)
        write_event_package(report, ctx.args.out)
    _written(ctx.args.out, pick(f"{len(report.projects)} 个签约项目，{len(report.invitees)} 位受邀客商",
                                f"{len(report.projects)} signed projects, {len(report.invitees)} invitees"))
    return 0


def event_plan(ctx) -> int:
    _check_out(ctx)
    with batch():
        from crm.exporting.event_plan import event_plan as read_plan, write_event_plan

        with ctx.db.unit_of_work(write=False) as session:
            plan = read_plan(session, ctx.args.ref, as_of=ctx.as_of(ctx.args.as_of), today=ctx.today)
        write_event_plan(plan, ctx.args.out)
    due = plan.due.isoformat() if plan.due else pick("待定", "not yet")
    _written(ctx.args.out, pick(f"报送截止 {due}，{plan.filing}", f"due {due}, {plan.filing}"))
    return 0


def _written(path: str, what: str) -> None:
    print(t("export_written", path=path, sheets=what))
