"""Programmes: a year's plan of events (活动方案) with its title, year, 文号 and issuing unit; copying
last year's structure into a new year."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Event, EventOrganizer, EventQuota, Programme

from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.rules.when import FIRST_YEAR, LAST_YEAR, When, moved_to_year
from crm.services.editing import update_fields
from crm.services.events import free_event_ref, list_events
from crm.services.values import text_for


def get_programme(session: Session, ref: str) -> Programme:
    programme = session.scalar(select(Programme).where(Programme.code == (ref or "").strip(),
                                                       Programme.deleted_at.is_(None)))
    if programme is None:
        raise NotFound("unknown_programme", ref=ref)
    return programme


def parse_year(value: object) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise CrmError("bad_year", value=value)
    return int(text)


def add_programme(session: Session, *, year: object, title: str, document_no: str | None = None,
                  issuing_unit: str | None = None, notes: str | None = None) -> Programme:
    from crm.services.reference import find_or_add_unit

    year = parse_year(year)
    title = text_for(Programme.__table__.c.title, title, pick("方案名称", "title"), required=True)
    same = session.scalar(select(Programme).where(Programme.year == year, Programme.title == title,
                                                  Programme.deleted_at.is_(None)))
    if same is not None:
        raise RuleViolation("programme_exists", year=year, ref=same.code)
    programme = Programme(
        code=_free_code(session, year), year=year, title=title,
        document_no=text_for(Programme.__table__.c.document_no, document_no, pick("文号", "document number")),
        issuing_unit=find_or_add_unit(session, issuing_unit) if issuing_unit else None,
        notes=text_for(Programme.__table__.c.notes, notes, pick("备注", "notes")),
    )
    session.add(programme)
    session.flush()
    return programme


def edit_programme(session: Session, ref: str, changes: dict[str, object], *, version: int | None = None) -> Programme:
    """Change title, year, document_no, issuing_unit or notes (as typed; "" clears an optional one)."""
    from crm.services.reference import find_or_add_unit

    programme = get_programme(session, ref)
    columns: dict[str, object] = {}
    for name, value in changes.items():
        if name == "title":
            columns["title"] = text_for(Programme.__table__.c.title, value, pick("方案名称", "title"), required=True)
        elif name == "year":
            columns["year"] = parse_year(value)
        elif name == "document_no":
            columns["document_no"] = text_for(Programme.__table__.c.document_no, value, pick("文号", "document number"))
        elif name == "issuing_unit":
            columns["issuing_unit_id"] = find_or_add_unit(session, value).id if (value or "").strip() else None
        elif name == "notes":
            columns["notes"] = text_for(Programme.__table__.c.notes, value, pick("备注", "notes"))
        else:
            raise CrmError("field_not_editable", field=name)
    return update_fields(session, programme, version, columns)


def list_programmes(session: Session) -> list[tuple[Programme, int]]:
    counts = dict(session.execute(
        select(Event.programme_id, func.count()).where(Event.deleted_at.is_(None)).group_by(Event.programme_id)).all())
    programmes = session.scalars(select(Programme).where(Programme.deleted_at.is_(None))
                                 .order_by(Programme.year.desc(), Programme.id))
    return [(p, counts.get(p.id, 0)) for p in programmes]


def programme_dict(programme: Programme, events: int) -> dict:
    return {
        "ref": programme.code, "year": programme.year, "title": programme.title, "events": events,
        "document_no": programme.document_no, "issued_on": programme.issued_on.isoformat() if programme.issued_on else None,
        "issuing_unit": programme.issuing_unit.name if programme.issuing_unit else None, "notes": programme.notes,
        "version": programme.version,
    }


def copy_programme(session: Session, ref: str, *, year: object, title: str | None = None) -> Programme:
    """Last year's structure into a new programme: groups, activities and meetings, organizers, scales,
    industries, invitee types and quotas; times moved to the new year and never fixed; no invitations,
    no projects, nothing filed."""
    source = get_programme(session, ref)
    year = parse_year(year)
    new_title = title or _title_for_year(source.title, source.year, year)
    target = add_programme(session, year=year, title=new_title,
                           issuing_unit=source.issuing_unit.name if source.issuing_unit else None)
    copies: dict[int, Event] = {}
    for event in list_events(session, programme_id=source.id):  # parents before their meetings
        when = moved_to_year(When(event.starts_on, event.ends_on, event.date_precision), year)
        copy = Event(
            ref=f"TMP-{uuid.uuid4().hex[:20]}", title=event.title, programme=target,
            programme_group=event.programme_group, parent=copies.get(event.parent_id), position=event.position,
            level=event.level, kind=event.kind, region_id=event.region_id, owner_unit_id=event.owner_unit_id,
            venue=event.venue,
            starts_on=when.starts_on, ends_on=when.ends_on, date_precision=when.precision,
            planned_scale=event.planned_scale, invitee_types=list(event.invitee_types or []),
            description=event.description, industries=list(event.industries),
        )
        session.add(copy)
        copy.organizers = [EventOrganizer(unit_id=o.unit_id, role=o.role, position=o.position) for o in event.organizers]
        copy.quotas = [EventQuota(industry_id=q.industry_id, min_projects=q.min_projects, max_projects=q.max_projects)
                       for q in event.quotas]
        session.flush()  # one at a time: the copies are numbered in the programme's order
        copy.ref = free_event_ref(session, copy.id)
        copies[event.id] = copy
    session.flush()
    return target


def _title_for_year(title: str, old_year: int, new_year: int) -> str:
    return title.replace(str(old_year), str(new_year)) if str(old_year) in title else f"{new_year}年{title}"


def _free_code(session: Session, year: int) -> str:
    taken = set(session.scalars(select(Programme.code).where(Programme.code.like(f"{year}%"))))
    code, n = str(year), 1
    while code in taken:
        n += 1
        code = f"{year}-{n}"
    return code
