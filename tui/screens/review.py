"""上报与审核: what units reported up (work plans, event summaries, signed projects) and where each stands,
pending first. A provincial reviewer accepts (认定, `a`) or returns with a reason (退回, `x`) what is
pending, and sees 疑似重复上报 beside a project that looks reported already by another unit; a city sees
its own submissions, what was returned and why, and submits again (`s`). Under the list, the history of
the highlighted item: every submission and decision, dated, by whom, why. Enter opens the record."""
from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from crm.i18n import pick, t
from crm.labels import submission_kind_label, submission_status_label, submission_step_label
from crm.rules.scope import who
from crm.services.submissions import QueueRow, Step, history, queue
from tui import text
from tui.forms.reporting import ReviewForm, SubmitForm
from tui.screens.base import WorkbenchScreen
from tui.widgets import tables
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_line import StatusLine

STATUS_STYLE = {"submitted": "bold yellow", "returned": "bold red", "accepted": "green"}
STEP_STYLE = {"submitted": "", "returned": "bold red", "accepted": "green"}


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]  # crm.services.submissions.queue: each item's latest submission, pending first
    reviewer: bool  # the user accepts and returns


def load_queue(session) -> Queue:
    return Queue(queue(session), who(session).reviewer)


def row_key(row: QueueRow) -> str:
    return f"{row.kind}:{row.ref}"


def note(row: QueueRow) -> Text:
    """Why it was returned, or that it looks reported twice (for the reviewer to judge)."""
    if row.status == "returned" and row.reason:
        return Text(row.reason)
    if row.duplicate_of:
        return Text(pick(f"疑似重复上报：{row.duplicate_of}", f"looks reported twice: {row.duplicate_of}"),
                    style="bold yellow")
    return text.plain(None)


class ReviewScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("a", "decide(True)", "accept", id="review.accept"),
        Binding("x", "decide(False)", "return", id="review.return"),
        Binding("s", "resubmit", "submit again", id="review.resubmit"),
    ]
    AUTO_FOCUS = "#queue"

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Queue | None = None
        self.wanted: str | None = None  # an item to highlight once the list is read (kind:ref)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="queue-history", classes="panel"):
            yield Static(Text(pick("选择一项查看上报记录", "highlight an item to see its history"), style="dim"),
                         id="queue-steps")
        yield StatusLine(id="queue-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = pick("上报与审核", "submissions")
        self.query_one("#queue-history").border_title = pick("上报记录", "history")
        self.reload()

    def reload(self) -> None:
        self.run_db("queue", load_queue, self._show)

    def show_item(self, kind: str, ref: str) -> None:
        """Highlight an item (once the list is there)."""
        self.wanted = f"{kind}:{ref}"
        if self.loaded is not None:
            self._show(self.loaded)

    def _show(self, loaded: Queue) -> None:
        self.loaded = loaded
        table = self.query_one("#queue", DataTable)
        keep = self.wanted or self.current_key()
        rows = loaded.rows
        tables.fill(table, [pick("类型", "kind"), pick("编号", "ref"), pick("名称", "title"), pick("上报单位", "unit"),
                            pick("上报日期", "submitted"), pick("状态", "status"), pick("说明", "note")],
                    [(Text(submission_kind_label(r.kind)), Text(r.ref), Text(r.title), Text(r.unit),
                      Text(r.submitted_at), Text(submission_status_label(r.status), style=STATUS_STYLE[r.status]),
                      note(r)) for r in rows],
                    [row_key(r) for r in rows])
        keys = [row_key(r) for r in rows]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        self.wanted = None
        counts = {status: sum(1 for r in rows if r.status == status) for status in STATUS_STYLE}
        line = Text(" ")
        for i, (status, count) in enumerate(counts.items()):
            line.append(" · " if i else "")
            line.append(f"{submission_status_label(status)} {count}", style=STATUS_STYLE[status] if count else "dim")
        if not rows:
            line = Text(pick(" 没有上报事项", " nothing submitted"), style="dim")
        elif not loaded.reviewer:
            line.append(pick("  （本单位的上报；由省级审核人认定或退回）", "  (your unit's; a provincial reviewer decides)"),
                        style="dim")
        self.query_one("#queue-status", StatusLine).text = line
        self.refresh_bindings()
        self._load_history()
        self.data_shown("review")

    def current_key(self) -> str | None:
        table = self.query_one("#queue", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current(self) -> QueueRow | None:
        key = self.current_key()
        return next((r for r in self.loaded.rows if row_key(r) == key), None) if self.loaded and key else None

    @on(DataTable.RowHighlighted, "#queue")
    def _moved(self) -> None:
        self.refresh_bindings()
        self._load_history()

    @on(DataTable.RowSelected, "#queue")
    async def _open(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.kind == "project":
            self.app.open_project(row.ref)
        else:
            await self.app.open_event(row.ref)

    def _load_history(self) -> None:
        row = self.current()
        steps = self.query_one("#queue-steps", Static)
        if row is None:
            steps.update(Text(pick("没有上报事项", "nothing submitted"), style="dim"))
            return
        self.run_db("history", lambda session: (row, history(session, row.kind, row.ref)), self._show_history)

    def _show_history(self, answer: tuple[QueueRow, list[Step]]) -> None:
        row, steps = answer
        if self.current() != row:
            return  # another item was highlighted meanwhile
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        heading = Text.assemble((submission_kind_label(row.kind), "bold"), " ", (row.ref, "bold"), " ", row.title,
                                " · ", row.unit)
        for step in steps:
            grid.add_row(Text(step.on.isoformat()), Text(submission_step_label(step.action), style=STEP_STYLE[step.action]),
                         text.plain(step.by), text.plain(step.note))
        self.query_one("#queue-steps", Static).update(Group(heading, grid))

    # -- actions ------------------------------------------------------------------------------------
    # A key pressed where it does not apply says why, in the words crm.services.submissions refuses with
    # (decide: nothing_to_review; submit: submission_pending, submission_accepted), rather than nothing.

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "decide" and not (self.loaded and self.loaded.reviewer):
            return False  # a city's staff do not decide: the keys are not theirs
        return True

    def action_decide(self, accept: bool) -> None:
        row = self.current()
        if row is None:
            self._nothing_highlighted()
            return
        form = ReviewForm(row.kind, row.ref, row.title, self.app.today, accept=accept, duplicate_of=row.duplicate_of)
        if row.status != "submitted":
            form.unavailable = t("nothing_to_review", ref=row.ref)
        self._open_form(row, form)

    def action_resubmit(self) -> None:
        row = self.current()
        if row is None:
            self._nothing_highlighted()
            return
        form = SubmitForm(row.kind, row.ref, row.title, self.app.today, again=True, returned_because=row.reason)
        if row.status == "submitted":
            form.unavailable = t("submission_pending", ref=row.ref, on=row.submitted_at)
        elif row.status == "accepted":
            form.unavailable = t("submission_accepted", ref=row.ref)
        self._open_form(row, form)

    def _nothing_highlighted(self) -> None:
        self.notify(pick("没有选中的上报事项", "no item is highlighted"), severity="warning")

    def _open_form(self, row: QueueRow, form) -> None:
        if form.unavailable:
            self.notify(form.unavailable, markup=False, severity="warning")
            return

        def closed(result) -> None:
            if result is not None:
                self.wanted = row_key(row)  # the item stays highlighted where the list puts it now
            self.form_closed(result)

        self.app.push_screen(form, closed)
