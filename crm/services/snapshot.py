"""Projects as they stood on an as-of date, loaded in one set-based query (shared by the KPI report,
the warnings, the dashboard and the weekly sheet)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session, aliased

from db.models import (
    Currency,
    FigureKind,
    FollowUp,
    Industry,
    MilestoneKind,
    Organization,
    Problem,
    Project,
    ProjectFigure,
    ProjectMilestone,
    ProjectStatus,
    Region,
    Staff,
    Stage,
    StageStep,
    StatusChange,
    Unit,
)
from db.scope import projects_in_scope

from crm.rules import signals, stages
from crm.services.in_effect import rows_in_effect


@dataclass(slots=True)  # ten thousand of them in a report: no per-instance dict
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
    owner_unit_id: int | None = None  # the unit whose project it is (crm.rules.scope)
    started_on: dt.date | None = None  # the day construction began (开工), if it has by the as-of date
    origin: str | None = None  # the investor's: inside | outside (the province) | abroad
    amount_usd: Decimal | None = None  # 万美元, for a project signed in dollars
    milestones: frozenset = frozenset()  # post-landing milestones reached by the as-of date (MilestoneKind)
    increase_of_id: int | None = None  # the project this one is a capital increase (增资) of

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    @property
    def terminated(self) -> bool:  # what the KPIs read (crm.rules.kpi.Facts)
        return self.status == ProjectStatus.TERMINATED

    def warnings(self, as_of: dt.date) -> list[signals.PlannedDateWarning]:
        if self.status == ProjectStatus.TERMINATED or self.signed_on is None:  # not signed
            return []
        return signals.planned_date_warnings(self.stage, self.planned_construction_on, self.planned_production_on, as_of)

    def stale(self, as_of: dt.date) -> bool:
        return (
            self.signed_on is not None  # signed
            and self.status != ProjectStatus.TERMINATED
            and signals.followup_is_stale(self.signed_on, self.last_followup_on, as_of)
        )

    def colour(self, as_of: dt.date) -> str:
        return signals.colour(self.status, self.warnings(as_of), self.stale(as_of))


def project_states(session: Session, as_of: dt.date, project_ids: list[int] | None = None) -> list[ProjectState]:
    """Every live project known by as_of (its first step on or before it), as it stood that day.

    One query, one row per project: SQL gathers what each project's history says by that day (the days
    it reached each stage, its latest status, figures and follow-up, its problem counts, corrections
    applied as they stood then: crm.rules.corrections) by groupings,
    window functions over the small tables and an index seek per project into the follow-ups; which stage
    is the furthest stays the rule's (stages.furthest)."""
    on = StageStep.happened_on
    reached = (
        select(
            StageStep.project_id.label("project_id"),
            func.min(case((StageStep.stage == Stage.SIGNED, on))).label("signed_on"),
            # The last day each stage was reached: the day of the furthest one is the stage's date.
            *(func.max(case((StageStep.stage == stage, on))).label(f"on_{stage.value}") for stage in stages.STAGE_ORDER),
        )
        .where(StageStep.superseded.is_(False), StageStep.retracted.is_(False), on <= as_of)
        .group_by(StageStep.project_id)
    )
    problems = (
        select(
            Problem.project_id.label("project_id"),
            func.count().label("raised"),
            func.count(case((Problem.resolved_on <= as_of, 1))).label("resolved"),
        )
        .where(Problem.raised_on <= as_of, rows_in_effect(Problem, as_of))
        .group_by(Problem.project_id)
    )
    if project_ids is not None:  # a page of 100 projects must not group every step of the database
        reached = reached.where(StageStep.project_id.in_(project_ids))
        problems = problems.where(Problem.project_id.in_(project_ids))
    milestones = (
        select(
            ProjectMilestone.project_id.label("project_id"),
            *(func.max(case((ProjectMilestone.kind == kind, 1), else_=0)).label(kind.value) for kind in MilestoneKind),
        )
        .where(ProjectMilestone.reached_on <= as_of, rows_in_effect(ProjectMilestone, as_of))
        .group_by(ProjectMilestone.project_id)
    )
    if project_ids is not None:
        milestones = milestones.where(ProjectMilestone.project_id.in_(project_ids))
    reached, problems, milestones = reached.subquery(), problems.subquery(), milestones.subquery()

    def latest(model, day, *columns, where=()):
        """Each project's latest row of model on or before as_of (the highest id on the latest day)."""
        ranked = select(
            model.project_id.label("project_id"), *columns,
            func.row_number().over(partition_by=model.project_id, order_by=(day.desc(), model.id.desc())).label("n"),
        ).where(day <= as_of, *where)
        if project_ids is not None:
            ranked = ranked.where(model.project_id.in_(project_ids))
        ranked = ranked.subquery()
        return select(ranked).where(ranked.c.n == 1).subquery()

    last_status = latest(StatusChange, StatusChange.changed_on, StatusChange.status.label("status"))
    last_funds, last_invested = (
        latest(ProjectFigure, ProjectFigure.reported_on, ProjectFigure.amount.label("amount"),
               where=(ProjectFigure.kind == kind, rows_in_effect(ProjectFigure, as_of)))
        for kind in (FigureKind.FUNDS_IN_PLACE, FigureKind.INVESTMENT_COMPLETED)
    )

    def followup_seek(model, *columns):
        return (
            select(*columns)
            .where(model.project_id == Project.id, model.happened_on <= as_of, rows_in_effect(model, as_of))
            .order_by(model.happened_on.desc(), model.id.desc())
            .limit(1)
        )

    # Each project's latest follow-up by an index seek (ix_followups_project_id_happened_on), not a pass
    # over 200,000 of them: a LATERAL join on PostgreSQL (which would otherwise hash them all); SQLite,
    # without LATERAL, joins the row whose id the same seek finds.
    session.flush()  # as the session's own execute would: pending changes count
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        followup = followup_seek(FollowUp, FollowUp.happened_on, FollowUp.next_on, FollowUp.next_step).lateral()
        followup_on = true()
    else:
        earlier = aliased(FollowUp)
        followup = FollowUp.__table__
        followup_on = followup.c.id == followup_seek(earlier, earlier.id).correlate(Project).scalar_subquery()

    query = (
        select(
            Project.id, Project.ref, Project.name, Project.signing_event_id, Project.signing_form,
            Project.contract_on, Project.contracted_amount, Project.planned_construction_on,
            Project.planned_production_on, Industry.name, Region.name, Organization.name, Unit.name, Staff.name,
            Project.owner_unit_id, Organization.origin, Project.currency, Project.amount_usd, Project.increase_of_id,
            *(milestones.c[kind.value] for kind in MilestoneKind),
            last_status.c.status, last_funds.c.amount, last_invested.c.amount,
            problems.c.raised, problems.c.resolved,
            followup.c.happened_on, followup.c.next_on, followup.c.next_step,
            reached.c.signed_on, *(reached.c[f"on_{stage.value}"] for stage in stages.STAGE_ORDER),
        )
        .join(reached, reached.c.project_id == Project.id)
        .outerjoin(problems, problems.c.project_id == Project.id)
        .outerjoin(milestones, milestones.c.project_id == Project.id)
        .outerjoin(last_status, last_status.c.project_id == Project.id)
        .outerjoin(last_funds, last_funds.c.project_id == Project.id)
        .outerjoin(last_invested, last_invested.c.project_id == Project.id)
        .outerjoin(followup, followup_on)
        .outerjoin(Industry, Project.industry_id == Industry.id)
        .outerjoin(Region, Project.region_id == Region.id)
        .outerjoin(Organization, Project.investor_id == Organization.id)
        .outerjoin(Unit, Project.responsible_unit_id == Unit.id)
        .outerjoin(Staff, Project.responsible_staff_id == Staff.id)
        .where(Project.deleted_at.is_(None))
        .order_by(Project.id)
    )
    if project_ids is not None:
        query = query.where(Project.id.in_(project_ids))
    query = projects_in_scope(session, query)

    # Plain rows through the connection, not ORM objects: ten thousand instances cost more than the query.
    # Rows are read as they come (not .all()) and the states built by position: every row kept alive at
    # once, and every keyword, is work for the garbage collector and the interpreter on ten thousand rows.
    order, furthest, zero, active = stages.STAGE_ORDER, stages.furthest, Decimal(0), ProjectStatus.ACTIVE
    started = order.index(Stage.CONSTRUCTION)
    kinds, no_milestones = tuple(MilestoneKind), frozenset()
    kinds_count = len(kinds)
    result = []
    append = result.append
    for (pid, ref, name, signing_event_id, signing_form, contract_on, amount, planned_construction_on,
         planned_production_on, industry, city, investor, unit, staff, owner_unit_id, origin, currency, amount_usd,
         increase_of_id, *rest) in connection.execute(query):
        (status, funds_in_place, investment_completed, raised, resolved, last, next_on, next_step, signed_on,
         *days) = rest[kinds_count:]
        stage = furthest(compress(order, days))  # the stages with a day
        append(ProjectState(
            pid, ref, name, industry, city, signing_event_id, signing_form, signed_on,
            contract_on if contract_on and contract_on <= as_of else None,  # converted_on
            amount or zero,
            stage, days[order.index(stage)],  # stage_on
            status or active,
            planned_construction_on, planned_production_on,
            zero if funds_in_place is None else funds_in_place,
            zero if investment_completed is None else investment_completed,
            raised or 0, resolved or 0,  # problems raised, resolved
            last, next_on,  # last_followup_on, next_followup_on
            investor, unit, staff, next_step, owner_unit_id, days[started],
            origin.value if origin is not None else None,
            amount_usd if currency == Currency.USD else None,
            frozenset(kind for kind, flag in zip(kinds, rest[:kinds_count]) if flag) if any(rest[:kinds_count])
            else no_milestones,
            increase_of_id,
        ))
    return result
