"""Snapshots (120×40, Chinese and English) of an event's invitation list as `v` on the events screen
opens it, with rows selected, and of the dialog that adds contacts to it. `pytest --snapshot-update`
accepts new ones after a deliberate change; the report shows the difference."""
from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, make_app, press, settle

LANGUAGES = pytest.mark.parametrize("lang", ["zh", "en"])


async def _invitations_of_b1(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.show_event("B1")
    await settle(pilot)
    await press(pilot, "v", "space", "down", "space")  # the first and third rows selected


@LANGUAGES
def test_invitation_list(snap_compare, demo_sqlite, lang):
    assert snap_compare(make_app(demo_sqlite, screen="events", lang=lang), terminal_size=SIZE,
                        run_before=_invitations_of_b1)


@LANGUAGES
def test_add_contacts_to_the_invitation_list(snap_compare, demo_sqlite, lang):
    async def pick_two(pilot) -> None:
        await _invitations_of_b1(pilot)
        await press(pilot, "n", *"zhang", "enter", "space", "space")

    assert snap_compare(make_app(demo_sqlite, screen="events", lang=lang), terminal_size=SIZE, run_before=pick_two)
