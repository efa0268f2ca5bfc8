"""The import wizard: pick a file (a browser that starts in the working directory), see its sheets, the
header found in each and which column feeds which field, change that mapping, choose the event to invite
to, run a dry run (created / duplicate / error rows), import with a progress bar, look at the error rows
(or write them to a workbook to fix), and undo the batch. Every step calls the import service
(crm.importing) — the same calls `crm import invitees` makes; there is no import logic here."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, DirectoryTree, Header, ProgressBar, Select, Static

from crm.i18n import pick
from crm.importing.parse import ParsedFile, parse_file
from crm.importing.service import ImportOptions, ImportResult, import_invitees
from crm.importing.table import FIELDS, IGNORE, field_label, header_key
from crm.importing.undo import list_batches, undo_batch
from crm.services.actor import staff_for
from crm.services.contact_list import list_choices
from tui.db import Failure, describe
from tui.forms.pickers import ConfirmScreen
from tui.screens.base import WorkbenchScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.tables import fill

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
# What a column can be mapped to, in the order `f` steps through them.
TARGETS = (*FIELDS, IGNORE)
FILE, PREVIEW, RESULT = "step-file", "step-preview", "step-result"


class SpreadsheetTree(DirectoryTree):
    """Folders and the files the importer reads; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in SPREADSHEETS)]


class ImportProgress(Message):
    def __init__(self, phase: str, done: int, total: int) -> None:
        super().__init__()
        self.phase, self.done, self.total = phase, done, total


class ImportFinished(Message):
    def __init__(self, result: ImportResult | None, failure: Failure | None) -> None:
        super().__init__()
        self.result, self.failure = result, failure


def target_label(target: str | None) -> str:
    if target in (None, IGNORE):
        return pick("（忽略）", "(ignored)")
    return field_label(target)


class ImportWizardScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("escape", "back", "back", id="app.back"),
        Binding("f", "cycle_field", "change field", id="wizard.field"),
        Binding("d", "dry_run", "dry run", id="wizard.dry_run"),
        Binding("ctrl+s", "import", "import", id="wizard.import"),
        Binding("e", "write_errors", "save error rows", id="wizard.errors"),
        Binding("u", "undo", "undo batch", id="wizard.undo"),
    ]
    DEFAULT_CSS = """
    #wizard-hint { height: auto; padding: 0 1; background: $panel; }
    #wizard-steps { height: 1fr; }
    #file-tree { height: 1fr; }
    #preview-summary, #result-summary { height: auto; padding: 0 1; }
    #preview-event { height: 1; margin: 1 0 0 1; }
    #preview-event Static { width: 16; color: $text-muted; }
    #preview-event Select { width: 60; }
    #sheets { height: auto; max-height: 7; margin-top: 1; }
    #mapping { height: 1fr; margin-top: 1; }
    #import-progress { margin: 1 1; display: none; }
    #import-progress.-running { display: block; }
    #error-rows { height: 1fr; margin-top: 1; }
    """

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = (start or Path.cwd()).resolve()
        self.path: Path | None = None
        self.parsed: ParsedFile | None = None
        self.mapping: dict[str, str] = {}
        self.event: str | None = None
        self.result: ImportResult | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="wizard-hint")
        with ContentSwitcher(initial=FILE, id="wizard-steps"):
            with Vertical(id=FILE):
                yield SpreadsheetTree(self.start, id="file-tree")
            with Vertical(id=PREVIEW):
                yield Static(id="preview-summary")
                with Horizontal(id="preview-event"):
                    yield Static(Text(pick("邀请参加活动", "invite to event")))
                    yield Select([], prompt=pick("（不邀请，只导入客商）", "(none: contacts only)"), id="event", compact=True)
                yield DataTable(id="sheets", cursor_type="none")
                yield DataTable(id="mapping", cursor_type="row", zebra_stripes=True)
            with Vertical(id=RESULT):
                yield Static(id="result-summary")
                yield ProgressBar(id="import-progress", show_eta=False)
                yield DataTable(id="error-rows", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("导入邀请名单", "import an invitee list")
        # The folder on a line of its own: at 80 columns the line would otherwise break after "u" (Rich
        # breaks lines at spaces only).
        self._hint(pick(f"第 1 步：选择文件（.xlsx .xls .ods .csv），回车打开；u 撤销最近一次导入。\n目录：{self.start}",
                        f"Step 1: choose a file (.xlsx .xls .ods .csv), Enter opens it; u undoes the latest import.\n"
                        f"Folder: {self.start}"))
        self.query_one("#file-tree", SpreadsheetTree).focus()
        self.run_db("events", list_choices, self._show_events)
        self.data_shown("import-file")

    def _show_events(self, choices) -> None:
        self.query_one("#event", Select).set_options([(Text(c.name), c.name.split()[0]) for c in choices.events])

    def _hint(self, message: str, *, error: bool = False) -> None:
        self.query_one("#wizard-hint", Static).update(Text(message, style="bold red" if error else ""))

    def _step(self) -> str:
        return self.query_one("#wizard-steps", ContentSwitcher).current

    def check_action(self, action: str, parameters) -> bool | None:
        """Keys of other steps are hidden from the footer."""
        step = self._step() if self.is_mounted else FILE
        allowed = {
            "cycle_field": step == PREVIEW, "dry_run": step == PREVIEW and not self.running,
            "import": step in (PREVIEW, RESULT) and self.parsed is not None and not self.running
            and not (self.result and self.result.written),
            "write_errors": step == RESULT and bool(self.result and self.result.errors),
            "undo": (step == FILE or (step == RESULT and bool(self.result and self.result.batch))) and not self.running,
        }
        return allowed.get(action, True)

    def _refresh_keys(self) -> None:
        self.refresh_bindings()

    # -- step 1: the file ---------------------------------------------------------------------------

    @on(DirectoryTree.FileSelected)
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.path = Path(event.path)
        self.mapping = {}
        self._parse()

    def _parse(self) -> None:
        path, mapping = self.path, dict(self.mapping)
        self._hint(pick(f"读取 {path.name} …", f"reading {path.name} …"))
        self.run_db("parse", lambda _session: parse_file(path, overrides=mapping), self._show_preview,
                    on_failure=lambda failure: self._hint(failure.message, error=True))

    # -- step 2: sheets, header, mapping, event -----------------------------------------------------

    def _show_preview(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.result = None
        self.query_one("#wizard-steps", ContentSwitcher).current = PREVIEW
        self._hint(pick("第 2 步：核对表头与字段对应（f 改字段），选择活动；d 试运行，Ctrl+S 导入，Esc 返回选文件",
                        "Step 2: check the header and mapping (f changes a field), choose the event; "
                        "d dry run, Ctrl+S import, Esc back to the files"))
        errors = sum(1 for r in parsed.rows if r.error is not None)
        self.query_one("#preview-summary", Static).update(Text(pick(
            f"{parsed.path.name}（{parsed.format}）：{len(parsed.rows)} 行数据，其中 {errors} 行有错误",
            f"{parsed.path.name} ({parsed.format}): {len(parsed.rows)} data rows, {errors} with errors")))
        sheets = [(Text(s.name), Text(str(s.header_row) if s.header_row else pick("未找到", "none found")),
                   Text(str(s.rows)), Text("、".join(s.unknown_columns))) for s in parsed.sheets]
        if parsed.skipped_sheets:
            sheets.append((Text(pick("（隐藏，未导入）", "(hidden, skipped)")), Text(""), Text(""),
                           Text("、".join(parsed.skipped_sheets))))
        fill(self.query_one("#sheets", DataTable), (pick("工作表", "sheet"), pick("表头所在行", "header row"),
                                                    pick("数据行", "rows"), pick("未识别的列", "unknown columns")), sheets)
        columns = [(s, header) for s in parsed.sheets for header in self._headers(s)]
        table = self.query_one("#mapping", DataTable)
        fill(table, (pick("工作表", "sheet"), pick("列（表头原文）", "column (as written)"), pick("导入为", "imported as")),
             [(Text(s.name), Text(header), Text(target_label(self._target(s, header)))) for s, header in columns],
             [f"{s.name}\x00{header}" for s, header in columns], keep_cursor=True)
        table.focus()
        self._refresh_keys()
        self.data_shown("import-preview")

    @staticmethod
    def _headers(sheet) -> list[str]:
        layout = sheet.layout
        if layout is None:
            return []
        return [h for h in (layout.header_cells or list(layout.headers.values())) if str(h).strip()]

    def _target(self, sheet, header: str) -> str | None:
        key = header_key(header)
        if key in self.mapping:
            return self.mapping[key]
        return sheet.headers.get(header)

    def action_cycle_field(self) -> None:
        table = self.query_one("#mapping", DataTable)
        if self.parsed is None or not table.row_count:
            return
        sheet_name, header = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value.split("\x00", 1)
        sheet = next(s for s in self.parsed.sheets if s.name == sheet_name)
        current = self._target(sheet, header) or IGNORE
        self.mapping[header_key(header)] = TARGETS[(TARGETS.index(current) + 1) % len(TARGETS)]
        self._parse()

    @on(Select.Changed, "#event")
    def _event_chosen(self, event: Select.Changed) -> None:
        self.event = None if event.value is Select.NULL else event.value

    # -- step 3: dry run, import, errors, undo ------------------------------------------------------

    def action_dry_run(self) -> None:
        self._run(dry_run=True)

    def action_import(self) -> None:
        self._run(dry_run=False)

    def _run(self, *, dry_run: bool) -> None:
        if self.path is None or self.running:
            return
        self.running = True
        options = ImportOptions(event=self.event, mapping=dict(self.mapping) or None, dry_run=dry_run)
        path, database, login = self.path, self.app.database, self.app.login
        self.query_one("#wizard-steps", ContentSwitcher).current = RESULT
        progress = self.query_one("#import-progress", ProgressBar)
        progress.update(total=None, progress=0)
        progress.set_class(True, "-running")
        self._hint(pick("试运行中…（不写入）", "dry run… (nothing is written)") if dry_run else pick("导入中…", "importing…"))
        self._refresh_keys()

        def work() -> None:
            def report(phase: str, done: int, total: int) -> None:
                self.post_message(ImportProgress(phase, done, total))

            try:
                result = import_invitees(database, path, options, login=login, progress=report)
            except Exception as error:  # shown to the user, never raised into the UI
                self.post_message(ImportFinished(None, describe(error, database)))
            else:
                self.post_message(ImportFinished(result, None))

        self.app.run_worker(work, name="import", group="import", thread=True, exit_on_error=False)

    def on_import_progress(self, message: ImportProgress) -> None:
        names = {"read": pick("读取工作表", "reading sheets"), "match": pick("比对已有客商", "matching known contacts"),
                 "write": pick("写入", "writing")}
        self.query_one("#import-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
        self._hint(f"{names.get(message.phase, message.phase)} {message.done:,}/{message.total:,}")

    def on_import_finished(self, message: ImportFinished) -> None:
        self.running = False
        self.query_one("#import-progress", ProgressBar).set_class(False, "-running")
        if message.failure is not None:
            self._hint(message.failure.message, error=True)
            self._refresh_keys()
            return
        self.result = message.result
        self._show_result(message.result)

    def _show_result(self, result: ImportResult) -> None:
        c = result.created
        if result.dry_run:
            head = pick("试运行结果（未写入任何数据）：将", "Dry run (nothing written): would")
            hint = pick("第 3 步：核对结果与错误行；Ctrl+S 正式导入，e 保存错误行，Esc 返回修改",
                        "Step 3: check the result and error rows; Ctrl+S imports, e saves the error rows, Esc goes back")
        else:
            head = pick(f"已导入（批次 {result.batch}）：", f"Imported (batch {result.batch}):") if result.written \
                else pick("未写入：", "Nothing written:")
            hint = pick("完成。e 保存错误行以便修改后重新导入，u 撤销本批次，Esc 关闭",
                        "Done. e saves the error rows to fix and import again, u undoes this batch, Esc closes")
        self._hint(hint)
        lines = [
            head,
            pick(f"  数据行 {result.rows}；新建客商 {c['contacts']}，单位 {c['organizations']}，邀请 {c['invitations']}",
                 f"  rows {result.rows}; new contacts {c['contacts']}, organizations {c['organizations']}, "
                 f"invitations {c['invitations']}"),
            pick(f"  重复（已有客商）{result.duplicates}；补全已有客商 {result.updated['contacts']}；"
                 f"错误行 {len(result.errors)}；与已有记录不一致 {len(result.conflicts)}",
                 f"  duplicates {result.duplicates}; known contacts completed {result.updated['contacts']}; "
                 f"error rows {len(result.errors)}; values differing from records {len(result.conflicts)}"),
        ]
        if result.earlier_batch and not result.written:
            lines.append(pick(f"  此文件已于批次 {result.earlier_batch} 导入过", f"  this file was imported before (batch {result.earlier_batch})"))
        self.query_one("#result-summary", Static).update(Text("\n".join(lines)))
        table = self.query_one("#error-rows", DataTable)
        fill(table, (pick("工作表", "sheet"), pick("行", "row"), pick("列", "column"), pick("问题", "problem")),
             [(Text(e.sheet), Text(str(e.row)), Text(e.column or ""), Text(e.message)) for e in result.errors]
             + [(Text(c.sheet), Text(str(c.row)), Text(field_label(c.field)), Text(c.message, style="yellow"))
                for c in result.conflicts])
        if table.row_count:
            table.focus()
        self._refresh_keys()
        self.data_shown("import-result")

    def action_write_errors(self) -> None:
        if self.result is None or self.result.parsed is None:
            return
        from crm.importing.errors_out import write_rejected

        source = self.result.parsed.path
        target = source.with_name(f"{source.stem}-错误行.xlsx")
        parsed = self.result.parsed

        def job(_session) -> str:
            count = write_rejected(parsed, target)
            return pick(f"{count} 行错误已写入 {target}，修改后可重新导入", f"{count} error rows written to {target}")

        self.run_db("errors-out", job, lambda message: self.notify(message, markup=False, timeout=10))

    def action_undo(self) -> None:
        """Undo the batch just imported; on the file step, the latest batch not undone (after asking)."""
        if self._step() == RESULT and self.result is not None and self.result.batch:
            self._undo(self.result.batch)
            return

        def latest(session):
            return next((b for b in list_batches(session, limit=20) if b["undone_at"] is None), None)

        def ask(batch) -> None:
            if batch is None:
                self.notify(pick("没有可撤销的导入批次", "no import batch to undo"), severity="warning")
                return
            question = pick(f"撤销最近的导入批次 {batch['batch']}（{batch['file']}，{batch['created_at'][:16]}）吗？",
                            f"Undo the latest import batch {batch['batch']} ({batch['file']}, {batch['created_at'][:16]})?")
            self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self._undo(batch["batch"]))

        self.run_db("latest-batch", latest, ask)

    def _undo(self, batch: int) -> None:
        login = self.app.login

        def job(session):
            undo_batch(session, batch, staff_id=staff_for(session, login).id)
            return batch

        self.run_db("undo", job, self._undone, write=True)

    def _undone(self, batch: int) -> None:
        self.notify(pick(f"已撤销导入批次 {batch}", f"import batch {batch} undone"), markup=False)
        self.result = None
        self.query_one("#result-summary", Static).update(Text(pick(f"批次 {batch} 已撤销", f"batch {batch} undone")))
        self.query_one("#error-rows", DataTable).clear(columns=True)
        self._refresh_keys()

    def action_back(self) -> None:
        if self.running:
            return
        step = self._step()
        if step == RESULT and self.result is not None and self.result.dry_run:
            self.query_one("#wizard-steps", ContentSwitcher).current = PREVIEW
            self._show_preview(self.parsed)
        elif step == PREVIEW:
            self.query_one("#wizard-steps", ContentSwitcher).current = FILE
            self.query_one("#file-tree", SpreadsheetTree).focus()
            self._hint(pick("第 1 步：选择文件，回车打开；u 撤销最近一次导入", "Step 1: choose a file, Enter opens it; u undoes the latest import"))
            self._refresh_keys()
        else:
            self.dismiss()
