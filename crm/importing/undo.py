"""Taking an import back: what the batch created is removed, what it changed gets its old values back.
Refused as a whole when anything the batch touched has been changed or used since (by a person or by
a later import): undo the later work first. What differs between kinds (which tables, how a changed
row is put back) is an UndoRules; the checks, the removal and the trail are shared."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from crm.errors import NotFound, RuleViolation
from crm.i18n import t
from crm.importing import bulk
from crm.importing.batch import PROGRAMME, TARGETS
from crm.importing.service import CONTACT, INVITATION, ORG
from crm.importing.trail import Trail
from db.audit import actor_id, tracked_tables
from db.base import Base
from db.models import Contact, Event, ImportBatch, ImportChange, Invitation, Organization, Programme, Staff

DATETIME_FIELDS = {"deleted_at"}


@dataclass(frozen=True)
class Entity:
    name: str  # ImportChange.entity
    table: Table  # its rows name the batch that created them (import_batch_id)
    key: str  # how the undo counts it: "contacts"


# (session, entity, [(id, old values)], trail, ids of the entity's rows the batch created: they go after)
Restore = Callable[[Session, Entity, list[tuple[int, dict]], Trail, list[int]], None]


@dataclass(frozen=True)
class UndoRules:
    """One kind's undo: the entities its batches create and change, in the order they are counted."""

    entities: tuple[Entity, ...]
    delete_order: tuple[str, ...]  # children before parents
    restore: Restore  # puts the old values a batch kept back into the rows it changed
    # The foreign-key columns of a changed row that the restore sets back (references it drops).
    restored_columns: Callable[[Entity, dict], Iterable[str]]
    referenced: str = "import_undo_referenced"  # the refusal when others use what the batch created
    undone: str = "import_undone"  # the message of a done undo: batch, removed counts, restored
    check: Callable[[Session], None] | None = None  # who may undo such a batch (raises when not)


@dataclass
class UndoResult:
    batch: int
    removed: dict[str, int]
    restored: dict[str, int]
    message_key: str = "import_undone"

    def as_json(self) -> dict:
        return {"batch": self.batch, "removed": self.removed, "restored": self.restored}

    @property
    def message(self) -> str:
        return t(self.message_key, batch=self.batch, **self.removed, restored=sum(self.restored.values()))


def list_batches(session: Session, limit: int = 50) -> list[dict]:
    """The latest import batches of every kind, newest first, as `crm import list --json` prints them."""
    rows = session.execute(
        select(ImportBatch, Staff.login, Event.ref, Programme.code)
        .outerjoin(Staff, Staff.id == ImportBatch.staff_id)
        .outerjoin(Event, Event.id == ImportBatch.event_id)
        .outerjoin(Programme, Programme.id == ImportBatch.programme_id)
        .order_by(ImportBatch.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "batch": batch.id,
            "kind": batch.kind,
            "file": batch.file_name,
            "file_hash": batch.file_hash,
            "event": event_ref,
            "programme": programme_code,
            "by": login,
            "created_at": batch.created_at.isoformat() if batch.created_at else None,
            "counts": batch.counts,
            "undone_at": batch.undone_at.isoformat() if batch.undone_at else None,
        }
        for batch, login, event_ref, programme_code in rows
    ]


def undo_batch(session: Session, batch_id: int, *, staff_id: int | None = None) -> UndoResult:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("import_unknown_batch", batch=batch_id)
    if batch.undone_at is not None:
        raise RuleViolation("import_already_undone", batch=batch_id, at=batch.undone_at.strftime("%Y-%m-%d %H:%M"))
    rules = undo_rules(batch.kind)
    if rules.check is not None:
        rules.check(session)
    created = {entity.name: _created_ids(session, entity, batch_id) for entity in rules.entities}
    left_at: dict[tuple[str, int], int] = {}  # the version a batch left a row it created at, when not 1
    updated: dict[str, list[tuple[int, dict]]] = {entity.name: [] for entity in rules.entities}
    for change in session.scalars(select(ImportChange).where(ImportChange.batch_id == batch_id)):
        before = change.before if isinstance(change.before, dict) else json.loads(change.before)
        if change.action == "create":
            left_at[(change.entity, change.entity_id)] = before["version"]
        else:
            updated[change.entity].append((change.entity_id, before))
    _check_unchanged(session, rules, batch_id, created, updated, left_at)
    _check_unreferenced(session, rules, created, updated)

    trail = Trail(staff_id if staff_id is not None else actor_id(session),
                  f"crm import undo {batch_id} ({batch.file_name})")
    for entity in rules.entities:
        if updated[entity.name]:
            rules.restore(session, entity, updated[entity.name], trail, created[entity.name])
    by_name = {entity.name: entity for entity in rules.entities}
    for name in rules.delete_order:
        table = by_name[name].table
        # Newest first: in chunks of ids, a meeting the batch created goes before its activity.
        ids = sorted(created[name], reverse=True)
        if table.name in tracked_tables():
            for row in bulk.select_in(session, list(table.c), table.c.id, ids):
                trail.purged(table.name, row.id, row.version, dict(row._mapping))
        bulk.delete_ids(session, table, ids)
    trail.write(session)
    batch.undone_at = dt.datetime.now(dt.timezone.utc)
    session.flush()
    return UndoResult(
        batch_id,
        removed={entity.key: len(created[entity.name]) for entity in rules.entities},
        restored={entity.key: len(updated[entity.name]) for entity in rules.entities},
        message_key=rules.undone,
    )


def undo_rules(kind: str) -> UndoRules:
    if kind == PROGRAMME:
        from crm.importing.programme_import import UNDO

        return UNDO
    if kind == TARGETS:
        from crm.importing.targets_import import UNDO

        return UNDO
    return INVITEES_UNDO


def _created_ids(session: Session, entity: Entity, batch_id: int) -> list[int]:
    """The rows of an entity a batch created: they name it (import_batch_id), or, in a table without that
    column (targets), the batch's own record of its creations says which."""
    table = entity.table
    if "import_batch_id" in table.c:
        return list(session.scalars(select(table.c.id).where(table.c.import_batch_id == batch_id)))
    return list(session.scalars(select(ImportChange.entity_id).where(
        ImportChange.batch_id == batch_id, ImportChange.entity == entity.name, ImportChange.action == "create")))


def _restore_columns(session: Session, entity: Entity, items: list[tuple[int, dict]], trail: Trail,
                     _gone: list[int]) -> None:
    """Put back the old values the batch kept; fields it did not change keep their current values."""
    table = entity.table
    fields = sorted({name for _id, before in items for name in before if name != "version"})
    owner = ("owner_unit_id",) if "owner_unit_id" in table.c and "owner_unit_id" not in fields else ()
    current = {row.id: row._mapping for row in bulk.select_in(
        session, [table.c[name] for name in ("id", "version", *fields, *owner)], table.c.id, [i for i, _ in items]
    )}
    rows = []
    for entity_id, before in items:
        now = current[entity_id]
        values = {name: _restored(name, before[name]) if name in before else now[name] for name in fields}
        rows.append({"id": entity_id, "version": now["version"], **values})
        trail.changed(table.name, entity_id, now["version"] + 1, {name: now[name] for name in fields}, values,
                      unit_id=now.get("owner_unit_id"))
    bulk.update_versioned(session, table, fields, rows, what=entity.name)


def _restored(name: str, value):
    if name in DATETIME_FIELDS and value is not None:
        return dt.datetime.fromisoformat(value)
    return value


INVITEES_UNDO = UndoRules(
    entities=(Entity(CONTACT, Contact.__table__, "contacts"), Entity(ORG, Organization.__table__, "organizations"),
              Entity(INVITATION, Invitation.__table__, "invitations")),
    # Children before parents: invitations point at contacts and organizations, contacts at organizations.
    delete_order=(INVITATION, CONTACT, ORG),
    restore=_restore_columns,
    restored_columns=lambda _entity, before: before,
)


def _check_unchanged(session: Session, rules: UndoRules, batch_id: int, created: dict[str, list[int]],
                     updated: dict[str, list[tuple[int, dict]]], left_at: dict[tuple[str, int], int]) -> None:
    """Every versioned record still as the import left it: at the version it was created at (1 unless
    the batch says otherwise), old version + 1 if changed, plus 2 for each later import that changed it
    and was undone since (its change and its undo)."""
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
    for entity in rules.entities:
        name, table = entity.name, entity.table
        if "version" not in table.c:
            continue
        expected = {entity_id: left_at.get((name, entity_id), 1) for entity_id in created[name]}
        expected.update({entity_id: before["version"] + 1 for entity_id, before in updated[name]})
        versions = dict(bulk.select_in(session, [table.c.id, table.c.version], table.c.id, expected))
        for entity_id, version in expected.items():
            if entity_id not in versions:
                changed += entity_id not in created[name]  # a created record already gone is fine
            elif (name, entity_id) in pending or versions[entity_id] != version + later.get((name, entity_id), 0):
                changed += 1
    if changed:
        raise RuleViolation("import_undo_changed", count=changed)


def _check_unreferenced(session: Session, rules: UndoRules, created: dict[str, list[int]],
                        updated: dict[str, list[tuple[int, dict]]]) -> None:
    """Nothing outside the batch points at a record the batch created (a project's investor, a later
    import's contact, a meeting added by hand under an imported activity…). References the undo itself
    removes or restores are not counted, nor rows that go with a removed or restored record (an
    imported event's organizers: ON DELETE CASCADE)."""
    removed = {entity.table.name: set(created[entity.name]) for entity in rules.entities}
    touched = {entity.table.name: removed[entity.table.name] | {i for i, _ in updated[entity.name]}
               for entity in rules.entities}
    restored: dict[tuple[str, str], set[int]] = {}
    for entity in rules.entities:
        for entity_id, before in updated[entity.name]:
            for column in rules.restored_columns(entity, before):
                restored.setdefault((entity.table.name, column), set()).add(entity_id)
    used = 0
    for table in Base.metadata.sorted_tables:
        owners = [fk for fk in table.foreign_keys if fk.ondelete == "CASCADE" and fk.column.table.name in touched]
        for foreign_key in table.foreign_keys:
            ids = removed.get(foreign_key.column.table.name)
            if not ids or foreign_key.column.name != "id":
                continue
            mine = removed.get(table.name, set()) | restored.get((table.name, foreign_key.parent.name), set())
            has_id = "id" in table.c
            columns = [table.c.id if has_id else foreign_key.parent, *(owner.parent for owner in owners)]
            targets = sorted(ids)
            for start in range(0, len(targets), bulk.CHUNK):
                chunk = targets[start : start + bulk.CHUNK]
                for row in session.execute(select(*columns).where(foreign_key.parent.in_(chunk))):
                    if has_id and row[0] in mine:
                        continue
                    if any(value in touched[owner.column.table.name] for owner, value in zip(owners, row[1:])):
                        continue
                    used += 1
    if used:
        raise RuleViolation(rules.referenced, count=used)
