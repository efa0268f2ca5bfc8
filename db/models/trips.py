"""Outbound promotion trips (招商小分队, seed 三、(二)): a unit's team goes somewhere for some days, visits
organizations, and leads may come of it (Project.trip_id). Numbered T0001…"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SoftDeletable, Timestamped, UnitOwned, Versioned
from db.models.contacts import Organization


class PromotionTrip(Base, Versioned, Timestamped, SoftDeletable, UnitOwned):
    __tablename__ = "promotion_trips"

    id: Mapped[int] = mapped_column(primary_key=True)
    destination: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    members: Mapped[str | None] = mapped_column(Text)  # who went, as written
    purpose: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    visits: Mapped[list[TripVisit]] = relationship(back_populates="trip", order_by="TripVisit.id",
                                                   cascade="all, delete-orphan")


class TripVisit(Base):
    __tablename__ = "trip_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("promotion_trips.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    visited_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(Text)

    trip: Mapped[PromotionTrip] = relationship(back_populates="visits")
    organization: Mapped[Organization] = relationship()
