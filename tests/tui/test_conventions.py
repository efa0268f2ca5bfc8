"""What every screen promises: user text shown as written, stale edits refused, keys from config.toml,
commands in both languages, `/` to search, a help page, filters and order, CJK widths, recovery."""
from __future__ import annotations

import datetime as dt
import time
import os

from rich.cells import cell_len
from sqlalchemy import select

from crm.services.followups import add_followup
from crm.services.projects import NewProject, add_project, edit_project, get_project
from db.models import Project, Stage, Staff
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, fill, make_app, open_project, press, screen_text, settle
from tui import workbench as app_module
from tui.forms.base import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.project_detail import ProjectDetailScreen


def _add_marked_up_project(database) -> str:
    with database.unit_of_work() as session:
        actor = session.scalars(select(Staff)).first()
        project = add_project(session, NewProject(
            name="[b]加粗[/b]项目", investor="[VIP]客户", industry="光伏", city="南昌市", amount="1000",
            signed_on=dt.date(2026, 11, 2)), actor=actor, today=TODAY)
        add_followup(session, project.ref, on=TODAY, content="[red]紧急[/red] 协调 [link=x]用地", actor=actor,
                     today=TODAY)
        return project.ref


async def test_user_text_is_shown_as_written_never_as_markup(demo_sqlite):
    ref = _add_marked_up_project(demo_sqlite)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"VIP")
        table = app.screen.query_one("#projects")
        assert table.row_count == 1 and table.cursor_key == ref
        listed = screen_text(app)
        assert "[VIP]客户" in listed and "[b]加粗[/b]项目" in listed
        await press(pilot, "enter")  # from the search box to the rows
        await press(pilot, "enter")  # open the highlighted project
        app.screen.query_one("#project-tabs").active = "tab-followups"
        await settle(pilot)
        shown = screen_text(app)
        assert "[VIP]客户" in shown and "[b]加粗[/b]项目" in shown and "[red]紧急[/red] 协调 [link=x]用地" in shown


async def test_an_edit_of_a_record_changed_meanwhile_is_refused_and_reloaded(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00004")
        await press(pilot, "e")
        assert isinstance(app.screen, FormScreen)
        with demo_sqlite.unit_of_work() as session:  # someone else, in the meantime
            project = get_project(session, "P00004")
            edit_project(session, "P00004", {"park": "另一个园区"}, version=project.version)
        await fill(pilot, "park", "我的园区")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)  # the form closed, the project reloaded
        assert app.screen.view.detail["park"] == "另一个园区"
        assert any("已被" in str(n.message) for n in app._notifications)
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_project(session, "P00004").park == "另一个园区"


async def test_an_edit_is_saved_field_by_field(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00004")
        await press(pilot, "e")
        await fill(pilot, "amount", "abc")
        await press(pilot, "ctrl+s")
        assert "abc" in str(app.screen.query_one("#error-amount").render())
        await fill(pilot, "amount", "15000.5")
        await fill(pilot, "planned_construction_on", "2027-03-01")
        await fill(pilot, "planned_production_on", "2028-03-01")  # never planned before construction
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
    with demo_sqlite.unit_of_work(write=False) as session:
        project = get_project(session, "P00004")
        assert (str(project.contracted_amount), project.planned_construction_on) == ("15000.50", dt.date(2027, 3, 1))


async def test_keys_come_from_the_keymap_in_config_toml(demo_sqlite):
    config = {"keymap": {"project.advance": "ctrl+a", "app.events": "f9", "no.such.binding": "x"}}
    app = make_app(demo_sqlite, screen="projects", config=config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert any("no.such.binding" in str(n.message) for n in app._notifications)
        await press(pilot, "slash", *"P00003", "enter")  # a project that can advance
        await press(pilot, "a")
        assert not isinstance(app.screen, FormScreen)
        await press(pilot, "ctrl+a")
        assert isinstance(app.screen, FormScreen)
        await press(pilot, "escape")
        await press(pilot, "f9")
        assert app.current_mode == "events"


async def test_commands_are_found_in_chinese_and_in_english(demo_sqlite):
    for lang, typed in (("zh", "推进阶段"), ("en", "advance stage")):
        app = make_app(demo_sqlite, screen="projects", lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "slash", *"P00003", "enter")
            await press(pilot, "ctrl+p", *typed)
            await pilot.pause(0.3)
            await press(pilot, "enter")
            assert isinstance(app.screen, FormScreen), lang
            assert app.screen.form_title == ("推进阶段" if lang == "zh" else "Advance stage")


async def test_every_command_title_names_both_languages(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert "项目: 推进阶段 / project: advance stage" in titles
    assert "转到: 活动 / go: events" in titles
    assert all(" / " in title for title in titles)


async def test_slash_searches_and_help_lists_every_key_with_its_id(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        assert app.focused.id == "search"
        await press(pilot, "escape")
        assert app.focused.id == "projects"
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for binding_id in ("project.advance", "project.followup", "list.search", "app.dashboard", "app.quit"):
            assert binding_id in shown
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_filters_and_order_are_applied_in_sql(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#projects")
        assert table.row_count == 42
        screen.query_one("#stage").value = Stage.CONSTRUCTION
        await settle(pilot)
        with demo_sqlite.unit_of_work(write=False) as session:
            expected = session.scalar(select(Project.ref).where(Project.stage == Stage.CONSTRUCTION)
                                      .order_by(Project.contracted_amount.desc(), Project.id.desc()).limit(1))
            count = len(session.scalars(select(Project.id).where(Project.stage == Stage.CONSTRUCTION)).all())
        assert table.row_count == count
        while screen.order.column != "amount":
            await press(pilot, "s")
        await press(pilot, "o")
        assert screen.order.descending and table.cursor_key == expected
        assert "▼" in screen_text(app)
        await press(pilot, "escape")  # clears the filters
        assert table.row_count == 42


async def test_columns_count_chinese_characters_as_two_cells(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#projects")
        header = "".join(segment.text for segment in table.render_line(0))
        row = "".join(segment.text for segment in table.render_line(1))
        width = table.scrollable_content_region.width
        assert cell_len(header) == cell_len(row) == width
        # Each column starts at the same cell in the header and in the row, whatever the characters.
        first = table.row_at(0)

        def at_cell(line: str, cells: int) -> str:
            index = next(i for i in range(len(line) + 1) if cell_len(line[:i]) >= cells)
            return line[index:]

        for title, cell in (("产业", first.cells[4]), ("所在地", first.cells[5]), ("责任单位", first.cells[10])):
            column_at = cell_len(header[: header.index(title)])
            assert at_cell(row, column_at).startswith(cell.plain[:4]), title


async def test_a_lost_database_is_reported_and_the_workbench_recovers(demo_sqlite, monkeypatch):
    monkeypatch.setattr(app_module, "RECONNECT_SECONDS", 0.2)
    path = demo_sqlite.url.database
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        demo_sqlite.dispose()
        os.rename(path, path + ".away")
        await press(pilot, "ctrl+r")
        assert app.offline
        assert any("无法连接数据库" in str(n.message) for n in app._notifications)
        await pilot.pause(0.5)
        assert app.offline  # still away: the retries keep failing quietly
        demo_sqlite.dispose()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        os.rename(path + ".away", path)
        for _ in range(100):  # retries every 0.2 s; a loaded machine may take a while
            await pilot.pause(0.2)
            if not app.offline:
                break
        await settle(pilot)
        assert not app.offline
        assert app.screen.query_one("#projects").row_count == 42
        assert any("已恢复" in str(n.message) for n in app._notifications)


async def test_a_slower_older_answer_never_overwrites_a_newer_one(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    applied = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen

        def slow(session):
            time.sleep(0.3)
            return "older"

        screen.run_db("probe", slow, applied.append)
        screen.run_db("probe", lambda session: "newer", applied.append)
        await settle(pilot)
    assert applied == ["newer"]
