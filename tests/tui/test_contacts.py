"""The contacts workbench end to end on a real database: search as you type (1-, 2-, 3-character
Chinese, pinyin initials, a mobile fragment), the organizations screen, a merge and its undo, bulk
invitation status changes, the import wizard against `crm import invitees --json`, and an export dialog."""
from __future__ import annotations

import shutil

import openpyxl
import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from db.models import Contact, Event, Invitation, InvitationStatus, Organization, OrgKind

from crm.normalize import mobile_key, name_key, organization_key
from tests.conftest import SAMPLES
from tests.tui.conftest import make_app, screen_text
from tests.tui.contact_helpers import contact_count, press, search, settle, shown_names


PEOPLE = (("张三", "腾讯科技（深圳）有限公司", "13800138000"), ("张三丰", "武当山道教协会", "13912345678"),
          ("李张", "武当山道教协会", "18600001111"))


def add_people(database) -> None:
    """Three people whose names the searches below are about, on top of the small demo."""
    with database.unit_of_work() as session:
        a2pv = session.scalar(select(Event).where(Event.ref == "A2-PV"))
        for name, org_name, mobile in PEOPLE:
            org = session.scalar(select(Organization).where(Organization.name == org_name)) or Organization(
                name=org_name, name_key=organization_key(org_name), kind=OrgKind.PRIVATE)
            contact = Contact(name=name, name_key=name_key(name), organization=org, mobile=mobile,
                              mobile_key=mobile_key(mobile), title="总经理")
            session.add(Invitation(event=a2pv, contact=contact, organization=org, status=InvitationStatus.INVITED,
                                   owner_unit_id=a2pv.owner_unit_id))


@pytest.fixture
def people_db(demo_sqlite):
    add_people(demo_sqlite)
    return demo_sqlite


@pytest.fixture
def people_on_each_backend(demo_database):
    add_people(demo_database)
    return demo_database


async def test_search_as_you_type(people_on_each_backend):
    async with make_app(people_on_each_backend, screen="contacts").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.query_one("#contacts").row_count == 227
        assert (await search(pilot, "张"))[:3] == ["张三", "张三丰", "张峰梅"]
        assert "李张" in await search(pilot, "张")
        assert await search(pilot, "张三") == ["张三", "张三丰"]
        assert await search(pilot, "张三丰") == ["张三丰"]
        assert (await search(pilot, "zs"))[:2] == ["张三", "张三丰"]
        assert await search(pilot, "380013") == ["张三"]
        assert await search(pilot, "腾讯") == ["张三"]
        assert "搜索「腾讯」：1 位客商" in screen_text(pilot.app)
        # Narrowing with each keystroke: the shown list always belongs to the text in the box.
        field = pilot.app.screen.query_one("#search", Input)
        field.value = ""
        for typed in "13912":
            await press(pilot, typed)
            assert shown_names(pilot.app)[0] == ("张三" if field.value in ("1", "13") else "张三丰")
        assert shown_names(pilot.app) == ["张三丰"]
        await press(pilot, "escape", "escape")
        assert pilot.app.screen.query_one("#contacts").row_count == 227


async def test_filter_sort_and_jump_to_the_last_row(people_db):
    async with make_app(people_db, screen="contacts", lang="en").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#event", Select).value = next(
            c.id for c in screen.choices.events if c.name.startswith("A2-PV "))
        await settle(pilot)
        table = screen.query_one("#contacts")
        names = shown_names(pilot.app)
        assert {"张三", "张三丰", "李张"} <= set(names) and len(names) == table.row_count
        screen.query_one("#event", Select).clear()
        screen.query_one("#kind", Select).value = OrgKind.RESEARCH
        await settle(pilot)
        assert table.row_count and all(table.row_at(i).cells[2].plain == "research institute" for i in range(table.row_count))
        await press(pilot, "escape")
        table.focus()
        await press(pilot, "end")
        assert table.cursor_row == 226 and table.row_at(226) is not None
        await press(pilot, "o")  # descending: the last row comes first
        assert shown_names(pilot.app)[0] == table.row_at(0).cells[0].plain
        assert "sorted by name ▼" in screen_text(pilot.app)


async def test_organizations_screen_opens_the_organizations_people(people_db):
    async with make_app(people_db, screen="organizations").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"wdsd")  # 武当山道教协会 by its initials
        assert shown_names(pilot.app, "#organizations") == ["武当山道教协会"]
        await press(pilot, "enter", "enter")
        assert sorted(shown_names(pilot.app)) == ["张三丰", "李张"]


async def test_merge_moves_invitations_and_can_be_undone(people_db):
    with people_db.unit_of_work() as session:  # a duplicate of 张三 from another list, invited to B1
        org = session.scalar(select(Organization).where(Organization.name == "腾讯科技（深圳）有限公司"))
        dup = Contact(name="张三", name_key="张三", organization=org, email="zs@qq.com", email_key="zs@qq.com")
        session.add(dup)
        b1 = session.scalar(select(Event).where(Event.ref == "B1"))
        session.add(Invitation(event=b1, owner_unit_id=b1.owner_unit_id, contact=dup,
                               organization=org, status=InvitationStatus.CONFIRMED))
        session.flush()
        dup_id = dup.id
        kept_id = session.scalar(select(Contact.id).where(Contact.mobile_key == "13800138000"))
    async with make_app(people_db, screen="contacts").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "13800138000")
        await press(pilot, "enter", "enter")  # to the list, open the contact
        assert pilot.app.screen.contact_id == kept_id
        await press(pilot, "m")  # the merge dialog searches the same name: the duplicate is listed
        candidates = pilot.app.screen.query_one("#merge-candidates", DataTable)
        assert candidates.coordinate_to_cell_key((0, 0)).row_key.value == str(dup_id)  # the same name first
        candidates.focus()
        await press(pilot, "enter")
        text = screen_text(pilot.app)
        assert "zs@qq.com" in text and "B1" in text
        await press(pilot, "ctrl+s")
        with people_db.unit_of_work(write=False) as session:
            assert session.get(Contact, dup_id).deleted_at is not None
            assert session.get(Contact, kept_id).email == "zs@qq.com"
            events = {i.event.ref for i in session.scalars(select(Invitation).where(
                Invitation.contact_id == kept_id, Invitation.deleted_at.is_(None)))}
        assert events == {"A2-PV", "B1"}
        assert "B1" in screen_text(pilot.app)  # the detail shows the invitation that moved over
        await press(pilot, "u")
        with people_db.unit_of_work(write=False) as session:
            assert session.get(Contact, dup_id).deleted_at is None
            assert session.get(Contact, kept_id).email is None
            assert session.scalar(select(Invitation.contact_id).where(Invitation.event.has(ref="B1"),
                                                                       Invitation.contact_id.in_([kept_id, dup_id]))) == dup_id


async def test_bulk_invitation_status_by_selection(people_db):
    async with make_app(people_db, screen="contacts").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v")  # no event filter: choose the event
        options = pilot.app.screen.query_one("#events")
        options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "A2-PV")
        await press(pilot, "enter")
        screen = pilot.app.screen
        await press(pilot, "slash", *"zs")
        await press(pilot, "enter")
        rows = {r.name: r for r in screen.rows}
        assert set(rows) == {"张三", "张三丰"}
        await press(pilot, "a", "c")  # select both shown, confirm them
        with people_db.unit_of_work(write=False) as session:
            statuses = {session.get(Invitation, r.id).status for r in rows.values()}
        assert statuses == {InvitationStatus.CONFIRMED}
        # attended → proposed is refused by the flow: the user is told why, and nothing changes.
        await press(pilot, "a", "t")
        await press(pilot, "a", "p")
        assert "2 条不能改为「拟邀请」" in screen_text(pilot.app)
        await press(pilot, "y")
        with people_db.unit_of_work(write=False) as session:
            assert {session.get(Invitation, r.id).status for r in rows.values()} == {InvitationStatus.ATTENDED}


async def test_import_wizard_shows_what_the_cli_reports(people_db, cli, tmp_path, monkeypatch):
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(SAMPLES / "invitees-pv-2011.xlsx", lists)
    twin = tmp_path / "twin.sqlite3"  # the same database, imported into by the command line
    shutil.copy(people_db.url.database, twin)
    expected = cli("--db", twin, "import", "invitees", lists / "invitees-pv-2011.xlsx", "--event", "A2-PV", "--json")
    assert expected.code in (0, 4), expected.err
    expected = expected.json()
    monkeypatch.chdir(lists)
    before = contact_count(people_db)
    async with make_app(people_db, screen="contacts").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "f7")
        await press(pilot, "down")
        await press(pilot, "enter")
        wizard = pilot.app.screen
        assert "光伏" in screen_text(pilot.app) and wizard.parsed is not None
        wizard.query_one("#event", Select).value = "A2-PV"
        await press(pilot, "d")
        dry = wizard.result.as_json()
        assert dry["dry_run"] and {k: dry[k] for k in ("rows", "created", "duplicates", "errors")} == \
            {k: expected[k] for k in ("rows", "created", "duplicates", "errors")}
        assert contact_count(people_db) == before  # the dry run wrote nothing
        await press(pilot, "ctrl+s")
        done = wizard.result.as_json()
        assert {k: v for k, v in done.items() if k not in ("batch", "file")} == \
            {k: v for k, v in expected.items() if k not in ("batch", "file")}
        text = screen_text(pilot.app)
        c = expected["created"]
        assert f"新建客商 {c['contacts']}，单位 {c['organizations']}，邀请 {c['invitations']}" in text
        assert f"数据行 {expected['rows']}" in text and f"重复（已有客商）{expected['duplicates']}" in text
        assert contact_count(people_db) == before + c["contacts"]
        await press(pilot, "u")  # undo the batch
        assert "已撤销" in screen_text(pilot.app)
        assert contact_count(people_db) == before


async def test_export_dialog_writes_a_workbook_that_opens(demo_sqlite, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with make_app(demo_sqlite, screen="contacts", lang="en").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "f8")
        await press(pilot, "enter")  # the weekly sheet
        form = pilot.app.screen
        assert form.control("week").value == "2026-W48"
        await press(pilot, "ctrl+s")
        written = tmp_path / "weekly-2026-W48.xlsx"
        assert written.exists()
        assert "Progress" in openpyxl.load_workbook(written).sheetnames
        assert any(str(written) in n.message for n in pilot.app._notifications)  # where the file went
        await press(pilot, "f8", "down", "down", "enter")  # the work plan of an event, to a path typed in
        form = pilot.app.screen
        form.control("event").value = "A2-PV"
        form.control("out").value = "plans/a2pv.xlsx"
        (tmp_path / "plans").mkdir()
        await press(pilot, "ctrl+s")
        assert openpyxl.load_workbook(tmp_path / "plans" / "a2pv.xlsx").sheetnames
        # A week not begun is refused beside its field, and nothing is written.
        await press(pilot, "f8", "enter")
        pilot.app.screen.control("week").value = "2027-W10"
        await press(pilot, "ctrl+s")
        assert "has not begun" in screen_text(pilot.app)
        assert not (tmp_path / "weekly-2027-W10.xlsx").exists()


async def test_import_wizard_undoes_the_latest_batch(people_db, cli, tmp_path, monkeypatch):
    before = contact_count(people_db)
    imported = cli("--db", people_db.url.database, "import", "invitees", SAMPLES / "invitees-pv-2011.xlsx", "--json")
    assert imported.code in (0, 4) and contact_count(people_db) > before
    monkeypatch.chdir(tmp_path)
    async with make_app(people_db, screen="contacts").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "f7", "u")
        assert f"撤销最近的导入批次 {imported.json()['batch']}" in screen_text(pilot.app)
        await press(pilot, "y")
    assert contact_count(people_db) == before
