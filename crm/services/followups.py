"""Follow-up service (跟踪服务) and the problems (困难问题) it raises and resolves."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FollowUp, FollowUpKind, Problem, Staff

from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.normalize import clean_text
from crm.rules.corrections import check_not_future
from crm.services.in_effect import require_current, rows_in_effect
from crm.services.projects import get_project
from crm.services.reference import find_unit


def add_followup(
    session: Session,
    ref: str,
    *,
    on: dt.date,
    content: str,
    kind: FollowUpKind = FollowUpKind.VISIT,
    next_step: str | None = None,
    next_on: dt.date | None = None,
    problem: str | None = None,
    problem_unit: str | None = None,
    actor: Staff,
    today: dt.date,
) -> FollowUp:
    project = get_project(session, ref)
    text = check_followup(content, on, next_on, today)
    followup = FollowUp(
        happened_on=on, kind=kind, content=text, next_step=clean_text(next_step), next_on=next_on, staff=actor
    )
    project.followups.append(followup)
    session.flush()
    if clean_text(problem):
        raise_problem(session, project.ref, description=problem, on=on, unit=problem_unit, actor=actor,
                      followup=followup)
    return followup


def check_followup(content: str | None, on: dt.date, next_on: dt.date | None, today: dt.date) -> str:
    """A follow-up as recorded or corrected: what was done, on a day not in the future, the next date not
    before it. Returns the content cleaned."""
    text = clean_text(content)
    if not text:
        raise CrmError("empty_field", field="跟踪内容")
    check_not_future(on, today)
    if next_on is not None and next_on < on:
        raise RuleViolation(
            "date_before", field="下次跟进日期", date=next_on.isoformat(), other="跟进日期", other_date=on.isoformat()
        )
    return text


def raise_problem(
    session: Session,
    ref: str,
    *,
    description: str,
    on: dt.date,
    unit: str | None,
    actor: Staff,
    followup: FollowUp | None = None,
) -> Problem:
    project = get_project(session, ref)
    text = clean_text(description)
    if not text:
        raise CrmError("empty_field", field="问题描述")
    problem = Problem(
        description=text,
        raised_on=on,
        responsible_unit=find_unit(session, unit, create=True) if clean_text(unit) else None,
        followup_id=followup.id if followup else None,
        recorded_by_id=actor.id,
    )
    project.problems.append(problem)
    session.flush()
    return problem


def get_problem(session: Session, problem_id: int | str) -> Problem:
    try:
        problem = session.get(Problem, int(str(problem_id).lstrip("#")))
    except ValueError:
        problem = None
    if problem is None:
        raise NotFound("unknown_problem", ref=problem_id)
    return problem


def resolve_problem(session: Session, problem_id: int | str, *, on: dt.date, resolution: str | None) -> Problem:
    problem = get_problem(session, problem_id)
    require_current(session, problem)
    if problem.resolved_on is not None:
        raise RuleViolation("problem_already_resolved", ref=problem.id, date=problem.resolved_on.isoformat())
    if on < problem.raised_on:
        raise RuleViolation(
            "date_before", field="办结日期", date=on.isoformat(), other="提出日期", other_date=problem.raised_on.isoformat()
        )
    reopened_on = _reopened_on(session, problem)
    if reopened_on is not None and on < reopened_on:
        raise RuleViolation(
            "date_before", field=pick("办结日期", "resolution date"), date=on.isoformat(),
            other=pick("重新打开日期", "reopening date"), other_date=reopened_on.isoformat(),
        )
    problem.resolved_on = on
    problem.resolution = clean_text(resolution)
    session.flush()
    return problem


def _reopened_on(session: Session, problem: Problem) -> dt.date | None:
    """The day an open problem was last reopened: that of the row in its chain that replaced a resolved one."""
    row = problem
    while row.corrects_id is not None:
        original = session.get(Problem, row.corrects_id)
        if original.resolved_on is not None:
            return row.effective_on
        row = original
    return None


def open_problems(session: Session, as_of: dt.date) -> list[Problem]:
    return list(
        session.scalars(
            select(Problem)
            .where(Problem.raised_on <= as_of, rows_in_effect(Problem, as_of))
            .where((Problem.resolved_on.is_(None)) | (Problem.resolved_on > as_of))
            .order_by(Problem.raised_on, Problem.id)
        )
    )
