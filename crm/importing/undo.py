"""Taking an import back: what the batch created is removed, what it changed gets its old values back.
Refused as a whole when anything the batch touched has been changed or used since (by a person or by
a later import): undo the later work first."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.errors import NotFound, RuleViolation
from crm.importing import bulk
from crm.importing.service import CONTACT, INVITATION, ORG
from crm.importing.trail import Trail
from db.audit import actor_id
from db.base import Base
from db.models import Contact, Event, ImportBatch, ImportChange, Invitation, Organization, Staff

TABLES = {ORG: Organization.__table__, CONTACT: Contact.__table__, INVITATION: Invitation.__table__}
# Children before parents: invitations point at contacts and organizations, contacts at organizations.
DELETE_ORDER = (INVITATION, CONTACT, ORG)
DATETIME_FIELDS = {"deleted_at"}


@dataclass
class UndoResult:
    batch: int
    removed: dict[str, int]
    restored: dict[str, int]

    def as_json(self) -> dict:
        return {"batch": self.batch, "removed": self.removed, "restored": self.restored}


def list_batches(session: Session, limit: int = 50) -> list[dict]:
    """The latest import batches, newest first, as `crm import list --json` prints them."""
    rows = session.execute(
        select(ImportBatch, Staff.login, Event.ref)
        .outerjoin(Staff, Staff.id == ImportBatch.staff_id)
        .outerjoin(Event, Event.id == ImportBatch.event_id)
        .order_by(ImportBatch.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "batch": batch.id,
            "file": batch.file_name,
            "file_hash": batch.file_hash,
            "event": event_ref,
            "by": login,
            "created_at": batch.created_at.isoformat() if batch.created_at else None,
            "counts": batch.counts,
            "undone_at": batch.undone_at.isoformat() if batch.undone_at else None,
        }
        for batch, login, event_ref in rows
    ]


def undo_batch(session: Session, batch_id: int, *, staff_id: int | None = None) -> UndoResult:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("import_unknown_batch", batch=batch_id)
    if batch.undone_at is not None:
        raise RuleViolation("import_already_undone", batch=batch_id, at=batch.undone_at.strftime("%Y-%m-%d %H:%M"))
    created = {
        entity: list(session.scalars(select(table.c.id).where(table.c.import_batch_id == batch_id)))
        for entity, table in TABLES.items()
    }
    updated: dict[str, list[tuple[int, dict]]] = {entity: [] for entity in TABLES}
    for change in session.scalars(select(ImportChange).where(ImportChange.batch_id == batch_id)):
        before = change.before if isinstance(change.before, dict) else json.loads(change.before)
        updated[change.entity].append((change.entity_id, before))
    _check_unchanged(session, batch_id, created, updated)
    _check_unreferenced(session, created, updated)

    trail = Trail(staff_id if staff_id is not None else actor_id(session),
                  f"crm import undo {batch_id} ({batch.file_name})")
    for entity, items in updated.items():
        if items:
            _restore(session, TABLES[entity], entity, items, trail)
    for entity in DELETE_ORDER:
        table = TABLES[entity]
        for row in bulk.select_in(session, list(table.c), table.c.id, created[entity]):
            trail.purged(table.name, row.id, row.version, dict(row._mapping))
        bulk.delete_ids(session, table, created[entity])
    trail.write(session)
    batch.undone_at = dt.datetime.now(dt.timezone.utc)
    session.flush()
    return UndoResult(
        batch_id,
        removed={"contacts": len(created[CONTACT]), "organizations": len(created[ORG]),
                 "invitations": len(created[INVITATION])},
        restored={"contacts": len(updated[CONTACT]), "organizations": len(updated[ORG]),
                  "invitations": len(updated[INVITATION])},
    )


def _restore(session: Session, table, entity: str, items: list[tuple[int, dict]], trail: Trail) -> None:
    """Put back the old values the batch kept; fields it did not change keep their current values."""
    fields = sorted({name for _id, before in items for name in before if name != "version"})
    current = {row.id: row._mapping for row in bulk.select_in(
        session, [table.c[name] for name in ("id", "version", *fields)], table.c.id, [i for i, _ in items]
    )}
    rows = []
    for entity_id, before in items:
        now = current[entity_id]
        values = {name: _restored(name, before[name]) if name in before else now[name] for name in fields}
        rows.append({"id": entity_id, "version": now["version"], **values})
        trail.changed(table.name, entity_id, now["version"] + 1, {name: now[name] for name in fields}, values)
    bulk.update_versioned(session, table, fields, rows, what=entity)


def _restored(name: str, value):
    if name in DATETIME_FIELDS and value is not None:
        return dt.datetime.fromisoformat(value)
    return value


def _check_unchanged(session: Session, batch_id: int, created: dict[str, list[int]],
                     updated: dict[str, list[tuple[int, dict]]]) -> None:
    """Every record still as the import left it: at version 1 if created, old version + 1 if changed,
    plus 2 for each later import that changed it and was undone since (its change and its undo)."""
    later: dict[tuple[str, int], int] = {}
    pending: set[tuple[str, int]] = set()
    for entity, entity_id, undone_at in session.execute(
        select(ImportChange.entity, ImportChange.entity_id, ImportBatch.undone_at)
        .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
        .where(ImportChange.batch_id > batch_id, ImportChange.action == "update")
    ):
        if undone_at is None:
            pending.add((entity, entity_id))
        else:
            later[(entity, entity_id)] = later.get((entity, entity_id), 0) + 2
    changed = 0
    for entity, table in TABLES.items():
        expected = {entity_id: 1 for entity_id in created[entity]}
        expected.update({entity_id: before["version"] + 1 for entity_id, before in updated[entity]})
        versions = dict(bulk.select_in(session, [table.c.id, table.c.version], table.c.id, expected))
        for entity_id, version in expected.items():
            if entity_id not in versions:
                changed += entity_id not in created[entity]  # a created record already gone is fine
            elif (entity, entity_id) in pending or versions[entity_id] != version + later.get((entity, entity_id), 0):
                changed += 1
    if changed:
        raise RuleViolation("import_undo_changed", count=changed)


def _check_unreferenced(session: Session, created: dict[str, list[int]],
                        updated: dict[str, list[tuple[int, dict]]]) -> None:
    """Nothing outside the batch points at a contact or organization the batch created (a project's
    investor, a later import's contact, a merge...). References the undo itself removes or restores
    are not counted."""
    removed = {TABLES[entity].name: set(ids) for entity, ids in created.items()}
    restored = {
        (TABLES[entity].name, name): {entity_id for entity_id, before in items if name in before}
        for entity, items in updated.items() for name in ("organization_id",)
    }
    used = 0
    for table in Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            ids = removed.get(foreign_key.column.table.name)
            if not ids or foreign_key.column.name != "id":
                continue
            mine = removed.get(table.name, set()) | restored.get((table.name, foreign_key.parent.name), set())
            targets = sorted(ids)
            for start in range(0, len(targets), bulk.CHUNK):
                chunk = targets[start : start + bulk.CHUNK]
                if "id" in table.c:
                    referencing = session.scalars(select(table.c.id).where(foreign_key.parent.in_(chunk)))
                    used += len(set(referencing) - mine)
                else:
                    used += session.scalar(
                        select(func.count()).select_from(table).where(foreign_key.parent.in_(chunk))
                    ) or 0
    if used:
        raise RuleViolation("import_undo_referenced", count=used)
