"""What the workbench shows of events: the programme as a tree (五/四/四 → activities → meetings) and
one event's detail with deadlines, invitations and the projects signed there."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Event, Invitation, InvitationStatus, Programme, Project, ProjectStatus, Stage

from crm.rules import deadlines
from crm.services import events as event_service

# Programme groups in the plan's order: 五 major activities, 四 matchmaking meetings, 四 cooperation meetings.
GROUP_ORDER = ("major", "matchmaking", "cooperation")


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    submitted_on: dt.date | None
    status: str | None  # done | due | overdue, None while still far off


@dataclass
class EventNode:
    ref: str
    title: str
    group: str | None
    starts_on: dt.date
    ends_on: dt.date
    date_fixed: bool
    is_meeting: bool
    plan: Deadline | None  # meetings only: plans and summaries are filed per meeting
    summary: Deadline | None
    children: list[EventNode] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeTree:
    title: str
    groups: list[tuple[str, list[EventNode]]]  # (group, top-level activities)


@dataclass(frozen=True)
class SignedProject:
    ref: str
    name: str
    amount: Decimal | None
    signed_on: dt.date | None
    stage: Stage
    status: ProjectStatus
    increase_of_id: int | None = None  # a capital increase (增资) signed here: its amount counts, not itself


@dataclass(frozen=True)
class EventDetail:
    ref: str
    title: str
    parent: str | None
    level: str
    kind: str
    city: str | None
    venue: str | None
    starts_on: dt.date
    ends_on: dt.date
    date_fixed: bool
    date_precision: str
    planned_scale: int | None
    organizers: dict[str, list[str]]  # hosts / co_hosts / supporters / coordinators
    industries: list[str]
    invitee_types: list[str]
    quotas: list[tuple[str | None, int, int]]  # (industry or None for every industry, min, max)
    description: str | None
    meetings: list[str]  # refs of the meetings it holds
    plan: Deadline | None
    summary: Deadline | None
    invitations_by_status: dict[str, int]
    invitations_by_category: dict[str, int]
    signed_projects: list[SignedProject]
    version: int


def _deadlines(event: Event, as_of: dt.date) -> tuple[Deadline | None, Deadline | None]:
    if not event_service.is_meeting(event):
        return None, None
    plan_due, summary_due = event_service.plan_due(event), event_service.summary_due(event)
    return (
        Deadline(plan_due, event.plan_submitted_on, deadlines.deadline_status(plan_due, event.plan_submitted_on, as_of)),
        Deadline(summary_due, event.summary_submitted_on,
                 deadlines.deadline_status(summary_due, event.summary_submitted_on, as_of)),
    )


def programme_tree(session: Session, as_of: dt.date) -> ProgrammeTree:
    events = event_service.list_events(session)  # parents before their meetings
    nodes: dict[int, EventNode] = {}
    roots: dict[str, list[EventNode]] = {}
    for event in events:
        plan, summary = _deadlines(event, as_of)
        node = EventNode(
            event.ref, event.title, event.programme_group, event.starts_on, event.ends_on, event.date_fixed,
            event_service.is_meeting(event), plan, summary,
        )
        nodes[event.id] = node
        if event.parent_id in nodes:
            nodes[event.parent_id].children.append(node)
        else:
            roots.setdefault(event.programme_group or "", []).append(node)
    order = {group: i for i, group in enumerate(GROUP_ORDER)}
    programme = session.scalar(select(Programme.title).order_by(Programme.id).limit(1))
    return ProgrammeTree(programme or "", sorted(roots.items(), key=lambda item: order.get(item[0], len(order))))


def event_detail(session: Session, ref: str, as_of: dt.date) -> EventDetail:
    """One event; invitations and signed projects include those of the meetings it holds."""
    event = event_service.get_event(session, ref)
    ids = [event.id, *(child.id for child in event.children)]
    by_status: dict[str, int] = {status.value: 0 for status in InvitationStatus}
    by_category: dict[str, int] = {}
    for status, category, count in session.execute(
        select(Invitation.status, Invitation.category, func.count())
        .where(Invitation.event_id.in_(ids), Invitation.deleted_at.is_(None))
        .group_by(Invitation.status, Invitation.category)
    ):
        by_status[status.value] += count
        by_category[category or ""] = by_category.get(category or "", 0) + count
    signed = [
        SignedProject(*row)
        for row in session.execute(
            select(Project.ref, Project.name, Project.contracted_amount, Project.signed_on, Project.stage, Project.status,
                   Project.increase_of_id)
            .where(Project.signing_event_id.in_(ids), Project.deleted_at.is_(None))
            .order_by(Project.signed_on, Project.id)
        )
    ]
    plan, summary = _deadlines(event, as_of)
    return EventDetail(
        ref=event.ref,
        title=event.title,
        parent=event.parent.ref if event.parent else None,
        level=event.level.value,
        kind=event.kind.value,
        city=event.region.name if event.region else None,
        venue=event.venue,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        date_fixed=event.date_fixed,
        date_precision=event.date_precision.value,
        planned_scale=event.planned_scale,
        organizers=event_service.units_by_role(event),
        industries=[industry.name for industry in event.industries],
        invitee_types=list(event.invitee_types or []),
        quotas=[(q.industry.name if q.industry else None, q.min_projects, q.max_projects) for q in event.quotas],
        description=event.description,
        meetings=[child.ref for child in event.children],
        plan=plan,
        summary=summary,
        invitations_by_status=by_status,
        invitations_by_category=dict(sorted(by_category.items())),
        signed_projects=signed,
        version=event.version,
    )
