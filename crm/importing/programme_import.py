"""A programme table into the database as one unit of work, every event through the event service
(crm.services.event_editing), so an imported event is what `crm events add` makes of the same values.

An event is the same by programme and title: a known one is edited with the row's values (the fields
that really change are counted as updated and their old values kept for undo), a new one is added.
Each row is written in a savepoint: a row the service refuses is rejected alone (its cells were
checked by the row rules, crm.importing.programme, so an error names its column there).
A dry run, and --strict with rejected rows, write everything and roll it back, so they report exactly
what the real run writes. A run that creates and changes nothing (the same table again) is rolled back
too: it records no batch (batch.changed_anything)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.errors import CrmError
from crm.importing.batch import PROGRAMME, BatchResult, new_batch, note_changes, settle
from crm.importing.parse import Progress, parse_file
from crm.importing.programme import ProgrammeRow, ProgrammeRules
from crm.importing.reader import ReadAhead
from crm.importing.trail import Trail, import_note
from crm.importing.undo import Entity, UndoRules
from crm.rules.when import When, parse_when, when_input
from crm.services.event_editing import ROLES, Added, EventInput, add_event, edit_event, event_when, find_event
from db.audit import actor_id, annotate, set_actor
from db.models import Event, Industry, Region, Unit

EVENT = "event"


@dataclass
class ProgrammeOptions:
    programme: str  # the programme's ref (crm programmes list)
    sheets: list[str] | None = None
    mapping: dict[str, str] | None = None  # header key → field (programme.PROGRAMME_TABLE.parse_mapping)
    dry_run: bool = False
    strict: bool = False


def import_programme(database, path: str | Path, options: ProgrammeOptions, *, login: str,
                     progress: Progress | None = None, ahead: ReadAhead | None = None) -> BatchResult:
    """Read and write one table in one transaction, kept unless a dry run or --strict with rejected
    rows. Raises FileRefused for files that are not usable tables: then nothing is written."""
    from crm.services.actor import staff_for
    from crm.services.programmes import get_programme

    with database.unit_of_work(write=False) as session:
        programme = get_programme(session, options.programme)
        programme_id, code, year = programme.id, programme.code, programme.year
    parsed = parse_file(path, sheets=options.sheets, overrides=options.mapping, progress=progress, ahead=ahead,
                        rules=ProgrammeRules(year))
    with database.unit_of_work() as session:
        staff = staff_for(session, login)
        if actor_id(session) is None:
            set_actor(session, staff)  # the service's changes are in the trail as the importer's
        batch = new_batch(session, parsed, kind=PROGRAMME, staff_id=staff.id, programme_id=programme_id, counts={})
        writer = _Writer(session, programme_id, code, batch.id, import_note(batch.file_name, batch.id, PROGRAMME))
        writer.expect(parsed.rows, year)
        total = len(parsed.rows)
        for number, row in enumerate(parsed.rows, start=1):
            writer.write(row)
            if progress:
                progress("write", number, total)
        writer.finish()
        errors = parsed.errors  # the rows the service refused are among them now
        result = BatchResult(
            file=parsed.path.name, format=parsed.format, dry_run=options.dry_run, rows=total,
            created=writer.created_counts(), updated={"events": len(writer.changes)}, errors=errors, batch=None,
            sheets=parsed.sheets, skipped_sheets=parsed.skipped_sheets, parsed=parsed,
        )
        settle(session, batch, result, dry_run=options.dry_run, strict=options.strict)
    return result


class _Writer:
    """Adds or edits the event of each row; keeps what undo needs: the version each created event is
    left at, and the old values of the fields each edit changed."""

    def __init__(self, session: Session, programme_id: int, programme: str, batch_id: int, note: str) -> None:
        self.session = session
        self.programme_id = programme_id
        self.programme = programme
        self.batch_id = batch_id
        self.note = note
        self.created: list[Event] = []
        self.changes: list[tuple[int, dict]] = []  # (event id, old values as typed + the version before)
        self.added = Added(industries=[])
        # The times the table gives events already in the programme: an activity moved with its meetings
        # is judged against the meetings' new times (crm.services.events.check_event_time).
        self.coming: dict[int, When | None] = {}
        # Where a place names a city: the longest names first (景德镇市 before 景德镇).
        regions = session.execute(select(Region.name, Region.short_name)).all()
        self.cities = sorted({name for pair in regions for name in pair}, key=len, reverse=True)

    def expect(self, rows: list[ProgrammeRow], year: int) -> None:
        known = dict(self.session.execute(select(Event.title, Event.id).where(
            Event.programme_id == self.programme_id, Event.deleted_at.is_(None))).all())
        for row in rows:
            if row.error is None and row.data is not None and row.data.title in known:
                self.coming[known[row.data.title]] = parse_when(row.data.when or "待定", year=year)

    def write(self, row: ProgrammeRow) -> None:
        if row.error is not None:
            return
        if row.parent is not None and row.parent.event_ref is None:
            row.reject(None, "import_programme_activity_rejected", row=row.parent.row)
            return
        data = replace(row.data, programme=self.programme, parent=row.parent.event_ref if row.parent else "")
        if data.city is None and data.place is not None:
            data.city, data.place = self._city_in(data.place)
        added = Added(industries=[])
        try:
            with self.session.begin_nested():
                event = self._write(data, added)
        except CrmError as error:  # the row's cells were checked already: what is left concerns the whole row
            row.reject(None, error.key, **error.params)
            return
        row.event_ref = event.ref
        self.added.units += added.units
        self.added.industries += added.industries

    def _write(self, data: EventInput, added: Added) -> Event:
        existing = find_event(self.session, self.programme_id, data.title)
        if existing is None:
            event = add_event(self.session, data, added=added, import_batch_id=self.batch_id, coming=self.coming)
            self.created.append(event)
            return event
        before, version = typed_values(existing), existing.version
        annotate(existing, self.note)
        event, changed = edit_event(self.session, existing.ref, data, added=added, import_batch_id=self.batch_id,
                                    coming=self.coming)
        if changed:
            self.changes.append((event.id, {"version": version, **{name: before[name] for name in changed}}))
        return event

    def _city_in(self, place: str) -> tuple[str, str]:
        """A place that begins with a city's name says the city (南昌市红谷滩… is in 南昌市); a place that
        is only a city's name is no more than the city."""
        for name in self.cities:
            if place.startswith(name):
                return name, "" if place == name else place
        return "", place

    def finish(self) -> None:
        note_changes(self.session, self.batch_id, EVENT, self.created, self.changes)

    def created_counts(self) -> dict[str, int]:
        return {"events": len(self.created), "units": len(self.added.units),
                "industries": len(self.added.industries)}


def typed_values(event: Event) -> dict[str, object]:
    """The fields a programme table sets, as `crm events edit` takes them: what an undo gives the event
    service back."""
    values = {
        "parent": event.parent.ref if event.parent else "", "group": event.programme_group or "",
        "level": event.level.value, "city": event.region.name if event.region else "", "place": event.venue or "",
        "when": when_input(event_when(event)), "scale": "" if event.planned_scale is None else event.planned_scale,
        "invitee_types": list(event.invitee_types or []), "notes": event.description or "",
        "industries": [i.name for i in event.industries],
    }
    for key, role in ROLES:
        values[key] = [o.unit.name for o in event.organizers if o.role == role]
    return values


# --- undo ---------------------------------------------------------------------------------------


def _restore(session: Session, _entity: Entity, items: list[tuple[int, dict]], trail: Trail,
             gone: list[int]) -> None:
    """Each changed event edited back to its old values, through the same service; their times are
    judged as the undo leaves them all (the events the batch created go)."""
    coming: dict[int, When | None] = dict.fromkeys(gone)
    for event_id, before in items:
        if "when" in before:
            event = session.get(Event, event_id)
            year = event.programme.year if event.programme else None
            coming[event_id] = parse_when(before["when"] or "待定", year=year)
    for event_id, before in items:
        event = session.get(Event, event_id)
        annotate(event, trail.note)
        edit_event(session, event.ref, EventInput(**{k: v for k, v in before.items() if k != "version"}),
                   coming=coming)


_REFERENCE_COLUMNS = {"parent": "parent_id", "city": "region_id"}

UNDO = UndoRules(
    entities=(Entity(EVENT, Event.__table__, "events"), Entity("unit", Unit.__table__, "units"),
              Entity("industry", Industry.__table__, "industries")),
    # Events before the units and industries they name (their organizers and industries go with them).
    delete_order=(EVENT, "unit", "industry"),
    restore=_restore,
    restored_columns=lambda _entity, before: [_REFERENCE_COLUMNS[k] for k in before if k in _REFERENCE_COLUMNS],
    referenced="import_programme_undo_referenced",
    undone="import_programme_undone",
)
