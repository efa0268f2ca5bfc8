"""An event's invitation list reached with `v` on the events screen: contacts added from the contact
search as proposed or invited, the status of a selection set, a proposed invitation removed and any
other refused with the service's message. Checked in the database afterwards."""
from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable

from crm.services.invitations import add_invitations
from db.models import Invitation, InvitationStatus
from tests.tui.conftest import SIZE, make_app, press, screen_text, settle
from tests.tui.form_helpers import notified, until
from tui.forms.invitee_picker import AddInviteesScreen
from tui.forms.pickers import ConfirmScreen
from tui.screens.invitations import InvitationsScreen

ZHANG_FEI, ZHANG_FENGMEI, ZHANG_YUYU = 25, 108, 207  # the demo's three contacts found by "zhang"


def statuses(database, event: str = "A5") -> dict[int, str]:
    """contact id → status of the event's live invitations."""
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(select(Invitation).where(Invitation.event.has(ref=event),
                                                        Invitation.deleted_at.is_(None)))
        return {i.contact_id: i.status.value for i in rows}



async def open_list(pilot, ref: str) -> InvitationsScreen:
    """The events screen with the event highlighted, then `v`."""
    await settle(pilot)
    pilot.app.screen.show_event(ref)
    await settle(pilot)
    await press(pilot, "v")
    screen = pilot.app.screen
    assert isinstance(screen, InvitationsScreen) and screen.event_ref == ref
    return screen


async def test_add_contacts_found_by_the_contact_search(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "A5")  # no invitations yet
        assert screen.rows == []
        await press(pilot, "n")
        assert isinstance(app.screen, AddInviteesScreen)
        await press(pilot, *"zhang", "enter")
        await press(pilot, "space", "space")  # 张飞 and 张峰梅
        assert "已选 2 位：张飞、张峰梅" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert app.screen is screen and await until(pilot, lambda: len(screen.rows) == 2)
        assert notified(app, "活动 A5：新增邀请 2 条，恢复 0 条；已在名单中 0 位")

        await press(pilot, "n")
        app.screen.query_one("#invitees-status").value = InvitationStatus.INVITED
        await press(pilot, *"zhang", "enter")
        await press(pilot, "space", "down", "space")  # 张飞 again, and 张玉宇
        await press(pilot, "ctrl+s")
        assert notified(app, "活动 A5：新增邀请 1 条，恢复 0 条；已在名单中 1 位")
        assert await until(pilot, lambda: "张玉宇" in screen_text(app)), screen_text(app)
    assert statuses(demo_sqlite) == {ZHANG_FEI: "proposed", ZHANG_FENGMEI: "proposed", ZHANG_YUYU: "invited"}


async def test_set_the_status_of_a_selection_and_remove_a_proposed_one(demo_sqlite):
    with demo_sqlite.unit_of_work() as session:
        add_invitations(session, "A5", [ZHANG_FEI, ZHANG_FENGMEI, ZHANG_YUYU])
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "A5")
        table = screen.query_one("#invitations", DataTable)
        await press(pilot, "space", "space", "i")  # the first two rows
        assert notified(app, "已改为「已邀请」：2 条")
        assert await until(pilot, lambda: [row.status for row in screen.rows].count("invited") == 2)
        proposed = next(i for i, row in enumerate(screen.rows) if row.status == "proposed")
        kept = screen.rows[proposed].contact_id

        table.move_cursor(row=proposed)
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert notified(app, "已从活动 A5 移除拟邀请 1 条") and await until(pilot, lambda: len(screen.rows) == 2)

        table.move_cursor(row=0)  # invited: the service refuses, naming why
        await press(pilot, "x", "y")
        assert notified(app, "只有「拟邀请」可以移除") and len(screen.rows) == 2
    assert statuses(demo_sqlite) == {c: "invited" for c in (ZHANG_FEI, ZHANG_FENGMEI, ZHANG_YUYU) if c != kept}


async def test_the_invitation_keys_are_commands(demo_sqlite):
    app = make_app(demo_sqlite, screen="events", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("A5")
        await settle(pilot)
        await press(pilot, "ctrl+p", *"event: invitations")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert isinstance(app.screen, InvitationsScreen)
        await press(pilot, "ctrl+p", *"add contacts")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert isinstance(app.screen, AddInviteesScreen)
