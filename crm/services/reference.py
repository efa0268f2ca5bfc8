"""Finding regions, industries, units and staff by what users type (南昌, 南昌市, 光伏, pv, 王芳)."""
from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Industry, Region, Staff, Unit, UnitKind

from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.labels import unit_kind_label
from crm.rules.units import guess_unit_kind, parse_unit_kind
from crm.services.values import shown, text_for

_REGIONS = Region.__table__.c


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looked_up(text: str | None) -> str | None:
    """What a lookup by name compares: None for text no name holds (control characters such as NUL, which
    PostgreSQL cannot even compare): it finds nothing, on both backends alike."""
    value = (text or "").strip()
    return None if _CONTROL.search(value) else value


def find_region(session: Session, text: str, *, create: bool = False) -> Region:
    value = _looked_up(text)
    region = None if value is None else session.scalar(
        select(Region).where(or_(Region.name == value, Region.short_name == value, Region.name == value + "市"))
    )
    if region is None:
        if not create or not value:
            raise NotFound("unknown_region", value=shown(text))
        region = add_region(session, value, in_province=False)
    return region


def find_industry(session: Session, text: str) -> Industry:
    value = _looked_up(text)
    industry = None if value is None else session.scalar(
        select(Industry).where(or_(Industry.name == value, Industry.code == value.lower())))
    if industry is None:
        choices = "、".join(session.scalars(select(Industry.name).order_by(Industry.id)))
        raise NotFound("unknown_industry", value=shown(text), choices=choices)
    return industry


def find_unit(session: Session, text: str, *, create: bool = False) -> Unit:
    value = _looked_up(text)
    unit = None if value is None else session.scalar(select(Unit).where(Unit.name == value))
    if unit is None:
        if not create or not value:
            known = "、".join(session.scalars(select(Unit.name).order_by(Unit.id).limit(12)))
            raise NotFound("unknown_unit", value=shown(text), known=known or "—")
        unit = find_or_add_unit(session, value)
    return unit


def find_or_add_unit(session: Session, text: str, *, added: list[Unit] | None = None,
                     import_batch_id: int | None = None) -> Unit | None:
    """A unit by its name, added to the unit list when new (its kind told by the name, its city when
    the name says one); `added` collects the new ones for the user to see."""
    name = text_for(Unit.__table__.c.name, text, pick("单位名称", "unit name"))
    if name is None:
        return None
    unit = session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        kind = guess_unit_kind(name)
        region = _region_in_name(session, name) if kind in (UnitKind.CITY, UnitKind.PARK) else None
        unit = Unit(name=name, kind=kind, region=region, import_batch_id=import_batch_id)
        session.add(unit)
        session.flush()
        if added is not None:
            added.append(unit)
    return unit


def _region_in_name(session: Session, name: str) -> Region | None:
    for region in session.scalars(select(Region).where(Region.in_province.is_(True))):
        if name.startswith(region.name) or name.startswith(region.short_name):
            return region
    return None


def add_unit(session: Session, name: str, *, kind: str, parent: str | None = None, city: str | None = None) -> Unit:
    """`crm units add`: a unit of a known kind, under a parent unit, in a city (`city`, else its parent's,
    else for a city's unit the one its name says: 南昌市政府). Where it stands is checked (_check_placed)."""
    text = text_for(Unit.__table__.c.name, name, pick("单位名称", "unit name"), required=True)
    unit_kind = parse_unit_kind(kind)
    if unit_kind is None:
        raise CrmError("unknown_unit_kind", value=kind, choices=", ".join(k.value for k in UnitKind))
    if session.scalar(select(Unit.id).where(Unit.name == text)) is not None:
        raise RuleViolation("unit_exists", name=text)
    above = find_unit(session, parent) if parent else None
    region = find_region(session, city) if city else (above.region if above else None)
    if region is None and unit_kind == UnitKind.CITY:
        region = _region_in_name(session, text)
    _check_placed(text, unit_kind, above, region)
    unit = Unit(name=text, kind=unit_kind, parent=above, region=region)
    session.add(unit)
    session.flush()
    return unit


# The units a park (or county) may stand under.
_ABOVE_A_PARK = (UnitKind.CITY, UnitKind.PARK)


def _check_placed(name: str, kind: UnitKind, above: Unit | None, region: Region | None) -> None:
    """A park is under a city's unit (or a county's), whose staff see its records (crm.rules.scope); a
    city's unit is in its city, for a city's events and projects go to the unit standing for the city
    (crm.rules.scope.city_unit): one in no city would see none of them."""
    if kind == UnitKind.PARK and above is None:
        raise RuleViolation("park_needs_parent", name=name)
    if kind == UnitKind.PARK and above.kind not in _ABOVE_A_PARK:
        raise RuleViolation("park_parent_not_city", name=name, parent=above.name,
                            kind=unit_kind_label(above.kind.value))
    if kind == UnitKind.PARK and region is not None and above.region_id not in (None, region.id):
        raise RuleViolation("park_in_another_city", name=name, city=region.name, parent=above.name)
    if kind == UnitKind.CITY and region is None:
        raise RuleViolation("city_unit_needs_city", name=name)


def list_units(session: Session) -> list[Unit]:
    """Every unit, each under its parent (the tree in reading order)."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[Unit] = []

    def walk(parent_id: int | None) -> None:
        for unit in children.get(parent_id, []):
            ordered.append(unit)
            walk(unit.id)

    walk(None)
    return ordered


def unit_depth(unit: Unit) -> int:
    depth, walk = 0, unit.parent
    while walk is not None and depth < 16:
        depth, walk = depth + 1, walk.parent
    return depth


def add_industry(session: Session, name: str, *, code: str | None = None) -> Industry:
    text = text_for(Industry.__table__.c.name, name, pick("产业名称", "industry name"), required=True)
    if session.scalar(select(Industry.id).where(Industry.name == text)) is not None:
        raise RuleViolation("industry_exists", name=text)
    limit = Industry.__table__.c.code.type.length
    # A code not given is the name, cut to the column (room left for a -2 when it is taken).
    wanted = (text_for(Industry.__table__.c.code, code, pick("产业代码", "industry code")) or text[: limit - 4]).lower()
    code_text, n = wanted, 1
    while session.scalar(select(Industry.id).where(Industry.code == code_text)) is not None:
        n += 1
        code_text = f"{wanted[: limit - 4]}-{n}"
    industry = Industry(name=text, code=code_text)
    session.add(industry)
    session.flush()
    return industry


def add_region(session: Session, name: str, *, short_name: str | None = None, in_province: bool = True) -> Region:
    text = text_for(_REGIONS.name, name, pick("地区名称", "region name"), required=True)
    # A short name given is checked; one derived from the name is only a lookup aid, cut to its column.
    short = (text_for(_REGIONS.short_name, short_name, pick("简称", "short name"))
             or text.removesuffix("市")[:_REGIONS.short_name.type.length])
    if session.scalar(select(Region.id).where(or_(Region.name == text, Region.short_name == short))) is not None:
        raise RuleViolation("region_exists", name=text)
    region = Region(name=text, short_name=short, in_province=in_province)
    session.add(region)
    session.flush()
    return region


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
        raise NotFound("unknown_staff", value=shown(text), known=known or "—")
    return staff
