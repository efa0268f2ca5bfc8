"""Events: the programme tree, deadlines per event, fixing dates and marking plans/summaries filed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import (
    DatePrecision,
    Event,
    EventIndustry,
    EventOrganizer,
    EventQuota,
    OrganizerRole,
    SubmissionKind,
)

from crm.errors import NotFound
from crm.i18n import pick
from crm.rules import deadlines
from crm.rules.dates import (
    check_not_before,
    check_summary_after_event,
)
from crm.rules.events import check_meeting_in_activity
from crm.rules.when import When, when_text
from crm.services.values import shown

ROLE_KEYS = {
    OrganizerRole.HOST: "hosts",
    OrganizerRole.CO_HOST: "co_hosts",
    OrganizerRole.SUPPORT: "supporters",
    OrganizerRole.COORDINATOR: "coordinators",
}


def _loaded():
    return (
        selectinload(Event.organizers).selectinload(EventOrganizer.unit),
        selectinload(Event.industry_links).selectinload(EventIndustry.industry),
        selectinload(Event.quotas).selectinload(EventQuota.industry),
        selectinload(Event.region),
        selectinload(Event.parent),
        # An activity's page and plan list its meetings with their own organizers and place.
        selectinload(Event.children).selectinload(Event.organizers).selectinload(EventOrganizer.unit),
        selectinload(Event.children).selectinload(Event.region),
        selectinload(Event.programme),
    )


def list_events(session: Session, *, programme_id: int | None = None) -> list[Event]:
    """Every live event (of one programme), in programme order (parents before their meetings)."""
    query = select(Event).where(Event.deleted_at.is_(None)).options(*_loaded()).order_by(Event.id)
    if programme_id is not None:
        query = query.where(Event.programme_id == programme_id)
    return _tree_order(list(session.scalars(query).all()))


def _tree_order(events: list[Event]) -> list[Event]:
    by_parent: dict[int | None, list[Event]] = {}
    for e in events:
        by_parent.setdefault(e.parent_id, []).append(e)
    ordered: list[Event] = []

    def walk(parent_id: int | None) -> None:
        for e in sorted(by_parent.get(parent_id, []), key=lambda e: (e.programme_id or 0, e.position, e.id)):
            ordered.append(e)
            walk(e.id)

    walk(None)
    return ordered


def get_event(session: Session, ref: str) -> Event:
    event = session.scalar(
        select(Event).where(Event.ref == (ref or "").strip(), Event.deleted_at.is_(None)).options(*_loaded())
    )
    if event is None:
        raise NotFound("unknown_event", ref=shown(ref))
    return event


def free_event_ref(session: Session, event_id: int) -> str:
    """E0017 for the event of id 17 (events made by hand, copied or imported)."""
    ref = f"E{event_id:04d}"
    while session.scalar(select(Event.id).where(Event.ref == ref, Event.id != event_id)) is not None:
        ref += "X"  # a ref given by other means long ago; numbering alone never comes back to it
    return ref


def is_meeting(event: Event) -> bool:
    """Plans and summaries are filed per meeting: an event that holds no further meetings."""
    return not event.children


def plan_due(event: Event) -> dt.date | None:
    """None while the event's time is 待定."""
    if event.date_precision == DatePrecision.UNKNOWN:
        return None
    return deadlines.plan_due(event.level, event.starts_on)


def summary_due(event: Event) -> dt.date | None:
    if event.date_precision == DatePrecision.UNKNOWN:
        return None
    return deadlines.summary_due(event.ends_on)


def units_by_role(event: Event) -> dict[str, list[str]]:
    result = {key: [] for key in ROLE_KEYS.values()}
    for organizer in event.organizers:
        result[ROLE_KEYS[organizer.role]].append(organizer.unit.name)
    return result


def event_dict(event: Event) -> dict:
    """The stable JSON form of an event (`crm events list --json`)."""
    return {
        "ref": event.ref,
        "title": event.title,
        "programme": event.programme.code if event.programme else None,
        "parent": event.parent.ref if event.parent else None,
        "programme_group": event.programme_group,
        "level": event.level.value,
        "kind": event.kind.value,
        "city": event.region.name if event.region else None,
        "venue": event.venue,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "date_fixed": event.date_fixed,
        "date_precision": event.date_precision.value,
        "when": when_text(When(event.starts_on, event.ends_on, event.date_precision)),
        "planned_scale": event.planned_scale,
        **units_by_role(event),
        "industries": [i.name for i in event.industries],
        "invitee_types": list(event.invitee_types or []),
        "notes": event.description,
        "quotas": [
            {"industry": q.industry.name if q.industry else None, "min": q.min_projects, "max": q.max_projects}
            for q in event.quotas
        ],
        # An activity holding meetings files nothing itself: its meetings have the deadlines.
        "plan_due": _iso(plan_due(event)) if is_meeting(event) else None,
        "summary_due": _iso(summary_due(event)) if is_meeting(event) else None,
        "plan_submitted_on": event.plan_submitted_on.isoformat() if event.plan_submitted_on else None,
        "summary_submitted_on": event.summary_submitted_on.isoformat() if event.summary_submitted_on else None,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def event_when(event: Event) -> When:
    return When(event.starts_on, event.ends_on, event.date_precision)


def check_event_time(session: Session, event: Event | None, title: str, when: When, parent: Event | None, *,
                     coming: Mapping[int, When | None] | None = None) -> None:
    """The time an event is given (`event` None: a new one, called `title`) against the activity it is
    held in and the meetings it holds (crm.rules.events): one check for `crm events add|edit|fix-date`,
    the workbench's forms and the programme import. `coming`: the times other events are about to take
    in the same import or undo, by id (None: the event goes), so that an activity moved with its meetings
    in one table is judged as it will stand."""
    coming = coming or {}

    def time_of(other: Event) -> When | None:
        return coming[other.id] if other.id in coming else event_when(other)

    if parent is not None and (parent_when := time_of(parent)) is not None:
        check_meeting_in_activity(title, when, parent.ref, parent_when)
    if event is None or event.id is None:
        return
    for meeting in event.children:
        if meeting.deleted_at is None and (meeting_when := time_of(meeting)) is not None:
            check_meeting_in_activity(meeting.title, meeting_when, event.ref, when)


def fix_date(session: Session, ref: str, starts_on: dt.date, ends_on: dt.date | None = None) -> Event:
    """The event's exact days. A summary already filed stays after the event: days that end after it are
    refused (crm.rules.dates); so are days outside its activity's and days that leave one of its meetings
    outside them (check_event_time)."""
    event = get_event(session, ref)
    ends_on = ends_on or starts_on
    check_not_before(ends_on, pick("结束日期", "last day"), starts_on, pick("开始日期", "first day"))
    if event.summary_submitted_on is not None:
        check_summary_after_event(event.summary_submitted_on, starts_on, ends_on, True)
    check_event_time(session, event, event.title, When(starts_on, ends_on, DatePrecision.DAY), event.parent)
    event.starts_on, event.ends_on = starts_on, ends_on
    event.date_precision = DatePrecision.DAY
    session.flush()
    return event


def mark_plan_submitted(session: Session, ref: str, on: dt.date, *, today: dt.date | None = None,
                        actor=None) -> Event:
    """The work plan was submitted (上报) on `on` (crm.services.submissions)."""
    from crm.services.submissions import submit

    return submit(session, SubmissionKind.PLAN, ref, on=on, today=today, actor=actor).event


def mark_summary_submitted(session: Session, ref: str, on: dt.date, *, today: dt.date | None = None,
                           actor=None) -> Event:
    """The summary was submitted (上报) on `on`: not before the event can have ended."""
    from crm.services.submissions import submit

    return submit(session, SubmissionKind.SUMMARY, ref, on=on, today=today, actor=actor).event
