"""Fixtures for driving the workbench: an app on a real database, a way to wait until every database
worker has answered and the screen has been painted, and the screen as plain text."""
from __future__ import annotations

import io
import shutil

import pytest
from rich.console import Console
from textual.widgets import Input

from db.session import Database
from tests.conftest import TODAY
from tui.workbench import CrmApp

SIZE = (120, 40)


@pytest.fixture
def demo_sqlite(tmp_path, sqlite_demo_template):
    """The small demo on SQLite only (most Pilot tests; some workflows also run on PostgreSQL)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    db = Database(str(path))
    yield db
    db.dispose()


def make_app(database, *, screen: str = "dashboard", lang: str = "zh", config: dict | None = None) -> CrmApp:
    return CrmApp(database, screen=screen, login="tester", lang=lang, today=TODAY, config=config or {})


async def settle(pilot, rounds: int = 40) -> None:
    """Wait until no worker is running and their answers have been applied and painted."""
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


def screen_text(app) -> str:
    """What the terminal shows, as text (modal screens over what they cover)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def fill(pilot, field: str, value: str) -> None:
    """Type into a form field the way a user does (focus it, clear it, type)."""
    control = pilot.app.screen.query_one(f"#field-{field}")
    control.focus()
    control.value = ""
    if value:
        await pilot.press(*value)
    await pilot.pause()



async def open_project(pilot, ref: str) -> None:
    """The project's page, as Enter on its row opens it, with its data shown."""
    await settle(pilot)
    pilot.app.open_project(ref)
    await settle(pilot)
