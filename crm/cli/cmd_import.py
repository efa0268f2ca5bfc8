"""crm import invitees FILE | undo BATCH | list"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from crm.cli.context import batch, print_json, print_table
from crm.errors import EXIT_ROWS_REJECTED, CrmError
from crm.i18n import pick, t

MAX_LINES = 20  # errors and conflicts listed on screen; --errors-out has them all


def register(commands) -> None:
    parser = commands.add_parser("import", help=pick("导入名单（Excel、WPS、CSV）", "import lists (Excel, WPS, CSV)"))
    sub = parser.add_subparsers(dest="import_command", metavar="ACTION", required=True)

    p = sub.add_parser("invitees", help=pick("导入拟邀请嘉宾名单", "import an invitee list"))
    p.add_argument("file", help=pick(".xlsx/.xlsm/.xls/.ods/.csv（格式自动识别）",
                                     ".xlsx/.xlsm/.xls/.ods/.csv (detected from the content)"))
    p.add_argument("--event", metavar="REF", help=pick("邀请到该活动（见 crm events list）", "invite everyone to this event"))
    p.add_argument("--sheet", action="append", metavar="NAME",
                   help=pick("只导入该工作表（可重复；默认全部）", "only this sheet (repeatable; default: all)"))
    p.add_argument("--map", action="append", metavar=pick("列名=字段", "COLUMN=field"),
                   help=pick("指定列的含义（可重复），字段：name organization title mobile phone email category "
                             "notes status ignore",
                             "say what a column holds (repeatable): name organization title mobile phone email "
                             "category notes status ignore"))
    p.add_argument("--dry-run", action="store_true", help=pick("只报告将要做什么，不写入", "report only, write nothing"))
    p.add_argument("--strict", action="store_true",
                   help=pick("有任何一行被拒绝时不写入任何数据", "write nothing if any row is rejected"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--errors-out", metavar="FILE",
                   help=pick("把被拒绝的行写入工作簿（.xlsx 或 .csv），修改后可重新导入",
                             "write rejected rows to a workbook (.xlsx or .csv) to fix and import again"))
    p.set_defaults(handler=import_invitees)

    p = sub.add_parser("undo", help=pick("撤销一次导入", "undo an import"))
    p.add_argument("batch", type=int, metavar="BATCH")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=undo)

    p = sub.add_parser("list", help=pick("导入记录", "import batches"))
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_batches)


def import_invitees(ctx) -> int:
    from crm.importing.reader import ReadAhead

    args = ctx.args
    if args.errors_out and not Path(args.errors_out).expanduser().parent.is_dir():
        raise CrmError("write_failed", path=args.errors_out, reason=pick("目录不存在", "no such directory"))
    ahead = ReadAhead(args.file, args.sheet)  # the file is read while the database layer loads

    from crm.importing.service import ImportOptions, import_invitees as run
    from crm.importing.table import parse_mapping

    options = ImportOptions(event=args.event, sheets=args.sheet, mapping=parse_mapping(args.map),
                            dry_run=args.dry_run, strict=args.strict)
    with batch(), _progress_bar(enabled=not args.json and sys.stderr.isatty()) as progress:
        result = run(ctx.db, args.file, options, login=ctx.login, progress=progress, ahead=ahead)
    notices = _notices(result)
    if args.json:
        print_json(result.as_json())
        for line in notices:
            print(line, file=sys.stderr)
    else:
        for line in _summary(result) + notices:
            print(line)
    if args.errors_out:
        _write_errors(result, Path(args.errors_out).expanduser(), quiet=args.json)
    return EXIT_ROWS_REJECTED if result.errors else 0


def _summary(result) -> list[str]:
    sheets = ", ".join(s.name for s in result.sheets)
    lines = [t("import_summary_head", file=result.file, rows=result.rows, format=result.format, sheets=sheets)]
    key = "import_summary_would_create" if result.dry_run else "import_summary_created"
    lines.append("  " + t(key, **result.created))
    lines.append("  " + t("import_summary_updated", contacts=result.updated["contacts"],
                          organizations=result.organizations_updated, duplicates=result.duplicates,
                          errors=len(result.errors)))
    if result.batch is not None:
        lines.append("  " + t("import_summary_batch", batch=result.batch))
    elif result.dry_run:
        lines.append("  " + t("import_dry_run"))
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
    if result.conflicts:
        lines.append(t("import_conflicts_head", count=len(result.conflicts)))
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
        print(t("import_undone", batch=result.batch, **result.removed, restored=sum(result.restored.values())))
    return 0


def list_batches(ctx) -> int:
    from crm.importing.undo import list_batches as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = load(session, ctx.args.limit)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(
        [pick("批次", "batch"), pick("时间", "when"), pick("文件", "file"), pick("活动", "event"), pick("导入人", "by"),
         pick("行数", "rows"), pick("新建 客商/单位/邀请", "new contacts/orgs/invitations"), pick("已撤销", "undone")],
        [[r["batch"], _local_time(r["created_at"]), r["file"], r["event"], r["by"], r["counts"].get("rows"),
          "/".join(str(r["counts"].get("created", {}).get(k, "")) for k in ("contacts", "organizations", "invitations")),
          _local_time(r["undone_at"])] for r in rows],
    )
    return 0


def _local_time(iso: str | None) -> str:
    import datetime as dt

    if not iso:
        return ""
    stamp = dt.datetime.fromisoformat(iso)
    if stamp.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M")
