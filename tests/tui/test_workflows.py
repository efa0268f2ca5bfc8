"""End-to-end workflows through the workbench on a real database, checked in the database afterwards."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.services.events import get_event
from crm.services.kpi import kpi_report
from crm.services.projects import get_project
from db.models import FollowUp, FollowUpKind, Problem, Project, ProjectStatus, Stage, StageStep
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, fill, make_app, open_project, press, screen_text, settle
from tui.forms.base import FormScreen
from tui.screens.events import EventsScreen
from tui.screens.project_detail import ProjectDetailScreen


def signed_project(database) -> tuple[str, dt.date]:
    """The first project (by ref) signed and not yet started, with the day it was signed."""
    with database.unit_of_work(write=False) as session:
        project = session.scalars(select(Project).where(Project.stage == Stage.SIGNED, Project.status == ProjectStatus.ACTIVE)
                                  .order_by(Project.ref)).first()
        return project.ref, project.signed_on


async def test_advance_a_stage_from_the_project_list(demo_sqlite):
    ref, _signed_on = signed_project(demo_sqlite)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *ref, "enter")
        assert app.screen.query_one("#projects").cursor_key == ref
        await press(pilot, "a")  # on the highlighted row, without opening it
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-to").value == Stage.CONSTRUCTION
        await fill(pilot, "note", "土建开工")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, FormScreen)
        assert ref in screen_text(app) and "开工" in screen_text(app)
    with demo_sqlite.unit_of_work(write=False) as session:
        project = get_project(session, ref)
        assert project.stage == Stage.CONSTRUCTION
        step = session.scalars(select(StageStep).where(StageStep.project_id == project.id)
                               .order_by(StageStep.id.desc())).first()
        assert (step.stage, step.happened_on, step.note, step.recorded_by.login) == (
            Stage.CONSTRUCTION, TODAY, "土建开工", "tester")


async def test_a_stage_date_the_rules_refuse_is_shown_beside_the_date(demo_sqlite):
    ref, signed_on = signed_project(demo_sqlite)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, ref)
        await press(pilot, "a")
        await fill(pilot, "on", (signed_on - dt.timedelta(days=1)).isoformat())
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FormScreen)  # still open, nothing saved
        error = app.screen.query_one("#error-on")
        assert signed_on.isoformat() in str(error.render()) and error.has_class("-shown")
        assert app.screen.focused is app.screen.control("on")
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_project(session, ref).stage == Stage.SIGNED


async def add_followup_and_problem(database) -> None:
    """Shared by the SQLite and PostgreSQL runs: follow-up with a next date, then raise and resolve."""
    app = make_app(database, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00002")
        assert isinstance(app.screen, ProjectDetailScreen)
        await press(pilot, "f")
        await fill(pilot, "content", "走访企业了解设备到货情况")
        await fill(pilot, "next_step", "协调供电")
        await fill(pilot, "next_on", "2026-12-04")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)

        await press(pilot, "p")
        await fill(pilot, "description", "厂区临时用电迟迟未接通")
        await fill(pilot, "unit", "省工信委综合处")
        await press(pilot, "ctrl+s")
        with database.unit_of_work(write=False) as session:
            problem = session.scalars(select(Problem).where(Problem.description == "厂区临时用电迟迟未接通")).one()
            assert problem.resolved_on is None
            problem_id = problem.id

        await press(pilot, "r")
        form = app.screen
        form.query_one("#field-problem").value = problem_id
        await fill(pilot, "on", "2026-11-27")
        await fill(pilot, "resolution", "已协调供电公司接通")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
    with database.unit_of_work(write=False) as session:
        project = get_project(session, "P00002")
        followup = session.scalars(select(FollowUp).where(FollowUp.project_id == project.id)
                                   .order_by(FollowUp.id.desc())).first()
        assert (followup.happened_on, followup.kind, followup.content, followup.next_step, followup.next_on) == (
            TODAY, FollowUpKind.VISIT, "走访企业了解设备到货情况", "协调供电", dt.date(2026, 12, 4))
        problem = session.get(Problem, problem_id)
        assert (problem.resolved_on, problem.resolution, problem.responsible_unit.name) == (
            TODAY, "已协调供电公司接通", "省工信委综合处")


async def test_add_a_followup_raise_and_resolve_a_problem(demo_database):
    """On SQLite and, when CRM_TEST_DATABASE_URL is set, on PostgreSQL."""
    await add_followup_and_problem(demo_database)


async def test_form_checks_are_shown_beside_their_fields_and_nothing_is_saved(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00002")
        await press(pilot, "f")
        await fill(pilot, "on", "2026-13-01")
        await press(pilot, "ctrl+s")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "2026-13-01" in str(form.query_one("#error-on").render())
        assert "跟踪内容" in str(form.query_one("#error-content").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, ProjectDetailScreen)
    with demo_sqlite.unit_of_work(write=False) as session:
        assert not session.scalars(select(FollowUp).where(FollowUp.happened_on == dt.date(2026, 11, 27),
                                                          FollowUp.staff.has(login="tester"))).first()


async def test_mark_a_plan_submitted(demo_database):
    app = make_app(demo_database, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("A5")  # its plan is overdue in the demo
        await settle(pilot)
        assert app.screen.detail.ref == "A5"
        await press(pilot, "p")
        await fill(pilot, "on", "2026-11-20")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventsScreen)
        assert app.screen.detail.plan.submitted_on == dt.date(2026, 11, 20)
    with demo_database.unit_of_work(write=False) as session:
        assert get_event(session, "A5").plan_submitted_on == dt.date(2026, 11, 20)


async def test_plans_are_filed_per_meeting_not_for_an_activity_that_holds_meetings(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("A2")
        await settle(pilot)
        await press(pilot, "p")
        assert isinstance(app.screen, EventsScreen)  # no form: A2 holds three meetings
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_event(session, "A2").plan_submitted_on is None


async def test_open_an_overdue_deadline_and_a_red_project_from_the_dashboard(demo_sqlite):
    app = make_app(demo_sqlite)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deadlines = app.screen.query_one("#deadlines")
        assert deadlines.has_focus
        first = deadlines.get_option_at_index(0)
        assert first.id == "event:A5:plan" and "已超期" in str(first.prompt)
        await press(pilot, "enter")
        assert isinstance(app.screen, EventsScreen)
        assert app.screen.detail.ref == "A5"
        assert "已超期" in screen_text(app)

        await press(pilot, "f2")
        alerts = app.screen.query_one("#alerts")
        alerts.focus()
        await settle(pilot)
        first = alerts.get_option_at_index(0)
        assert first.id.startswith("project:") and "●" in str(first.prompt)
        await press(pilot, "enter")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert app.screen.ref == first.id.split(":")[1]
        assert "红灯" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen.query_one("#alerts")


async def test_sign_a_project_at_an_event(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("C2")
        await settle(pilot)
        before = len(app.screen.detail.signed_projects)
        await press(pilot, "n")
        await fill(pilot, "name", "示例LED芯片项目")
        await fill(pilot, "investor", "示例晶能光电有限公司")
        await fill(pilot, "amount", "52000")
        await fill(pilot, "signed_on", "2011-08-20")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventsScreen)
        assert len(app.screen.detail.signed_projects) == before + 1
        ref = next(p.ref for p in app.screen.detail.signed_projects if p.name == "示例LED芯片项目")
    with demo_sqlite.unit_of_work(write=False) as session:
        event = get_event(session, "C2")
        project = get_project(session, ref)
        assert (project.signing_event_id, project.signed_on, str(project.contracted_amount), project.investor.name,
                project.industry.name, project.region.name) == (
            event.id, dt.date(2011, 8, 20), "52000.00", "示例晶能光电有限公司", "半导体照明", "吉安市")


async def test_sign_a_capital_increase_at_an_event(demo_sqlite):
    """The form takes the original's ref; a ref that is not a project is refused beside its field."""
    with demo_sqlite.unit_of_work(write=False) as session:
        original = session.scalars(select(Project).where(Project.signed_on < dt.date(2011, 8, 20))
                                   .order_by(Project.id)).first()
        original_ref, signed_before = original.ref, kpi_report(session, TODAY)["signed"]
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("C2")
        await settle(pilot)
        await press(pilot, "n")
        await fill(pilot, "name", "示例扩产项目")
        await fill(pilot, "investor", "示例晶能光电有限公司")
        await fill(pilot, "amount", "8000")
        await fill(pilot, "signed_on", "2011-08-20")
        await fill(pilot, "increase_of", "P09999")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FormScreen)
        assert "P09999" in str(app.screen.query_one("#error-increase_of").render())
        await fill(pilot, "increase_of", original_ref)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventsScreen)
        ref = next(p.ref for p in app.screen.detail.signed_projects if p.name == "示例扩产项目")
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_project(session, ref).increase_of.ref == original_ref
        assert kpi_report(session, TODAY)["signed"] == signed_before  # its amount counts, not a project
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:  # each project's page names the other
        await open_project(pilot, ref)
        assert "增资原项目" in screen_text(app) and original_ref in screen_text(app)
        await press(pilot, "escape")
        await open_project(pilot, original_ref)
        assert "其增资扩产" in screen_text(app) and ref in screen_text(app)


async def test_correct_a_stage_step_and_stall_with_a_reason(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SIZE) as pilot:
        await open_project(pilot, "P00005")  # at construction since 2013
        latest_step, latest_stage, _ = app.screen.view.steps[-1]
        await press(pilot, "c")
        assert app.screen.query_one("#field-step").value == latest_step
        await fill(pilot, "on", "2013-01-02")
        await fill(pilot, "note", "开工日期记错")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)

        await press(pilot, "x")
        app.screen.query_one("#field-status").value = ProjectStatus.STALLED
        await fill(pilot, "reason", "")
        await press(pilot, "ctrl+s")
        assert "原因" in str(app.screen.query_one("#error-reason").render())  # the rule's refusal, beside it
        await fill(pilot, "reason", "企业资金链紧张")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert "企业资金链紧张" in screen_text(app)
    with demo_sqlite.unit_of_work(write=False) as session:
        project = get_project(session, "P00005")
        steps = [s for s in project.steps if s.stage == latest_stage]
        assert [(s.kind.value, s.superseded, s.happened_on) for s in steps][-2:] == [
            ("advance", True, steps[-2].happened_on), ("correction", False, dt.date(2013, 1, 2))]
        assert steps[-1].note == "开工日期记错" and steps[-1].corrects_id == latest_step
        assert (project.status, project.status_reason) == (ProjectStatus.STALLED, "企业资金链紧张")


async def test_the_dashboard_counts_as_of_a_chosen_day(demo_sqlite):
    app = make_app(demo_sqlite)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        await fill(pilot, "as_of", "2012-06-30")
        await press(pilot, "enter")
        shown = screen_text(app)
    with demo_sqlite.unit_of_work(write=False) as session:
        report = kpi_report(session, dt.date(2012, 6, 30))
        assert report["started"] < kpi_report(session, TODAY)["started"]  # the day makes a difference
    assert "统计截至 2012-06-30" in shown and f"{report['started']} / {report['signed']}" in shown


async def test_data_shown_comes_after_the_frame_that_shows_the_data(demo_sqlite, monkeypatch):
    """Tests and the benchmark wait for DataShown: it must follow the paint of the figures, not precede it (the
    widgets just filled ask the screen for that paint on their own next turn)."""
    from tui.messages import DataShown
    from tui.screens.dashboard import DashboardScreen
    from tui.widgets.pipeline_chart import PipelineChart

    events: list[str] = []
    show, render = DashboardScreen.show, PipelineChart.render
    monkeypatch.setattr(DashboardScreen, "show", lambda screen, data: (show(screen, data), events.append("filled")))
    monkeypatch.setattr(PipelineChart, "render", lambda chart: (events.append("painted"), render(chart))[1])

    def hook(message) -> None:
        if isinstance(message, DataShown) and message.what == "dashboard" and "announced" not in events:
            events.append("announced")

    async with make_app(demo_sqlite).run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
    filled = events.index("filled")
    assert "painted" in events[filled:events.index("announced")], events
