"""The audit trail, written once and centrally: every flush that creates, changes, soft-deletes or
restores a tracked record (every `Versioned` model) adds AuditEntry rows in the same transaction.

Who acts travels in `session.info` (`set_actor`, done by `Database.unit_of_work`); a reason such as
why a record was deleted travels on the object (`annotate`). Bulk UPDATE/DELETE statements on
tracked tables would bypass the trail, so sessions refuse them unless the caller says it keeps its
own record of the change (`execution_options(**UNAUDITED)`, e.g. erasing a whole database)."""
from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from functools import cache

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.base import Base, Versioned, utcnow
from db.models.records import AuditEntry

ACTOR_KEY = "crm_actor"
FLUSHING_KEY = "crm_versioned_in_flush"
NOTE_KEY = "crm_audit_note"
EXTRA_KEY = "crm_audit_extra"
UNAUDITED = {"crm_unaudited": True}
# Bookkeeping columns: they change with every write and say nothing the entry does not already say;
# pinyin is derived from the name, import_batch_id is said by the creation's note.
UNTRACKED_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "pinyin", "import_batch_id"})


class UnauditedWrite(Exception):
    """A bulk UPDATE/DELETE on a tracked table: it would change records without a trail."""

    def __init__(self, table: str) -> None:
        super().__init__(f"bulk UPDATE/DELETE on audited table {table!r}: use the ORM, or pass "
                         f"execution_options(**db.audit.UNAUDITED) and record the change yourself")
        self.table = table


def set_actor(session: Session, staff) -> None:
    """Who the following changes are by: a Staff (flushed or not) or a staff id."""
    session.info[ACTOR_KEY] = staff


def annotate(record, note: str | None) -> None:
    """Attach a note (e.g. the reason for a deletion) to the entries of the record's next change."""
    inspect(record).info[NOTE_KEY] = note


def note_change(record, field: str, old, new) -> None:
    """A change the record's own columns do not show (its organizers, its industries: rows of other
    tables), entered in its trail at the next flush. The caller makes the record dirty (its version goes
    up: an edit based on the old organizers is then refused like any other stale edit)."""
    old_text, new_text = as_text(old), as_text(new)
    if old_text != new_text:
        inspect(record).info.setdefault(EXTRA_KEY, []).append((field, old_text, new_text))


@cache
def tracked_tables() -> frozenset[str]:
    return frozenset(m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, Versioned))


def is_tracked(record) -> bool:
    return isinstance(record, Versioned)


def entity_of(record) -> str:
    return inspect(record).mapper.local_table.name


def as_text(value) -> str | None:
    """How a value is kept in the trail: stable, readable text."""
    if value is None:
        return None
    if value.__class__ is str:  # the common case first: bulk imports write hundreds of thousands
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _fields(record):
    return [a for a in inspect(record).mapper.column_attrs if a.key not in UNTRACKED_FIELDS]


def actor_id(session: Session) -> int | None:
    """The staff id the session's changes are recorded under (set_actor); for writers of their own entries."""
    actor = session.info.get(ACTOR_KEY)
    return getattr(actor, "id", actor)


@event.listens_for(Session, "before_flush")
def _remember_versions(session: Session, _context, _instances) -> None:
    """Which versioned rows this flush updates and from which version: after a StaleDataError the
    objects are expired, and this is how the refused edit can still be named (crm.services.editing)."""
    session.info[FLUSHING_KEY] = [
        (entity_of(r), r.id, r.version)
        for r in (*session.dirty, *session.deleted)
        if is_tracked(r) and r.id is not None and session.is_modified(r)
    ]


@event.listens_for(Session, "after_flush")
def _write_trail(session: Session, _context) -> None:
    # Attribute history is still in its pre-flush state here, and new rows have their ids.
    at = utcnow()
    staff_id = actor_id(session)
    rows: list[dict] = []

    def add(record, action: str, field: str | None, old: str | None, new: str | None, note: str | None) -> None:
        rows.append({
            "entity": entity_of(record), "entity_id": record.id, "action": action, "field": field,
            "old_value": old, "new_value": new, "staff_id": staff_id, "at": at, "version": record.version,
            "note": note, "unit_id": getattr(record, "audit_unit_id", None),
        })

    for record in session.new:
        if is_tracked(record):
            add(record, "create", None, None, _snapshot(record), inspect(record).info.pop(NOTE_KEY, None))
    for record in session.dirty:
        if is_tracked(record):
            note = inspect(record).info.pop(NOTE_KEY, None)
            for field, old, new in [*_changes(record), *inspect(record).info.pop(EXTRA_KEY, [])]:
                action = "update" if field != "deleted_at" else ("delete" if new is not None else "restore")
                add(record, action, field, old, new, note)
    for record in session.deleted:
        if is_tracked(record):
            add(record, "purge", None, _snapshot(record), None, inspect(record).info.pop(NOTE_KEY, None))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _changes(record):
    state = inspect(record)
    for attr in _fields(record):
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = as_text(history.deleted[0]) if history.deleted else None
        new = as_text(history.added[0]) if history.added else None
        if old != new:
            yield attr.key, old, new


def _snapshot(record) -> str:
    state = inspect(record)
    loaded = state.dict
    values = {a.key: loaded.get(a.key) for a in _fields(record)}
    values.update((field, new) for field, _old, new in state.info.pop(EXTRA_KEY, []))
    return snapshot_text(values)


def snapshot_text(values: dict) -> str:
    """A created (or purged) record in one entry: its fields as a JSON object, empty ones left out.
    Public for bulk writers (imports) that insert rows without the ORM and write their entries themselves."""
    texts = {k: as_text(v) for k, v in values.items() if v is not None and k not in UNTRACKED_FIELDS}
    return _SNAPSHOT_ENCODER.encode(texts)


# One encoder, not one per call (json.dumps builds a new one whenever options are given).
_SNAPSHOT_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


@event.listens_for(Session, "do_orm_execute")
def _refuse_unaudited_bulk_writes(state) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get("crm_unaudited"):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) in tracked_tables():
        raise UnauditedWrite(table.name)


def versioned_in_flush(session: Session) -> list[tuple[str, int, int]]:
    """The (entity, id, version) rows the session's latest flush set out to update."""
    return session.info.get(FLUSHING_KEY, [])


def note_stale_rows(error: BaseException, session: Session) -> None:
    """Attach them to a StaleDataError, for whoever explains it after the session is gone."""
    if isinstance(error, StaleDataError):
        error.crm_rows = versioned_in_flush(session)
