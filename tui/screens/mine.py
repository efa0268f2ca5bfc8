"""我的待办: everything due for the logged-in user as of today (crm.services.mine: their projects' follow-ups
and alerts, open problems, supervision orders addressed to their unit awaiting a reply, submissions returned
to them, plans and summaries due for their unit's events; for a reviewer, what awaits their decision), the
most urgent first. Enter opens the item where it is dealt with: a project's page, an event, the order or
the submission in its section."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm.i18n import pick
from crm.labels import deadline_kind_label
from crm.rules.leads import lead_limits
from crm.rules.supervision import red_after_days
from crm.services.mine import MineItem, MyWork, my_work
from tui import text
from tui.i18n import VOCABULARY, word
from tui.screens.base import WorkbenchScreen
from tui.widgets import tables
from tui.widgets.key_bar import KeyBar

STATE_STYLE = {"overdue": "bold red", "red": "bold red", "yellow": "bold yellow", "due": "yellow", "returned": "bold red",
               "submitted": "cyan", "replied": "cyan", "open": ""}
EVENT_KINDS = ("plan", "summary")
ORDER_KINDS = ("order", "order_review")
SUBMISSION_KINDS = ("resubmit", "review")


def kind_label(item: MineItem) -> str:
    if item.kind in VOCABULARY["mine_kind"]:
        label = word("mine_kind", item.kind)
        if item.submission:
            label += pick("", " ") + word("submission_short", item.submission)
        return label
    try:
        return deadline_kind_label(item.kind)
    except KeyError:  # a kind added to the reminders later: shown as its code
        return item.kind


def when(item: MineItem) -> Text:
    """The day it falls due; dimmed, the day it has waited since (raised, returned, submitted, replied): the
    column says 期限/起始."""
    if item.due:
        return Text(item.due)
    return Text(item.since, style="dim") if item.since else text.plain(None)


def row_key(item: MineItem) -> str:
    return "|".join((item.kind, item.ref, item.submission or "", item.due or ""))


class MineScreen(WorkbenchScreen):
    AUTO_FOCUS = "#mine"

    def __init__(self) -> None:
        super().__init__()
        self.work: MyWork | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="mine-who")
        yield DataTable(id="mine", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = pick(f"我的待办 · 截至 {self.app.today}", f"my to-do · as of {self.app.today}")
        self.reload()

    def reload(self) -> None:
        login, as_of, config = self.app.login, self.app.today, self.app.config
        limits, red_after = lead_limits(config), red_after_days(config)
        self.run_db("mine", lambda session: my_work(session, login, as_of, limits=limits, red_after=red_after),
                    self._show)

    def _show(self, work: MyWork) -> None:
        self.work = work
        self.query_one("#mine-who", Static).update(self._who(work))
        table = self.query_one("#mine", DataTable)
        tables.fill(table, [pick("事项", "what"), pick("编号", "ref"), pick("名称", "title"), pick("期限/起始", "due/since"),
                            pick("状态", "state"), pick("说明", "note")],
                    [(Text(kind_label(i)), Text(i.ref, style="bold"), Text(i.title), when(i),
                      Text(word("mine_state", i.state), style=STATE_STYLE.get(i.state, "")), text.plain(i.detail))
                     for i in work.items],
                    [row_key(i) for i in work.items], keep_cursor=True)
        table.display = bool(work.items)
        self.data_shown("mine")

    @staticmethod
    def _who(work: MyWork) -> Text:
        if not work.staff:
            return Text(pick(f" 登录名 {work.login} 不是工作人员，没有归属本人的事项（crm staff add {work.login} --unit 单位）",
                             f" {work.login} is no staff member: nothing is theirs (crm staff add {work.login} --unit UNIT)"),
                        style="yellow")
        line = Text.assemble(" ", (work.name or work.login, "bold"), f" ({work.login})" if work.name != work.login else "")
        if work.unit:
            line.append(f" · {work.unit}")
        if work.reviewer:
            line.append(pick(" · 审核人", " · reviewer"))
        if not work.items:
            line.append(pick("  今天没有待办事项", "  nothing due today"), style="green")
            return line
        urgent = sum(1 for i in work.items if i.state in ("overdue", "red"))
        line.append(pick(f"  共 {len(work.items)} 项", f"  {len(work.items)} items"))
        if urgent:
            line.append(pick(f"，其中超期 {urgent} 项", f", {urgent} overdue"), style="bold red")
        line.append(pick("  · Enter 打开", "  · Enter opens"), style="dim")
        return line

    def current(self) -> MineItem | None:
        table = self.query_one("#mine", DataTable)
        if not table.row_count or self.work is None:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.work.items if row_key(i) == key), None)

    @on(DataTable.RowSelected, "#mine")
    async def _open(self) -> None:
        item = self.current()
        if item is None:
            return
        if item.kind in EVENT_KINDS:
            await self.app.open_event(item.ref)
        elif item.kind in ORDER_KINDS:
            (await self.app.show_section("supervision")).show_order(item.ref)
        elif item.kind in SUBMISSION_KINDS and item.submission:
            (await self.app.show_section("review")).show_item(item.submission, item.ref)
        else:
            self.app.open_project(item.ref)
