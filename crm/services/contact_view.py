"""One contact as the CLI (`crm contacts show --json`) and the TUI's detail screen show it: the person,
their organization, invitations across events, the organization's projects and latest follow-ups."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ContactMerge, Event, FollowUp, Invitation, Project

from crm.services.in_effect import current_rows
from crm.services.merge import get_contact

RECENT_FOLLOWUPS = 20


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def contact_detail(session: Session, contact_id: int) -> dict:
    contact = get_contact(session, contact_id)
    org = contact.organization
    invitations = session.execute(
        select(Invitation, Event)
        .join(Event, Event.id == Invitation.event_id)
        .where(Invitation.contact_id == contact.id, Invitation.deleted_at.is_(None))
        .order_by(Event.starts_on, Event.id)
    ).all()
    projects = list(session.scalars(
        select(Project).where(Project.investor_id == org.id, Project.deleted_at.is_(None)).order_by(Project.ref)
    )) if org else []
    followups = session.execute(
        select(FollowUp, Project.ref)
        .join(Project, Project.id == FollowUp.project_id)
        .where(FollowUp.project_id.in_([p.id for p in projects]), current_rows(FollowUp))
        .order_by(FollowUp.happened_on.desc(), FollowUp.id.desc())
        .limit(RECENT_FOLLOWUPS)
    ).all() if projects else []
    merges = session.scalars(
        select(ContactMerge).where(ContactMerge.kept_id == contact.id).order_by(ContactMerge.id)
    ).all()
    return {
        "id": contact.id,
        "name": contact.name,
        "title": contact.title,
        "mobile": contact.mobile,
        "phone": contact.phone,
        "email": contact.email,
        "notes": contact.notes,
        "version": contact.version,
        "organization": {
            "id": org.id, "name": org.name, "kind": org.kind.value,
            "industry": org.industry.name if org.industry else None, "city": org.region.name if org.region else None,
        } if org else None,
        "invitations": [
            {"id": inv.id, "event": ev.ref, "title": ev.title, "starts_on": _iso(ev.starts_on),
             "status": inv.status.value, "category": inv.category}
            for inv, ev in invitations
        ],
        "projects": [
            {"ref": p.ref, "name": p.name, "stage": p.stage.value, "status": p.status.value,
             "signed_on": _iso(p.signed_on)}
            for p in projects
        ],
        "followups": [
            {"project": ref, "on": _iso(f.happened_on), "kind": f.kind.value, "content": f.content,
             "next_step": f.next_step}
            for f, ref in followups
        ],
        "merged_from": [
            {"merge": m.id, "contact": m.merged_id, "at": _iso(m.merged_at), "undone": m.undone_at is not None}
            for m in merges
        ],
    }
