"""A table over any number of rows that reads only the rows it shows (line API, Toolong style).

A RowSource answers two questions in a worker thread, inside the caller's session: how many rows there
are, and rows offset…offset+limit. The table keeps a few pages of rows, fetches the pages around what is
on screen, and paints a row from memory, so moving the cursor costs the same for 100 or 100,000 rows.
Cells are rich Text: user data is never parsed as markup."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from sqlalchemy.orm import Session
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.db import DbClient
from tui.i18n import translate_bindings
from tui.rows import PAGE_SIZE, Column, RowSource, TableRow, first_rows

CACHED_PAGES = 40
GAP = 1  # cells between columns


class VirtualTable(DbClient, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; background: $surface; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
    VirtualTable > .virtual-table--cursor { background: $block-cursor-blurred-background; }
    VirtualTable:focus > .virtual-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    VirtualTable > .virtual-table--pending { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor", "virtual-table--pending"}
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "page up", show=False, id="table.page_up"),
        Binding("pagedown,space", "page(1)", "page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "first", show=False, id="table.first"),
        Binding("end,G", "last", "last", show=False, id="table.last"),
        Binding("enter", "select", "open", id="list.open"),
    ]

    class RowHighlighted(Message):
        def __init__(self, table: VirtualTable, row: int, key: str | None) -> None:
            super().__init__()
            self.table, self.row, self.key = table, row, key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowSelected(RowHighlighted):
        pass

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column: str) -> None:
            super().__init__()
            self.table, self.column = table, column

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Counted(Message):
        """The source answered how many rows there are (after set_source or reload)."""

        def __init__(self, table: VirtualTable, count: int) -> None:
            super().__init__()
            self.table, self.count = table, count

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        translate_bindings(self)
        self.columns = list(columns)
        self.source: RowSource | None = None
        self.row_count: int | None = None  # None until the source has answered
        self.cursor_row = 0
        self.sort_column: str | None = None
        self.sort_descending = False
        self._pages: OrderedDict[int, Sequence[TableRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._shown: list[int] = []  # indexes of the columns that fit
        self._widths: list[int] = []  # theirs
        self._laid_out_for = -1
        self._request_scheduled = False
        self._strips: dict[int, Strip] = {}
        self._frame_style = Style()  # self.rich_style as of the frame being painted

    # -- data ---------------------------------------------------------------------------------------

    def set_source(self, source: RowSource, *, keep_cursor: bool = False, answer: Future | None = None) -> None:
        """Show another set of rows (a new filter or order), or the same again after an edit. On a
        reload the rows on screen stay until the new ones arrive. `answer`: first_rows(source) already
        asked for (the first screen's, read while Textual started)."""
        self.source = source
        self._generation += 1
        self._pending.clear()
        if not keep_cursor:
            self._pages.clear()
            self._strips.clear()
            self.cursor_row = 0
            if self.is_mounted:
                self.scroll_to(y=0, animate=False, immediate=True)
        generation, first = self._generation, self._page_of(self.cursor_row)

        self._pending.add(first)
        self.run_db("count", lambda session: first_rows(source, session, first),
                    lambda result: self._counted(generation, first, *result), answer=answer)
        self.refresh()

    def reload(self) -> None:
        """Read the rows again, keeping the cursor where it is (after an edit)."""
        if self.source is not None:
            self.set_source(self.source, keep_cursor=True)

    def _counted(self, generation: int, page: int, count: int, rows: Sequence[TableRow]) -> None:
        if generation != self._generation:
            return
        self.row_count = count
        self._pages.clear()
        self._strips.clear()
        self._store(page, rows)
        self.virtual_size = Size(self.size.width, count + 1)
        self.cursor_row = max(0, min(self.cursor_row, count - 1))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Counted(self, count))
        self._post_highlight()

    def _store(self, page: int, rows: Sequence[TableRow]) -> None:
        self._pending.discard(page)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > CACHED_PAGES:
            dropped, _ = self._pages.popitem(last=False)
            for row in range(dropped * PAGE_SIZE, (dropped + 1) * PAGE_SIZE):
                self._strips.pop(row, None)
        for row in range(page * PAGE_SIZE, page * PAGE_SIZE + len(rows)):
            self._strips.pop(row, None)

    def _page_of(self, row: int) -> int:
        return max(row, 0) // PAGE_SIZE

    def _request_pages(self, first_row: int, last_row: int) -> None:
        if self.source is None or self.row_count is None:
            return
        last_row = min(last_row, self.row_count - 1)
        for page in range(self._page_of(first_row), self._page_of(last_row) + 1):
            if page in self._pages:
                self._pages.move_to_end(page)
            elif page not in self._pending:
                self._pending.add(page)
                source, generation = self.source, self._generation

                def job(session: Session, offset=page * PAGE_SIZE):
                    return source.fetch(session, offset, PAGE_SIZE)

                self.run_db(f"page:{page}", job, lambda rows, page=page: self._page_loaded(generation, page, rows))

    def _page_loaded(self, generation: int, page: int, rows: Sequence[TableRow]) -> None:
        if generation != self._generation:
            return
        self._store(page, rows)
        if self._on_screen(page):
            self.refresh()
        # Otherwise nothing on screen changes: a repaint would only hold up the frame of the next key.
        self._request_after_paint()
        if self._page_of(self.cursor_row) == page:
            self._post_highlight()

    def _on_screen(self, page: int) -> bool:
        top = self.scroll_offset.y
        return self._page_of(top) <= page <= self._page_of(top + self._body_height - 1)

    def row_at(self, row: int) -> TableRow | None:
        page = self._pages.get(self._page_of(row))
        index = row - self._page_of(row) * PAGE_SIZE
        return page[index] if page is not None and 0 <= index < len(page) else None

    @property
    def cursor_key(self) -> str | None:
        row = self.row_at(self.cursor_row) if self.row_count else None
        return row.key if row else None

    # -- painting -----------------------------------------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def on_resize(self, event: Resize) -> None:
        if self.row_count is not None:
            self.virtual_size = Size(event.size.width, self.row_count + 1)

    def _layout_columns(self) -> None:
        """Column widths for the width there is (the vertical scrollbar takes some once rows arrive)."""
        width = self.scrollable_content_region.width
        if width != self._laid_out_for:
            self._laid_out_for = width
            self._shown, self._widths = self._column_widths(width)
            self._strips.clear()

    def _column_widths(self, total: int) -> tuple[list[int], list[int]]:
        """The columns shown and their widths: the flexible ones share what the others leave; while that is
        less than one of them wants at least, the columns that may go do."""
        shown = list(range(len(self.columns)))
        droppable = sorted((c.drop, i) for i, c in enumerate(self.columns) if c.drop)
        while True:
            columns = [self.columns[i] for i in shown]
            fixed = sum(c.width for c in columns) + GAP * (len(columns) - 1)
            flexible = sum(1 for c in columns if c.width == 0)
            share = (total - fixed) // max(flexible, 1)
            wanted = max((c.min_width for c in columns if c.width == 0), default=0)
            if share >= wanted or not droppable:
                return shown, [c.width or max(share, 6) for c in columns]
            shown.remove(droppable.pop()[1])

    def _line(self, cells: Sequence[Text]) -> Strip:
        """One row laid out in the columns, with the cells' own styles only. Widths are terminal cells
        (a CJK character takes two); a cell too wide ends in "…"."""
        segments: list[Segment] = []
        for n, (i, width) in enumerate(zip(self._shown, self._widths)):
            if n:
                segments.append(Segment(" " * GAP))
            segments.extend(self._cell(cells[i], width, self.columns[i].align))
        width = self.scrollable_content_region.width
        used = sum(self._widths) + GAP * (len(self._widths) - 1)
        return Strip(segments, used).adjust_cell_length(width)

    def _cell(self, cell: Text, width: int, align: str) -> list[Segment]:
        if cell.spans:  # several styles in one cell: let rich lay it out
            piece = cell.copy()
            piece.truncate(width, overflow="ellipsis", pad=True)
            return list(piece.render(self.app.console))
        text = cell.plain
        length = cell_len(text)
        if length > width:
            text = set_cell_size(text, width - 1) + "…"  # set_cell_size pads a cut wide character
            length = width
        gap = width - length
        if align == "right":
            text = " " * gap + text
        elif align == "center":
            text = " " * (gap // 2) + text + " " * (gap - gap // 2)
        else:
            text += " " * gap
        style = cell.style if isinstance(cell.style, Style) else Style.parse(cell.style) if cell.style else None
        return [Segment(text, style)]

    def _header_strip(self) -> Strip:
        style = self.get_component_rich_style("virtual-table--header")
        titles = []
        for column in self.columns:  # as cells: _line picks the columns shown
            title = column.title
            if column.key == self.sort_column:
                title += " ▼" if self.sort_descending else " ▲"
            titles.append(Text(title))
        return self._line(titles).apply_style(style)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The table's own style once a frame, not once a line: rich_style walks every ancestor's styles.
        self._frame_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        self._layout_columns()
        if y == 0:
            return self._header_strip()
        base = self._frame_style
        row = self.scroll_offset.y + y - 1
        if self.row_count is None or row >= self.row_count:
            if self.row_count is None and y == 1:
                return self._pending_line(base)
            return Strip.blank(self.scrollable_content_region.width, base)
        strip = self._strips.get(row)
        if strip is None:
            data = self.row_at(row)
            if data is None:
                self._request_after_paint()
                return self._pending_line(base)
            strip = self._strips[row] = self._line(data.cells)
        if row == self.cursor_row:
            return strip.apply_style(base + self.get_component_rich_style("virtual-table--cursor"))
        return strip.apply_style(base)

    def _pending_line(self, base: Style) -> Strip:
        cells = [Text("…" if i == self._shown[0] else "") for i in range(len(self.columns))]
        return self._line(cells).apply_style(base + self.get_component_rich_style("virtual-table--pending"))

    def _request_after_paint(self) -> None:
        """Ask for the pages around the view once this frame is painted: a worker started now would
        take turns with the paint (both are Python) and delay what the key asked for."""
        if not self._request_scheduled:
            self._request_scheduled = True
            self.call_after_refresh(self._request_visible)

    def _request_visible(self) -> None:
        self._request_scheduled = False
        top = self.scroll_offset.y
        self._request_pages(top - PAGE_SIZE // 2, top + self._body_height + PAGE_SIZE // 2)
        self._prepare_neighbours()

    def _prepare_neighbours(self) -> None:
        """Lay out the screenfuls above and below the view while the user reads this one, so that a
        page up or down only has to show rows that are ready. Lines laid out further away are let go:
        each is some thirty objects, and thousands of them would lengthen every full garbage collection
        (a pause in the middle of a keystroke)."""
        height, top = self._body_height, self.scroll_offset.y
        first, end = max(top - height, 0), min(top + 2 * height, self.row_count or 0)
        for row in [row for row in self._strips if not first - height <= row < end + height]:
            del self._strips[row]
        for row in range(first, end):
            if row not in self._strips:
                data = self.row_at(row)
                if data is not None:
                    self._strips[row] = self._line(data.cells)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._request_after_paint()

    def _refresh_row(self, row: int) -> None:
        y = row - self.scroll_offset.y + 1
        if 1 <= y <= self._body_height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- cursor -------------------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        row = max(0, min(row, self.row_count - 1))
        if row == self.cursor_row:
            return
        old, self.cursor_row = self.cursor_row, row
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_cursor_into_view()
        self._post_highlight()

    def _scroll_cursor_into_view(self) -> None:
        top, height = self.scroll_offset.y, self._body_height
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def _post_highlight(self) -> None:
        if self.row_count:
            self.post_message(self.RowHighlighted(self, self.cursor_row, self.cursor_key))

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * self._body_height)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor((self.row_count or 1) - 1)

    def action_select(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, self.cursor_key))

    def on_click(self, event: Click) -> None:
        self._layout_columns()
        if event.y == 0:
            x = 0
            for column, width in zip((self.columns[i] for i in self._shown), self._widths):
                if x <= event.x < x + width + GAP:
                    if column.sortable:
                        self.post_message(self.HeaderClicked(self, column.key))
                    return
                x += width + GAP
            return
        row = self.scroll_offset.y + event.y - 1
        if self.row_count and row < self.row_count:
            if row == self.cursor_row or event.chain > 1:
                self.move_cursor(row)
                self.action_select()
            else:
                self.move_cursor(row)
