"""Reference data: regions (设区市 and others), industries (产业), units (单位/处室) and staff."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamped
from db.models.enums import UnitKind, enum_column_type


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # 南昌市
    short_name: Mapped[str] = mapped_column(String(32), unique=True)  # 南昌
    in_province: Mapped[bool] = mapped_column(default=True)


class Industry(Base):
    __tablename__ = "industries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # The import batch that created the row (a programme table): its undo removes the row.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", use_alter=True))


class Unit(Base):
    """A unit that organizes, coordinates or is responsible: the province, its offices and departments,
    cities and the parks or counties under them (a tree by parent)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column_type(UnitKind, "unit_kind"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", use_alter=True))

    region: Mapped[Region | None] = relationship()
    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Staff(Base, Timestamped):
    """A person who records work: chosen by --user / CRM_USER / config, else the OS login."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # A provincial reviewer confirms (认定) or returns what units submit (上报).
    reviewer: Mapped[bool] = mapped_column(default=False, server_default=false())
    email: Mapped[str | None] = mapped_column(String(255))  # where `crm remind` sends the person's digest
