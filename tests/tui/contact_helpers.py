"""Driving the contacts workbench in tests: waiting for database workers (not for DirectoryTree's
loader, which never ends), typing a search as a user does, reading what the list shows."""
from __future__ import annotations

from sqlalchemy import func, select
from textual.widgets import Input

from db.models import Contact


async def settle(pilot, rounds: int = 60) -> None:
    """Wait for the database workers and paint; DirectoryTree's loader worker never ends, so skip it."""
    app = pilot.app

    def running():
        return [w for w in app.workers if not w.is_finished and w.group != "_loader"]

    for _ in range(rounds):
        await pilot.pause()
        if not running():
            await pilot.pause()
            if not running():
                break
        await app.workers.wait_for_complete(running())
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def contact_count(database) -> int:
    with database.unit_of_work(write=False) as session:
        return session.scalar(select(func.count(Contact.id)).where(Contact.deleted_at.is_(None)))


def shown_names(app, table_id: str = "#contacts") -> list[str]:
    """The first column of the rows read so far (the table reads pages of 100 as they come into view)."""
    table = app.screen.query_one(table_id)
    rows = (table.row_at(i) for i in range(table.row_count or 0))
    return [row.cells[0].plain for row in rows if row is not None]


async def search(pilot, query: str) -> list[str]:
    """Type the query as a user does: / from the list, then the characters."""
    pilot.app.screen.query_one("#search", Input).value = ""
    pilot.app.screen.table.focus()
    await press(pilot, "slash", *query)
    return shown_names(pilot.app)
