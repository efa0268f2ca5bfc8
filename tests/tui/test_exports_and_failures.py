"""What the workbench says when a driver fails (never a password), and an event export as of an earlier
day from the export dialog (invitations as they stood that day, as `crm export` lists them)."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from crm.services.invitations import add_invitations, change_status, list_invitations
from crm.services.search import search_contacts
from db.engine import display_url
from db.models import InvitationStatus
from tests.test_export_workbook import read_book
from tests.tui.conftest import SIZE, make_app, press, settle
from tui.db import describe

URL = make_url("postgresql+psycopg://crm:Zh4ng-s3cret@db.example.cn:5432/crm")


def test_driver_messages_never_show_the_password():
    database = SimpleNamespace(url=URL, display_url=display_url(URL))
    said = [
        describe(OperationalError("connect", {}, Exception(f'connection to "{URL.render_as_string(False)}" failed')),
                 database),
        describe(DBAPIError("select 1", {}, Exception("FATAL: password=Zh4ng-s3cret rejected")), database),
        describe(RuntimeError("dsn host=db.example.cn password='Zh4ng-s3cret'"), database),
    ]
    for failure in said:
        assert "Zh4ng-s3cret" not in failure.message and "***" in failure.message, failure.message
    assert said[0].connection


async def test_an_event_export_as_of_an_earlier_day_lists_invitations_as_they_stood(demo_sqlite, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    with demo_sqlite.unit_of_work() as session:
        listed = {r.name: r for r in list_invitations(session, "A2-PV")}
        newcomer = next(h for h in search_contacts(session, "示例", limit=400) if h.name not in listed)
        add_invitations(session, "A2-PV", [newcomer.id], status=InvitationStatus.INVITED)
        proposed = next(r for r in listed.values() if r.status == InvitationStatus.PROPOSED.value)
        change_status(session, "A2-PV", [proposed.id], InvitationStatus.CONFIRMED)
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for as_of, out in (("2026-11-26", "then.xlsx"), (app.today.isoformat(), "now.xlsx")):
            await press(pilot, "f8", "down", "down", "enter")  # the event's work plan
            form = app.screen
            form.control("event").value = "A2-PV"
            form.control("as_of").value = as_of
            form.control("out").value = out
            await press(pilot, "ctrl+s")
            assert (tmp_path / out).exists()
    # The day before the workbench's today: what was recorded since (on this computer's clock) is not there.
    then = {r["姓名"]: r for r in read_book(tmp_path / "then.xlsx").records("拟邀请嘉宾名单")}
    now = {r["姓名"]: r for r in read_book(tmp_path / "now.xlsx").records("拟邀请嘉宾名单")}
    assert newcomer.name in now and newcomer.name not in then
    assert now[proposed.name]["邀请状态"] == "已确认" and then[proposed.name]["邀请状态"] == "拟邀请"
