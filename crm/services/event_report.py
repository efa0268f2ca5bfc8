"""What an event's summary package and work plan report, as data: the event and the meetings it holds,
the programme it belongs to, its invitations (the invitee list and the counts by category × status), the
projects signed there and the follow-up they have had since. Shared by `crm export event|summary|plan`
(workbooks and Word documents) and the TUI's export dialog."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    Contact,
    Event,
    FollowUp,
    Invitation,
    InvitationStatus,
    Organization,
    OrgKind,
    Project,
)

from crm.labels import category_label, org_kind_label
from crm.services import events as event_service
from crm.services.in_effect import rows_in_effect
from crm.services.snapshot import ProjectState, project_states


@dataclass(frozen=True)
class Invitee:
    event_id: int
    name: str | None  # None while the person is still 待定
    organization: str | None
    title: str | None
    mobile: str | None
    phone: str | None
    email: str | None
    category: str  # its display label (跨国公司 …, or the list's own word)
    status: InvitationStatus
    notes: str | None


@dataclass
class EventReport:
    event: Event
    scope: list[Event]  # the event, then the meetings it holds
    as_of: dt.date
    invitees: list[Invitee]
    categories: list[str]  # display order
    counts: Counter  # (category, status) -> invitations
    projects: list[ProjectState]
    # The programme the event is listed in (its own, else its activity's): the documents cite it.
    programme_title: str | None = None
    document_no: str | None = None  # the programme's 文号
    # Follow-ups recorded by the as-of date, per signed project (project id -> count; absent = none).
    followups: Counter = field(default_factory=Counter)

    @property
    def titles(self) -> dict[int, str]:
        return {e.id: e.title for e in self.scope}

    def count(self, status: InvitationStatus, category: str | None = None) -> int:
        if category is None:
            return sum(n for (_, s), n in self.counts.items() if s == status)
        return self.counts[(category, status)]


def scope_of(event: Event) -> list[Event]:
    """The event and every meeting under it, in programme order."""
    found = [event]
    for child in sorted(event.children, key=lambda e: (e.position, e.id)):
        if child.deleted_at is None:
            found.extend(scope_of(child))
    return found


def event_report(session: Session, ref: str, as_of: dt.date, *, today: dt.date | None = None) -> EventReport:
    """As of a day before `today`, the invitations are those that existed at the end of that day, each
    with the status it had then (the audit trail tells what changed since); otherwise as they are now."""
    event = event_service.get_event(session, ref)
    scope = scope_of(event)
    ids = [e.id for e in scope]
    invitees = _invitees(session, ids, _end_of(as_of) if today is not None and as_of < today else None)
    order = _category_order()
    categories = sorted({i.category for i in invitees}, key=lambda c: (order.get(c, len(order)), c))
    rank = {c: i for i, c in enumerate(categories)}
    invitees.sort(key=lambda i: (rank[i.category], i.organization or "", i.name or "", i.event_id))
    project_ids = list(session.scalars(
        select(Project.id).where(Project.signing_event_id.in_(ids), Project.deleted_at.is_(None))
    ))
    projects = [s for s in project_states(session, as_of, project_ids) if s.signed] if project_ids else []
    projects.sort(key=lambda s: (s.signed_on, s.ref))
    programme = event.programme or (event.parent.programme if event.parent is not None else None)
    if programme is not None and programme.deleted_at is not None:
        programme = None
    return EventReport(
        event=event,
        scope=scope,
        as_of=as_of,
        invitees=invitees,
        categories=categories,
        counts=Counter((i.category, i.status) for i in invitees),
        projects=projects,
        programme_title=programme.title if programme is not None else None,
        document_no=programme.document_no if programme is not None else None,
        followups=_followups(session, [p.id for p in projects], as_of),
    )


def _followups(session: Session, project_ids: list[int], as_of: dt.date) -> Counter:
    """How many follow-ups each project has had by `as_of`, corrections applied as they stood then."""
    counts: Counter = Counter()
    for start in range(0, len(project_ids), 5000):
        counts.update(dict(session.execute(
            select(FollowUp.project_id, func.count())
            .where(FollowUp.project_id.in_(project_ids[start:start + 5000]), FollowUp.happened_on <= as_of,
                   rows_in_effect(FollowUp, as_of))
            .group_by(FollowUp.project_id)
        ).all()))
    return counts


def _category_order() -> dict[str, int]:
    """Our organization kinds first, in their order; words of the lists after them; 未分类 last."""
    order = {org_kind_label(kind): i for i, kind in enumerate(OrgKind)}
    order[category_label(None)] = len(order) + 1
    return order


def _end_of(day: dt.date) -> dt.datetime:
    """The end of a day on this computer's clock, as the moment stamps are compared with."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone().astimezone(dt.timezone.utc)


def _invitees(session: Session, event_ids: list[int], known_at: dt.datetime | None) -> list[Invitee]:
    organization_id = func.coalesce(Invitation.organization_id, Contact.organization_id)
    query = (
        select(
            Invitation.id, Invitation.event_id, Contact.name, Organization.name, Contact.title, Contact.mobile,
            Contact.phone, Contact.email, Invitation.category, Organization.kind, Invitation.status, Invitation.notes,
        )
        .outerjoin(Contact, Invitation.contact_id == Contact.id)
        .outerjoin(Organization, Organization.id == organization_id)
        .where(Invitation.event_id.in_(event_ids))
        .order_by(Invitation.id)
    )
    if known_at is None:
        query = query.where(Invitation.deleted_at.is_(None))
    else:
        query = query.where(Invitation.created_at <= known_at,
                            or_(Invitation.deleted_at.is_(None), Invitation.deleted_at > known_at))
    rows = session.execute(query).all()
    then = _statuses_then(session, [r[0] for r in rows], known_at) if known_at is not None else {}
    return [
        Invitee(event_id, name, organization, title, mobile, phone, email,
                category_label(category or (kind.value if kind else None)), then.get(invitation_id, status), notes)
        for invitation_id, event_id, name, organization, title, mobile, phone, email, category, kind, status, notes
        in rows
    ]


def _statuses_then(session: Session, invitation_ids: list[int], known_at: dt.datetime) -> dict[int, InvitationStatus]:
    """The status each invitation had at `known_at`: the old value of its first status change after it."""
    then: dict[int, InvitationStatus] = {}
    for start in range(0, len(invitation_ids), 5000):
        changes = session.execute(
            select(AuditEntry.entity_id, AuditEntry.old_value)
            .where(AuditEntry.entity == "invitations", AuditEntry.field == "status", AuditEntry.at > known_at,
                   AuditEntry.entity_id.in_(invitation_ids[start:start + 5000]))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        for invitation_id, old in changes:
            if invitation_id not in then and old:
                then[invitation_id] = InvitationStatus(old)
    return then
