"""Screens at 120×40 in both languages, on the small demo as of the tests' fixed day (cursor blink off).
Accept intended changes with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the
report before committing."""
from __future__ import annotations

import pytest
from sqlalchemy import exists, select

from db.models import FollowUp, Problem, Project, ProjectFigure
from tests.tui.conftest import SIZE, make_app, press, settle

LANGUAGES = pytest.mark.parametrize("lang", ["zh", "en"])


@LANGUAGES
def test_dashboard(snap_compare, demo_sqlite, lang):
    assert snap_compare(make_app(demo_sqlite, lang=lang), terminal_size=SIZE, run_before=settle)


@LANGUAGES
def test_project_list(snap_compare, demo_sqlite, lang):
    async def highlight_a_row(pilot):
        await settle(pilot)
        await press(pilot, "down", "down")

    assert snap_compare(make_app(demo_sqlite, screen="projects", lang=lang), terminal_size=SIZE,
                        run_before=highlight_a_row)


def showcase_project(database) -> str:
    """The first project (by ref) with follow-ups, open problems and funds in place, as the demo has them."""
    with database.unit_of_work(write=False) as session:
        having = [exists().where(model.project_id == Project.id, *where) for model, *where in (
            (FollowUp,), (Problem, Problem.resolved_on.is_(None)), (ProjectFigure,))]
        return session.scalar(select(Project.ref).where(*having).order_by(Project.ref).limit(1))


@LANGUAGES
def test_project_detail(snap_compare, demo_sqlite, lang):
    ref = showcase_project(demo_sqlite)

    async def open_project(pilot):
        await settle(pilot)
        pilot.app.open_project(ref)
        await settle(pilot)
        pilot.app.screen.query_one("#project-tabs").active = "tab-problems"
        await settle(pilot)

    assert snap_compare(make_app(demo_sqlite, screen="projects", lang=lang), terminal_size=SIZE,
                        run_before=open_project)


@LANGUAGES
def test_event_tree(snap_compare, demo_sqlite, lang):
    async def show_a_meeting(pilot):
        await settle(pilot)
        pilot.app.screen.show_event("A2-PV")
        await settle(pilot)

    assert snap_compare(make_app(demo_sqlite, screen="events", lang=lang), terminal_size=SIZE,
                        run_before=show_a_meeting)


@LANGUAGES
def test_modal_form_over_a_chinese_table(snap_compare, demo_sqlite, lang):
    async def open_the_follow_up_form(pilot):
        await settle(pilot)
        await press(pilot, "down", "down", "f")

    assert snap_compare(make_app(demo_sqlite, screen="projects", lang=lang), terminal_size=SIZE,
                        run_before=open_the_follow_up_form)
