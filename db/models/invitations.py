"""Invitations: an event × a contact, or × an organization while the person is still 待定."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SoftDeletable, Timestamped, Versioned, UnitOwned
from db.models.contacts import Contact, Organization
from db.models.enums import InvitationStatus, enum_column_type
from db.models.events import Event


class Invitation(Base, Versioned, Timestamped, SoftDeletable, UnitOwned):
    __tablename__ = "invitations"
    # Both unique indexes are partial (WHERE contact_id IS [NOT] NULL) on both backends, as migration 0001
    # made them. The PostgreSQL form of the condition is not repeated here: an option of that dialect on a
    # model makes every process import SQLAlchemy's PostgreSQL dialect (60-80 ms of each start on SQLite),
    # and the schema comes from the migrations, never from the models (`crm db check` compares the rest).
    __table_args__ = (
        Index(
            "uq_invitations_event_contact",
            "event_id",
            "contact_id",
            unique=True,
            sqlite_where=text("contact_id IS NOT NULL"),
        ),
        Index(
            "uq_invitations_event_org_level",
            "event_id",
            "organization_id",
            unique=True,
            sqlite_where=text("contact_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column_type(InvitationStatus, "invitation_status"), default=InvitationStatus.PROPOSED
    )
    # 客商类别 as the list gave it (跨国公司, 央企 ...), kept for the per-category counts.
    category: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    event: Mapped[Event] = relationship()
    contact: Mapped[Contact | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
