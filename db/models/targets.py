"""Annual targets (目标任务) of a unit — a city or a park — overall or for one industry, per indicator
(crm.rules.targets names them), as a commission circulates them."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped, Versioned
from db.models.reference import Industry, Unit


class Target(Base, Versioned, Timestamped):
    __tablename__ = "targets"
    __table_args__ = (Index("ix_targets_year_unit_id", "year", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"))  # None: all industries
    indicator: Mapped[str] = mapped_column(String(32))  # signed_projects | signed_amount | funds_in_place | started
    value: Mapped[Decimal]  # a count, or 万元

    unit: Mapped[Unit] = relationship()
    industry: Mapped[Industry | None] = relationship()

    @property
    def audit_unit_id(self) -> int:
        return self.unit_id
