"""Outbound promotion trips (招商小分队, seed 三、(二)): a unit's team goes somewhere for some days, visits
organizations, and leads may come of it (a project added with its trip, Project.trip_id). Trips are numbered
T0001…, owned by a unit (crm.rules.scope: staff of a city or park enter their unit's trips; provincial
staff name the unit), audited like every versioned record, deleted softly and restored. The rules of their
days and of how they are counted are crm.rules.trips.

Counts, per trip and per unit and period: trips (begun by the day counted; those not begun are `planned`),
days away, visits and distinct organizations visited, leads (projects that came of the trips, not deleted)
and of those the signed ones with their amount (万元) — as recorded on the day counted."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db.audit import annotate, note_change
from db.base import utcnow
from db.models import AuditEntry, Organization, Project, PromotionTrip, TripVisit, Unit

from crm import dates
from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.rules import trips as rules
from crm.rules.scope import who
from crm.services.directory import organization_in_directory
from crm.services.projects import began
from crm.services.reference import find_unit
from crm.services.values import row_id, shown, text_for

_TRIPS = PromotionTrip.__table__.c
_VISITS = TripVisit.__table__.c
_TRAIL_NOTE = AuditEntry.__table__.c.note  # why a trip was deleted or restored
_ZERO = Decimal(0)
# An organization visited on a day, as typed after --visit: 华为技术有限公司@2026-11-05 (the day optional).
_AT = re.compile(r"^(.*?)\s*[@＠]\s*([^@＠]*)$")
# The trip's own fields an edit changes, with how they are called.
FIELDS = {
    "destination": ("目的地", "destination"), "starts_on": ("出发日期", "first day"), "ends_on": ("返回日期", "last day"),
    "members": ("成员", "members"), "purpose": ("任务", "purpose"), "notes": ("备注", "notes"),
}


@dataclass(frozen=True)
class VisitInput:
    organization: str
    on: dt.date | None = None
    note: str | None = None


@dataclass
class TripRow:
    ref: str
    unit: str
    destination: str
    starts_on: str
    ends_on: str
    days: int
    state: str  # crm.rules.trips: planned | under_way | done
    members: str | None
    purpose: str | None
    notes: str | None
    visits: int
    organizations: int
    leads: int
    signed: int
    signed_amount: float
    version: int
    visited: list[dict] = field(default_factory=list)  # show: every visit
    projects: list[dict] = field(default_factory=list)  # show: the leads that came of the trip

    def as_dict(self, *, detail: bool = False) -> dict:
        data = asdict(self)
        if not detail:
            del data["visited"], data["projects"]
        return data


@dataclass
class SummaryRow:
    period: str | None  # 2026-11, 2026-Q4, 2026; None: the whole span asked for
    unit: str | None  # None: the total over the units
    trips: int = 0
    planned: int = 0
    days: int = 0
    visits: int = 0
    organizations: int = 0
    leads: int = 0
    signed: int = 0
    signed_amount: Decimal = _ZERO

    def as_dict(self) -> dict:
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def trip_ref(trip_id: int) -> str:
    return f"T{trip_id:04d}"


def trip_label(trip: PromotionTrip) -> str:
    return pick(f"小分队 {trip_ref(trip.id)}", f"trip {trip_ref(trip.id)}")


def get_trip(session: Session, ref: str | int, *, deleted: bool = False) -> PromotionTrip:
    """The trip T0001 (t1, 1) names, among those the session sees; a deleted one only when `deleted`
    (deleting and restoring)."""
    text = str(ref).strip()
    number = row_id(text[1:] if text[:1] in ("T", "t") else text, "unknown_trip", ref=shown(ref))
    trip = session.scalar(select(PromotionTrip).where(PromotionTrip.id == number)
                          .options(selectinload(PromotionTrip.visits).selectinload(TripVisit.organization)))
    if trip is None or (trip.deleted_at is not None and not deleted):
        raise NotFound("unknown_trip", ref=shown(ref))
    return trip


def parse_visit(text: str) -> VisitInput:
    """`组织名称` or `组织名称@日期` (the day one of the trip's; a full-width ＠ as well). The name is kept as typed."""
    value = (text or "").strip()
    match = _AT.match(value)
    if match is None:
        return VisitInput(value)
    return VisitInput(match[1], dates.parse_date(unicodedata.normalize("NFKC", match[2]).strip()))


def owner_of_trip(session: Session, unit: str | None) -> int:
    """Staff of a city or park enter their unit's trips (or those of a unit under theirs, when they name it);
    provincial staff and users of no unit name the unit whose team went."""
    scope = who(session)
    if scope.visible is not None:
        if not unit:
            return scope.unit_id
        holder = find_unit(session, unit)
        if holder.id not in scope.visible.units:
            raise RuleViolation("trip_unit_not_yours", unit=holder.name, own=scope.unit_name or "")
        return holder.id
    if not unit:
        raise CrmError("trip_needs_unit")
    return find_unit(session, unit).id


def add_trip(session: Session, *, unit: str | None, destination: str, starts_on: dt.date, ends_on: dt.date,
             members: str | None = None, purpose: str | None = None, notes: str | None = None,
             visits: Sequence[VisitInput | str] = (),
             new_organizations: list[Organization] | None = None) -> PromotionTrip:
    """A trip of `unit`'s team, with the organizations it visited (or is to visit: a trip may be planned).
    Each is the 客商库's; one it does not hold is refused unless `new_organizations` is given, which then
    collects those put into the 客商库 (crm.services.directory.organization_in_directory)."""
    rules.check_trip_days(starts_on, ends_on)
    trip = PromotionTrip(
        owner_unit_id=owner_of_trip(session, unit),
        destination=text_for(_TRIPS.destination, destination, pick(*FIELDS["destination"]), required=True),
        starts_on=starts_on, ends_on=ends_on,
        members=text_for(_TRIPS.members, members, pick(*FIELDS["members"])),
        purpose=text_for(_TRIPS.purpose, purpose, pick(*FIELDS["purpose"])),
        notes=text_for(_TRIPS.notes, notes, pick(*FIELDS["notes"])),
    )
    for visit in visits:
        _append_visit(session, trip, parse_visit(visit) if isinstance(visit, str) else visit, new_organizations)
    if trip.visits:  # the creation's entry names them: they are rows of another table
        note_change(trip, "visits", None, _visits_text(trip.visits))
    session.add(trip)
    session.flush()
    return trip


def add_visit(session: Session, ref: str, visit: VisitInput | str, *,
              new_organizations: list[Organization] | None = None) -> TripVisit:
    """One more organization the trip visited (the 客商库's, or a new one as add_trip takes it); the trip's
    trail records it (its version goes up)."""
    trip = get_trip(session, ref)
    before = _visits_text(trip.visits)
    row = _append_visit(session, trip, parse_visit(visit) if isinstance(visit, str) else visit, new_organizations)
    note_change(trip, "visits", before, _visits_text(trip.visits))
    trip.updated_at = utcnow()  # the row changes too: the change is in its trail
    _flush(session, trip)
    return row


def _append_visit(session: Session, trip: PromotionTrip, visit: VisitInput,
                  new_organizations: list[Organization] | None) -> TripVisit:
    organization = organization_in_directory(session, visit.organization, added=new_organizations)
    rules.check_visit_day(visit.on, trip.starts_on, trip.ends_on, organization.name)
    if any(v.organization_id == organization.id and v.visited_on == visit.on for v in trip.visits):
        raise RuleViolation("visit_recorded", organization=organization.name,
                            date=visit.on.isoformat() if visit.on else pick("未注明日期", "undated"))
    row = TripVisit(organization=organization, organization_id=organization.id, visited_on=visit.on,
                    note=text_for(_VISITS.note, visit.note, pick("说明", "note")))
    trip.visits.append(row)
    return row


def _visits_text(visits: Iterable[TripVisit]) -> str | None:
    parts = [v.organization.name + (f"@{v.visited_on.isoformat()}" if v.visited_on else "") for v in visits]
    return "、".join(parts) or None


def edit_trip(session: Session, ref: str, changes: dict[str, object], *, version: int | None = None) -> PromotionTrip:
    """Change the trip's own fields, given as typed ("" clears members, purpose and notes). New days keep
    its visits and the leads that came of it within the rules (crm.rules.trips)."""
    trip = get_trip(session, ref)
    columns: dict[str, object] = {}
    for name, value in changes.items():
        if name not in FIELDS:
            raise CrmError("field_not_editable", field=name)
        label = pick(*FIELDS[name])
        if name in ("starts_on", "ends_on"):
            if value in (None, ""):
                raise CrmError("empty_field", field=label)
            columns[name] = dates.parse_date(value)
        else:
            columns[name] = text_for(_TRIPS[name], value, label, required=name == "destination")
    starts_on, ends_on = columns.get("starts_on", trip.starts_on), columns.get("ends_on", trip.ends_on)
    rules.check_trip_days(starts_on, ends_on)
    for visit in trip.visits:
        rules.check_visit_day(visit.visited_on, starts_on, ends_on, visit.organization.name)
    if starts_on != trip.starts_on:
        for project in _leads(session, [trip.id]):
            first_on, _what = began(project)
            if first_on is not None:
                rules.check_lead_day(first_on, starts_on, trip_ref(trip.id))
    _check_version(session, trip, version)
    for name, value in columns.items():
        setattr(trip, name, value)
    _flush(session, trip)
    return trip


def delete_trip(session: Session, ref: str, *, reason: str, version: int | None = None) -> PromotionTrip:
    """The trip leaves every list and count (the projects that came of it keep their link); `restore_trip`
    undoes it. Why is kept with its audit entry."""
    trip = get_trip(session, ref, deleted=True)
    reason = text_for(_TRAIL_NOTE, reason, pick("删除原因", "the reason for deleting"), required=True)
    if trip.deleted_at is not None:
        raise RuleViolation("record_already_deleted", what=trip_label(trip))
    _check_version(session, trip, version)
    trip.deleted_at = utcnow()
    annotate(trip, reason)
    _flush(session, trip)
    return trip


def restore_trip(session: Session, ref: str, *, note: str | None = None) -> PromotionTrip:
    trip = get_trip(session, ref, deleted=True)
    if trip.deleted_at is None:
        raise RuleViolation("record_not_deleted", what=trip_label(trip))
    trip.deleted_at = None
    annotate(trip, text_for(_TRAIL_NOTE, note, pick("说明", "note")))
    _flush(session, trip)
    return trip


def trip_for_project(session: Session, ref: str, first_on: dt.date) -> int:
    """The id of the trip a new project came of (crm projects add --trip), checked: a trip the user sees,
    begun by the project's first day."""
    trip = get_trip(session, ref)
    rules.check_lead_day(first_on, trip.starts_on, trip_ref(trip.id))
    return trip.id


def list_trips(session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None, *,
               today: dt.date | None = None) -> list[TripRow]:
    """The trips whose first day lies in [date_from, date_to] (either end open), the latest first, each with
    its counts as recorded by `today`."""
    today = today or dates.today()
    trips = _trips(session, date_from, date_to)
    leads, units = _lead_counts(session, [t.id for t in trips], today), _unit_names(session)
    return [_row(t, today, leads.get(t.id, (0, 0, _ZERO)), units) for t in trips]


def show_trip(session: Session, ref: str, *, today: dt.date | None = None) -> TripRow:
    """One trip with its visits and the projects that came of it."""
    today = today or dates.today()
    trip = get_trip(session, ref)
    row = _row(trip, today, _lead_counts(session, [trip.id], today).get(trip.id, (0, 0, _ZERO)),
               _unit_names(session))
    from crm.rules.stages import stage_label

    row.visited = [{"id": v.id, "organization": v.organization.name, "organization_id": v.organization_id,
                    "on": v.visited_on.isoformat() if v.visited_on else None, "note": v.note}
                   for v in sorted(trip.visits, key=lambda v: (v.visited_on or dt.date.max, v.id))]
    row.projects = [{"ref": p.ref, "name": p.name, "stage": p.stage.value, "stage_label": stage_label(p.stage),
                     "signed_on": p.signed_on.isoformat() if _signed_by(p.signed_on, today) else None,
                     "amount": float(p.contracted_amount) if p.contracted_amount is not None else None}
                    for p in _leads(session, [trip.id])]
    return row


def summarize(session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None, *,
              by: str | None = None, today: dt.date | None = None) -> list[SummaryRow]:
    """Per unit (and per period when `by` is month, quarter or year), then a total per period: the trips
    begun and planned, days away, visits, organizations visited, leads, signed and their amount."""
    if by is not None and by not in rules.PERIODS:
        raise CrmError("unknown_period", value=shown(by), choices=", ".join(rules.PERIODS))
    today = today or dates.today()
    trips = _trips(session, date_from, date_to)
    leads = _lead_counts(session, [t.id for t in trips], today)
    units = _unit_names(session)
    rows: dict[tuple[str | None, str | None], SummaryRow] = {}
    organizations: dict[tuple[str | None, str | None], set[int]] = defaultdict(set)
    for trip in trips:
        period = rules.period_of(trip.starts_on, by)
        for key in ((period, units[trip.owner_unit_id]), (period, None)):
            row = rows.setdefault(key, SummaryRow(*key))
            if rules.trip_state(trip.starts_on, trip.ends_on, today) == rules.PLANNED:
                row.planned += 1
                continue
            lead_count, signed, amount = leads.get(trip.id, (0, 0, _ZERO))
            row.trips += 1
            row.days += rules.days_away(trip.starts_on, trip.ends_on)
            row.visits += len(trip.visits)
            organizations[key].update(v.organization_id for v in trip.visits)
            row.leads += lead_count
            row.signed += signed
            row.signed_amount += amount
    for key, row in rows.items():
        row.organizations = len(organizations[key])
    # Periods in order; in each, the units by name, the total last.
    return sorted(rows.values(), key=lambda r: (r.period or "", r.unit is None, r.unit or ""))


def _trips(session: Session, date_from: dt.date | None, date_to: dt.date | None) -> list[PromotionTrip]:
    if date_from is not None and date_to is not None:
        from crm.rules.dates import check_not_before

        check_not_before(date_to, pick("截止日期", "--to"), date_from, pick("起始日期", "--from"))
    query = (select(PromotionTrip).where(PromotionTrip.deleted_at.is_(None))
             .options(selectinload(PromotionTrip.visits).selectinload(TripVisit.organization))
             .order_by(PromotionTrip.starts_on.desc(), PromotionTrip.id.desc()))
    if date_from is not None:
        query = query.where(PromotionTrip.starts_on >= date_from)
    if date_to is not None:
        query = query.where(PromotionTrip.starts_on <= date_to)
    return list(session.scalars(query))


def _leads(session: Session, trip_ids: list[int]) -> list[Project]:
    return list(session.scalars(select(Project).where(Project.trip_id.in_(trip_ids), Project.deleted_at.is_(None))
                                .options(selectinload(Project.steps)).order_by(Project.id)))


def _signed_by(signed_on: dt.date | None, today: dt.date) -> bool:
    return signed_on is not None and signed_on <= today


def _lead_counts(session: Session, trip_ids: list[int], today: dt.date) -> dict[int, tuple[int, int, Decimal]]:
    """Per trip: the leads that came of it, the signed ones among them by `today`, and their amount."""
    if not trip_ids:
        return {}
    counts: dict[int, tuple[int, int, Decimal]] = {}
    for start in range(0, len(trip_ids), 500):  # bound the IN list
        rows = session.execute(
            select(Project.trip_id, Project.signed_on, Project.contracted_amount)
            .where(Project.trip_id.in_(trip_ids[start:start + 500]), Project.deleted_at.is_(None)))
        for trip_id, signed_on, amount in rows:
            leads, signed, total = counts.get(trip_id, (0, 0, _ZERO))
            if _signed_by(signed_on, today):
                signed, total = signed + 1, total + (amount or _ZERO)
            counts[trip_id] = (leads + 1, signed, total)
    return counts


def _unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.name)).all())


def _row(trip: PromotionTrip, today: dt.date, leads: tuple[int, int, Decimal], units: dict[int, str]) -> TripRow:
    lead_count, signed, amount = leads
    return TripRow(
        ref=trip_ref(trip.id), unit=units[trip.owner_unit_id], destination=trip.destination,
        starts_on=trip.starts_on.isoformat(), ends_on=trip.ends_on.isoformat(),
        days=rules.days_away(trip.starts_on, trip.ends_on), state=rules.trip_state(trip.starts_on, trip.ends_on, today),
        members=trip.members, purpose=trip.purpose, notes=trip.notes, visits=len(trip.visits),
        organizations=len({v.organization_id for v in trip.visits}), leads=lead_count, signed=signed,
        signed_amount=float(amount), version=trip.version,
    )


def _check_version(session: Session, trip: PromotionTrip, version: int | None) -> None:
    if version is not None and trip.version != version:
        from crm.services.editing import stale_edit

        raise stale_edit(session, trip.__tablename__, trip.id, version, trip_label(trip))


def _flush(session: Session, trip: PromotionTrip) -> None:
    """Flush, a lost race on the trip's version told as the user's StaleEdit (crm.services.editing names
    only the records of its own list)."""
    trip_id, loaded, what = trip.id, trip.version, trip_label(trip)
    try:
        session.flush()
    except StaleDataError:
        from crm.services.editing import stale_edit

        with Session(session.get_bind()) as lookup:
            raise stale_edit(lookup, "promotion_trips", trip_id, loaded, what) from None

