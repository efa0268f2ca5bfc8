"""Correcting, retracting and reopening from the project page: the highlighted follow-up, figure or problem,
with a required reason, checked in the database afterwards."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.services.projects import get_project
from db.models import FollowUp, Problem, Project, ProjectFigure
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, fill, make_app, open_project, press, screen_text, settle
from tui.forms.base import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.project_detail import ProjectDetailScreen


def rows(database, model, ref: str) -> list:
    with database.unit_of_work(write=False) as session:
        project = get_project(session, ref)
        found = session.scalars(select(model).where(model.project_id == project.id).order_by(model.id)).all()
        session.expunge_all()
        return list(found)


def project_with(database, *, resolved: bool) -> str:
    """The first project (by ref) with a figure and a problem resolved (or still open), as the demo has them."""
    with database.unit_of_work(write=False) as session:
        for ref in session.scalars(select(Project.ref).order_by(Project.ref)):
            problems = rows(database, Problem, ref)
            if rows(database, ProjectFigure, ref) and any((p.resolved_on is not None) == resolved for p in problems):
                return ref
    raise LookupError("no such project in the demo")


async def highlight(pilot, tab: str, record_id: int) -> None:
    screen = pilot.app.screen
    screen.query_one("#project-tabs").active = f"tab-{tab}"
    await settle(pilot)
    table = screen.query_one(f"#table-{tab}")
    table.move_cursor(row=table.get_row_index(str(record_id)))
    await settle(pilot)


async def test_correct_the_highlighted_followup(demo_database):
    """On SQLite and, when CRM_TEST_DATABASE_URL is set, on PostgreSQL."""
    original = max(rows(demo_database, FollowUp, "P00001"), key=lambda f: (f.happened_on, f.id))
    app = make_app(demo_database, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00001")
        await highlight(pilot, "followups", original.id)
        await press(pilot, "k")
        form = app.screen
        assert isinstance(form, FormScreen) and form.form_title == "更正跟踪服务"
        assert form.control("content").value == original.content  # the record as it stands
        await fill(pilot, "content", "与企业负责人座谈确认设备到货")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FormScreen)  # the reason is required
        assert "更正原因" in str(app.screen.query_one("#error-why").render())
        await fill(pilot, "why", "内容录错")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        await settle(pilot)
        table = app.screen.query_one("#table-followups")
        keys = [row.value for row in table.rows]
        assert str(original.id) not in keys and len(keys) == len(app.screen.view.detail["followups"])
        assert "与企业负责人座谈" in screen_text(app)
    followups = rows(demo_database, FollowUp, "P00001")
    correction = followups[-1]
    assert (correction.corrects_id, correction.content, correction.effective_on, correction.correction_note) == (
        original.id, "与企业负责人座谈确认设备到货", TODAY, "内容录错")
    assert (correction.happened_on, correction.next_on, correction.kind) == (
        original.happened_on, original.next_on, original.kind)
    kept = next(f for f in followups if f.id == original.id)
    assert (kept.content, kept.superseded_on) == (original.content, TODAY)


async def test_retract_a_figure_reopen_a_problem_and_resolve_it_again(demo_sqlite):
    ref = project_with(demo_sqlite, resolved=True)
    figure = rows(demo_sqlite, ProjectFigure, ref)[0]
    resolved = next(p for p in rows(demo_sqlite, Problem, ref) if p.resolved_on is not None)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, ref)
        await highlight(pilot, "figures", figure.id)
        await press(pilot, "w")
        assert app.screen.form_title == "撤销录错的记录"
        await fill(pilot, "why", "数据未经核实")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert str(figure.id) not in [row.value for row in app.screen.query_one("#table-figures").rows]

        await highlight(pilot, "problems", resolved.id)
        await press(pilot, "o")
        await fill(pilot, "on", "2026-11-26")
        await fill(pilot, "why", "企业反映问题复现")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        reopened = rows(demo_sqlite, Problem, ref)[-1]
        assert (reopened.corrects_id, reopened.resolved_on, reopened.effective_on) == (
            resolved.id, None, dt.date(2026, 11, 26))

        await highlight(pilot, "problems", reopened.id)
        await press(pilot, "r")
        assert app.screen.query_one("#field-problem").value == reopened.id
        await fill(pilot, "resolution", "已再次协调解决")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
    retraction = rows(demo_sqlite, ProjectFigure, ref)[-1]
    assert (retraction.corrects_id, retraction.retracted, retraction.amount) == (figure.id, True, figure.amount)
    problems = {p.id: p for p in rows(demo_sqlite, Problem, ref)}
    assert (problems[reopened.id].resolved_on, problems[reopened.id].resolution) == (TODAY, "已再次协调解决")
    assert (problems[resolved.id].resolved_on, problems[resolved.id].superseded_on) == (
        resolved.resolved_on, dt.date(2026, 11, 26))


async def test_the_actions_need_a_highlighted_record_and_are_in_the_help(demo_sqlite):
    ref = project_with(demo_sqlite, resolved=False)
    still_open = next(p for p in rows(demo_sqlite, Problem, ref) if p.resolved_on is None)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_project(pilot, ref)
        await press(pilot, "k")  # the stage history is shown: stage steps have their own correction (c)
        assert isinstance(app.screen, ProjectDetailScreen)
        assert any("请先在跟踪服务、困难问题或资金与投资页中选中一条记录" in str(n.message) for n in app._notifications)
        await highlight(pilot, "problems", still_open.id)
        await press(pilot, "o")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert any(f"问题 #{still_open.id} 尚未办结" in str(n.message) for n in app._notifications)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for binding_id in ("project.correct_record", "project.retract_record", "project.reopen"):
            assert binding_id in shown
    assert rows(demo_sqlite, Problem, ref)[-1].corrects_id is None  # nothing was recorded
