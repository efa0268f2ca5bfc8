"""The programme (e.g. 五四四), its events with parent/child meetings, organizer roles and quotas."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SoftDeletable, Timestamped, Versioned, UnitOwned
from db.models.enums import (
    DatePrecision,
    EventKind,
    EventLevel,
    OrganizerRole,
    enum_column_type,
)
from db.models.reference import Industry, Region, Unit

class EventIndustry(Base):
    """An industry an event promotes, in the order the plan names them."""

    __tablename__ = "event_industries"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    industry_id: Mapped[int] = mapped_column(ForeignKey("industries.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    industry: Mapped[Industry] = relationship()


class Programme(Base, Versioned, Timestamped, SoftDeletable):
    """A year's work plan that groups events, e.g. 江西省工信委2011年战略性新兴产业推介活动工作方案.
    `code` is its reference on the command line (2011-544, 2026)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    document_no: Mapped[str | None] = mapped_column(String(64))  # 文号
    issued_on: Mapped[dt.date | None]
    issuing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    notes: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[Event]] = relationship(back_populates="programme")
    issuing_unit: Mapped[Unit | None] = relationship()


class Event(Base, Versioned, Timestamped, SoftDeletable, UnitOwned):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    # 五/四/四: which part of the programme the event belongs to ("major", "matchmaking", ...).
    # The section of the programme the event is listed under: a code of the 2011 plan ("major", ...)
    # or the section's own words (以设区市为主举办的产业对接会).
    programme_group: Mapped[str | None] = mapped_column(String(128))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    level: Mapped[EventLevel] = mapped_column(enum_column_type(EventLevel, "event_level"))
    kind: Mapped[EventKind] = mapped_column(enum_column_type(EventKind, "event_kind"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    venue: Mapped[str | None] = mapped_column(String(255))
    # The possible span while only a month or quarter is known; the exact days once fixed.
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    date_precision: Mapped[DatePrecision] = mapped_column(
        enum_column_type(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    planned_scale: Mapped[int | None]
    invitee_types: Mapped[list] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(Text)
    plan_submitted_on: Mapped[dt.date | None]
    summary_submitted_on: Mapped[dt.date | None]
    # The import batch that created the row (a programme table): its undo removes the row.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", use_alter=True))

    programme: Mapped[Programme | None] = relationship(back_populates="events")
    parent: Mapped[Event | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Event]] = relationship(back_populates="parent", order_by="Event.position")
    region: Mapped[Region | None] = relationship()
    industry_links: Mapped[list[EventIndustry]] = relationship(
        order_by="EventIndustry.position", cascade="all, delete-orphan", collection_class=ordering_list("position")
    )
    industries: AssociationProxy[list[Industry]] = association_proxy(
        "industry_links", "industry", creator=lambda industry: EventIndustry(industry=industry)
    )
    organizers: Mapped[list[EventOrganizer]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventOrganizer.position"
    )
    quotas: Mapped[list[EventQuota]] = relationship(back_populates="event", cascade="all, delete-orphan")

    @property
    def date_fixed(self) -> bool:
        return self.date_precision == DatePrecision.DAY


class EventOrganizer(Base):
    __tablename__ = "event_organizers"
    __table_args__ = (UniqueConstraint("event_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[OrganizerRole] = mapped_column(enum_column_type(OrganizerRole, "organizer_role"))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="organizers")
    unit: Mapped[Unit] = relationship()


class EventQuota(Base):
    """Projects each industry brings (e.g. 5–8 per industry). No industry = every industry alike."""

    __tablename__ = "event_quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"))
    min_projects: Mapped[int]
    max_projects: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="quotas")
    industry: Mapped[Industry | None] = relationship()
