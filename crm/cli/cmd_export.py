"""crm export weekly|event|summary|plan — workbooks leaders print, and the plan and the summary as Word
documents (--format docx) to finish and file (the services live in crm.exporting)."""
from __future__ import annotations

from crm.cli.context import batch
from crm.i18n import pick, t


def register(commands) -> None:
    export = commands.add_parser("export", help=pick("导出周报、活动总结材料、活动工作方案（Excel 或 Word）",
                                                     "export the weekly sheet, event summary, event plan (Excel, Word)"))
    sub = export.add_subparsers(dest="export_command", metavar=pick("内容", "WHAT"), required=True)

    p = sub.add_parser("weekly", help=pick("项目推进周报（--month 月报，--quarter 季报）",
                                           "weekly progress sheet (--month monthly, --quarter quarterly)"))
    when = p.add_mutually_exclusive_group()
    when.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天），本周即其所在周",
                                                           "as-of date (default today); the week is the one it falls in"))
    when.add_argument("--week", metavar=pick("周次", "YYYY-Www"), help=pick("ISO 周次，如 2026-W48（截至该周周日）",
                                                              "ISO week, e.g. 2026-W48 (as of its Sunday)"))
    when.add_argument("--month", metavar=pick("月份", "YYYY-MM"), help=pick(
        "月报：该月的变化，截至月末（当月截至今天），如 2026-11", "monthly form: the month's changes, as of its last day "
        "(today while it runs), e.g. 2026-11"))
    when.add_argument("--quarter", metavar=pick("季度", "YYYY-Qn"), help=pick(
        "季报：该季度的变化，截至季末（当季截至今天），如 2026-Q4", "quarterly form: the quarter's changes, as of its last "
        "day (today while it runs), e.g. 2026-Q4"))
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
        ("summary", event_package, "活动工作总结：Word 文档（--format docx），或总结材料工作簿（同 event）",
         "event summary: a Word document (--format docx), or the summary package workbook (as event)"),
        ("plan", event_plan, "活动工作方案（报备）：工作簿，或 Word 文档（--format docx）",
         "event work plan for filing: a workbook, or a Word document (--format docx)"),
    ):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("ref", metavar=pick("活动编号", "REF"), help=pick("活动编号", "event ref"))
        p.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天）", "as-of date (default today)"))
        p.add_argument("--format", choices=FORMATS, help=pick(
            "xlsx 工作簿或 docx Word 文档（公文格式）；不写时按 --out 的扩展名，其余为 xlsx",
            "xlsx workbook or docx Word document (公文 layout); by default as --out ends, else xlsx"))
        p.add_argument("--out", required=True, metavar=pick("文件.xlsx|.docx", "FILE.xlsx|.docx"),
                       help=pick("输出文件", "output file"))
        p.set_defaults(handler=handler)

    p = sub.add_parser("calendar", help=pick("日历（.ics）：报送截止、计划开工投产、跟踪服务、督办回复期限",
                                             "calendar (.ics): filing deadlines, planned dates, follow-ups, orders"))
    p.add_argument("--out", required=True, metavar=pick("文件.ics", "FILE.ics"),
                   help=pick("输出文件（再次导入即更新，不会重复）", "output file (importing it again updates, never duplicates)"))
    p.add_argument("--mine", action="store_true",
                   help=pick("只含本人的事项：本人或本单位负责的项目、本单位的项目和活动、发给本单位的督办单",
                             "only your items: projects you or your unit answer for, your unit's projects "
                             "and events, orders to your unit"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天）", "as-of date (default today)"))
    p.set_defaults(handler=calendar)


FORMATS = ("xlsx", "docx")


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
        from crm.rules.supervision import red_after_days
        from crm.rules.targets import ranking_settings

        week = report_week(as_of=ctx.as_of(a.as_of) if a.as_of else None, week=a.week, month=a.month,
                           quarter=a.quarter, today=ctx.today)
        with ctx.db.unit_of_work(write=False) as session:
            report = weekly_report(session, week, city=a.city, industry=a.industry, confirmed=a.confirmed,
                                   red_after=red_after_days(ctx.config), ranking=ranking_settings(ctx.config))
        write_weekly(report, a.out)  # the read transaction has ended: nothing left to fail but the file
    projects = sum(1 for row in report.projects if row.project.increase_of_id is None)  # 增资 rows aside
    _written(a.out, pick(f"{projects} 个项目", f"{projects} projects"))
    return 0


def _format(ctx) -> str:
    """xlsx or docx: as --format says, else as the name given to --out ends (xlsx unless .docx); a name
    that ends otherwise is refused before anything is read."""
    from pathlib import Path

    from crm.errors import CrmError

    a = ctx.args
    suffix = Path(a.out).suffix.lower()
    chosen = a.format or ("docx" if suffix == ".docx" else "xlsx")
    if suffix != f".{chosen}":
        raise CrmError(f"export_not_{chosen}", path=str(a.out))
    return chosen


def event_package(ctx) -> int:
    """`export event|summary`: the summary package workbook, or the summary as a Word document."""
    _check_out(ctx)
    docx = _format(ctx) == "docx"
    with batch():
        from crm.exporting.event_package import write_event_package
        from crm.services.event_report import event_report

        with ctx.db.unit_of_work(write=False) as session:
            report = event_report(session, ctx.args.ref, ctx.as_of(ctx.args.as_of), today=ctx.today)
        if docx:
            from crm.exporting.event_documents import write_summary_document

            write_summary_document(report, ctx.args.out)
        else:
            write_event_package(report, ctx.args.out)
    _written(ctx.args.out, pick(f"{len(report.projects)} 个签约项目，{len(report.invitees)} 位受邀客商",
                                f"{len(report.projects)} signed projects, {len(report.invitees)} invitees"))
    return 0


def event_plan(ctx) -> int:
    _check_out(ctx)
    docx = _format(ctx) == "docx"
    with batch():
        from crm.exporting.event_plan import event_plan as read_plan, write_event_plan

        with ctx.db.unit_of_work(write=False) as session:
            plan = read_plan(session, ctx.args.ref, as_of=ctx.as_of(ctx.args.as_of), today=ctx.today)
        if docx:
            from crm.exporting.event_documents import write_plan_document

            write_plan_document(plan, ctx.args.out)
        else:
            write_event_plan(plan, ctx.args.out)
    due = plan.due.isoformat() if plan.due else pick("待定", "not yet")
    _written(ctx.args.out, pick(f"报送截止 {due}，{plan.filing}", f"due {due}, {plan.filing}"))
    return 0


def calendar(ctx) -> int:
    import sys

    from db.engine import resolve_url, sqlite_file

    from crm.exporting.calendar import calendar_export, calendar_target, write_calendar

    a = ctx.args
    live = sqlite_file(resolve_url(a.db))
    calendar_target(a.out, live_database=live)  # refused before anything is read
    as_of = ctx.as_of(a.as_of)
    with batch():
        with ctx.db.unit_of_work(write=False) as session:
            export = calendar_export(session, as_of, mine=ctx.login if a.mine else None)
        write_calendar(export, a.out, live_database=live)  # the read has ended: only the file is left to fail
    if export.not_staff:
        print(t("calendar_not_staff", login=ctx.login), file=sys.stderr)
    _written(a.out, pick(f"{export.active} 项日程，{export.cancelled} 项已办结", f"{export.active} items, "
                         f"{export.cancelled} done"))
    return 0


def _written(path: str, what: str) -> None:
    print(t("export_written", path=path, sheets=what))
