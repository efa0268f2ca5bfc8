"""Merges of duplicate contacts: what was moved and changed, so that a merge can be undone."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, utcnow
from db.models.contacts import Contact
from db.models.reference import Staff


class ContactMerge(Base):
    __tablename__ = "contact_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    merged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # {"fields": {field: [kept's old value, value after merge]}, "moved": [invitation ids],
    #  "resolved": [{"kept": id, "merged": id, "before": {...}}], "kept_version": n}
    changes: Mapped[dict] = mapped_column(default=dict)
    undone_at: Mapped[dt.datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    kept: Mapped[Contact] = relationship(foreign_keys=[kept_id])
    merged: Mapped[Contact] = relationship(foreign_keys=[merged_id])
    staff: Mapped[Staff | None] = relationship(foreign_keys=[staff_id])
