"""Reporting up (上报) and confirming (认定): a unit submits an event's work plan, its summary (with its
signed projects and invitee list), or a signed project; a provincial reviewer accepts it or returns it
with a reason; a returned item may be submitted again. Each submission is a row (db.models.Submission), so
an item's rows are its history. A deadline is met when the item was first submitted by its due date: the
event keeps that first day (plan_submitted_on, summary_submitted_on) for the deadline rules.

A project that looks reported already by another unit — the same investor and a similar name — is
flagged for the reviewer (重复上报) and does not count until the reviewer accepts it as a project of its
own."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Project, Staff, Submission, SubmissionKind, SubmissionOutcome
from db.scope import ALL_UNITS

from crm import dates
from crm.errors import CrmError, RuleViolation
from crm.i18n import pick
from crm.normalize import name_key
from crm.rules.dates import check_not_before, check_not_future, check_summary
from crm.rules.scope import who
from crm.services.events import get_event
from crm.services.projects import get_project
from crm.services.values import text_for

SIMILAR_NAMES = 0.8  # SequenceMatcher ratio of two normalised project names that look like one project


@dataclass(frozen=True)
class QueueRow:
    kind: str
    ref: str
    title: str
    unit: str
    submitted_at: str
    status: str  # submitted | accepted | returned
    reason: str | None
    duplicate_of: str | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Step:
    action: str  # submitted | accepted | returned
    on: dt.date
    by: str | None
    note: str | None


def parse_kind(value: str) -> SubmissionKind:
    try:
        return SubmissionKind(value)
    except ValueError:
        raise CrmError("unknown_submission_kind", value=value) from None


def submit(session: Session, kind: SubmissionKind | str, ref: str, *, on: dt.date | None = None,
           note: str | None = None, actor: Staff | None = None, today: dt.date | None = None) -> Submission:
    """上报: the item's unit reports it on `on` (today when not given)."""
    kind = parse_kind(kind) if isinstance(kind, str) else kind
    today = today or dates.today()
    on = on or today
    record = _record(session, kind, ref)
    if not who(session).may_change(record.owner_unit_id):  # a province's event is read, not reported, by a city
        raise RuleViolation("submit_not_yours", ref=record.ref)
    latest = _latest(session, kind, record.id)
    if latest is not None and latest.outcome is None:
        raise RuleViolation("submission_pending", ref=record.ref, on=latest.submitted_on.isoformat())
    if latest is not None and latest.outcome == SubmissionOutcome.ACCEPTED:
        raise RuleViolation("submission_accepted", ref=record.ref)
    _check_day(kind, record, on, today, latest)
    submission = Submission(
        kind=kind, unit_id=record.owner_unit_id, submitted_on=on, submitted_by=actor,
        note=text_for(Submission.__table__.c.note, note, pick("说明", "note")),
        event_id=record.id if kind != SubmissionKind.PROJECT else None,
        project_id=record.id if kind == SubmissionKind.PROJECT else None,
    )
    if kind == SubmissionKind.PROJECT:
        twin = looks_reported_twice(session, record)
        if twin is not None:
            submission.duplicate_of_id = twin.id
            submission.duplicate_hint = f"{twin.ref} {twin.name}"[:255]
    elif kind == SubmissionKind.PLAN and record.plan_submitted_on is None:
        record.plan_submitted_on = on  # the first submission meets the deadline or not
    elif kind == SubmissionKind.SUMMARY and record.summary_submitted_on is None:
        record.summary_submitted_on = on
    session.add(submission)
    session.flush()
    return submission


def decide(session: Session, kind: SubmissionKind | str, ref: str, *, accept: bool, reason: str | None = None,
           on: dt.date | None = None, actor: Staff | None = None, today: dt.date | None = None) -> Submission:
    """认定 (accept) or 退回 (return, with a reason): a provincial reviewer's decision on what is pending."""
    kind = parse_kind(kind) if isinstance(kind, str) else kind
    scope = who(session)
    if not scope.reviewer:
        raise RuleViolation("not_a_reviewer", login=scope.login or "")
    today = today or dates.today()
    on = on or today
    record = _record(session, kind, ref)
    latest = _latest(session, kind, record.id)
    if latest is None or latest.outcome is not None:
        raise RuleViolation("nothing_to_review", ref=record.ref)
    check_not_future(on, today)
    check_not_before(on, pick("审核日期", "decision date"), latest.submitted_on, pick("上报日期", "submission date"))
    why = text_for(Submission.__table__.c.reason, reason, pick("退回原因", "reason"), required=not accept)
    latest.outcome = SubmissionOutcome.ACCEPTED if accept else SubmissionOutcome.RETURNED
    latest.decided_on, latest.decided_by, latest.reason = on, actor, why
    session.flush()
    return latest


def queue(session: Session, *, status: str | None = None) -> list[QueueRow]:
    """Each item's latest submission (pending first, oldest first), as the caller's scope shows them."""
    latest_ids = (
        select(func.max(Submission.id))
        .group_by(Submission.kind, Submission.event_id, Submission.project_id)
        .scalar_subquery()
    )
    rows = session.scalars(select(Submission).where(Submission.id.in_(latest_ids))).all()
    result = [_row(s) for s in rows]
    if status:
        result = [r for r in result if r.status == status]
    order = {"submitted": 0, "returned": 1, "accepted": 2}
    return sorted(result, key=lambda r: (order[r.status], r.submitted_at, r.kind, r.ref))


def history(session: Session, kind: SubmissionKind | str, ref: str) -> list[Step]:
    """Every step of an item's reporting, in order: submitted, returned (why), submitted again, accepted."""
    kind = parse_kind(kind) if isinstance(kind, str) else kind
    record = _record(session, kind, ref)
    steps: list[Step] = []
    for s in _all(session, kind, record.id):
        steps.append(Step("submitted", s.submitted_on, s.submitted_by.login if s.submitted_by else None, s.note))
        if s.outcome is not None:
            steps.append(Step(s.outcome.value, s.decided_on, s.decided_by.login if s.decided_by else None, s.reason))
    return steps


def counted(session: Session, as_of: dt.date, *, confirmed: bool) -> Callable[[int], bool]:
    """Which projects a figure as of `as_of` counts: with `confirmed`, those accepted by then; otherwise
    all but those flagged as reported twice and not accepted by then (the other one counts)."""
    decided = (Submission.outcome == SubmissionOutcome.ACCEPTED) & (Submission.decided_on <= as_of)
    if confirmed:
        accepted = set(session.scalars(select(Submission.project_id).where(
            Submission.kind == SubmissionKind.PROJECT, decided)))
        return accepted.__contains__
    flagged = set(session.scalars(select(Submission.project_id).where(
        Submission.kind == SubmissionKind.PROJECT, Submission.duplicate_of_id.is_not(None),
        Submission.submitted_on <= as_of)))
    flagged -= set(session.scalars(select(Submission.project_id).where(
        Submission.kind == SubmissionKind.PROJECT, decided)))
    return lambda project_id: project_id not in flagged


def status_of(submission: Submission | None) -> str | None:
    if submission is None:
        return None
    return submission.outcome.value if submission.outcome else "submitted"


def looks_reported_twice(session: Session, project: Project) -> Project | None:
    """Another unit's project of the same investor with a similar name, already reported (重复上报). A
    capital increase and the project it adds to are two signings, never one reported twice."""
    if project.investor_id is None:
        return None
    related = {project.increase_of_id} - {None}
    others = session.scalars(
        select(Project).join(Submission, Submission.project_id == Project.id)
        .where(Project.investor_id == project.investor_id, Project.id != project.id,
               Project.owner_unit_id != project.owner_unit_id, Project.deleted_at.is_(None),
               Submission.kind == SubmissionKind.PROJECT)
        .execution_options(**ALL_UNITS)  # the other unit's project is out of the submitter's sight
        .order_by(Project.id)
    ).unique()
    key = name_key(project.name)
    for other in others:
        if other.id in related or other.increase_of_id == project.id:
            continue
        if SequenceMatcher(None, key, name_key(other.name)).ratio() >= SIMILAR_NAMES:
            return other
    return None


def _record(session: Session, kind: SubmissionKind, ref: str):
    return get_project(session, ref) if kind == SubmissionKind.PROJECT else get_event(session, ref)


def _all(session: Session, kind: SubmissionKind, record_id: int) -> list[Submission]:
    column = Submission.project_id if kind == SubmissionKind.PROJECT else Submission.event_id
    return list(session.scalars(select(Submission).where(Submission.kind == kind, column == record_id)
                                .order_by(Submission.id)))


def _latest(session: Session, kind: SubmissionKind, record_id: int) -> Submission | None:
    rows = _all(session, kind, record_id)
    return rows[-1] if rows else None


def _check_day(kind: SubmissionKind, record, on: dt.date, today: dt.date, latest: Submission | None) -> None:
    if kind == SubmissionKind.SUMMARY:
        check_summary(on, today, record.starts_on, record.ends_on, record.date_fixed)
    else:
        check_not_future(on, today)
    if kind == SubmissionKind.PROJECT:
        if record.signed_on is None:
            raise RuleViolation("submit_unsigned", ref=record.ref)
        check_not_before(on, pick("上报日期", "submission date"), record.signed_on, pick("签约日期", "signing date"))
    if latest is not None:
        check_not_before(on, pick("上报日期", "submission date"), latest.decided_on, pick("退回日期", "return date"))


def _row(submission: Submission) -> QueueRow:
    record = submission.project if submission.kind == SubmissionKind.PROJECT else submission.event
    title = record.name if submission.kind == SubmissionKind.PROJECT else record.title
    return QueueRow(
        kind=submission.kind.value, ref=record.ref, title=title, unit=submission.unit.name,
        submitted_at=submission.submitted_on.isoformat(), status=status_of(submission), reason=submission.reason,
        # The other unit's project may be out of the reader's sight: its ref and name as noted.
        duplicate_of=submission.duplicate_hint if submission.outcome is None else None,
    )
