"""Project states as of a date (crm.services.snapshot, one set-based query) held against the same history
read the plain way: ORM objects and the stage rules, project by project. Both backends."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.rules import stages
from crm.services.actor import staff_for
from crm.services.followups import add_followup, raise_problem, resolve_problem
from crm.services.projects import (
    NewProject,
    add_project,
    advance,
    correct_step,
    latest_figure,
    record_figure,
    set_status,
)
from crm.services.snapshot import project_states
from db.models import FigureKind, Project, ProjectStatus, Stage
from tests.conftest import TODAY

D = dt.date


def expected(project: Project, as_of: dt.date) -> dict | None:
    """What a project's state on as_of is, straight from its rows."""
    steps = sorted((s for s in project.steps if not s.superseded and not s.retracted and s.happened_on <= as_of),
                   key=lambda s: (s.happened_on, s.id))
    if project.deleted_at is not None or not steps:
        return None
    stage = stages.stage_as_of([stages.Step(s.stage, s.happened_on) for s in steps], as_of)
    signed = next((s for s in steps if s.stage == Stage.SIGNED), None)
    changes = sorted((c for c in project.status_changes if c.changed_on <= as_of), key=lambda c: (c.changed_on, c.id))
    followups = sorted((f for f in project.followups if f.happened_on <= as_of), key=lambda f: (f.happened_on, f.id))
    last = followups[-1] if followups else None
    raised = [p for p in project.problems if p.raised_on <= as_of]
    return {
        "id": project.id,
        "ref": project.ref,
        "name": project.name,
        "signing_event_id": project.signing_event_id,
        "signing_form": project.signing_form,
        "planned_construction_on": project.planned_construction_on,
        "planned_production_on": project.planned_production_on,
        "signed_on": signed.happened_on if signed else None,
        "stage": stage,
        "stage_on": max(s.happened_on for s in steps if s.stage == stage),
        "status": changes[-1].status if changes else ProjectStatus.ACTIVE,
        "converted_on": project.contract_on if project.contract_on and project.contract_on <= as_of else None,
        "funds_in_place": latest_figure(project, FigureKind.FUNDS_IN_PLACE, as_of),
        "investment_completed": latest_figure(project, FigureKind.INVESTMENT_COMPLETED, as_of),
        "problems_raised": len(raised),
        "problems_resolved": sum(1 for p in raised if p.resolved_on is not None and p.resolved_on <= as_of),
        "last_followup_on": last.happened_on if last else None,
        "next_followup_on": last.next_on if last else None,
        "next_step": last.next_step if last else None,
        "industry": project.industry.name if project.industry else None,
        "city": project.region.name if project.region else None,
        "investor": project.investor.name if project.investor else None,
        "responsible_unit": project.responsible_unit.name if project.responsible_unit else None,
        "responsible_staff": project.responsible_staff.name if project.responsible_staff else None,
        "amount": project.contracted_amount or Decimal(0),
    }


def actual(state) -> dict:
    return {key: getattr(state, key) for key in (
        "id", "ref", "name", "signing_event_id", "signing_form", "planned_construction_on", "planned_production_on",
        "signed_on", "stage", "stage_on", "status", "converted_on", "funds_in_place", "investment_completed",
        "problems_raised", "problems_resolved", "last_followup_on", "next_followup_on", "next_step", "industry",
        "city", "investor", "responsible_unit", "responsible_staff", "amount")}


@pytest.fixture
def history(demo_database):
    """The small demo plus the histories the demo lacks: corrected and retracted steps, status back and
    forth, figures reported twice, two follow-ups on one day, a problem resolved later, a lead."""
    db = demo_database
    with db.unit_of_work() as session:
        actor = staff_for(session, "alice")
        ref = add_project(session, NewProject(name="校正项目", investor="某集团", industry="pv", city="南昌",
                                              amount="2500", signed_on=D(2025, 3, 1)), actor=actor, today=TODAY).ref
        advance(session, ref, Stage.CONSTRUCTION, D(2025, 6, 1), note=None, actor=actor, today=TODAY)
        correct_step(session, ref, new_date=D(2025, 7, 15), note="日期有误", actor=actor, today=TODAY)
        advance(session, ref, Stage.PRODUCTION, D(2026, 2, 1), note=None, actor=actor, today=TODAY)
        correct_step(session, ref, retract=True, note="尚未投产", actor=actor, today=TODAY)
        set_status(session, ref, ProjectStatus.STALLED, D(2025, 9, 1), reason="资金未到", actor=actor)
        set_status(session, ref, ProjectStatus.ACTIVE, D(2026, 1, 10), reason=None, actor=actor)
        for on, amount in ((D(2025, 8, 1), "300"), (D(2026, 4, 1), "900")):
            record_figure(session, ref, FigureKind.FUNDS_IN_PLACE, amount, on, note=None, actor=actor)
        record_figure(session, ref, FigureKind.INVESTMENT_COMPLETED, "120", D(2025, 12, 1), note=None, actor=actor)
        add_followup(session, ref, on=D(2026, 5, 6), content="上午走访", next_step="报送材料", next_on=D(2026, 5, 20),
                     actor=actor, today=TODAY)
        add_followup(session, ref, on=D(2026, 5, 6), content="下午会商", next_step="协调用地", next_on=D(2026, 6, 1),
                     actor=actor, today=TODAY)
        problem = raise_problem(session, ref, description="用地指标", on=D(2025, 10, 1), unit=None, actor=actor)
        resolve_problem(session, problem.id, on=D(2026, 3, 1), resolution="已落实")
        raise_problem(session, ref, description="电力接入", on=D(2026, 4, 1), unit=None, actor=actor)
        add_project(session, NewProject(name="在谈项目", investor="另一集团", industry="pv", city="南昌",
                                        stage=Stage.NEGOTIATING, entered_on=D(2026, 1, 1)), actor=actor, today=TODAY)
    return db


@pytest.mark.parametrize("as_of", [D(2011, 6, 30), D(2025, 7, 1), D(2025, 10, 1), D(2026, 3, 1), D(2026, 5, 6), TODAY])
def test_states_match_the_history_read_plainly(history, as_of):
    with history.unit_of_work(write=False) as session:
        projects = session.scalars(select(Project).options(
            selectinload(Project.steps), selectinload(Project.status_changes), selectinload(Project.figures),
            selectinload(Project.followups), selectinload(Project.problems), selectinload(Project.industry),
            selectinload(Project.region), selectinload(Project.investor), selectinload(Project.responsible_unit),
            selectinload(Project.responsible_staff)).order_by(Project.id)).all()
        want = [e for e in (expected(p, as_of) for p in projects) if e is not None]
        got = [actual(s) for s in project_states(session, as_of)]
        assert got == want
        some = [p.id for p in projects[::3]]
        assert [actual(s) for s in project_states(session, as_of, some)] == [w for w in want if w["id"] in some]
    assert want  # every date above has projects


def test_the_corrected_project_as_of_today(history):
    with history.unit_of_work(write=False) as session:
        state = next(s for s in project_states(session, TODAY) if s.name == "校正项目")
    assert (state.stage, state.stage_on, state.status) == (Stage.CONSTRUCTION, D(2025, 7, 15), ProjectStatus.ACTIVE)
    assert (state.funds_in_place, state.problems_raised, state.problems_resolved) == (Decimal(900), 2, 1)
    assert (state.last_followup_on, state.next_step) == (D(2026, 5, 6), "协调用地")
