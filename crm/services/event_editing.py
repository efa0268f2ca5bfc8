"""Events made and changed by hand or from a programme table: one service for `crm events add/edit`,
the workbench's event form and `crm import programme`, so the three store the same values alike.

Fields come as people type them (EventInput: None = not given); times through crm.rules.when, units
found by name or added to the unit list (reported), industries found by name. Deadlines are not
stored: they follow from the level and the time at once (crm.services.events). The unit an event
belongs to follows from its activity, level and city (_owner_due), when it is added and when an edit
changes them."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.audit import note_change
from db.base import utcnow
from db.models import (
    DatePrecision,
    Event,
    EventKind,
    EventLevel,
    EventOrganizer,
    EventQuota,
    Industry,
    Invitation,
    OrganizerRole,
    Programme,
    Region,
    Unit,
)

from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.rules import events as event_rules
from crm.rules.dates import check_summary_after_event
from crm.rules.scope import owner_of_event, who
from crm.rules.when import When, parse_when, when_text
from crm.services.editing import check_version, flush_checked
from crm.services.events import check_event_time, event_when, free_event_ref, get_event
from crm.services.programmes import get_programme
from crm.services.reference import add_industry, find_industry, find_or_add_unit, find_region
from crm.services.values import text_for

ROLES = (
    ("hosts", OrganizerRole.HOST), ("co_hosts", OrganizerRole.CO_HOST),
    ("supporters", OrganizerRole.SUPPORT), ("coordinators", OrganizerRole.COORDINATOR),
)
INVITEE_TYPE_LIMIT = 255
# The fields kept in rows of other tables, as they read before an event has any.
_LIST_NONE = {"hosts": [], "co_hosts": [], "supporters": [], "coordinators": [], "industries": [], "quotas": ""}


@dataclass
class EventInput:
    """An event's fields as typed. None: not given (an edit leaves it); "" or []: cleared."""

    title: str | None = None
    programme: str | None = None  # the programme's ref (2026, 2011-544)
    level: str | EventLevel | None = None  # provincial | city (or 省 / 市); a meeting takes its parent's
    kind: str | EventKind | None = None  # told by the title when not given
    group: str | None = None  # the programme's section the event is listed under
    parent: str | None = None  # the activity holding this meeting (event ref)
    city: str | None = None
    place: str | None = None
    when: object = None  # crm.rules.when forms; a new event without one is 待定
    scale: object = None  # 200, 约200人, 150-200
    hosts: list[str] | None = None
    co_hosts: list[str] | None = None
    supporters: list[str] | None = None
    coordinators: list[str] | None = None
    industries: list[str] | None = None
    invitee_types: list[str] | None = None
    quotas: list[str] | None = None  # 5-8 or 5-8:光伏
    notes: str | None = None

    def given(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


FIELD_LABELS = {
    "programme": ("所属方案", "programme"), "title": ("名称", "title"), "parent": ("所属活动", "parent"),
    "group": ("板块", "group"), "level": ("层级", "level"), "kind": ("类型", "kind"), "city": ("城市", "city"),
    "place": ("地点", "place"), "when": ("时间", "time"), "scale": ("规模", "scale"), "hosts": ("承办", "hosts"),
    "co_hosts": ("协办", "co-hosts"), "supporters": ("配合", "supporters"), "coordinators": ("衔接协调", "coordinators"),
    "industries": ("产业", "industries"), "invitee_types": ("邀请对象", "invitee types"), "quotas": ("项目数要求", "quotas"),
    "notes": ("备注", "notes"),
}


def field_label(name: str) -> str:
    return pick(*FIELD_LABELS.get(name, (name, name)))


@dataclass
class Added:
    """What an add or edit put into the reference lists on the way (reported to the user)."""

    units: list[Unit] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)  # places outside the province, named for the first time
    # None: an unknown industry is refused. A list: it is added to the industry list and collected here
    # (a programme table names industries nobody has entered yet).
    industries: list[Industry] | None = None


def _place(session: Session, name: str, added: Added) -> Region:
    """Where an event is held: a city of the list, or a place outside the province named here for the first
    time (推介会 are held in Shenzhen and Hong Kong too), added as such and reported."""
    try:
        return find_region(session, name)
    except NotFound:
        region = find_region(session, name, create=True)
        added.regions.append(region)
        return region


def find_event(session: Session, programme_id: int, title: str) -> Event | None:
    """The live event of that title in the programme: an event is the same by programme and title."""
    return session.scalar(select(Event).where(
        Event.programme_id == programme_id, Event.title == title, Event.deleted_at.is_(None)))


def add_event(session: Session, data: EventInput, *, added: Added | None = None,
              import_batch_id: int | None = None, coming: Mapping[int, When | None] | None = None) -> Event:
    """A new event; a meeting's time within its activity's (crm.services.events.check_event_time, where
    `coming` is explained)."""
    added = added if added is not None else Added()
    if not data.programme:
        raise CrmError("programme_needed")
    programme = get_programme(session, data.programme)
    title = text_for(Event.__table__.c.title, data.title, pick("活动名称", "title"), required=True)
    existing = find_event(session, programme.id, title)
    if existing is not None:
        raise RuleViolation("event_exists", programme=programme.code, ref=existing.ref, title=title)
    parent = _parent(session, programme, data.parent or None, None)
    level = event_rules.parse_level(str(data.level)) if data.level else (parent.level if parent else None)
    if level is None:
        raise CrmError("empty_field", field=pick("活动层级（--level provincial|city）", "the level (--level provincial|city)"))
    when = parse_when(data.when if data.when not in (None, "") else "待定", year=programme.year)
    check_event_time(session, None, title, when, parent, coming=coming)
    region = _place(session, data.city, added) if data.city else (parent.region if parent else None)
    event = Event(
        ref=f"TMP-{uuid.uuid4().hex[:20]}",
        title=title,
        programme=programme,
        programme_group=_group(data.group, parent),
        parent=parent,
        position=_next_position(session, programme.id, parent),
        level=level,
        kind=event_rules.parse_kind(str(data.kind)) if data.kind else event_rules.kind_from_title(title),
        region=region,
        owner_unit_id=_owner_due(session, (parent, level, region)),
        venue=text_for(Event.__table__.c.venue, data.place, pick("地点", "place")),
        starts_on=when.starts_on,
        ends_on=when.ends_on,
        date_precision=when.precision,
        planned_scale=event_rules.parse_scale(data.scale),
        invitee_types=_invitee_types(data.invitee_types or []),
        description=text_for(Event.__table__.c.description, data.notes, pick("备注", "notes")),
        import_batch_id=import_batch_id,
    )
    session.add(event)
    _set_lists(session, event, data, added, import_batch_id)
    _audit_lists(event, _LIST_NONE, _values(event))
    session.flush()
    event.ref = free_event_ref(session, event.id)
    session.flush()
    return event


def edit_event(session: Session, ref: str, data: EventInput, *, version: int | None = None,
               added: Added | None = None, import_batch_id: int | None = None,
               coming: Mapping[int, When | None] | None = None) -> tuple[Event, list[str]]:
    """Change the given fields; returns the event and the fields that really changed. `version` is the
    one the user's edit started from: an event changed since then is refused. A new time or activity is
    checked against the activity, the meetings and the projects signed at the event (crm.services.events.
    check_event_time, where `coming` is explained)."""
    added = added if added is not None else Added()
    event = get_event(session, ref)
    check_version(event, version)
    programme = event.programme
    before = _values(event)
    placed = _placing(event)
    if data.programme is not None and data.programme != (programme.code if programme else None):
        programme = get_programme(session, data.programme)
        event.programme = programme
    if data.title is not None:
        title = text_for(Event.__table__.c.title, data.title, pick("活动名称", "title"), required=True)
        other = find_event(session, programme.id, title) if programme else None
        if other is not None and other.id != event.id:
            raise RuleViolation("event_exists", programme=programme.code, ref=other.ref, title=title)
        event.title = title
    if data.parent is not None:
        event.parent = _parent(session, programme, data.parent or None, event)
    if data.group is not None:
        event.programme_group = _group(data.group, event.parent)
    if data.level is not None:
        event.level = event_rules.parse_level(str(data.level))
    if data.kind is not None:
        event.kind = event_rules.parse_kind(str(data.kind)) if data.kind else event_rules.kind_from_title(event.title)
    if data.city is not None:
        event.region = _place(session, data.city, added) if data.city else None
    if data.place is not None:
        event.venue = text_for(Event.__table__.c.venue, data.place, pick("地点", "place"))
    if data.when is not None:
        when = parse_when(data.when or "待定", year=programme.year if programme else None)
        if event.summary_submitted_on is not None:  # the summary filed reports the event: it stays after it
            check_summary_after_event(event.summary_submitted_on, when.starts_on, when.ends_on,
                                      when.precision == DatePrecision.DAY)
        event.starts_on, event.ends_on, event.date_precision = when.starts_on, when.ends_on, when.precision
    if data.when is not None or data.parent is not None:
        check_event_time(session, event, event.title, event_when(event), event.parent, coming=coming)
    if data.scale is not None:
        event.planned_scale = event_rules.parse_scale(data.scale)
    if data.invitee_types is not None:
        event.invitee_types = _invitee_types(data.invitee_types)
    if data.notes is not None:
        event.description = text_for(Event.__table__.c.description, data.notes, pick("备注", "notes"))
    _set_lists(session, event, data, added, import_batch_id)
    if _placing(event) != placed:
        with session.no_autoflush:  # the edit and the move are one change of the event: one version
            _follow_placing(session, event, placed)
    after = _values(event)
    changed = [name for name in after if after[name] != before[name]]
    if any(name in changed for name in _LIST_NONE):
        event.updated_at = utcnow()  # the row changes too: its version goes up, the change is in its trail
        _audit_lists(event, before, after)
    flush_checked(session)
    return event, changed


def _placing(event: Event) -> tuple[Event | None, EventLevel, Region | None]:
    """What the unit an event belongs to follows from: its activity, its level, its city."""
    return event.parent, event.level, event.region


def _owner_due(session: Session, placing: tuple[Event | None, EventLevel, Region | None]) -> int:
    """A meeting belongs to its activity's unit; any other event to the unit crm.rules.scope.owner_of_event
    gives (the unit of a city's or park's staff who enter it; else its city's at city level; else the
    province)."""
    parent, level, region = placing
    if parent is not None:
        return parent.owner_unit_id
    return owner_of_event(session, city_level=level == EventLevel.CITY, region_id=region.id if region else None)


def _follow_placing(session: Session, event: Event, placed_before: tuple) -> None:
    """An edit of the event's activity, level or city moves it when the rule now names another unit than
    before it. For staff of a city or park the rule names their own unit either way, so their edits move
    nothing; what would still move an event into or out of their units (a meeting put under, or taken from,
    another unit's activity) is refused them: row-level security would refuse the write on PostgreSQL, and
    on SQLite it would hand over a record they may not give, or take one they may not have."""
    due_before, due = _owner_due(session, placed_before), _owner_due(session, _placing(event))
    if due == due_before or due == event.owner_unit_id:
        return
    scope = who(session)
    if not (scope.may_change(event.owner_unit_id) and scope.may_change(due)):
        raise RuleViolation("event_move_not_yours", ref=event.ref, old=session.get(Unit, event.owner_unit_id).name,
                            unit=session.get(Unit, due).name)
    _move(session, event, due)


def _move(session: Session, event: Event, owner: int) -> None:
    """The event and what follows it go to `owner`: its meetings (and theirs) and the invitations made in
    its name — those of its unit until now, not those another unit made to it (crm.rules.scope.
    owner_of_invitation). Deleted ones too: a restored record is where its event is. Each change is
    audited and version-checked like any edit."""
    old = event.owner_unit_id
    events, todo = [], [event]
    while todo:
        current = todo.pop()
        events.append(current)
        todo.extend(child for child in current.children if child.owner_unit_id == old)
    invitations = session.scalars(select(Invitation).where(
        Invitation.event_id.in_([e.id for e in events]), Invitation.owner_unit_id == old))
    for record in [*events, *invitations]:
        record.owner_unit_id = owner


def when_label(event: Event) -> str:
    return when_text(event_when(event))


def _parent(session: Session, programme: Programme | None, ref: str | None, event: Event | None) -> Event | None:
    if ref is None:
        return None
    parent = get_event(session, ref)
    if programme is None or parent.programme_id != programme.id:
        raise RuleViolation("parent_other_programme", parent=parent.ref, programme=programme.code if programme else "—")
    walk = parent
    while walk is not None:
        if event is not None and walk.id == event.id:
            raise RuleViolation("parent_is_self")
        walk = walk.parent
    return parent


def _group(text: str | None, parent: Event | None) -> str | None:
    group = text_for(Event.__table__.c.programme_group, text, pick("所属板块", "group"))
    return group if group is not None or parent is None else parent.programme_group


def _next_position(session: Session, programme_id: int, parent: Event | None) -> int:
    query = select(func.max(Event.position)).where(Event.programme_id == programme_id)
    query = query.where(Event.parent_id == parent.id) if parent else query.where(Event.parent_id.is_(None))
    return (session.scalar(query) or 0) + 1


def _invitee_types(values: list[str]) -> list[str]:
    label = pick("邀请对象", "invitee type")
    kept = []
    for value in values:
        text = text_for(Event.__table__.c.title, value, label)
        if text and len(text) <= INVITEE_TYPE_LIMIT and text not in kept:
            kept.append(text)
    return kept


def _set_lists(session: Session, event: Event, data: EventInput, added: Added, batch_id: int | None) -> None:
    for key, role in ROLES:
        names = getattr(data, key)
        if names is None:
            continue
        wanted = [u for u in (find_or_add_unit(session, n, added=added.units, import_batch_id=batch_id)
                              for n in _names(names)) if u is not None]
        if [o.unit.id for o in event.organizers if o.role == role] == [u.id for u in wanted]:
            continue
        # Rows of units that keep the role are kept: a delete and an insert of the same (event, unit,
        # role) in one flush would meet the unique constraint (inserts go first).
        current = {o.unit.id: o for o in event.organizers if o.role == role}
        others = [o for o in event.organizers if o.role != role]
        event.organizers = others + [current.get(u.id) or EventOrganizer(unit=u, role=role) for u in wanted]
        order = [r for _k, r in ROLES]
        for position, organizer in enumerate(sorted(event.organizers, key=lambda o: order.index(o.role))):
            organizer.position = position
    if data.industries is not None:
        wanted = [_industry(session, name, added, batch_id) for name in _names(data.industries)]
        if [i.id for i in event.industries] != [i.id for i in wanted]:
            event.industries = list(dict.fromkeys(wanted))
    if data.quotas is not None:
        quotas = []
        for text in data.quotas:
            if not (text or "").strip():
                continue
            low, high, industry = event_rules.parse_quota(text)
            quotas.append(EventQuota(min_projects=low, max_projects=high,
                                     industry=find_industry(session, industry) if industry else None))
        if _quota_text(event.quotas) != _quota_text(quotas):
            event.quotas = quotas


def _industry(session: Session, name: str, added: Added, batch_id: int | None) -> Industry:
    try:
        return find_industry(session, name)
    except NotFound:
        if added.industries is None:
            raise
    industry = add_industry(session, name)
    industry.import_batch_id = batch_id
    added.industries.append(industry)
    return industry


def _names(values: list[str]) -> list[str]:
    """Units and industries given one per option or several in one (南昌市政府、九江市政府)."""
    return list(dict.fromkeys(name for value in values for name in event_rules.split_names(value)))


def _quota_text(quotas: list[EventQuota]) -> str:
    return "、".join(f"{q.min_projects}-{q.max_projects}" + (f":{q.industry.name}" if q.industry else "")
                    for q in quotas)


def _values(event: Event) -> dict[str, object]:
    """The event as its fields, to tell what an edit really changed (the related rows, not their ids: those
    follow only when the edit is flushed)."""
    values = {
        "programme": _id_of(event.programme), "title": event.title, "parent": _id_of(event.parent),
        "group": event.programme_group, "level": event.level, "kind": event.kind, "city": _id_of(event.region),
        "place": event.venue, "when": (event.starts_on, event.ends_on, event.date_precision),
        "scale": event.planned_scale, "invitee_types": list(event.invitee_types or []), "notes": event.description,
        "industries": [i.name for i in event.industries], "quotas": _quota_text(event.quotas),
    }
    for key, role in ROLES:
        values[key] = [o.unit.name for o in event.organizers if o.role == role]
    return values


def _id_of(row) -> int | None:
    return row.id if row is not None else None


def _audit_lists(event: Event, before: dict, after: dict) -> None:
    """Organizers, industries and quotas are rows of other tables: their changes go in the event's trail."""
    for name in _LIST_NONE:
        if before[name] != after[name]:
            note_change(event, name, "、".join(before[name]) if isinstance(before[name], list) else before[name],
                        "、".join(after[name]) if isinstance(after[name], list) else after[name])
