"""Follow-up service (跟踪服务) and the problems (困难问题) it raises and resolves."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FollowUp, FollowUpKind, Problem, Staff

from crm import dates
from crm.errors import NotFound, RuleViolation
from crm.i18n import pick
from crm.normalize import clean_text
from crm.rules.dates import check_dated, check_not_before
from crm.services.in_effect import require_current, rows_in_effect
from crm.services.projects import began, get_project
from crm.services.reference import find_unit
from crm.services.values import row_id, text_for

_FOLLOWUPS = FollowUp.__table__.c
_PROBLEMS = Problem.__table__.c


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
    text = check_followup(project, content, on, next_on, today)
    followup = FollowUp(
        happened_on=on, kind=kind, content=text, next_step=next_step_text(next_step), next_on=next_on, staff=actor
    )
    project.followups.append(followup)
    session.flush()
    if typed_problem := problem_text(problem, required=False):
        raise_problem(session, project.ref, description=typed_problem, on=on, unit=problem_unit, actor=actor,
                      followup=followup, today=today)
    return followup


def check_followup(project, content: str | None, on: dt.date, next_on: dt.date | None, today: dt.date) -> str:
    """A follow-up of `project` as recorded or corrected: what was done, on a day neither in the future nor
    before the project began, the next date not before it. Returns the content as typed."""
    text = text_for(_FOLLOWUPS.content, content, pick("跟踪内容", "what was done"), required=True)
    check_dated(on, today, pick("跟进日期", "follow-up date"), *began(project))
    if next_on is not None:
        check_not_before(next_on, pick("下次跟进日期", "next date"), on, pick("跟进日期", "follow-up date"))
    return text


def next_step_text(value: str | None) -> str | None:
    return text_for(_FOLLOWUPS.next_step, value, pick("下步计划", "next step"))


def problem_text(value: str | None, *, required: bool = True) -> str | None:
    return text_for(_PROBLEMS.description, value, pick("问题描述", "problem"), required=required)


def check_raised(project, on: dt.date, today: dt.date) -> None:
    """The day a problem was raised, recorded or corrected: not in the future nor before the project began."""
    check_dated(on, today, pick("提出日期", "raising date"), *began(project))


def raise_problem(
    session: Session,
    ref: str,
    *,
    description: str,
    on: dt.date,
    unit: str | None,
    actor: Staff,
    followup: FollowUp | None = None,
    today: dt.date | None = None,
) -> Problem:
    project = get_project(session, ref)
    text = problem_text(description)
    check_raised(project, on, today or dates.today())
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
    problem = session.get(Problem, row_id(problem_id, "unknown_problem", ref=problem_id))
    if problem is None:
        raise NotFound("unknown_problem", ref=problem_id)
    return problem


def resolve_problem(session: Session, problem_id: int | str, *, on: dt.date, resolution: str | None,
                    today: dt.date | None = None) -> Problem:
    """办结 on `on`: not in the future (today when not given: crm.dates.today), not before the problem was
    raised nor before it was last reopened."""
    problem = get_problem(session, problem_id)
    require_current(session, problem)
    if problem.resolved_on is not None:
        raise RuleViolation("problem_already_resolved", ref=problem.id, date=problem.resolved_on.isoformat())
    field = pick("办结日期", "resolution date")
    check_dated(on, today or dates.today(), field, problem.raised_on, pick("提出日期", "raising date"))
    check_not_before(on, field, _reopened_on(session, problem), pick("重新打开日期", "reopening date"))
    problem.resolved_on = on
    problem.resolution = text_for(_PROBLEMS.resolution, resolution, pick("办结情况", "resolution"))
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
