"""The project list as the workbench pages through it: filtered, searched and sorted in SQL, one window
of rows at a time, so that 10,000 projects cost no more than 100."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from db.models import Industry, Organization, Project, ProjectStatus, Region, Stage, Staff, Unit

from crm.rules.stages import STAGE_ORDER
from crm.services.search import like_escaped
from crm.services.values import search_text


@dataclass(frozen=True)
class ProjectFilter:
    text: str = ""  # part of the ref, name, investor or park
    stage: Stage | None = None
    industry_id: int | None = None
    region_id: int | None = None
    status: ProjectStatus | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class ProjectOrder:
    column: str = "ref"  # a key of SORT_COLUMNS
    descending: bool = False


@dataclass(frozen=True)
class ProjectRow:
    id: int
    ref: str
    name: str
    investor: str | None
    industry: str | None
    city: str | None
    amount: Decimal | None
    signed_on: dt.date | None
    stage: Stage
    stage_on: dt.date | None
    status: ProjectStatus
    unit: str | None
    version: int


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class FilterChoices:
    industries: list[Choice]
    regions: list[Choice]
    units: list[Choice]
    staff: list[Choice]


_STAGE_RANK = case({stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}, value=Project.stage)

SORT_COLUMNS = {
    "ref": Project.ref,
    "name": Project.name,
    "investor": Organization.name,
    "industry": Industry.name,
    "city": Region.name,
    "amount": Project.contracted_amount,
    "signed_on": Project.signed_on,
    "stage": _STAGE_RANK,
    "stage_on": Project.stage_on,
    "status": Project.status,
    "unit": Unit.name,
}


def _like_pattern(text: str) -> str:
    return f"%{like_escaped(text)}%"


def _filtered(query: Select, flt: ProjectFilter) -> Select:
    query = (
        query.outerjoin(Organization, Project.investor_id == Organization.id)
        .outerjoin(Industry, Project.industry_id == Industry.id)
        .outerjoin(Region, Project.region_id == Region.id)
        .outerjoin(Unit, Project.responsible_unit_id == Unit.id)
        .where(Project.deleted_at.is_(None))
    )
    text = search_text(flt.text)
    if text:
        pattern = _like_pattern(text)
        query = query.where(
            or_(*(column.ilike(pattern, escape="\\")
                  for column in (Project.ref, Project.name, Organization.name, Project.park)))
        )
    for column, value in (
        (Project.stage, flt.stage),
        (Project.industry_id, flt.industry_id),
        (Project.region_id, flt.region_id),
        (Project.status, flt.status),
        (Project.responsible_unit_id, flt.unit_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def count_projects(session: Session, flt: ProjectFilter) -> int:
    return session.scalar(_filtered(select(func.count(Project.id)), flt))


def project_page(session: Session, flt: ProjectFilter, order: ProjectOrder, offset: int, limit: int) -> list[ProjectRow]:
    """Rows offset … offset+limit of the filtered list in the chosen order (ties broken by id)."""
    column = SORT_COLUMNS[order.column]
    sort = column.desc().nulls_last() if order.descending else column.asc().nulls_last()
    tie = Project.id.desc() if order.descending else Project.id.asc()
    query = _filtered(
        select(
            Project.id, Project.ref, Project.name, Organization.name, Industry.name, Region.name,
            Project.contracted_amount, Project.signed_on, Project.stage, Project.stage_on, Project.status,
            Unit.name, Project.version,
        ),
        flt,
    ).order_by(sort, tie).offset(offset).limit(limit)
    return [ProjectRow(*row) for row in session.execute(query)]


def filter_choices(session: Session) -> FilterChoices:
    def choices(model, label) -> list[Choice]:
        return [Choice(id_, name) for id_, name in session.execute(select(model.id, label).order_by(model.id))]

    return FilterChoices(
        industries=choices(Industry, Industry.name),
        regions=choices(Region, Region.name),
        units=choices(Unit, Unit.name),
        staff=choices(Staff, Staff.name),
    )
