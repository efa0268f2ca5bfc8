"""What the contacts and organizations screens share: a search box that narrows the list with each
keystroke, filters beside it, the whole table in a virtual table sorted in SQL, and a status line."""
from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.widgets import Header, Input, Select

from crm.i18n import pick
from crm.services.contact_list import ListChoices, ListOrder, list_choices
from db.models import OrgKind
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_line import StatusLine
from tui.widgets.virtual_table import Column, TableRow, VirtualTable

# Filters whose options come from the database: Select id → ListChoices attribute.
CHOICES = {"industry": "industries", "city": "regions", "event": "events"}
# Search results are ranked, not sorted: this many of the best are listed.
SEARCH_LIMIT = 200


class RankedSource:
    """A RowSource over search hits: one search per query (in count), pages cut from its answer and
    made into rows only as they are shown."""

    def __init__(self, search, row) -> None:
        self._search = search  # session -> list of hits
        self._row = row  # hit -> TableRow
        self._hits: list = []

    def count(self, session: Session) -> int:
        self._hits = self._search(session)
        return len(self._hits)

    def fetch(self, session: Session, offset: int, limit: int) -> Sequence[TableRow]:
        return [self._row(hit) for hit in self._hits[offset : offset + limit]]


class SortedSource:
    """A RowSource over the whole filtered table; the count lets far windows be read from the end."""

    def __init__(self, count, page, row) -> None:
        self._count, self._page, self._row = count, page, row
        self.total: int | None = None

    def count(self, session: Session) -> int:
        self.total = self._count(session)
        return self.total

    def fetch(self, session: Session, offset: int, limit: int) -> Sequence[TableRow]:
        return [self._row(r) for r in self._page(session, offset, limit, self.total)]


class ListScreen(WorkbenchScreen):
    """Subclasses give the columns, the filters (Select ids → attribute) and the two sources."""

    BINDINGS = [
        # The search box above the list says "/搜索…" itself.
        Binding("slash", "search", "search", show=False, id="list.search"),
        Binding("s", "sort", "sort", id="list.sort"),
        Binding("o", "reverse", "reverse", id="list.reverse"),
        Binding("escape", "clear", "clear filters", show=False, id="list.clear"),
    ]
    # A fixed height: an Input of automatic size lays the whole screen out again at every keystroke.
    DEFAULT_CSS = "ListScreen #search { height: 1; }"
    TABLE_ID = ""
    WHAT = ""  # for DataShown and the status line
    SORTS: Sequence[str] = ()
    PLACEHOLDER = ("", "")
    SELECTS: Sequence[tuple[str, str, str]] = ()  # (select id, prompt zh, prompt en)

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.order = ListOrder("name")
        self.selected: dict[str, object] = {}
        self.choices: ListChoices | None = None
        self.table = VirtualTable(self.columns(), id=self.TABLE_ID)
        self._apply()

    # -- what subclasses say ------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def sorted_source(self) -> SortedSource:
        raise NotImplementedError

    def ranked_source(self, query: str) -> RankedSource:
        raise NotImplementedError

    def options(self, select_id: str, choices: ListChoices) -> list[tuple[Text, object]] | None:
        """Options of a Select filled from the database (None: the Select has fixed options)."""
        items = getattr(choices, CHOICES.get(select_id, ""), None)
        return None if items is None else [(Text(c.name), c.id) for c in items]

    def fixed_options(self, select_id: str) -> list[tuple[Text, object]]:
        if select_id == "kind":
            return [(Text(word("org_kind", k.value)), k) for k in OrgKind]
        return []

    def noun(self, count: int) -> str:
        raise NotImplementedError

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder=pick(*self.PLACEHOLDER), id="search", compact=True)
            # Mounted after the first paint: four Selects cost more to build than the rows to show.
            for select_id, zh, en in self.SELECTS:
                yield Lazy(Select(self.fixed_options(select_id), prompt=pick(zh, en), id=select_id, compact=True))
        yield self.table
        yield StatusLine(id="list-status")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self._show_status()

    def reload(self) -> None:
        self.table.reload()

    def _apply(self) -> None:
        table = self.table
        if self.query_text:
            table.sort_column = None
            table.set_source(self.ranked_source(self.query_text))
        else:
            table.sort_column, table.sort_descending = self.order.column, self.order.descending
            table.set_source(self.sorted_source())
        if self.is_mounted:
            self._show_status()

    # -- search, filters, order ---------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.query_text:
            self.query_text = event.value.strip()
            self._apply()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        if self.selected.get(event.select.id) != value:
            self.selected[event.select.id] = value
            self._apply()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def search_for(self, value: str) -> None:
        """Show the list searched for `value`, as if typed."""
        self.query_one("#search", Input).value = value

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search and search.value:
            search.value = ""
            return
        if self.focused is search:
            self.table.focus()
            return
        search.value = ""
        for select in self.query(Select).results(Select):
            select.clear()
        self.selected.clear()
        self.query_text = ""
        self._apply()

    def action_sort(self) -> None:
        if self.query_text:
            self.notify(pick("搜索结果按匹配程度排列", "search results are ranked by how well they match"))
            return
        following = self.SORTS[(list(self.SORTS).index(self.order.column) + 1) % len(self.SORTS)]
        self.order = ListOrder(following, self.order.descending)
        self._apply()

    def action_reverse(self) -> None:
        if not self.query_text:
            self.order = ListOrder(self.order.column, not self.order.descending)
            self._apply()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column in self.SORTS and not self.query_text:
            same = event.column == self.order.column
            self.order = ListOrder(event.column, not self.order.descending if same else False)
            self._apply()

    # -- rows and status ----------------------------------------------------------------------------

    @on(VirtualTable.RowHighlighted)
    def _moved(self) -> None:
        self._show_status()

    @on(VirtualTable.Counted)
    def _counted(self) -> None:
        self._show_status()
        self.data_shown(self.WHAT)
        if self.choices is None:  # the filters' choices are not needed for the first paint
            self.choices = ListChoices([], [], [])
            self.run_db("choices", list_choices, self._show_choices)

    def _show_choices(self, choices: ListChoices) -> None:
        self.choices = choices
        if len(self.query(Select)) < len(self.SELECTS):  # not mounted yet (Lazy): once they are
            self.call_after_refresh(self._show_choices, choices)
            return
        for select_id, *_ in self.SELECTS:
            options = self.options(select_id, choices)
            if options is not None:
                self.query_one(f"#{select_id}", Select).set_options(options)

    def _show_status(self) -> None:
        table = self.table
        if table.row_count is None:
            line = pick("查找中…", "searching…") if self.query_text else pick("计数中…", "counting…")
        elif self.query_text:
            shown = pick(f"最相关的前 {SEARCH_LIMIT} 条", f"the best {SEARCH_LIMIT}") if table.row_count >= SEARCH_LIMIT \
                else self.noun(table.row_count)
            line = pick(f"搜索「{self.query_text}」：{shown}，按匹配程度排列",
                        f"search “{self.query_text}”: {shown}, best match first")
        else:
            title = next(c.title for c in table.columns if c.key == self.order.column)
            arrow = "▼" if self.order.descending else "▲"
            line = f"{pick('共 ', '')}{self.noun(table.row_count)} · {pick('排序', 'sorted by')} {title} {arrow}"
        if table.row_count:
            line += pick(f" · 第 {table.cursor_row + 1:,} 行", f" · row {table.cursor_row + 1:,}")
        self.query_one("#list-status", StatusLine).text = Text(f" {line}", style="dim")
