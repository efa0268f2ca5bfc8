"""项目: every project, filtered by stage, industry, city, status, unit and text, sorted by any column,
paged from SQL by the virtual table. The actions of a project apply to the highlighted row."""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.widgets import Header, Input, Select

from crm.i18n import pick
from crm.rules.stages import STAGE_ORDER, stage_label
from crm.services.project_query import SORT_COLUMNS, FilterChoices, ProjectFilter, ProjectOrder, filter_choices
from db.models import ProjectStatus
from tui.i18n import word
from tui.project_list import INITIAL_ORDER, ProjectSource, project_columns
from tui.screens.project_base import ProjectScreen
from tui.widgets.virtual_table import VirtualTable
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_line import StatusLine

FILTERS = ("stage", "industry", "city", "status", "unit")
STATUS_DELAY_S = 0.15


class ProjectsScreen(ProjectScreen):
    BINDINGS = [
        # The search box above the list says "/搜索…" itself.
        Binding("slash", "search", "search", show=False, id="list.search"),
        Binding("s", "sort", "sort", id="list.sort"),
        Binding("o", "reverse", "reverse", id="list.reverse"),
        Binding("escape", "clear", "clear filters", show=False, id="list.clear"),
        # On the list only the commonest actions are in the footer (all are in F1 and Ctrl+P).
        Binding("r", "resolve", "resolve", show=False, id="project.resolve"),
        Binding("e", "edit", "edit", show=False, id="project.edit"),
        Binding("x", "status", "status", show=False, id="project.status"),
        Binding("c", "correct", "correct", show=False, id="project.correct"),
    ]
    AUTO_FOCUS = "#projects"

    def __init__(self) -> None:
        super().__init__()
        self.filter = ProjectFilter()
        self.order = INITIAL_ORDER
        self.choices: FilterChoices | None = None
        self._status_timer = None
        # Built here so that its first rows are read while the screen is still being composed (or were
        # read while Textual started, when the workbench opened on this screen).
        self.table = VirtualTable(project_columns(), id="projects")
        self._apply(answer=self.app.first_answer("projects"))

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            # No space after "/" in Chinese: Rich breaks lines at spaces only, so in the narrow box at 80
            # columns "/ 搜索：…" showed as "/" alone (the rest did not fit after it).
            yield Input(placeholder=pick("/搜索：编号、名称、投资方、园区", "/ search: ref, name, investor, park"),
                        id="search", compact=True)
            # Mounted after the first paint: the Selects cost more to build than the rows to show.
            yield Lazy(Select([(Text(stage_label(s)), s) for s in STAGE_ORDER], prompt=pick("阶段", "stage"),
                              id="stage", compact=True))
            yield Lazy(Select([], prompt=pick("产业", "industry"), id="industry", compact=True))
            yield Lazy(Select([], prompt=pick("所在地", "city"), id="city", compact=True))
            yield Lazy(Select([(Text(word("status", s.value)), s) for s in ProjectStatus],
                              prompt=pick("状态", "status"), id="status", compact=True))
            yield Lazy(Select([], prompt=pick("责任单位", "unit"), id="unit", compact=True))
        yield self.table
        yield StatusLine(id="list-status")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("项目", "projects")
        self._show_status()

    def reload(self) -> None:
        self.table.reload()

    def _show_choices(self, choices: FilterChoices) -> None:
        self.choices = choices
        if len(self.query(Select)) < len(FILTERS):  # not mounted yet (Lazy): once they are
            self.call_after_refresh(self._show_choices, choices)
            return
        for select_id, items in (("industry", choices.industries), ("city", choices.regions), ("unit", choices.units)):
            self.query_one(f"#{select_id}", Select).set_options([(Text(c.name), c.id) for c in items])

    def _apply(self, *, keep_cursor: bool = False, answer: Future | None = None) -> None:
        table = self.table
        table.sort_column, table.sort_descending = self.order.column, self.order.descending
        table.set_source(ProjectSource(self.filter, self.order, self.app.today), keep_cursor=keep_cursor, answer=answer)
        if self.is_mounted:
            self._show_status()

    # -- filters and order --------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filter = replace(self.filter, text=event.value)
        self._apply()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        name = {"industry": "industry_id", "city": "region_id", "unit": "unit_id"}.get(event.select.id, event.select.id)
        if getattr(self.filter, name) != value:
            self.filter = replace(self.filter, **{name: value})
            self._apply()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.table.focus()
            return
        self.query_one("#search", Input).value = ""
        for select in self.query(Select).results(Select):
            select.clear()
        self.filter = ProjectFilter()
        self._apply()

    def action_sort(self) -> None:
        keys = [c.key for c in self.table.columns if c.sortable and c.key in SORT_COLUMNS]
        following = keys[(keys.index(self.order.column) + 1) % len(keys)]
        self.order = ProjectOrder(following, self.order.descending)
        self._apply()

    def action_reverse(self) -> None:
        self.order = ProjectOrder(self.order.column, not self.order.descending)
        self._apply()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column in SORT_COLUMNS:
            same = event.column == self.order.column
            self.order = ProjectOrder(event.column, not self.order.descending if same else False)
            self._apply()

    # -- rows ---------------------------------------------------------------------------------------

    @on(VirtualTable.RowSelected)
    def _open_row(self, event: VirtualTable.RowSelected) -> None:
        if event.key:
            self.app.open_project(event.key)

    @on(VirtualTable.RowHighlighted)
    def _moved(self) -> None:
        # The row number follows once the cursor rests: repainting the status line in the same frame as
        # the rows would make every key repaint everything between them.
        if self._status_timer is not None:
            self._status_timer.stop()
        self._status_timer = self.set_timer(STATUS_DELAY_S, self._show_status)

    @on(VirtualTable.Counted)
    def _counted(self) -> None:
        self._show_status()
        self.data_shown("projects")
        if self.choices is None:  # the filters' choices are not needed for the first paint
            self.run_db("choices", filter_choices, self._show_choices)

    def _show_status(self) -> None:
        table = self.table
        title = next(c.title for c in table.columns if c.key == self.order.column)
        arrow = "▼" if self.order.descending else "▲"
        if table.row_count is None:
            counted = pick("计数中…", "counting…")
        else:
            counted = pick(f"共 {table.row_count:,} 个项目", f"{table.row_count:,} projects")
            if table.row_count:
                counted += pick(f" · 第 {table.cursor_row + 1:,} 行", f" · row {table.cursor_row + 1:,}")
        # A StatusLine repaints itself only; Static.update would lay the whole screen out on every key.
        self.query_one("#list-status", StatusLine).text = Text(
            f" {counted} · {pick('排序', 'sorted by')} {title} {arrow}", style="dim")

    def current_ref(self) -> str | None:
        return self.table.cursor_key
