"""crm import invitees FILE | programme FILE | undo BATCH | list"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from crm.cli.context import batch, print_json, print_table
from crm.errors import EXIT_ROWS_REJECTED
from crm.i18n import pick, t
from crm.labels import import_kind_label

MAX_LINES = 20  # errors and conflicts listed on screen; --errors-out has them all


def register(commands) -> None:
    parser = commands.add_parser("import", help=pick("导入名单、活动安排表（Excel、WPS、CSV）",
                                                     "import lists and programme tables (Excel, WPS, CSV)"))
    sub = parser.add_subparsers(dest="import_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("invitees", help=pick("导入拟邀请嘉宾名单", "import an invitee list"))
    _file_argument(p)
    p.add_argument("--event", metavar=pick("活动编号", "REF"),
                   help=pick("邀请到该活动（见 crm events list）", "invite everyone to this event"))
    _import_options(p, "name organization title mobile phone email category notes status ignore")
    p.set_defaults(handler=import_invitees)

    p = sub.add_parser("programme", help=pick("导入活动安排表（活动、会议及其时间、单位、规模）",
                                              "import a programme table (events, meetings, times, units, scale)"))
    _file_argument(p)
    p.add_argument("--programme", required=True, metavar=pick("方案编号", "REF"),
                   help=pick("导入到该方案（crm programmes list；无年份的时间按方案年度）",
                             "into this programme (crm programmes list; times without a year take its year)"))
    _import_options(p, "seq title when place city sponsors hosts co_hosts supporters coordinators scale industries "
                       "invitee_types notes ignore")
    p.set_defaults(handler=import_programme)

    p = sub.add_parser("undo", help=pick("撤销一次导入", "undo an import"))
    p.add_argument("batch", type=int, metavar=pick("批次", "BATCH"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=undo)

    p = sub.add_parser("list", help=pick("导入记录", "import batches"))
    p.add_argument("--limit", metavar=pick("条数", "LIMIT"), type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_batches)


def _file_argument(p) -> None:
    p.add_argument("file", metavar=pick("文件", "FILE"), help=pick(".xlsx/.xlsm/.xls/.ods/.csv（格式自动识别）",
                                     ".xlsx/.xlsm/.xls/.ods/.csv (detected from the content)"))


def _import_options(p, fields: str) -> None:
    p.add_argument("--sheet", action="append", metavar=pick("工作表", "NAME"),
                   help=pick("只导入该工作表（可重复；默认全部）", "only this sheet (repeatable; default: all)"))
    p.add_argument("--map", action="append", metavar=pick("列名=字段", "COLUMN=field"),
                   # The fields are typed as they are: in braces, argparse's way of listing what an option takes.
                   help=pick(f"指定列的含义（可重复），字段：{{{', '.join(fields.split())}}}",
                             f"say what a column holds (repeatable): {fields}"))
    p.add_argument("--dry-run", action="store_true", help=pick("只报告将要做什么，不写入", "report only, write nothing"))
    p.add_argument("--strict", action="store_true",
                   help=pick("有任何一行被拒绝时不写入任何数据", "write nothing if any row is rejected"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--errors-out", metavar=pick("文件", "FILE"),
                   help=pick("把被拒绝的行写入工作簿（.xlsx 或 .csv），修改后可重新导入",
                             "write rejected rows to a workbook (.xlsx or .csv) to fix and import again"))


def import_invitees(ctx) -> int:
    ahead = _read_ahead(ctx.args)

    from crm.importing.service import ImportOptions, import_invitees as run
    from crm.importing.table import parse_mapping

    args = ctx.args
    options = ImportOptions(event=args.event, sheets=args.sheet, mapping=parse_mapping(args.map),
                            dry_run=args.dry_run, strict=args.strict)
    return _run(ctx, lambda progress: run(ctx.db, args.file, options, login=ctx.login, progress=progress, ahead=ahead),
                _invitee_counts, _conflicts)


def import_programme(ctx) -> int:
    ahead = _read_ahead(ctx.args)

    from crm.importing.programme import PROGRAMME_TABLE
    from crm.importing.programme_import import ProgrammeOptions, import_programme as run

    args = ctx.args
    options = ProgrammeOptions(programme=args.programme, sheets=args.sheet,
                               mapping=PROGRAMME_TABLE.parse_mapping(args.map), dry_run=args.dry_run,
                               strict=args.strict)
    return _run(ctx, lambda progress: run(ctx.db, args.file, options, login=ctx.login, progress=progress, ahead=ahead),
                _programme_counts)


def _read_ahead(args):
    """The file is read in a thread while the database layer loads."""
    from crm.importing.reader import ReadAhead

    if args.errors_out:
        from db.engine import resolve_url, sqlite_file

        from crm.outputs import check_output_path

        check_output_path(args.errors_out, live_database=sqlite_file(resolve_url(args.db)), input_file=Path(args.file))
    return ReadAhead(args.file, args.sheet)


def _run(ctx, run, counts, more_notices=lambda _result: []) -> int:
    """Run an import of any kind and report it: `counts` gives the kind's summary lines, `more_notices`
    its notices (on stderr beside --json)."""
    args = ctx.args
    with batch(), _progress_bar(enabled=not args.json and sys.stderr.isatty()) as progress:
        result = run(progress)
    notices = _notices(result) + more_notices(result)
    if args.json:
        print_json(result.as_json())
        for line in notices:
            print(line, file=sys.stderr)
    else:
        for line in _summary(result, counts) + notices:
            print(line)
    if args.errors_out:
        _write_errors(result, Path(args.errors_out).expanduser(), quiet=args.json)
    return EXIT_ROWS_REJECTED if result.errors else 0


def _invitee_counts(result) -> list[str]:
    key = "import_summary_would_create" if result.dry_run else "import_summary_created"
    return [t(key, **result.created),
            t("import_summary_updated", contacts=result.updated["contacts"], organizations=result.organizations_updated,
              duplicates=result.duplicates, errors=len(result.errors))]


def _programme_counts(result) -> list[str]:
    key = "import_programme_summary_would_create" if result.dry_run else "import_programme_summary_created"
    return [t(key, **result.created),
            t("import_programme_summary_updated", events=result.updated["events"], errors=len(result.errors))]


def _summary(result, counts) -> list[str]:
    sheets = ", ".join(s.name for s in result.sheets)
    lines = [t("import_summary_head", file=result.file, rows=result.rows, format=result.format, sheets=sheets)]
    lines += ["  " + line for line in counts(result)]
    if result.batch is not None:
        lines.append("  " + t("import_summary_batch", batch=result.batch))
    elif result.dry_run:
        lines.append("  " + t("import_dry_run"))
    elif result.unchanged:
        lines.append("  " + t("import_nothing_changed"))
    else:
        lines.append("  " + t("import_strict_refused", errors=len(result.errors)))
    if result.errors:
        lines.append(t("import_errors_head", count=len(result.errors)))
        for error in result.errors[:MAX_LINES]:
            column = f"［{error.column}］" if error.column else ""
            lines.append("  " + t("import_error_line", sheet=error.sheet, row=error.row, column=column,
                                  message=error.message))
        if len(result.errors) > MAX_LINES:
            lines.append("  " + t("import_more", count=len(result.errors) - MAX_LINES))
    return lines


def _notices(result) -> list[str]:
    lines = []
    if result.earlier_batch is not None and result.earlier_batch != result.batch:
        lines.append(t("import_same_file", batch=result.earlier_batch))
    for sheet in result.sheets:
        if sheet.header_row is None:
            lines.append(t("import_sheet_no_header", sheet=sheet.name))
        elif sheet.unknown_columns:
            lines.append(t("import_unknown_columns", sheet=sheet.name, columns="、".join(sheet.unknown_columns)))
    if result.skipped_sheets:
        lines.append(t("import_skipped_sheets", sheets=", ".join(result.skipped_sheets)))
    return lines


def _conflicts(result) -> list[str]:
    if not result.conflicts:
        return []
    lines = [t("import_conflicts_head", count=len(result.conflicts))]
    for conflict in result.conflicts[:MAX_LINES]:
        lines.append("  " + t("import_error_line", sheet=conflict.sheet, row=conflict.row, column="",
                              message=conflict.message))
    if len(result.conflicts) > MAX_LINES:
        lines.append("  " + t("import_more_conflicts", count=len(result.conflicts) - MAX_LINES))
    return lines


def _write_errors(result, path: Path, *, quiet: bool) -> None:
    from crm.importing.errors_out import write_rejected

    if not result.errors:
        print(t("import_no_errors_to_write", path=path), file=sys.stderr)
        return
    count = write_rejected(result.parsed, path)
    print(t("import_errors_written", path=path, count=count), file=sys.stderr if quiet else sys.stdout)


@contextmanager
def _progress_bar(*, enabled: bool):
    """A transient bar on the terminal (stderr) while a long list is read, matched and written."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    labels = {"read": pick("读取工作表", "reading sheets"), "match": pick("比对客商", "matching rows"),
              "write": pick("写入", "writing")}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def undo(ctx) -> int:
    from crm.importing.undo import undo_batch

    with ctx.db.unit_of_work() as session:
        result = undo_batch(session, ctx.args.batch, staff_id=ctx.actor(session).id)
    if ctx.args.json:
        print_json(result.as_json())
    else:
        print(result.message)
    return 0


# What the list says a batch created, by its kind.
CREATED_LABELS = {
    "invitees": (("contacts", "客商", "contacts"), ("organizations", "单位", "orgs"), ("invitations", "邀请", "invitations")),
    "programme": (("events", "活动", "events"), ("units", "单位", "units"), ("industries", "产业", "industries")),
    "targets": (("targets", "目标", "targets"),),
}


def list_batches(ctx) -> int:
    from crm.importing.undo import list_batches as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = load(session, ctx.args.limit)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(
        [pick("批次", "batch"), pick("时间", "when"), pick("类型", "kind"), pick("文件", "file"),
         pick("导入到", "into"), pick("导入人", "by"), pick("行数", "rows"), pick("新建", "created"),
         pick("已撤销", "undone")],
        [[r["batch"], _local_time(r["created_at"]), import_kind_label(r["kind"]), r["file"],
          r["event"] or r["programme"], r["by"], r["counts"].get("rows"), _created(r), _local_time(r["undone_at"])]
         for r in rows],
    )
    return 0


def _created(row: dict) -> str:
    created = row["counts"].get("created", {})
    return " ".join(f"{pick(zh, en)} {created.get(key, 0)}" for key, zh, en in CREATED_LABELS.get(row["kind"], ()))


def _local_time(iso: str | None) -> str:
    import datetime as dt

    if not iso:
        return ""
    stamp = dt.datetime.fromisoformat(iso)
    if stamp.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M")
