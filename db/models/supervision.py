"""Supervision orders (督办单): a dated order to a responsible unit about a project or an open problem,
with a reply deadline. The unit replies; the order closes when a reviewer accepts a reply, or stays open
for another reply when one is not accepted. Its colour as of a day follows from these dates
(crm.rules.supervision)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, Versioned
from db.models.projects import Problem, Project
from db.models.reference import Staff, Unit


class SupervisionOrder(Base, Versioned, Timestamped):
    __tablename__ = "supervision_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    # The responsible unit, who must reply: its staff see the order (scope, row-level security).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    issued_on: Mapped[dt.date]
    due_on: Mapped[dt.date]  # the reply is due by this day
    note: Mapped[str] = mapped_column(Text)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_on: Mapped[dt.date | None]  # the day a reply was accepted
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    project: Mapped[Project] = relationship()
    problem: Mapped[Problem | None] = relationship()
    unit: Mapped[Unit] = relationship()
    issued_by: Mapped[Staff | None] = relationship(foreign_keys=[issued_by_id])
    closed_by: Mapped[Staff | None] = relationship(foreign_keys=[closed_by_id])
    replies: Mapped[list[SupervisionReply]] = relationship(
        back_populates="order", order_by="SupervisionReply.id", cascade="all, delete-orphan")

    @property
    def audit_unit_id(self) -> int:
        return self.unit_id


class SupervisionReply(Base, Versioned):
    """A unit's reply to an order; a reviewer accepts it (closing the order) or not, saying why."""

    __tablename__ = "supervision_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("supervision_orders.id", ondelete="CASCADE"), index=True)
    replied_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    accepted: Mapped[bool | None]  # None: not decided yet
    decided_on: Mapped[dt.date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was not accepted

    order: Mapped[SupervisionOrder] = relationship(back_populates="replies")

    @property
    def audit_unit_id(self) -> int:
        return self.order.unit_id
    replied_by: Mapped[Staff | None] = relationship(foreign_keys=[replied_by_id])
    decided_by: Mapped[Staff | None] = relationship(foreign_keys=[decided_by_id])
