"""Filling Textual's stock DataTable (the short tables: a record's tabs, an invitee list, a file's sheets).

Each column is given its width rather than left to the table to measure: the table measures new rows
only once it is next idle, and the lines it painted before that stay cached at the old widths (on an
80-column terminal the invitee list showed two characters of every name). A column is as wide as its
widest cell; where that makes the table wider than its place, the widest columns give way first and
their cells end in "…", so that the columns after them stay in view; mobiles, days, refs and amounts
are never cut."""
from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from tui.text import DASH

# Cells a column keeps however narrow the table is.
MIN_CELLS = 6
# The longest value kept whole (an email longer than this may end in "…" like any text).
TOKEN_CELLS = 20


def fill(table: DataTable, headers: Sequence[str], rows: Sequence[Sequence[Text]], keys: Sequence[str] | None = None,
         *, keep_cursor: bool = False) -> None:
    """Replace the table's columns and rows (cells are Text: user data is never read as markup)."""
    cursor = table.cursor_row
    titles = [Text(h) for h in headers]
    widths = [max([title.cell_len, *(row[i].cell_len for row in rows)]) for i, title in enumerate(titles)]
    floors = [max(min(title.cell_len, w), MIN_CELLS) for title, w in zip(titles, widths)]
    for i in range(len(titles)):
        tokens = [row[i].plain for row in rows if row[i].plain != DASH]
        if tokens and all(_token(cell) for cell in tokens):
            floors[i] = max(floors[i], max(map(len, tokens)))
    _fit(widths, floors, _room(table) - 2 * table.cell_padding * len(widths))
    table.clear(columns=True)
    for title, width in zip(titles, widths):
        table.add_column(title, width=width)
    for i, row in enumerate(rows):
        cells = [cell if cell.cell_len <= width else cut(cell) for cell, width in zip(row, widths)]
        table.add_row(*cells, key=keys[i] if keys is not None else None)
    if keep_cursor and rows:
        table.move_cursor(row=min(cursor, len(rows) - 1))


def _room(table: DataTable) -> int:
    """The cells the table has across (a table on a tab not shown has none yet: its tabs' width)."""
    for widget in table.ancestors_with_self:
        width = widget.size.width
        if width:
            return width - 2  # the vertical scrollbar
    return 10_000


def _token(cell: str) -> bool:
    """A value that says nothing once cut (a mobile, a day, a ref, an amount): its column keeps it whole
    and the columns of words give way instead."""
    return 0 < len(cell) <= TOKEN_CELLS and cell.isascii() and cell.isprintable() and " " not in cell


def _fit(widths: list[int], floors: list[int], room: int) -> None:
    """Narrow the widest columns, one cell at a time, until the columns fit in `room` or are at their floors."""
    while sum(widths) > room:
        widest = max((i for i in range(len(widths)) if widths[i] > floors[i]), key=widths.__getitem__, default=None)
        if widest is None:
            return
        widths[widest] -= 1


def cut(cell: Text) -> Text:
    """The cell on one line, ending in … where its column is narrower."""
    cut = cell.copy()
    cut.no_wrap, cut.overflow = True, "ellipsis"
    return cut
