"""The invitee list of one event: listing with filters, status changes for a selection of rows, and
contacts added or removed by hand."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Contact, Invitation, InvitationStatus, Organization, OrgKind

from crm.errors import EXIT_ROWS_REJECTED, CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.labels import invitation_status_label
from crm.normalize import name_key
from crm.rules import invitations as rules
from crm.services.editing import check_version, restore, soft_delete
from crm.services.events import get_event
from crm.services.search import ContactFilters, search_contacts
from crm.rules.scope import owner_of_invitation
from crm.services.values import row_id, shown


@dataclass
class InvitationRow:
    id: int
    contact_id: int | None
    name: str | None  # None: an organization-level entry, the person still to be named (待定)
    organization_id: int | None
    organization: str | None
    org_kind: str | None
    title: str | None
    mobile: str | None
    email: str | None
    status: str
    category: str | None
    notes: str | None
    version: int

    def as_dict(self) -> dict:
        return asdict(self)


def list_invitations(
    session: Session,
    event_ref: str,
    *,
    statuses: Iterable[InvitationStatus] = (),
    org_kind: OrgKind | None = None,
    category: str | None = None,
    query: str | None = None,
) -> list[InvitationRow]:
    """The event's live invitations, by organization then name; `query` is the contact search
    (names, pinyin, mobiles …) narrowed to this event."""
    event = get_event(session, event_ref)
    org = aliased(Organization)
    stmt = (
        select(Invitation, Contact, org)
        .outerjoin(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(org, org.id == Invitation.organization_id)
        .where(Invitation.event_id == event.id, Invitation.deleted_at.is_(None))
        .order_by(org.name_key, Contact.id.is_(None), Contact.name_key, Invitation.id)
    )
    statuses = [InvitationStatus(s) for s in statuses]
    if statuses:
        stmt = stmt.where(Invitation.status.in_(statuses))
    if org_kind:
        stmt = stmt.where(org.kind == OrgKind(org_kind))
    if category:
        stmt = stmt.where(Invitation.category == category)
    rows = session.execute(stmt).all()
    if query and query.strip():
        wanted = {hit.id for hit in search_contacts(
            session, query, limit=max(len(rows), 1), filters=ContactFilters(event_id=event.id)
        )}
        key = name_key(query)
        rows = [
            r for r in rows
            if (r.Contact is not None and r.Contact.id in wanted)
            or (r.Contact is None and r[2] is not None and key in r[2].name_key)
        ]
    return [_row(invitation, contact, organization) for invitation, contact, organization in rows]


def _row(invitation: Invitation, contact: Contact | None, organization: Organization | None) -> InvitationRow:
    return InvitationRow(
        id=invitation.id,
        contact_id=contact.id if contact else None,
        name=contact.name if contact else None,
        organization_id=organization.id if organization else None,
        organization=organization.name if organization else None,
        org_kind=organization.kind.value if organization else None,
        title=contact.title if contact else None,
        mobile=contact.mobile if contact else None,
        email=contact.email if contact else None,
        status=invitation.status.value,
        category=invitation.category,
        notes=invitation.notes,
        version=invitation.version,
    )


@dataclass
class StatusChangePlan:
    status: str
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # already at that status
    refused: list[dict] = field(default_factory=list)  # {"id", "status", "reason"}

    def as_dict(self) -> dict:
        return asdict(self)


class StatusChangeRefused(CrmError):
    exit_code = EXIT_ROWS_REJECTED

    def __init__(self, plan: StatusChangePlan) -> None:
        first = plan.refused[0]
        super().__init__(
            "invitation_status_refused", count=len(plan.refused), id=first["id"],
            current=invitation_status_label(first["status"]), target=invitation_status_label(plan.status),
        )
        self.plan = plan


def plan_status_change(
    session: Session,
    event_ref: str,
    invitation_ids: Iterable[int],
    status: InvitationStatus | str,
    *,
    expected_versions: Mapping[int, int] | None = None,
) -> StatusChangePlan:
    """What change_status would do, without doing it (the TUI asks before leaving refused rows)."""
    return _plan(session, event_ref, invitation_ids, status, expected_versions)[0]


def _plan(session, event_ref, invitation_ids, status, expected_versions) -> tuple[StatusChangePlan, dict[int, Invitation]]:
    event = get_event(session, event_ref)
    target = InvitationStatus(status)
    ids = list(dict.fromkeys(row_id(i, "unknown_invitation", id=shown(i), event=event.ref) for i in invitation_ids))
    invitations = {
        inv.id: inv for inv in session.scalars(
            select(Invitation).where(
                Invitation.id.in_(ids), Invitation.event_id == event.id, Invitation.deleted_at.is_(None)
            )
        )
    }
    missing = [i for i in ids if i not in invitations]
    if missing:
        raise NotFound("unknown_invitation", id=missing[0], event=event.ref)
    plan = StatusChangePlan(target.value)
    for invitation_id in ids:
        invitation = invitations[invitation_id]
        if expected_versions and invitation_id in expected_versions:
            check_version(invitation, expected_versions[invitation_id], f"#{invitation_id}")
        reason = rules.refusal(invitation.status, target)
        if reason:
            plan.refused.append({"id": invitation_id, "status": invitation.status.value, "reason": reason})
        elif invitation.status == target:
            plan.unchanged.append(invitation_id)
        else:
            plan.changed.append(invitation_id)
    return plan, invitations


def change_status(
    session: Session,
    event_ref: str,
    invitation_ids: Iterable[int],
    status: InvitationStatus | str,
    *,
    skip_refused: bool = False,
    expected_versions: Mapping[int, int] | None = None,
) -> StatusChangePlan:
    """Move the selected invitations of the event to `status`. A row the status flow does not allow
    (e.g. attended → invited) refuses the whole change unless skip_refused, which leaves such rows
    as they are. expected_versions (id → version the user saw) refuses edits to rows changed since."""
    plan, invitations = _plan(session, event_ref, invitation_ids, status, expected_versions)
    if plan.refused and not skip_refused:
        raise StatusChangeRefused(plan)
    for invitation_id in plan.changed:
        invitations[invitation_id].status = InvitationStatus(status)
    session.flush()
    return plan


# --- by hand --------------------------------------------------------------------------------------

BY_HAND_STATUSES = (InvitationStatus.PROPOSED, InvitationStatus.INVITED)


@dataclass
class InvitationsAdded:
    added: list[int] = field(default_factory=list)  # new invitation ids
    already: list[int] = field(default_factory=list)  # contact ids already on the list (left as they are)
    restored: list[int] = field(default_factory=list)  # ids of removed invitations brought back

    def as_dict(self) -> dict:
        return asdict(self)


def add_invitations(
    session: Session, event_ref: str, contact_ids: Iterable[int], *,
    status: InvitationStatus | str = InvitationStatus.PROPOSED,
) -> InvitationsAdded:
    """Put live contacts on the event's list as proposed (拟邀请) or invited. A contact already on it is
    reported, not added twice; a removed invitation of the same pair is brought back (at `status` where
    the status flow allows, else as it was). An unknown or deleted contact refuses the whole addition."""
    event = get_event(session, event_ref)
    target = InvitationStatus(status)
    if target not in BY_HAND_STATUSES:
        raise CrmError("invitation_add_status")
    ids = list(dict.fromkeys(row_id(i, "unknown_contact", id=shown(i)) for i in contact_ids))
    contacts = {c.id: c for c in session.scalars(
        select(Contact).where(Contact.id.in_(ids), Contact.deleted_at.is_(None))
    )}
    missing = [i for i in ids if i not in contacts]
    if missing:
        raise NotFound("unknown_contact", id=missing[0])
    known = {i.contact_id: i for i in session.scalars(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.contact_id.in_(ids))
    )}
    result = InvitationsAdded()
    for contact_id in ids:
        invitation = known.get(contact_id)
        if invitation is None:
            invitation = Invitation(event=event, contact=contacts[contact_id],
                                    organization_id=contacts[contact_id].organization_id, status=target,
                                    owner_unit_id=owner_of_invitation(session, event.owner_unit_id))
            session.add(invitation)
            session.flush()
            result.added.append(invitation.id)
        elif invitation.deleted_at is None:
            result.already.append(contact_id)
        else:
            if rules.refusal(invitation.status, target) is None:
                invitation.status = target
            restore(session, invitation, note=pick("重新加入邀请名单", "put on the list again"))
            result.restored.append(invitation.id)
    return result


def remove_invitations(
    session: Session, event_ref: str, invitation_ids: Iterable[int], *, reason: str | None = None,
    expected_versions: Mapping[int, int] | None = None,
) -> list[int]:
    """Take proposed invitations off the event's list (soft-deleted, audited; adding the contact again
    brings one back). Any other status refuses the whole removal: a guest who is not coming declines."""
    event = get_event(session, event_ref)
    ids = list(dict.fromkeys(row_id(i, "unknown_invitation", id=shown(i), event=event.ref) for i in invitation_ids))
    invitations = {i.id: i for i in session.scalars(
        select(Invitation).where(Invitation.id.in_(ids), Invitation.event_id == event.id,
                                 Invitation.deleted_at.is_(None))
    )}
    missing = [i for i in ids if i not in invitations]
    if missing:
        raise NotFound("unknown_invitation", id=missing[0], event=event.ref)
    for invitation_id in ids:
        invitation = invitations[invitation_id]
        if invitation.status != InvitationStatus.PROPOSED:
            raise RuleViolation("invitation_remove_not_proposed", id=invitation_id, event=event.ref,
                                status=invitation_status_label(invitation.status))
        if expected_versions and invitation_id in expected_versions:
            check_version(invitation, expected_versions[invitation_id], f"#{invitation_id}")
    for invitation_id in ids:
        soft_delete(session, invitations[invitation_id],
                    reason=reason or pick("移出拟邀请名单", "taken off the proposed list"))
    return ids
