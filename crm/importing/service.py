"""An invitee list into the database as one unit of work.

Identity (DOMAIN.md, the rule in crm.rules.identity): an organization is the same when its normalised
name is; a person is the same when the mobile matches, else the email, else the name within the same
organization — against the database and against earlier rows of the same file. A known person creates nothing: blank fields are
filled, differing values are reported as conflicts and never overwritten, and the row still gets its
invitation. Every row is planned in memory first (identity indexes are loaded once, not queried per
row), so a dry run reports exactly what a real run writes; the real run then writes the plan in bulk
and records it as an import batch that `undo` can take back."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.i18n import pick, t
from crm.labels import invitation_status_label, org_kind_label
from crm.importing import bulk
from crm.importing.batch import INVITEES, BatchResult, earlier_batch, new_batch, writes
from crm.importing.bounds import refuse
from crm.importing.parse import ParsedFile, Progress, parse_file
from crm.importing.pinyin_worker import Answer, PinyinWorker
from crm.importing.reader import ReadAhead
from crm.importing.rows import InviteeRow, RowKind
from crm.normalize import clean_text
from crm.rules.scope import owner_of_invitation
from crm.importing.table import field_label, unnamed_people
from crm.importing.trail import Trail, import_note
from crm.rules.identity import find_person
from db.models import Contact, Event, ImportBatch, ImportChange, Invitation, InvitationStatus, Organization, OrgKind
from db.pinyin import contact_pinyin, organization_pinyin

ORG, CONTACT, INVITATION = "organization", "contact", "invitation"
# Enum members looked up once (Python 3.11 resolves them through a descriptor, and this runs per row).
_PERSON, _ERROR, _OTHER = RowKind.PERSON, RowKind.ERROR, OrgKind.OTHER
PROGRESS_EVERY = 2000
# Lists this large (about 5,000 rows) get their pinyin from a second process (crm.importing.pinyin_worker):
# for a short one, starting it costs more than it saves.
PINYIN_WORKER_BYTES = 256 * 1024
# Imports creating this many rows refresh the planner's statistics (bulk.refresh_statistics).
ANALYZE_AFTER_ROWS = 5000


@dataclass
class ImportOptions:
    event: str | None = None  # event ref (crm events list)
    sheets: list[str] | None = None
    mapping: dict[str, str] | None = None  # header key → field (crm.importing.table.parse_mapping)
    dry_run: bool = False
    strict: bool = False


@dataclass(frozen=True)
class Conflict:
    """A known record already holds another value: reported, never overwritten."""

    sheet: str
    row: int
    field: str
    existing: str
    incoming: str

    @property
    def message(self) -> str:
        label = _VALUE_LABELS.get(self.field, str)
        return t("import_conflict", field=field_label(self.field), existing=label(self.existing),
                 incoming=label(self.incoming))

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "existing": self.existing,
                "incoming": self.incoming, "message": self.message}


_VALUE_LABELS = {"category": org_kind_label, "status": invitation_status_label}


@dataclass
class ImportResult(BatchResult):
    duplicates: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    organizations_updated: int = 0

    def as_json(self) -> dict:
        """The shape `crm import invitees --json` prints (issue 3: keep it exactly)."""
        shape = super().as_json()
        errors, batch = shape.pop("errors"), shape.pop("batch")
        return shape | {"duplicates": self.duplicates, "errors": errors, "batch": batch}


# --- what the plan is made of -------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class OrgEntry:
    id: int | None
    name: str
    name_key: str
    kind: OrgKind
    version: int = 1
    deleted_at: dt.datetime | None = None
    created: bool = False
    before: dict | None = None  # old values of the fields this import changes (known records only)


@dataclass(slots=True, eq=False)
class PersonEntry:
    id: int | None
    org: OrgEntry | None
    name: str
    name_key: str
    title: str | None = None
    mobile: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None
    mobile_key: str | None = None
    email_key: str | None = None
    version: int = 1
    created: bool = False
    before: dict | None = None


@dataclass(slots=True, eq=False)
class InvitationEntry:
    id: int | None
    contact: PersonEntry | None
    org: OrgEntry | None
    status: InvitationStatus
    category: str | None = None
    notes: str | None = None
    version: int = 1
    deleted_at: dt.datetime | None = None
    created: bool = False
    before: dict | None = None


CONTACT_FIELDS = ("title", "mobile", "phone", "email", "notes")


class Plan:
    """Everything a file would do to the database, decided row by row against identity indexes that
    are loaded once. Reads only: a dry run stops here."""

    def __init__(self, session: Session, event_id: int | None) -> None:
        self.event_id = event_id
        self.conflicts: list[Conflict] = []
        self.duplicates = 0
        self.orgs: dict[str, OrgEntry] = {}
        self.people: list[PersonEntry] = []
        self.by_mobile: dict[str, PersonEntry] = {}
        self.by_email: dict[str, PersonEntry] = {}
        self.by_name: dict[tuple[OrgEntry | None, str], list[PersonEntry]] = {}
        self.invitations: dict[tuple[str, object], InvitationEntry] = {}
        self._changed: dict[type, list] = {OrgEntry: [], PersonEntry: [], InvitationEntry: []}
        self._load(session)

    # Loading ------------------------------------------------------------------------------------

    def _load(self, session: Session) -> None:
        orgs_by_id: dict[int, OrgEntry] = {}
        # Soft-deleted organizations too: the name key is unique across all of them.
        for row in session.execute(select(
            Organization.id, Organization.name, Organization.name_key, Organization.kind, Organization.version,
            Organization.deleted_at,
        ).order_by(Organization.id)):
            entry = OrgEntry(row.id, row.name, row.name_key, OrgKind(row.kind), row.version, row.deleted_at)
            self.orgs[row.name_key] = orgs_by_id[row.id] = entry
        people_by_id: dict[int, PersonEntry] = {}
        for row in session.execute(select(
            Contact.id, Contact.organization_id, Contact.name, Contact.name_key, Contact.title, Contact.mobile,
            Contact.phone, Contact.email, Contact.notes, Contact.mobile_key, Contact.email_key, Contact.version,
        ).where(Contact.deleted_at.is_(None)).order_by(Contact.id)):
            person = PersonEntry(
                row.id, orgs_by_id.get(row.organization_id), row.name, row.name_key, row.title, row.mobile,
                row.phone, row.email, row.notes, row.mobile_key, row.email_key, row.version,
            )
            people_by_id[row.id] = person
            self._index(person)
        if self.event_id is None:
            return
        for row in session.execute(select(
            Invitation.id, Invitation.contact_id, Invitation.organization_id, Invitation.status, Invitation.category,
            Invitation.notes, Invitation.version, Invitation.deleted_at,
        ).where(Invitation.event_id == self.event_id)):
            if row.contact_id is not None:
                key = (CONTACT, people_by_id.get(row.contact_id))
                if key[1] is None:
                    continue  # the invitation of a deleted contact
            else:
                key = (ORG, orgs_by_id.get(row.organization_id))
            self.invitations[key] = InvitationEntry(
                row.id, key[1] if key[0] == CONTACT else None, orgs_by_id.get(row.organization_id),
                InvitationStatus(row.status), row.category, row.notes, row.version, row.deleted_at,
            )

    def _index(self, person: PersonEntry) -> None:
        if person.mobile_key:
            self.by_mobile.setdefault(person.mobile_key, person)
        if person.email_key:
            self.by_email.setdefault(person.email_key, person)
        self.by_name.setdefault((person.org, person.name_key), []).append(person)

    # Rows ---------------------------------------------------------------------------------------

    def add(self, row: InviteeRow) -> None:
        org, org_known = self._organization(row) if row.organization_key else (None, False)
        if row.kind is _PERSON:
            person = self._person(row, org)
            self._invite((CONTACT, person), row, person.org, person)
        else:
            if org_known:
                self.duplicates += 1
            self._invite((ORG, org), row, org, None)

    def _organization(self, row: InviteeRow) -> tuple[OrgEntry, bool]:
        org = self.orgs.get(row.organization_key)
        if org is None:
            org = OrgEntry(None, row.organization, row.organization_key, row.org_kind, created=True)
            self.orgs[org.name_key] = org
            return org, False
        if org.deleted_at is not None:
            self._change(org, "deleted_at", None)
        if row.org_kind is not _OTHER:
            if org.kind is _OTHER:
                self._change(org, "kind", row.org_kind)
            elif org.kind is not row.org_kind:
                self._conflict(row, "category", org.kind.value, row.org_kind.value)
        return org, True

    def _person(self, row: InviteeRow, org: OrgEntry | None) -> PersonEntry:
        person = find_person(self, org, row.name_key, row.mobile_key, row.email_key)
        if person is None:
            person = PersonEntry(
                None, org, row.name, row.name_key, row.title, row.mobile, row.phone, row.email, row.notes,
                row.mobile_key, row.email_key, created=True,
            )
            self.people.append(person)
            self._index(person)
            return person
        self.duplicates += 1
        if person.name_key != row.name_key:
            self._conflict(row, "name", person.name, row.name)
        if org is not None and person.org is not org:
            if person.org is None:
                self._change(person, "org", org)
                self.by_name.setdefault((org, person.name_key), []).append(person)
            else:
                self._conflict(row, "organization", person.org.name, org.name)
        self._fill_keyed(person, row, "mobile", self.by_mobile)
        self._fill_keyed(person, row, "email", self.by_email)
        for name in ("title", "phone", "notes"):
            incoming = getattr(row, name)
            current = getattr(person, name)
            # Kept as typed, compared normalised: （ and ( or a doubled space make no conflict.
            if incoming is None or current == incoming or clean_text(current) == clean_text(incoming):
                continue
            if current is None:
                self._change(person, name, incoming)
            else:
                self._conflict(row, name, current, incoming)
        return person

    # The identity index crm.rules.identity.find_person asks (crm.rules.identity.PersonIndex).

    def with_mobile(self, key: str) -> PersonEntry | None:
        return self.by_mobile.get(key)

    def with_email(self, key: str) -> PersonEntry | None:
        return self.by_email.get(key)

    def namesakes(self, org: OrgEntry | None, name_key: str) -> list[PersonEntry]:
        return self.by_name.get((org, name_key), ())

    def _fill_keyed(self, person: PersonEntry, row: InviteeRow, name: str, index: dict) -> None:
        """Mobile or email: filled with its key when blank, compared by key when both are known."""
        key_name = f"{name}_key"
        incoming, incoming_key = getattr(row, name), getattr(row, key_name)
        if incoming is None:
            return
        current = getattr(person, name)
        if current is None:
            self._change(person, name, incoming)
            self._change(person, key_name, incoming_key)
            if incoming_key:
                index.setdefault(incoming_key, person)
        elif (getattr(person, key_name) or current) != (incoming_key or incoming):
            self._conflict(row, name, current, incoming)

    def _invite(self, key: tuple[str, object], row: InviteeRow, org: OrgEntry | None,
                person: PersonEntry | None) -> None:
        if self.event_id is None:
            return
        invitation = self.invitations.get(key)
        if invitation is None:
            notes = row.notes if person is not None else _org_level_notes(row)
            self.invitations[key] = InvitationEntry(
                None, person, org, row.status or InvitationStatus.PROPOSED, row.category, notes, created=True,
            )
            return
        if invitation.deleted_at is not None:
            self._change(invitation, "deleted_at", None)
        if row.status is not None and row.status is not invitation.status:
            self._conflict(row, "status", invitation.status.value, row.status.value)

    def _change(self, entry, name: str, value) -> None:
        """Set a field of a planned record; for a known record, keep its old value for undo."""
        if not entry.created:
            if entry.before is None:
                entry.before = {"version": entry.version}
                self._changed[type(entry)].append(entry)
            entry.before.setdefault(name, getattr(entry, name))
        setattr(entry, name, value)

    def _conflict(self, row: InviteeRow, name: str, existing, incoming) -> None:
        self.conflicts.append(Conflict(row.sheet, row.row, name, str(existing), str(incoming)))

    # Outcome ------------------------------------------------------------------------------------

    @property
    def new_orgs(self) -> list[OrgEntry]:
        return [o for o in self.orgs.values() if o.created]

    @property
    def new_people(self) -> list[PersonEntry]:
        return [p for p in self.people if p.created]

    @property
    def new_invitations(self) -> list[InvitationEntry]:
        return [i for i in self.invitations.values() if i.created]

    @property
    def changed_orgs(self) -> list[OrgEntry]:
        return self._changed[OrgEntry]

    @property
    def changed_people(self) -> list[PersonEntry]:
        return self._changed[PersonEntry]

    @property
    def changed_invitations(self) -> list[InvitationEntry]:
        return self._changed[InvitationEntry]

    def created_counts(self) -> dict[str, int]:
        return {
            "contacts": len(self.new_people),
            "organizations": len(self.new_orgs),
            # A deleted invitation brought back is, to the user, an invitation the list created.
            "invitations": len(self.new_invitations) + len(self.changed_invitations),
        }


def _org_level_notes(row: InviteeRow) -> str | None:
    """An organization-level entry keeps what the list said about the seat still 待定."""
    parts = [
        f"{label}：{value}"
        for label, value in (("职务", row.title), ("手机", row.mobile), ("电话", row.phone), ("邮箱", row.email))
        if value
    ]
    if row.notes:
        parts.insert(0, row.notes)
    return "；".join(parts) or None


# --- the unit of work ---------------------------------------------------------------------------


def import_invitees(
    database, path: str | Path, options: ImportOptions, *, login: str, progress: Progress | None = None,
    ahead: ReadAhead | None = None,
) -> ImportResult:
    """Read, plan and (unless a dry run, or --strict with rejected rows) write one file, in one
    transaction. Raises FileRefused for files that are not usable lists: then nothing is written.
    `ahead`: the same file already being read (crm.importing.reader.ReadAhead)."""
    from crm.services.events import get_event

    worker = PinyinWorker() if not options.dry_run and _file_bytes(path) >= PINYIN_WORKER_BYTES else None
    try:
        event_id = None
        if options.event:
            with database.unit_of_work(write=False) as session:
                event_id = get_event(session, options.event).id
        parsed = parse_file(path, sheets=options.sheets, overrides=options.mapping, progress=progress, ahead=ahead,
                            on_rows=(lambda rows: worker.add(*_names(rows))) if worker else None)
        _refuse_unnamed_people(parsed)
        write = writes(parsed.errors, dry_run=options.dry_run, strict=options.strict)
        # Asked before the write transaction begins: never hold the database's write lock waiting for it.
        pinyin = worker.result() if write and worker else ({}, {})
        with database.unit_of_work(write=write) as session:
            plan = plan_import(session, parsed, event_id, progress=progress)
            result = _result(parsed, plan, dry_run=options.dry_run)
            result.earlier_batch = earlier_batch(session, parsed.file_hash)
            if write:
                from crm.services.actor import staff_for

                staff = staff_for(session, login)
                batch = apply_plan(session, plan, parsed, staff_id=staff.id, progress=progress, pinyin=pinyin)
                result.batch = batch.id
                result.written = True
            elif not options.dry_run:  # --strict and some rows rejected: nothing was written
                result.nothing_written()
        if result.written and sum(result.created.values()) >= ANALYZE_AFTER_ROWS:
            with database.unit_of_work() as session:  # its own short transaction, once the rows are in
                bulk.refresh_statistics(session, (Organization.__table__, Contact.__table__, Invitation.__table__))
        return result
    finally:
        if worker is not None:
            worker.close()


def _refuse_unnamed_people(parsed: ParsedFile) -> None:
    """A sheet of people whose name column the words did not find would store every person as an
    organization-level entry: the file is refused whole, naming the columns --map can tell."""
    for sheet in parsed.sheets:
        columns = [" ".join(c.split()) for c in unnamed_people(sheet.layout)] if sheet.layout and sheet.rows else []
        if columns:
            raise refuse("no_name_column", path=parsed.path.name, sheet=sheet.name,
                         columns=pick("、", ", ").join(columns), column="".join(columns[0].split()))


def _file_bytes(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # reading it will say what is wrong
        return 0


def _names(rows: list[InviteeRow]) -> tuple[list[str], list[str]]:
    """The distinct name keys of the rows' people and organizations (what may need pinyin)."""
    people = {row.name_key for row in rows if row.kind is _PERSON}
    organizations = {row.organization_key for row in rows if row.organization_key}
    return list(people), list(organizations)


def plan_import(session: Session, parsed: ParsedFile, event_id: int | None, *,
                progress: Progress | None = None) -> Plan:
    plan = Plan(session, event_id)
    total = len(parsed.rows)
    for number, row in enumerate(parsed.rows, start=1):
        if row.kind is not _ERROR:
            plan.add(row)
        if progress and (number % PROGRESS_EVERY == 0 or number == total):
            progress("match", number, total)
    return plan


def _result(parsed: ParsedFile, plan: Plan, *, dry_run: bool) -> ImportResult:
    return ImportResult(
        file=parsed.path.name,
        format=parsed.format,
        dry_run=dry_run,
        rows=len(parsed.rows),
        created=plan.created_counts(),
        updated={"contacts": len(plan.changed_people)},
        duplicates=plan.duplicates,
        errors=parsed.errors,
        batch=None,
        conflicts=plan.conflicts,
        sheets=parsed.sheets,
        skipped_sheets=parsed.skipped_sheets,
        organizations_updated=len(plan.changed_orgs),
        parsed=parsed,
    )


def apply_plan(session: Session, plan: Plan, parsed: ParsedFile, *, staff_id: int | None,
               progress: Progress | None = None, pinyin: Answer = ({}, {})) -> ImportBatch:
    """Write the plan in bulk and record it as an import batch: created rows carry its id, changed
    rows keep their old values in import_changes (for undo) and are in the audit trail. `pinyin`: the
    names' pinyin as far as worked out already (crm.importing.pinyin_worker); the rest is derived here."""
    people_pinyin, organizations_pinyin = pinyin
    batch = new_batch(session, parsed, kind=INVITEES, staff_id=staff_id, event_id=plan.event_id, counts={
        "rows": len(parsed.rows), "created": plan.created_counts(),
        "updated": {"contacts": len(plan.changed_people), "organizations": len(plan.changed_orgs)},
        "duplicates": plan.duplicates, "errors": len(parsed.errors), "conflicts": len(plan.conflicts),
    })
    writer = _Writer(session, batch.id, Trail(staff_id, import_note(batch.file_name, batch.id)))

    writer.create(Organization.__table__, plan.new_orgs, ("name", "name_key", "kind", "pinyin"),
                  lambda o: (o.name, o.name_key, o.kind.value, _known_or(organizations_pinyin, o.name_key,
                                                                        organization_pinyin)))
    writer.update(Organization.__table__, ORG, plan.changed_orgs, ("kind", "deleted_at"))
    if progress:
        progress("write", 1, WRITE_STEPS)
    writer.create(
        Contact.__table__, plan.new_people,
        ("name", "name_key", "organization_id", "title", "mobile", "phone", "email", "notes", "mobile_key", "email_key",
         "pinyin"),
        lambda p: (p.name, p.name_key, p.org.id if p.org else None, p.title, p.mobile, p.phone, p.email, p.notes,
                   p.mobile_key, p.email_key, _known_or(people_pinyin, p.name_key, contact_pinyin)),
    )
    writer.update(Contact.__table__, CONTACT, plan.changed_people,
                  ("organization_id", *CONTACT_FIELDS, "mobile_key", "email_key"))
    if progress:
        progress("write", 2, WRITE_STEPS)
    owner = owner_of_invitation(session, session.get(Event, plan.event_id).owner_unit_id) if plan.event_id else None
    writer.create(
        Invitation.__table__, plan.new_invitations,
        ("event_id", "contact_id", "organization_id", "status", "category", "notes", "owner_unit_id"),
        lambda i: (plan.event_id, i.contact.id if i.contact else None, i.org.id if i.org else None, i.status.value,
                   i.category, i.notes, owner),
    )
    writer.update(Invitation.__table__, INVITATION, plan.changed_invitations, ("deleted_at",), unit_id=owner)
    writer.finish()
    if progress:
        progress("write", WRITE_STEPS, WRITE_STEPS)
    return batch


WRITE_STEPS = 3


def _known_or(known: dict[str, str | None], key: str, derive) -> str | None:
    return known[key] if key in known else derive(key)


class _Writer:
    """Inserts (each row naming the batch) and version-checked updates of planned records, each update
    noted as an ImportChange (for undo) and in the audit trail."""

    def __init__(self, session: Session, batch_id: int, trail: Trail) -> None:
        self.session = session
        self.batch_id = batch_id
        self.trail = trail
        self.changes: list[tuple] = []

    def create(self, table, entries: list, columns: tuple[str, ...], values) -> None:
        for entry, new_id in zip(entries, bulk.allocate_ids(self.session, table, len(entries))):
            entry.id = new_id
        bulk.insert_rows(self.session, table, ("id", *columns, "version", "import_batch_id"),
                         [(entry.id, *values(entry), 1, self.batch_id) for entry in entries])

    def update(self, table, entity: str, entries: list, fields: tuple[str, ...], *, unit_id: int | None = None) -> None:
        if not entries:
            return
        rows = []
        for entry in entries:
            new = {name: (entry.org.id if entry.org else None) if name == "organization_id" else getattr(entry, name)
                   for name in fields}
            rows.append({"id": entry.id, "version": entry.version, **new})
            before = {("organization_id" if k == "org" else k): _jsonable(v) for k, v in entry.before.items()}
            self.changes.append((self.batch_id, entity, entry.id, "update", json.dumps(before, ensure_ascii=False)))
            self.trail.changed(table.name, entry.id, entry.version + 1, before, new, unit_id=unit_id)
        bulk.update_versioned(self.session, table, fields, rows, what=entity)

    def finish(self) -> None:
        bulk.insert_rows(self.session, ImportChange.__table__, ("batch_id", "entity", "entity_id", "action", "before"),
                         self.changes)
        self.trail.write(self.session)


def _jsonable(value):
    if isinstance(value, OrgEntry):
        return value.id
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (OrgKind, InvitationStatus)):
        return value.value
    return value
