"""Audit-trail entries (db.audit) for the rows imports change in bulk. The flush listener that keeps the
trail never sees Core statements, so imports and their undo write the same entries themselves, in
the same transaction, in the trail's own format (db.audit.as_text / snapshot_text). Rows an import
creates get no entry of their own: they name their batch, and history shows their creation from it
(crm.services.history)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from crm.importing import bulk
from db.audit import as_text, snapshot_text
from db.models import AuditEntry

COLUMNS = ("entity", "entity_id", "action", "field", "old_value", "new_value", "staff_id", "version", "note", "unit_id")


def import_note(file_name: str, batch_id: int, kind: str = "invitees") -> str:
    """The note of an import's entries, and of the creations history shows for the rows it created."""
    return f"crm import {kind} {file_name} (batch {batch_id})"


class Trail:
    def __init__(self, staff_id: int | None, note: str) -> None:
        self.staff_id = staff_id
        self.note = note
        self.rows: list[tuple] = []

    def purged(self, table: str, entity_id: int, version: int, values: dict) -> None:
        self.rows.append((_plain(table), entity_id, "purge", None, snapshot_text(values), None, self.staff_id, version,
                          self.note, values.get("owner_unit_id")))

    def changed(self, table: str, entity_id: int, version: int, old: dict, new: dict, *,
                unit_id: int | None = None) -> None:
        """One entry per field whose text changed; `version` is the record's version after the change.
        `unit_id`: the unit whose record it is (an invitation's), as db.audit gives every entry it writes;
        None for the shared 客商库."""
        for field, before in old.items():
            if field == "version":
                continue
            old_text, new_text = as_text(before), as_text(new.get(field))
            if old_text == new_text:
                continue
            action = "update" if field != "deleted_at" else ("delete" if new_text is not None else "restore")
            self.rows.append((_plain(table), entity_id, action, field, old_text, new_text, self.staff_id, version,
                              self.note, unit_id))

    def write(self, session: Session) -> None:
        bulk.insert_rows(session, AuditEntry.__table__, COLUMNS, self.rows)
        self.rows = []


def _plain(name: str) -> str:
    """Table names come as SQLAlchemy's quoted_name, a str subclass sqlite3 would adapt row by row."""
    return str(name)
