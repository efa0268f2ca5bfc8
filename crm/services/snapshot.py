"""Projects as they stood on an as-of date, loaded in a few set-based queries (shared by the KPI
report, the warnings and the weekly sheet)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import (
    FigureKind,
    FollowUp,
    Industry,
    Organization,
    Problem,
    Project,
    ProjectFigure,
    ProjectStatus,
    Region,
    Staff,
    Stage,
    StageStep,
    StatusChange,
    Unit,
)

from crm.rules import signals, stages


@dataclass
class ProjectState:
    id: int
    ref: str
    name: str
    industry: str | None
    city: str | None
    signing_event_id: int | None
    signing_form: object
    signed_on: dt.date | None
    converted_on: dt.date | None
    amount: Decimal
    stage: Stage | None  # furthest stage reached by the as-of date
    stage_on: dt.date | None
    status: ProjectStatus  # as of the date
    planned_construction_on: dt.date | None
    planned_production_on: dt.date | None
    funds_in_place: Decimal
    investment_completed: Decimal
    problems_raised: int
    problems_resolved: int
    last_followup_on: dt.date | None
    next_followup_on: dt.date | None
    investor: str | None = None
    responsible_unit: str | None = None
    responsible_staff: str | None = None
    next_step: str | None = None  # written with the latest follow-up

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    def warnings(self, as_of: dt.date) -> list[signals.PlannedDateWarning]:
        if self.status == ProjectStatus.TERMINATED or not self.signed:
            return []
        return signals.planned_date_warnings(self.stage, self.planned_construction_on, self.planned_production_on, as_of)

    def stale(self, as_of: dt.date) -> bool:
        return (
            self.signed
            and self.status != ProjectStatus.TERMINATED
            and signals.followup_is_stale(self.signed_on, self.last_followup_on, as_of)
        )

    def colour(self, as_of: dt.date) -> str:
        return signals.colour(self.status, self.warnings(as_of), self.stale(as_of))


def project_states(session: Session, as_of: dt.date, project_ids: list[int] | None = None) -> list[ProjectState]:
    """Every live project known by as_of (its first step on or before it), as it stood that day."""
    def scoped(query, column):
        return query.where(column.in_(project_ids)) if project_ids is not None else query

    # Plain rows through the connection: the ORM's row handling costs a fifth of the time at 10,000 projects.
    # (Flushed first, as the session's own execute would: pending changes count.)
    session.flush()
    connection = session.connection()

    steps: dict[int, list[stages.Step]] = defaultdict(list)
    for pid, stage, on in connection.execute(
        scoped(
            select(StageStep.project_id, StageStep.stage, StageStep.happened_on)
            .where(StageStep.superseded.is_(False), StageStep.retracted.is_(False), StageStep.happened_on <= as_of)
            .order_by(StageStep.project_id, StageStep.happened_on, StageStep.id),
            StageStep.project_id,
        )
    ).all():
        steps[pid].append(stages.Step(stage, on))

    status: dict[int, ProjectStatus] = {}
    for pid, st in connection.execute(
        scoped(
            select(StatusChange.project_id, StatusChange.status)
            .where(StatusChange.changed_on <= as_of)
            .order_by(StatusChange.project_id, StatusChange.changed_on, StatusChange.id),
            StatusChange.project_id,
        )
    ).all():
        status[pid] = st

    figures: dict[tuple[int, FigureKind], Decimal] = {}
    for pid, kind, amount in connection.execute(
        scoped(
            select(ProjectFigure.project_id, ProjectFigure.kind, ProjectFigure.amount)
            .where(ProjectFigure.reported_on <= as_of)
            .order_by(ProjectFigure.project_id, ProjectFigure.reported_on, ProjectFigure.id),
            ProjectFigure.project_id,
        )
    ).all():
        figures[(pid, kind)] = amount

    problems: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pid, resolved_on in connection.execute(
        scoped(select(Problem.project_id, Problem.resolved_on).where(Problem.raised_on <= as_of), Problem.project_id)
    ).all():
        problems[pid][0] += 1
        problems[pid][1] += resolved_on is not None and resolved_on <= as_of

    followups: dict[int, tuple[dt.date, dt.date | None, str | None]] = {}
    # Each project's latest follow-up (the highest id on the latest day) by an index seek per project:
    # five times cheaper than grouping every follow-up (ix_followups_project_id_happened_on).
    earlier = aliased(FollowUp)
    latest_id = (
        select(earlier.id)
        .where(earlier.project_id == Project.id, earlier.happened_on <= as_of)
        .order_by(earlier.happened_on.desc(), earlier.id.desc())
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
    for pid, last, next_on, next_step in connection.execute(
        select(FollowUp.project_id, FollowUp.happened_on, FollowUp.next_on, FollowUp.next_step)
        .where(FollowUp.id.in_(scoped(select(latest_id).select_from(Project), Project.id)))
    ).all():
        followups[pid] = (last, next_on, next_step)

    # Plain columns rather than Project objects: ten thousand ORM instances cost more than every query here.
    rows = connection.execute(
        scoped(
            select(
                Project.id, Project.ref, Project.name, Project.signing_event_id, Project.signing_form,
                Project.contract_on, Project.contracted_amount, Project.planned_construction_on,
                Project.planned_production_on, Industry.name, Region.name, Organization.name, Unit.name, Staff.name,
            )
            .outerjoin(Industry, Project.industry_id == Industry.id)
            .outerjoin(Region, Project.region_id == Region.id)
            .outerjoin(Organization, Project.investor_id == Organization.id)
            .outerjoin(Unit, Project.responsible_unit_id == Unit.id)
            .outerjoin(Staff, Project.responsible_staff_id == Staff.id)
            .where(Project.deleted_at.is_(None))
            .order_by(Project.id),
            Project.id,
        )
    ).all()
    result = []
    for (pid, ref, name, signing_event_id, signing_form, contract_on, amount, planned_construction_on,
         planned_production_on, industry, city, investor, unit, staff) in rows:
        history = steps.get(pid)
        if not history:
            continue
        signed_step = next((s for s in history if s.stage == Stage.SIGNED), None)
        reached = stages.stage_as_of(history, as_of)
        last, next_on, next_step = followups.get(pid, (None, None, None))
        raised, resolved = problems.get(pid, (0, 0))
        result.append(
            ProjectState(
                id=pid,
                ref=ref,
                name=name,
                industry=industry,
                city=city,
                signing_event_id=signing_event_id,
                signing_form=signing_form,
                signed_on=signed_step.happened_on if signed_step else None,
                converted_on=contract_on if contract_on and contract_on <= as_of else None,
                amount=amount or Decimal(0),
                stage=reached,
                stage_on=max((s.happened_on for s in history if s.stage == reached), default=None),
                status=status.get(pid, ProjectStatus.ACTIVE),
                planned_construction_on=planned_construction_on,
                planned_production_on=planned_production_on,
                funds_in_place=figures.get((pid, FigureKind.FUNDS_IN_PLACE), Decimal(0)),
                investment_completed=figures.get((pid, FigureKind.INVESTMENT_COMPLETED), Decimal(0)),
                problems_raised=raised,
                problems_resolved=resolved,
                last_followup_on=last,
                next_followup_on=next_on,
                investor=investor,
                responsible_unit=unit,
                responsible_staff=staff,
                next_step=next_step,
            )
        )
    return result
