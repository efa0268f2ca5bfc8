"""`crm export calendar`: what is due, as an iCalendar file (RFC 5545) that Outlook, a phone's calendar or
钉钉 imports — event plan and summary deadlines, planned construction and production dates, each project's
next follow-up, supervision orders' reply deadlines.

Choices, each made so that importing the file again updates what an earlier import put in the calendar
instead of adding it a second time:

- **Stable UIDs.** One per item, from what it is about and never from the run: ``plan-A2-PV@crm``,
  ``summary-A2-PV@crm``, ``construction-P00012@crm``, ``production-P00012@crm``, ``followup-P00012@crm``
  (a project's next follow-up: a new follow-up moves it), ``order-D0003@crm``. A ref is percent-encoded
  where it holds anything but letters, digits, ``.``, ``_`` and ``-``. The database has no identity of
  its own to add, so two databases with the same refs give the same UIDs.
- **SEQUENCE grows with every change.** A calendar may keep what it holds when an item comes again with
  a SEQUENCE no higher. It is twice the sum of the versions of the rows an item is made of (the event;
  the project, plus its follow-up rows for the follow-up item; the order and its replies — every change
  of a versioned row raises its version, a follow-up or correction adds a row), plus one when the item is
  cancelled: it never goes down, however often the file is exported. (Lines of the DESCRIPTION read from
  other tables — a unit renamed, an event's coordinating units — go out with the item's next change.)
  DTSTAMP and LAST-MODIFIED are the rows' last change (UTC), not the export's time: exporting unchanged
  data gives the same file byte for byte.
- **Items no longer due are cancelled, not dropped.** Importing a file (unlike subscribing to one) only
  adds and updates: an item left out of the next file would stay in every calendar that imported it, due
  forever. So an item done — plan or summary filed, stage reached, follow-up recorded without a next
  date, project terminated, order closed — is written once more, under its UID, with
  ``STATUS:CANCELLED`` and a higher SEQUENCE: the standard way to withdraw an item, which calendars that
  act on STATUS hide or strike through; for one that does not, its SUMMARY starts with 【已办结】 ([done]).
  Items done more than ``CANCELLED_KEPT_DAYS`` before the as-of date are left out (every import since
  has cancelled them), and so are events and projects deleted (nothing is left to name them by).
- **Timed, at 09:00 Asia/Shanghai.** Every item is a half-hour at 09:00 on its day in Asia/Shanghai
  (``DTSTART;TZID=Asia/Shanghai``), marked free (``TRANSP:TRANSPARENT``): it shows at the start of the
  working day, gets the phone's usual alert for timed items, and lands on the right day and hour on a
  device set to another zone. The file has a VTIMEZONE for Asia/Shanghai (from zoneinfo) and
  ``X-WR-TIMEZONE:Asia/Shanghai``.
- **Everything open is in**, however far ahead or overdue (``crm deadlines`` shows only what falls due
  soon): a calendar is for planning. An event whose time is 待定 has no deadline yet, a project never
  followed up no next follow-up.
- **--mine** keeps what `crm remind` sends the login and the workbench's 我的待办 shows (_Mine).

User text (titles, names, notes, next steps) is data: the library escapes commas, semicolons, backslashes
and newlines; control characters are dropped first, and a SUMMARY is kept to one line."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    FollowUp,
    OrganizerRole,
    Project,
    ProjectStatus,
    Staff,
    Stage,
    StatusChange,
    SupervisionOrder,
    SupervisionReply,
    Unit,
)

from crm.errors import CrmError
from crm.i18n import pick
from crm.outputs import check_output_path, os_reason, written_whole
from crm.rules import stages
from crm.rules import supervision as order_rules
from crm.rules.scope import SCOPED_KINDS, unit_tree
from crm.rules.when import when_text
from crm.services import events as event_service
from crm.services.snapshot import project_states
from crm.services.supervision import list_orders

TIME_ZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TIME_ZONE)
STARTS_AT = dt.time(9, 0)  # every item is at 09:00 on its day, Asia/Shanghai
LASTS = dt.timedelta(minutes=30)
CANCELLED_KEPT_DAYS = 90  # an item done within this many days before the as-of date is written cancelled
UID_DOMAIN = "crm"
PRODID = "-//zhaoshang-crm//crm export calendar//ZH"

PLAN, SUMMARY, CONSTRUCTION, PRODUCTION, FOLLOWUP, ORDER = (
    "plan", "summary", "construction", "production", "followup", "order")
KINDS = (PLAN, SUMMARY, CONSTRUCTION, PRODUCTION, FOLLOWUP, ORDER)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def kind_label(kind: str) -> str:
    return {
        PLAN: pick("工作方案截止", "Work plan due"),
        SUMMARY: pick("工作总结截止", "Summary due"),
        CONSTRUCTION: pick("计划开工", "Planned construction start"),
        PRODUCTION: pick("计划投产", "Planned production start"),
        FOLLOWUP: pick("跟踪服务", "Follow-up due"),
        ORDER: pick("督办回复期限", "Supervision reply due"),
    }[kind]


def category_label(kind: str) -> str:
    return {
        PLAN: pick("工作方案", "Work plan"),
        SUMMARY: pick("工作总结", "Summary"),
        CONSTRUCTION: pick("开工", "Construction"),
        PRODUCTION: pick("投产", "Production"),
        FOLLOWUP: pick("跟踪服务", "Follow-up"),
        ORDER: pick("督办", "Supervision"),
    }[kind]


@dataclass(frozen=True)
class CalendarItem:
    kind: str  # one of KINDS
    ref: str  # the event's, project's or order's ref
    title: str  # what the SUMMARY names after the kind
    day: dt.date
    unit: str | None  # the unit it is for
    details: tuple[tuple[str, str], ...]  # DESCRIPTION lines: label, value
    revision: int  # sum of the versions of the rows it is made of
    modified: dt.datetime  # the rows' last change, UTC
    cancelled: bool = False  # done: filed, reached, closed, terminated

    @property
    def uid(self) -> str:
        return item_uid(self.kind, self.ref)

    @property
    def sequence(self) -> int:
        return 2 * self.revision + (1 if self.cancelled else 0)

    @property
    def summary(self) -> str:
        text = f"{kind_label(self.kind)}{pick('：', ': ')}{self.title}"
        return clean(f"{pick('【已办结】', '[done] ')}{text}" if self.cancelled else text, one_line=True)

    @property
    def description(self) -> str:
        return clean("\n".join(f"{label}{pick('：', ': ')}{value}" for label, value in self.details if value))


@dataclass
class CalendarExport:
    as_of: dt.date
    login: str | None  # whose items (--mine), None: everything the login may see
    items: list[CalendarItem] = field(default_factory=list)
    not_staff: bool = False  # --mine for a login that is no staff member: nothing is theirs

    @property
    def active(self) -> int:
        return sum(1 for i in self.items if not i.cancelled)

    @property
    def cancelled(self) -> int:
        return sum(1 for i in self.items if i.cancelled)


def item_uid(kind: str, ref: str) -> str:
    return f"{kind}-{quote(ref, safe='-._')}@{UID_DOMAIN}"


# Control characters (Unicode category Cc: U+0000–001F, U+007F–009F) are dropped; line and paragraph
# separators become line breaks, a tab a space.
_CONTROLS = {c: None for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    ord("\n"): "\n", ord("\r"): "\n", ord("\t"): " ", 0x2028: "\n", 0x2029: "\n"}


def clean(text: str | None, *, one_line: bool = False) -> str:
    """User text for a calendar: control characters dropped, line breaks as \\n (or spaces on one line)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").translate(_CONTROLS)
    if one_line:
        text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return text.strip()


# --- reading (inside one read unit of work) ---------------------------------------------------------

@dataclass(frozen=True)
class _Mine:
    """Whose items `--mine` keeps: the person's (projects they are responsible for, and orders about
    those) and their unit's (projects it is responsible for or owns, its events, orders addressed to it),
    a city's or park's with the units under it — what `crm remind` sends them and the workbench's
    我的待办 shows (crm.services.reminders decides the same way)."""
    staff_id: int | None
    units: frozenset[int]

    def project(self, staff_id: int | None, *unit_ids: int | None) -> bool:
        return (staff_id is not None and staff_id == self.staff_id) or any(u in self.units for u in unit_ids)


def _mine(session: Session, login: str) -> _Mine | None:
    """None: the login is no staff member."""
    row = session.execute(select(Staff.id, Staff.unit_id, Unit.kind).outerjoin(Unit, Unit.id == Staff.unit_id)
                          .where(Staff.login == login)).first()
    if row is None:
        return None
    staff_id, unit_id, kind = row
    if unit_id is None:
        return _Mine(staff_id, frozenset())
    return _Mine(staff_id, frozenset(unit_tree(session, unit_id) if kind in SCOPED_KINDS else {unit_id}))


def calendar_export(session: Session, as_of: dt.date, *, mine: str | None = None) -> CalendarExport:
    """Everything due as of `as_of` that the session's login may see; `mine`: a login, only what is theirs
    (_Mine)."""
    export = CalendarExport(as_of, mine)
    who = None
    if mine is not None:
        who = _mine(session, mine)
        export.not_staff = who is None
        who = who or _Mine(None, frozenset())
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    kept_from = as_of - dt.timedelta(days=CANCELLED_KEPT_DAYS)
    items = [*_event_items(session, as_of, who, units), *_project_items(session, as_of, who),
             *_order_items(session, as_of, who)]
    kept = (d.item for d in items if not d.item.cancelled or d.done_on is None or d.done_on >= kept_from)
    export.items = sorted(kept, key=lambda i: (i.day, KINDS.index(i.kind), i.ref))
    return export


@dataclass(frozen=True)
class _Dated:
    """An item with the day it was done (cancelled items only)."""
    item: CalendarItem
    done_on: dt.date | None = None


def _utc(stamp: dt.datetime | None) -> dt.datetime:
    """A row's stamp as UTC (SQLite gives it back naive, as stored)."""
    if stamp is None:
        return _EPOCH
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone(dt.timezone.utc).replace(microsecond=0)


def _event_items(session: Session, as_of: dt.date, who: _Mine | None, units: dict[int, str]) -> Iterable[_Dated]:
    for event in event_service.list_events(session):
        if not event_service.is_meeting(event):
            continue  # an activity holding meetings files nothing itself
        if who is not None and event.owner_unit_id not in who.units:
            continue
        coordinators = "、".join(o.unit.name for o in event.organizers if o.role == OrganizerRole.COORDINATOR)
        for kind, due, filed in (
            (PLAN, event_service.plan_due(event), event.plan_submitted_on),
            (SUMMARY, event_service.summary_due(event), event.summary_submitted_on),
        ):
            if due is None:  # 待定: no deadline yet
                continue
            done = filed is not None and filed <= as_of
            details = (
                (pick("活动", "Event"), f"{event.ref} {event.title}"),
                (pick("活动时间", "When"), when_text(event_service.event_when(event))),
                (pick("所属单位", "Unit"), units.get(event.owner_unit_id)),
                (pick("衔接协调", "Coordinating"), coordinators),
                (pick("报送截止", "Due"), due.isoformat()),
                (pick("已报送", "Filed"), filed.isoformat() if done else None),
            )
            yield _Dated(CalendarItem(kind, event.ref, event.title, due, units.get(event.owner_unit_id), details,
                                      event.version, _utc(event.updated_at), cancelled=done),
                         filed if done else None)


def _project_items(session: Session, as_of: dt.date, who: _Mine | None) -> Iterable[_Dated]:
    states = [s for s in project_states(session, as_of) if s.signed]
    if not states:
        return
    # What the snapshot does not say, for every project at once (no list of ten thousand ids to bind).
    meta = {pid: rest for pid, *rest in session.execute(
        select(Project.id, Project.version, Project.updated_at, Project.responsible_staff_id,
               Project.responsible_unit_id, Project.owner_unit_id))}
    followups = {pid: (count, recorded) for pid, count, recorded in session.execute(
        select(FollowUp.project_id, func.count(), func.max(FollowUp.recorded_at)).group_by(FollowUp.project_id))}
    ended = dict(session.execute(
        select(StatusChange.project_id, func.max(StatusChange.changed_on))
        .where(StatusChange.status == ProjectStatus.TERMINATED, StatusChange.changed_on <= as_of)
        .group_by(StatusChange.project_id)).all())
    for state in states:
        version, updated_at, staff_id, unit_id, owner_id = meta[state.id]
        if who is not None and not who.project(staff_id, unit_id, owner_id):
            continue
        terminated = state.status == ProjectStatus.TERMINATED
        ended_on = ended.get(state.id, as_of) if terminated else None
        base = (
            (pick("项目", "Project"), f"{state.ref} {state.name}"),
            (pick("责任单位", "Responsible unit"), state.responsible_unit),
            (pick("责任人", "Responsible"), state.responsible_staff),
            (pick("投资方", "Investor"), state.investor),
            (pick("项目已终止", "Terminated"), ended_on.isoformat() if terminated else None),
        )
        title = f"{state.ref} {state.name}"
        reached = -1 if state.stage is None else stages.rank(state.stage)
        for kind, stage, planned in ((CONSTRUCTION, Stage.CONSTRUCTION, state.planned_construction_on),
                                     (PRODUCTION, Stage.PRODUCTION, state.planned_production_on)):
            if planned is None:
                continue
            done_on = state.stage_on if reached >= stages.rank(stage) else ended_on
            details = (*base, (kind_label(kind), planned.isoformat()),
                       (pick("当前阶段", "Stage"), _stage(state.stage, state.stage_on)))
            yield _Dated(CalendarItem(kind, state.ref, title, planned, state.responsible_unit, details, version,
                                      _utc(updated_at), cancelled=done_on is not None), done_on)
        count, recorded = followups.get(state.id, (0, None))
        if state.last_followup_on is None:
            continue  # never followed up: nothing planned yet (crm deadlines warns of the silence)
        if state.next_followup_on is not None and not terminated:
            day, done_on = state.next_followup_on, None
        else:  # the latest follow-up set no next date, or the project ended: the follow-up is off
            day, done_on = state.next_followup_on or state.last_followup_on, ended_on or state.last_followup_on
        details = (*base, (pick("上次跟踪", "Last follow-up"), state.last_followup_on.isoformat()),
                   (pick("下次跟踪", "Next follow-up"), state.next_followup_on.isoformat()
                    if state.next_followup_on else None),
                   (pick("下一步", "Next step"), state.next_step))
        yield _Dated(CalendarItem(FOLLOWUP, state.ref, title, day, state.responsible_unit, details, version + count,
                                  max(_utc(updated_at), _utc(recorded)), cancelled=done_on is not None), done_on)


def _stage(stage: Stage | None, on: dt.date | None) -> str | None:
    if stage is None:
        return None
    label = stages.stage_label(stage)
    return f"{label}{pick('（', ' (')}{on.isoformat()}{pick('）', ')')}" if on else label


def _order_items(session: Session, as_of: dt.date, who: _Mine | None) -> Iterable[_Dated]:
    from crm.services.supervision import order_ref

    rows = list_orders(session, as_of)
    if not rows:
        return
    meta = {order_ref(oid): rest for oid, *rest in session.execute(
        select(SupervisionOrder.id, SupervisionOrder.unit_id, SupervisionOrder.version, SupervisionOrder.updated_at,
               SupervisionOrder.closed_on, Project.responsible_staff_id)
        .join(Project, Project.id == SupervisionOrder.project_id))}
    replies = {order_ref(oid): total for oid, total in session.execute(
        select(SupervisionReply.order_id, func.sum(SupervisionReply.version)).group_by(SupervisionReply.order_id))}
    for row in rows:
        unit_id, version, updated_at, closed_on, project_staff_id = meta[row.ref]
        if who is not None and not who.project(project_staff_id, unit_id):
            continue
        done = row.state == order_rules.CLOSED
        due = dt.date.fromisoformat(row.due_on)
        details = (
            (pick("督办单", "Order"), row.ref),
            (pick("项目", "Project"), f"{row.project} {row.project_name}"),
            (pick("问题", "Problem"), f"#{row.problem}" if row.problem is not None else None),
            (pick("责任单位", "Unit"), row.unit),
            (pick("督办日期", "Issued"), row.issued_on),
            (pick("回复期限", "Reply due"), row.due_on),
            (pick("督办事项", "Ordered"), row.note),
            (pick("已回复，待审核", "Replied, awaiting review"), row.replies[-1]["on"]
             if row.state == order_rules.AWAITING_REVIEW and row.replies else None),
            (pick("已办结", "Closed"), closed_on.isoformat() if done and closed_on else None),
        )
        yield _Dated(CalendarItem(ORDER, row.ref, f"{row.ref} {row.project_name}", due, row.unit, details,
                                  version + int(replies.get(row.ref) or 0), _utc(updated_at), cancelled=done),
                     closed_on if done else None)


# --- writing (after the read has ended) ---------------------------------------------------------------

def calendar_name(login: str | None) -> str:
    name = pick("招商工作日程", "Investment promotion deadlines")
    return f"{name}{pick('（', ' (')}{login}{pick('）', ')')}" if login else name


def build_calendar(export: CalendarExport):
    """The icalendar.Calendar of the export."""
    from icalendar import Calendar, Event as VEvent, Timezone

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", calendar_name(export.login))
    calendar.add("x-wr-calname", calendar_name(export.login))
    calendar.add("x-wr-timezone", TIME_ZONE)
    for item in export.items:
        start = dt.datetime.combine(item.day, STARTS_AT, tzinfo=SHANGHAI)
        event = VEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", item.modified)
        event.add("last-modified", item.modified)
        event.add("sequence", item.sequence)
        event.add("dtstart", start)
        event.add("dtend", start + LASTS)
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("categories", [category_label(item.kind)])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    # The one zone every item is in (stated even when there is no item), before the items that use it,
    # covering the calendar's years: Asia/Shanghai's summer time of 1986–91 appears only when needed.
    days = [i.day for i in export.items] + [export.as_of]
    zone = Timezone.from_tzid(TIME_ZONE, first_date=dt.date(min(days).year, 1, 1),
                              last_date=dt.date(max(days).year + 2, 1, 1))
    calendar.subcomponents.insert(0, zone)
    return calendar


def calendar_target(path: str | os.PathLike, *, live_database: Path | None = None) -> Path:
    """Where the calendar may be written: an .ics file crm.outputs accepts."""
    target = check_output_path(path, live_database=live_database)
    if target.suffix.lower() != ".ics":
        raise CrmError("export_not_ics", path=str(target))
    return target


def write_calendar(export: CalendarExport, path: str | os.PathLike, *, live_database: Path | None = None) -> Path:
    """Write the file whole or not at all."""
    target = calendar_target(path, live_database=live_database)
    data = build_calendar(export).to_ical()
    with written_whole(target) as temporary:
        try:
            temporary.write_bytes(data)
        except OSError as error:
            raise CrmError("write_failed", path=str(target), reason=os_reason(error)) from None
    return target
