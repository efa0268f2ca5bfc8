"""Declarative base shared by every model: one naming convention, exact money, timezone-aware stamps."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints are required for SQLite batch migrations (an unnamed constraint cannot be dropped).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 万元 with two decimals; large enough for any single project (up to 10^14 万元).
Money = Numeric(18, 2)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str: String(255),
        Decimal: Money,
        dt.datetime: DateTime(timezone=True),
        dict: JSON,
        list: JSON,
    }


class Versioned:
    """Optimistic locking: every UPDATE checks the version it read (StaleDataError otherwise)."""

    version: Mapped[int] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeletable:
    """Deleting is recorded, never destructive: rows keep living with a deletion stamp."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class UnitOwned:
    """A record of one unit (单位): the city or park that organizes the event, signed the project, sent the
    invitation, or the province. Who may see and change it follows from the unit tree (crm.rules.scope;
    on PostgreSQL also row-level security, migrations 0007)."""

    @declared_attr
    def owner_unit_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("units.id"), index=True)

    @property
    def audit_unit_id(self) -> int | None:
        """The unit whose history an audit entry of this record is part of (db.audit)."""
        return self.owner_unit_id
