"""Reporting up (上报): a unit submits an event's work plan, its summary, or a signed project; a provincial
reviewer accepts it (认定) or returns it with a reason (退回); a returned item may be submitted again. One
row per submission, so the rows of an item are its history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, Versioned
from db.models.enums import SubmissionKind, SubmissionOutcome, enum_column_type
from db.models.events import Event
from db.models.projects import Project
from db.models.reference import Staff, Unit


class Submission(Base, Versioned, Timestamped):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_kind_event_id", "kind", "event_id"),
        Index("ix_submissions_kind_project_id", "kind", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SubmissionKind] = mapped_column(enum_column_type(SubmissionKind, "submission_kind"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # who reports
    submitted_on: Mapped[dt.date]  # the day that counts against the deadline
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[SubmissionOutcome | None] = mapped_column(
        enum_column_type(SubmissionOutcome, "submission_outcome"))
    decided_on: Mapped[dt.date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was returned
    # A project that looks reported already by another unit (重复上报): the reviewer decides; until then
    # the project counts once, under the other.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    duplicate_hint: Mapped[str | None] = mapped_column(String(255))

    event: Mapped[Event | None] = relationship()
    project: Mapped[Project | None] = relationship(foreign_keys=[project_id])
    duplicate_of: Mapped[Project | None] = relationship(foreign_keys=[duplicate_of_id])
    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[Staff | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[Staff | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def audit_unit_id(self) -> int:
        return self.unit_id
