"""The first screen's data read while the workbench starts (tui/first.py): the same data as the screen
would read itself, in a child process for the dashboard where the system forks, still reported as any
failure is when the database is not there, and taken by the first screen only."""
from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
import textwrap

from sqlalchemy import select

from crm.services.dashboard import dashboard
from crm.services.project_query import ProjectFilter, count_projects
from crm.services.supervision import add_order
from db.models import Project
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, make_app, press, screen_text, settle
from tui.app import build_app
from tui.first import ask_first
from tui.workbench import CrmApp

# Run in a new interpreter: a pytest worker has threads of its own, and the child is made only where
# nothing else runs yet.
CHILD_READS = """
import datetime as dt, os, sys
from crm.services.dashboard import dashboard
from db.session import Database
from tui.first import ask_first

forks = []
fork = os.fork
os.fork = lambda: forks.append(1) or fork()
database, today = Database(sys.argv[1]), dt.date(2026, 11, 27)
answer = ask_first(database, sys.argv[2], today, {})
try:
    result = answer.result(timeout=60)
except Exception as error:
    print("failed:", type(error).__name__, "forks:", len(forks))
else:
    with database.unit_of_work(write=False) as session:
        same = result == dashboard(session, today)
    print("same:", same, "forks:", len(forks))
"""


def run(*args) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD_READS), *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_the_dashboard_is_read_in_a_child_and_is_what_the_screen_would_read(demo_sqlite):
    assert run(demo_sqlite.url.database, "dashboard") == ("same: True forks: 1" if sys.platform == "linux"
                                                          else "same: True forks: 0")


def test_a_database_that_is_not_there_fails_as_it_would_on_the_screen(tmp_path):
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    assert run(tmp_path / "empty.sqlite3", "dashboard").startswith("failed: OperationalError")


async def test_only_the_first_screen_takes_the_answer(demo_sqlite):
    answer = ask_first(demo_sqlite, "dashboard", TODAY, {})
    app = CrmApp(demo_sqlite, screen="dashboard", login="tester", today=TODAY, first=answer)
    assert app.first_answer("projects") is None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.first_answer("dashboard") is None  # taken by the screen
        with demo_sqlite.unit_of_work(write=False) as session:
            signed = dashboard(session, TODAY).kpi["signed"]
        assert f"{signed:,}" in screen_text(app)
    projects = CrmApp(demo_sqlite, screen="projects", login="tester", today=TODAY,
                      first=ask_first(demo_sqlite, "projects", TODAY, {}))
    async with projects.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = projects.screen.query_one("#projects")
        with demo_sqlite.unit_of_work(write=False) as session:
            assert table.row_count == count_projects(session, ProjectFilter())
        assert table.cursor_key == "P00001"


def test_the_start_imports_textual_only_after_asking_for_the_first_screen():
    """`crm tui` imports tui.app before it opens the database, and asks for the first screen's data
    before Textual is imported: none of that may import Textual (nor tui.app the database code)."""
    probe = ("import gc, sys; import tui.app; before = {'sqlalchemy', 'textual'} & {m.split('.')[0] for m in sys.modules}; "
             "import tui.first, tui.project_list; after = 'textual' in {m.split('.')[0] for m in sys.modules}; "
             "print(sorted(before), after, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[] False True"  # and importing it leaves the collector alone


async def test_the_collector_paused_for_the_start_resumes_once_the_first_screen_is_painted(demo_sqlite):
    gc.disable()  # as tui/app.py does
    try:
        app = make_app(demo_sqlite, screen="projects")
        async with app.run_test(size=SIZE) as pilot:
            assert not gc.isenabled()
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()


# -- the first paint with the user's settings ----------------------------------------------------------

# An order whose reply is 10 days late: red when config.toml says red after 5 days, yellow by the default
# (crm.rules.supervision.RED_AFTER_DAYS, 15).
RED_AFTER = 5
DAYS_LATE = 10


def add_late_order(database) -> str:
    """A supervision order about the demo's earliest signed project, its reply DAYS_LATE days late."""
    with database.unit_of_work() as session:
        ref = session.scalars(select(Project.ref).where(Project.signed_on <= TODAY - dt.timedelta(days=60),
                                                        Project.deleted_at.is_(None))
                              .order_by(Project.signed_on, Project.ref)).first()
        add_order(session, ref, unit="南昌市政府", due_on=TODAY - dt.timedelta(days=DAYS_LATE), note="加快办理用地手续",
                  on=TODAY - dt.timedelta(days=30), today=TODAY)
    with database.unit_of_work(write=False) as session:
        assert [o.state for o in dashboard(session, TODAY).orders] == ["yellow"]
        assert [o.state for o in dashboard(session, TODAY, red_after=RED_AFTER).orders] == ["red"]
    return ref


def orders_card(app) -> tuple[str, str, str]:
    """The dashboard's 督办 card: its title, its first line and that line's colour."""
    orders = app.screen.query_one("#orders")
    first = orders.get_option_at_index(0).prompt
    return orders.border_title, first.plain, str(first.spans[0].style)


async def test_the_first_paint_colours_orders_by_config_toml_as_a_reload_does(demo_sqlite, tmp_path, monkeypatch):
    """`crm tui` asks for the dashboard before the App is built (tui/app.py build_app, tui/first.py): that
    first answer is read with config.toml's red_after_days, as every reload is."""
    config = tmp_path / "config.toml"
    config.write_text(f"[supervision]\nred_after_days = {RED_AFTER}\n", encoding="utf-8")
    monkeypatch.setenv("CRM_CONFIG", str(config))
    project = add_late_order(demo_sqlite)
    app = build_app(demo_sqlite, screen="dashboard", login="tester", today=TODAY)  # as run_app builds it
    assert app.config == {"supervision": {"red_after_days": RED_AFTER}}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.first_answer("dashboard") is None  # the screen showed the answer asked for at the start
        first_paint = orders_card(app)
        title, line, colour = first_paint
        assert title == "督办 1 · 红 1 · 黄 0"
        assert f"逾期{DAYS_LATE}天" in line and project in line and "red" in colour
        await press(pilot, "ctrl+r")
        assert orders_card(app) == first_paint
