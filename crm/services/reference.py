"""Finding regions, industries, units and staff by what users type (南昌, 南昌市, 光伏, pv, 王芳)."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Industry, Region, Staff, Unit, UnitKind

from crm.errors import NotFound


def find_region(session: Session, text: str, *, create: bool = False) -> Region:
    value = (text or "").strip()
    region = session.scalar(
        select(Region).where(or_(Region.name == value, Region.short_name == value, Region.name == value + "市"))
    )
    if region is None:
        if not create or not value:
            raise NotFound("unknown_region", value=text)
        region = Region(name=value, short_name=value.removesuffix("市"), in_province=False)
        session.add(region)
        session.flush()
    return region


def find_industry(session: Session, text: str) -> Industry:
    value = (text or "").strip()
    industry = session.scalar(select(Industry).where(or_(Industry.name == value, Industry.code == value.lower())))
    if industry is None:
        choices = "、".join(session.scalars(select(Industry.name).order_by(Industry.id)))
        raise NotFound("unknown_industry", value=text, choices=choices)
    return industry


def find_unit(session: Session, text: str, *, create: bool = False) -> Unit:
    value = (text or "").strip()
    unit = session.scalar(select(Unit).where(Unit.name == value))
    if unit is None:
        if not create or not value:
            raise NotFound("unknown_unit", value=text)
        unit = Unit(name=value, kind=UnitKind.DEPARTMENT)
        session.add(unit)
        session.flush()
    return unit


def find_staff(session: Session, text: str) -> Staff:
    """A colleague by login or by name (responsible for a project). Staff appear once they have used
    the program; an unknown one is refused with the known logins, never created by a typo."""
    value = (text or "").strip()
    staff = session.scalar(
        select(Staff).where(or_(func.lower(Staff.login) == value.lower(), Staff.name == value))
        .order_by(func.lower(Staff.login) != value.lower(), Staff.id)  # a login before a namesake
    )
    if staff is None:
        known = ", ".join(session.scalars(select(Staff.login).order_by(Staff.login)))
        raise NotFound("unknown_staff", value=text, known=known or "—")
    return staff
