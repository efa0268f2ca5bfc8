"""Merging duplicate contacts: a field-by-field plan, the merge itself, and its undo.

The contact that stays keeps its own values and takes the other's where its own are blank (or where
the user chose the other's); notes are joined. Invitations move over; where both were invited to one
event the two invitations become one with the stronger status (crm.rules.invitations.stronger) and the
other is soft-deleted. The merged-away contact is soft-deleted, never erased. Everything needed to undo
is kept in a ContactMerge row; the audit trail (db.audit) records each change as usual."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Contact, ContactMerge, Invitation, InvitationStatus, Organization, Staff

from crm.errors import NotFound, RuleViolation, StaleEdit
from crm.i18n import pick
from crm.normalize import email_key, mobile_key, name_key
from crm.rules.invitations import stronger
from crm.services.editing import check_version
from crm.services.values import row_id

FIELDS = ("name", "organization_id", "title", "mobile", "phone", "email", "notes")
_FIELD_LABELS = {
    "name": ("姓名", "name"), "organization_id": ("单位", "organization"), "title": ("职务", "title"),
    "mobile": ("手机", "mobile"), "phone": ("电话", "phone"), "email": ("邮箱", "email"), "notes": ("备注", "notes"),
}
KEPT, MERGED, SAME, BOTH = "kept", "merged", "same", "both"
_KEYS = {"name": ("name_key", name_key), "mobile": ("mobile_key", mobile_key), "email": ("email_key", email_key)}
# Invitation fields a combined invitation takes from the other one when its own are blank.
_INVITATION_FILLS = ("category", "notes")


@dataclass
class FieldPlan:
    field: str
    kept: object
    merged: object
    result: object
    source: str  # kept | merged | same | both (notes joined)


@dataclass
class InvitationPlan:
    event_id: int
    event_ref: str
    event_title: str
    merged_invitation: int
    kept_invitation: int | None  # None: the invitation simply moves over
    merged_status: str
    kept_status: str | None
    result_status: str


@dataclass
class MergePlan:
    kept_id: int
    merged_id: int
    kept_name: str
    merged_name: str
    fields: list[FieldPlan]
    invitations: list[InvitationPlan]
    organizations: dict[int, str]  # names of the organizations the plan mentions

    def as_dict(self) -> dict:
        return asdict(self)


def field_label(field: str) -> str:
    return pick(*_FIELD_LABELS[field])


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, row_id(contact_id, "unknown_contact", id=contact_id))
    if contact is None or contact.deleted_at is not None:
        raise NotFound("unknown_contact", id=contact_id)
    return contact


def plan_merge(session: Session, kept_id: int, merged_id: int, *, take: Iterable[str] = ()) -> MergePlan:
    """What merging `merged_id` into `kept_id` would do. `take`: fields whose value comes from the
    merged contact even where the kept one has a value."""
    if int(kept_id) == int(merged_id):
        raise RuleViolation("merge_same_contact", id=kept_id)
    kept, merged = get_contact(session, kept_id), get_contact(session, merged_id)
    take = set(take)
    unknown = take - set(FIELDS)
    if unknown:
        raise RuleViolation("merge_unknown_field", field=sorted(unknown)[0], choices=", ".join(FIELDS))
    fields = [_field_plan(f, getattr(kept, f), getattr(merged, f), f in take) for f in FIELDS]
    org_ids = {v for f in fields if f.field == "organization_id" for v in (f.kept, f.merged) if v}
    organizations = dict(session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all())
    return MergePlan(kept.id, merged.id, kept.name, merged.name, fields, _invitation_plans(session, kept, merged),
                     organizations)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field_plan(name: str, kept, merged, take_merged: bool) -> FieldPlan:
    if kept == merged or _blank(merged):
        return FieldPlan(name, kept, merged, kept, SAME if kept == merged else KEPT)
    if _blank(kept) or take_merged:
        return FieldPlan(name, kept, merged, merged, MERGED)
    if name == "notes":
        return FieldPlan(name, kept, merged, f"{kept}\n{merged}", BOTH)
    return FieldPlan(name, kept, merged, kept, KEPT)


def _invitation_plans(session: Session, kept: Contact, merged: Contact) -> list[InvitationPlan]:
    # The kept contact's invitations, deleted ones too: the unique (event, contact) index counts them.
    kept_by_event = {i.event_id: i for i in session.scalars(select(Invitation).where(Invitation.contact_id == kept.id))}
    plans = []
    for invitation in session.scalars(
        select(Invitation).where(Invitation.contact_id == merged.id, Invitation.deleted_at.is_(None)).order_by(Invitation.id)
    ):
        other = kept_by_event.get(invitation.event_id)
        if other is None:
            result, kept_status = invitation.status, None
        else:
            kept_status = other.status.value
            result = invitation.status if other.deleted_at is not None else stronger(other.status, invitation.status)
        plans.append(InvitationPlan(
            invitation.event_id, invitation.event.ref, invitation.event.title, invitation.id,
            other.id if other is not None else None, invitation.status.value, kept_status, InvitationStatus(result).value,
        ))
    return plans


def merge_contacts(
    session: Session,
    kept_id: int,
    merged_id: int,
    *,
    actor: Staff | None = None,
    take: Iterable[str] = (),
    expected_versions: tuple[int, int] | None = None,
) -> ContactMerge:
    """Carry out plan_merge(kept_id, merged_id, take=take) and record it for undo. expected_versions:
    the versions of both contacts when the user saw the plan (refused if either changed since)."""
    plan = plan_merge(session, kept_id, merged_id, take=take)
    kept, merged = get_contact(session, kept_id), get_contact(session, merged_id)
    if expected_versions:
        check_version(kept, expected_versions[0], kept.name)
        check_version(merged, expected_versions[1], merged.name)
    changed: dict[str, list] = {}
    for step in plan.fields:
        if step.result != step.kept:
            _set(kept, step.field, step.result, changed)
            if step.field in _KEYS:  # the identity key follows its field (crm.normalize is its one rule)
                key_field, make_key = _KEYS[step.field]
                _set(kept, key_field, make_key(step.result), changed)
    moved, combined = [], []
    for step in plan.invitations:
        invitation = session.get(Invitation, step.merged_invitation)
        if step.kept_invitation is None:
            invitation.contact_id = kept.id
            moved.append(invitation.id)
            continue
        other = session.get(Invitation, step.kept_invitation)
        before = {"status": other.status.value, "deleted_at": _iso(other.deleted_at),
                  **{f: getattr(other, f) for f in _INVITATION_FILLS}}
        other.status = InvitationStatus(step.result_status)
        other.deleted_at = None
        for f in _INVITATION_FILLS:
            if _blank(getattr(other, f)) and not _blank(getattr(invitation, f)):
                setattr(other, f, getattr(invitation, f))
        invitation.deleted_at = utcnow()
        combined.append({"kept": other.id, "merged": invitation.id, "before": before})
    merged.deleted_at = utcnow()
    session.flush()
    record = ContactMerge(
        kept_id=kept.id, merged_id=merged.id, staff_id=actor.id if actor else None,
        changes={
            "fields": changed, "moved": moved, "combined": combined, "kept_version": kept.version,
            "combined_versions": {str(c["kept"]): session.get(Invitation, c["kept"]).version for c in combined},
        },
    )
    session.add(record)
    session.flush()
    return record


def _set(contact: Contact, field: str, value, changed: dict[str, list]) -> None:
    old = getattr(contact, field)
    if old != value:
        changed[field] = [old, value]
        setattr(contact, field, value)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def latest_merge_of(session: Session, contact_id: int) -> ContactMerge:
    """The latest merge, not undone, that merged this contact away."""
    record = session.scalar(
        select(ContactMerge)
        .where(ContactMerge.merged_id == row_id(contact_id, "no_merge_to_undo", id=contact_id),
               ContactMerge.undone_at.is_(None))
        .order_by(ContactMerge.id.desc())
    )
    if record is None:
        raise NotFound("no_merge_to_undo", id=contact_id)
    return record


def undo_merge(session: Session, merge_id: int, *, actor: Staff | None = None) -> ContactMerge:
    """Put both contacts back as they were before the merge. Refused when the kept contact or a
    combined invitation changed after the merge: undoing would silently overwrite that change."""
    record = session.get(ContactMerge, row_id(merge_id, "unknown_merge", id=merge_id))
    if record is None:
        raise NotFound("unknown_merge", id=merge_id)
    if record.undone_at is not None:
        raise RuleViolation("merge_already_undone", id=record.id)
    changes = record.changes
    kept = session.get(Contact, record.kept_id)
    merged = session.get(Contact, record.merged_id)
    if kept.version != changes["kept_version"] or kept.deleted_at is not None:
        raise StaleEdit("merge_changed_since", name=kept.name)
    for kept_id, version in changes["combined_versions"].items():
        if session.get(Invitation, int(kept_id)).version != version:
            raise StaleEdit("merge_changed_since", name=kept.name)
    for field, (old, _new) in changes["fields"].items():
        setattr(kept, field, old)
    for invitation_id in changes["moved"]:
        session.get(Invitation, invitation_id).contact_id = merged.id
    for step in changes["combined"]:
        other = session.get(Invitation, step["kept"])
        before = step["before"]
        other.status = InvitationStatus(before["status"])
        other.deleted_at = dt.datetime.fromisoformat(before["deleted_at"]) if before["deleted_at"] else None
        for f in _INVITATION_FILLS:
            setattr(other, f, before[f])
        session.get(Invitation, step["merged"]).deleted_at = None
    merged.deleted_at = None
    record.undone_at = utcnow()
    record.undone_by_id = actor.id if actor else None
    session.flush()
    return record
