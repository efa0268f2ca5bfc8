"""Snapshots (120×40, Chinese and English) of the contacts screen, a search, a contact, the merge
dialog, an event's invitations, each step of the import wizard and the export dialog.
`pytest --snapshot-update` accepts new ones after a deliberate change; the report shows the difference."""
from __future__ import annotations

import fcntl
import shutil
import tempfile
from pathlib import Path

import pytest
from textual.widgets.select import InvalidSelectValueError

from tests.conftest import SAMPLES
from tests.tui.conftest import SIZE, make_app
from tests.tui.contact_helpers import press, search, settle

LANGS = ("zh", "en")


@pytest.fixture
def lists_dir(request, monkeypatch):
    """The directory the import wizard starts in: a fixed path, since the wizard shows it. Tests of
    other pytest workers wait for it (a lock file), rather than emptying it under each other."""
    lang = request.node.callspec.params["lang"]
    folder = Path(tempfile.gettempdir()) / f"crm-snapshot-lists-{lang}"
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for sample in ("invitees-pv-2011.xlsx", "invitees-copper-gbk.csv"):
            shutil.copy(SAMPLES / sample, folder)
        monkeypatch.chdir(folder)
        yield folder


def snapshot(snap_compare, database, lang: str, steps, *, screen: str = "contacts") -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)

    return snap_compare(make_app(database, screen=screen, lang=lang), terminal_size=SIZE, run_before=run_before)


async def nothing(pilot) -> None:
    """The screen as it first shows."""


@pytest.mark.parametrize("lang", LANGS)
def test_contacts_screen(snap_compare, demo_sqlite, lang):
    assert snapshot(snap_compare, demo_sqlite, lang, nothing)


@pytest.mark.parametrize("lang", LANGS)
def test_search_results(snap_compare, demo_sqlite, lang):
    async def steps(pilot):
        await search(pilot, "张")

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_organizations_screen(snap_compare, demo_sqlite, lang):
    assert snapshot(snap_compare, demo_sqlite, lang, nothing, screen="organizations")


@pytest.mark.parametrize("lang", LANGS)
def test_contact_detail(snap_compare, demo_sqlite, lang):
    async def steps(pilot):
        await search(pilot, "张峰梅")
        await press(pilot, "enter", "enter")

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_merge_dialog(snap_compare, demo_sqlite, lang):
    async def steps(pilot):
        from tui.forms.merge import MergeScreen

        await search(pilot, "张峰梅")
        kept = int(pilot.app.screen.table.cursor_key)
        await search(pilot, "张飞")
        pilot.app.push_screen(MergeScreen(kept, int(pilot.app.screen.table.cursor_key)))
        await settle(pilot)
        await press(pilot, "down", "down", "space")  # take the other's title

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_invitations_of_an_event(snap_compare, demo_sqlite, lang):
    async def steps(pilot):
        from tui.screens.invitations import InvitationsScreen

        pilot.app.push_screen(InvitationsScreen("A2-PV"))
        await settle(pilot)
        await press(pilot, "space", "space")  # two rows selected

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_import_wizard_file(snap_compare, demo_sqlite, lang, lists_dir):
    async def steps(pilot):
        await press(pilot, "f7")

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


async def _to_preview(pilot) -> None:
    await press(pilot, "f7")
    await press(pilot, "down", "down", "enter")  # invitees-pv-2011.xlsx (after the .csv)
    await choose(pilot, "#event", "A2-PV")
    await settle(pilot)


async def choose(pilot, selector: str, value: str, attempts: int = 100) -> None:
    """Pick a value once the Select has been given its options (a worker reads them)."""
    for _ in range(attempts):
        try:
            pilot.app.screen.query_one(selector).value = value
            return
        except InvalidSelectValueError:
            await pilot.pause(0.05)
    raise AssertionError(f"{selector} never offered {value}")


@pytest.mark.parametrize("lang", LANGS)
def test_import_wizard_preview(snap_compare, demo_sqlite, lang, lists_dir):
    assert snapshot(snap_compare, demo_sqlite, lang, _to_preview)


@pytest.mark.parametrize("lang", LANGS)
def test_import_wizard_dry_run(snap_compare, demo_sqlite, lang, lists_dir):
    async def steps(pilot):
        await _to_preview(pilot)
        await press(pilot, "d")

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_import_wizard_imported(snap_compare, demo_sqlite, lang, lists_dir):
    async def steps(pilot):
        await _to_preview(pilot)
        await press(pilot, "ctrl+s")

    assert snapshot(snap_compare, demo_sqlite, lang, steps)


@pytest.mark.parametrize("lang", LANGS)
def test_export_dialog(snap_compare, demo_sqlite, lang, lists_dir):
    async def steps(pilot):
        await press(pilot, "f8", "enter")
        pilot.app.screen.control("week").focus()  # the form focuses its first field; make sure it has

    assert snapshot(snap_compare, demo_sqlite, lang, steps)
