"""Fixtures for driving the workbench: an app on a real database, and a way to wait until every
database worker has answered and the screen has been painted."""
from __future__ import annotations

import shutil

import pytest
from textual.widgets import Input

from db.session import Database
from tests.conftest import TODAY
from tui.app import CrmApp

SIZE = (120, 40)


@pytest.fixture
def demo_sqlite(tmp_path, sqlite_demo_template):
    """The small demo on SQLite only (most Pilot tests; one workflow also runs on PostgreSQL)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    db = Database(str(path))
    yield db
    db.dispose()


def make_app(database, *, screen: str = "dashboard", lang: str = "zh", config: dict | None = None) -> CrmApp:
    return CrmApp(database, screen=screen, login="tester", lang=lang, today=TODAY, config=config or {})


async def settle(pilot, rounds: int = 40) -> None:
    """Wait until no worker is running and the answers have been applied and painted."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        running = [w for w in app.workers if not w.is_finished]
        if not running:
            await pilot.pause()
            if not [w for w in app.workers if not w.is_finished]:
                break
        await app.workers.wait_for_complete(running)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
