"""The project edit form sets the responsible person (责任人), shown on the project page afterwards."""
from __future__ import annotations

from crm.services.actor import staff_for
from crm.services.projects import get_project
from tests.tui.conftest import SIZE, make_app, open_project, press, screen_text
from tui.forms.base import FormScreen


async def test_the_edit_form_sets_the_responsible_person(demo_sqlite):
    with demo_sqlite.unit_of_work() as session:
        staff_for(session, "wangfang").name = "王芳"
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00002")
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.control("responsible_staff").value = "王芳"  # as picking it from the list does
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, FormScreen)
        assert "王芳" in screen_text(app)
    with demo_sqlite.unit_of_work(write=False) as session:
        project = get_project(session, "P00002")
        assert project.responsible_staff.login == "wangfang"
