"""End-to-end workflows through the workbench on a real database, checked in the database afterwards."""
from __future__ import annotations

from sqlalchemy import select

from crm.services.projects import get_project
from db.models import Stage, StageStep
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, make_app, settle


async def test_advance_a_stage_from_the_project_list(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"P00003", "enter")
        await settle(pilot)
        assert app.screen.query_one("#projects").cursor_key == "P00003"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#field-to").value == Stage.CONSTRUCTION
        form.query_one("#field-note").value = "土建开工"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_sqlite.unit_of_work(write=False) as session:
        project = get_project(session, "P00003")
        assert project.stage == Stage.CONSTRUCTION
        step = session.scalars(select(StageStep).where(StageStep.project_id == project.id)
                               .order_by(StageStep.id.desc())).first()
        assert (step.stage, step.happened_on, step.note, step.recorded_by.login) == (
            Stage.CONSTRUCTION, TODAY, "土建开工", "tester")
