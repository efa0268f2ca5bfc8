"""The virtual table paged far down and back up: the rows shown are always the ones under the cursor, and
the lines it keeps laid out stay around the view however far it has been paged (each is some thirty
objects for every full garbage collection to walk)."""
from __future__ import annotations

from rich.text import Text
from textual.app import App

from tests.tui.conftest import SIZE, press, screen_text, settle
from tui.widgets.virtual_table import Column, TableRow, VirtualTable

ROWS = 3_000


class NumberedRows:
    """A RowSource of numbered rows; read through the real database's sessions like every source."""

    def count(self, session) -> int:
        return ROWS

    def fetch(self, session, offset: int, limit: int) -> list[TableRow]:
        return [TableRow(f"r{n}", (Text(f"#{n:05d}"), Text(f"行 {n}"))) for n in range(offset, min(offset + limit, ROWS))]


class TableApp(App):
    def __init__(self, database) -> None:
        super().__init__()
        self.database = database
        self.data_version = 0

    def compose(self):
        yield VirtualTable([Column("n", "n", 8), Column("text", "text", 0)], id="rows")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_source(NumberedRows())
        table.focus()

    def report_failure(self, failure) -> None:
        raise AssertionError(failure.message)


async def test_paging_far_and_back_shows_the_rows_under_the_cursor(demo_sqlite):
    app = TableApp(demo_sqlite)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(VirtualTable)
        height = table.scrollable_content_region.height - 1
        for keys in (["pagedown"] * 30, ["pageup"] * 12, ["end"], ["pageup"] * 3, ["home"]):
            for key in keys:
                await press(pilot, key)
                assert f"#{table.cursor_row:05d}" in screen_text(app)
                assert len(table._strips) <= 5 * height  # laid-out lines: the view and its neighbours only
        assert table.cursor_row == 0
