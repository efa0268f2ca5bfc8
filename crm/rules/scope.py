"""Who sees and changes what (DOMAIN.md "Province, cities and parks"). Staff of a city see and change their
city's records and those of the parks under it; park staff their park's; staff of the province (its
offices and departments) see everything, and provincial reviewers confirm what units submit. Everyone
reads the province's own events (cities invite to them and sign at them) and the shared 客商库.

A login that is no staff member, or staff with no unit, sees everything: a team database from before
units, or the owner. The same rule is row-level security on PostgreSQL (migration 0007)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Staff, Unit, UnitKind
from db.scope import ALL_UNITS, SCOPE_KEY, Visible

PROVINCIAL_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.OFFICE})
SCOPED_KINDS = frozenset({UnitKind.CITY, UnitKind.PARK})
PROVINCE_UNIT_NAME = "省本级"  # the provincial level itself, where a database names no province unit


@dataclass(frozen=True)
class Scope:
    login: str | None
    unit_id: int | None  # the staff member's unit
    unit_name: str | None
    reviewer: bool
    visible: Visible | None  # None: every unit's records

    @property
    def provincial_staff(self) -> bool:
        """Staff of the province itself (its offices and departments), who read confirmed figures first."""
        return self.unit_id is not None and self.visible is None

    def may_change(self, unit_id: int | None) -> bool:
        return self.visible is None or unit_id in self.visible.units


EVERYTHING = Scope(login=None, unit_id=None, unit_name=None, reviewer=False, visible=None)


def scope_of(session: Session, login: str | None) -> Scope:
    """What `login` may see and change, read from the staff list and the unit tree."""
    if not login:
        return EVERYTHING
    row = session.execute(
        select(Staff.id, Staff.reviewer, Unit.id, Unit.name, Unit.kind)
        .outerjoin(Unit, Unit.id == Staff.unit_id).where(Staff.login == login)
    ).first()
    if row is None:
        return Scope(login, None, None, False, None)
    _staff_id, reviewer, unit_id, unit_name, kind = row
    if unit_id is None or kind not in SCOPED_KINDS:
        return Scope(login, unit_id, unit_name, bool(reviewer), None)
    units = frozenset(unit_tree(session, unit_id))
    shared = frozenset(session.scalars(select(Unit.id).where(Unit.kind.in_(PROVINCIAL_KINDS))))
    return Scope(login, unit_id, unit_name, bool(reviewer), Visible(units, shared))


def unit_tree(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit under it."""
    children: dict[int | None, list[int]] = {}
    for child, parent in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(child)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def who(session: Session) -> Scope:
    """The scope the session's unit of work runs in (crm.cli.context, tui.workbench set it)."""
    return session.info.get(SCOPE_KEY) or EVERYTHING


def province_unit(session: Session) -> Unit:
    """The province's own unit: the first of kind province, added (省本级) when the database has none."""
    unit = session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE).order_by(Unit.id)
                           .execution_options(**ALL_UNITS)).first()
    if unit is None:
        unit = Unit(name=PROVINCE_UNIT_NAME, kind=UnitKind.PROVINCE)
        session.add(unit)
        session.flush()
    return unit


def city_unit(session: Session, region_id: int) -> Unit:
    """The unit standing for a city (设区市): the first of kind city in it, added under its name if none."""
    unit = session.scalars(select(Unit).where(Unit.kind == UnitKind.CITY, Unit.region_id == region_id)
                           .order_by(Unit.id)).first()
    if unit is None:
        from db.models import Region

        region = session.get(Region, region_id)
        taken = session.scalar(select(Unit.id).where(Unit.name == region.name)) is not None
        unit = Unit(name=region.name if not taken else f"{region.name}人民政府", kind=UnitKind.CITY, region=region)
        session.add(unit)
        session.flush()
    return unit


def _in_province(session: Session, region_id: int | None) -> bool:
    """A city of the province has a unit of its own; a place outside it (an event held in Shenzhen) none."""
    from db.models import Region

    return region_id is not None and session.get(Region, region_id).in_province


def owner_of_event(session: Session, *, city_level: bool, region_id: int | None) -> int:
    """An event belongs to the unit of staff of a city or park who enter it; otherwise to its city when it is
    held at city level, else to the province."""
    scope = who(session)
    if scope.visible is not None:
        return scope.unit_id
    if city_level and _in_province(session, region_id):
        return city_unit(session, region_id).id
    return province_unit(session).id


def owner_of_project(session: Session, *, region_id: int | None, signing_event_owner: int | None) -> int:
    """A project belongs to the unit that signed it: staff of a city or park sign for their unit; otherwise
    the city it is in, else the unit of the event it was signed at, else the province."""
    scope = who(session)
    if scope.visible is not None:
        return scope.unit_id
    if _in_province(session, region_id):
        return city_unit(session, region_id).id
    return signing_event_owner or province_unit(session).id


def owner_of_invitation(session: Session, event_owner: int) -> int:
    """Staff of a city or park invite for their unit (also to the province's events); else the event's unit."""
    scope = who(session)
    return scope.unit_id if scope.visible is not None else event_owner
