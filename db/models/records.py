"""Import batches (for undo) and the audit trail of every change to versioned records."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    # What was imported: "invitees" (into event_id, if any) or "programme" (into programme_id).
    kind: Mapped[str] = mapped_column(String(16), default="invitees")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict] = mapped_column(default=dict)
    undone_at: Mapped[dt.datetime | None]


class ImportChange(Base):
    """What a batch did to one row: created it, or changed fields whose old values are kept here."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))  # "create" | "update"
    before: Mapped[dict | None]


class AuditEntry(Base):
    """One change to a tracked record (db.audit): who, when, which field, old and new value as text."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete | restore
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # The record's version after the change: every version of a record has its entries.
    version: Mapped[int | None]
    # Why, when the user said so (the reason given for a deletion).
    note: Mapped[str | None] = mapped_column(Text)
    # The unit owning the record changed (none for the shared 客商库): each unit reads its own history.
    unit_id: Mapped[int | None] = mapped_column(index=True)
