"""The contact and organization lists as the workbench pages through them: filtered and sorted in SQL,
one window of rows at a time. A window past the middle is read from the other end (reversed order,
short offset), so the last row of 100,000 costs what the first does."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import Contact, Event, Industry, Organization, OrgKind, Region

from crm.services.project_query import Choice, filter_choices
from crm.services.search import ContactFilters, OrganizationFilters


@dataclass(frozen=True)
class ListOrder:
    column: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    organization: str | None
    org_kind: OrgKind | None
    city: str | None
    title: str | None
    mobile: str | None
    email: str | None


@dataclass(frozen=True)
class OrganizationRow:
    id: int
    name: str
    kind: OrgKind
    industry: str | None
    city: str | None
    contacts: int


# A name sorts by its pinyin (" zhangsan zs "; the surname's usual reading first), as staff look for
# people: 安 … 张 … 周, not by code point. A name without Chinese has no pinyin and sorts by its key
# among them (" john smith" beside the j's), so the expression is never null.
CONTACT_NAME_ORDER = func.coalesce(Contact.pinyin, " " + Contact.name_key)

CONTACT_SORTS = {
    "name": CONTACT_NAME_ORDER,
    "organization": Organization.name_key,
    "kind": Organization.kind,
    "city": Region.name,
    "title": Contact.title,
    "mobile": Contact.mobile_key,
    "email": Contact.email_key,
}
_ORGANIZATION_ORDERS = {"organization", "kind", "city"}  # contact orders that need the organization joined
ORGANIZATION_NAME_ORDER = func.coalesce(Organization.pinyin, " " + Organization.name_key)  # the same for units

ORGANIZATION_SORTS = {
    "name": ORGANIZATION_NAME_ORDER,
    "kind": Organization.kind,
    "industry": Industry.name,
    "city": Region.name,
}


def _window(query: Select, sort, tie, order: ListOrder, offset: int, limit: int, total: int | None) -> tuple[Select, bool]:
    """ORDER BY … OFFSET … LIMIT, read backwards from the end when that is the shorter way. No NULLS
    FIRST/LAST: each dialect's default puts nulls at mirrored ends for ASC and DESC, so the reversed
    order is exactly the forward one read backwards (and indexes still serve it)."""
    offset = max(offset, 0)
    reverse = total is not None and offset > total // 2
    if reverse:
        limit = min(limit, total - offset)
        offset = max(total - offset - limit, 0)
    descending = order.descending != reverse
    ordered = (sort.desc(), tie.desc()) if descending else (sort.asc(), tie.asc())
    return query.order_by(*ordered).offset(offset).limit(max(limit, 0)), reverse


def count_contacts(session: Session, filters: ContactFilters) -> int:
    return session.scalar(filters.apply(select(func.count(Contact.id))))


def contact_page(
    session: Session, filters: ContactFilters, order: ListOrder, offset: int, limit: int, *, total: int | None = None
) -> list[ContactRow]:
    """Rows offset … offset+limit of the filtered list (ties broken by id). `total`, when known, lets a
    window near the end be read from the end.

    The window is found on the contacts alone (their organization and city joined only when the order
    or the filters need them), then its rows are read: sorting by name has no index to walk (the name
    order is an expression), and the sort scans every contact, better without a join for each."""
    joined = order.column in _ORGANIZATION_ORDERS
    window = select(Contact.id)
    if joined:
        window = window.outerjoin(Organization, Organization.id == Contact.organization_id).outerjoin(
            Region, Region.id == Organization.region_id)
    window = filters.apply(window, organization_joined=joined)
    window, reverse = _window(window, CONTACT_SORTS[order.column], Contact.id, order, offset, limit, total)
    ids = list(session.scalars(window))
    if reverse:
        ids.reverse()
    if not ids:
        return []
    query = (
        select(Contact.id, Contact.name, Organization.name, Organization.kind, Region.name, Contact.title,
               Contact.mobile, Contact.email)
        .outerjoin(Organization, Organization.id == Contact.organization_id)
        .outerjoin(Region, Region.id == Organization.region_id)
        .where(Contact.id.in_(ids))
    )
    rows = {row[0]: ContactRow(*row) for row in session.execute(query)}
    return [rows[id_] for id_ in ids]


def count_organizations(session: Session, filters: OrganizationFilters) -> int:
    return session.scalar(filters.apply(select(func.count(Organization.id))))


def organization_page(
    session: Session, filters: OrganizationFilters, order: ListOrder, offset: int, limit: int, *,
    total: int | None = None,
) -> list[OrganizationRow]:
    people = (
        select(func.count(Contact.id))
        .where(Contact.organization_id == Organization.id, Contact.deleted_at.is_(None))
        .scalar_subquery()
    )
    query = (
        select(Organization.id, Organization.name, Organization.kind, Industry.name, Region.name, people)
        .outerjoin(Industry, Industry.id == Organization.industry_id)
        .outerjoin(Region, Region.id == Organization.region_id)
    )
    query = filters.apply(query)
    query, reverse = _window(query, ORGANIZATION_SORTS[order.column], Organization.id, order, offset, limit, total)
    rows = [OrganizationRow(*row) for row in session.execute(query)]
    return rows[::-1] if reverse else rows


@dataclass(frozen=True)
class ListChoices:
    industries: list[Choice]
    regions: list[Choice]
    events: list[Choice]  # name = "REF 标题"


def list_choices(session: Session) -> ListChoices:
    """What the filters offer: industries, cities and events (for "invited to")."""
    base = filter_choices(session)
    events = [
        Choice(id_, f"{ref} {title}")
        for id_, ref, title in session.execute(
            select(Event.id, Event.ref, Event.title).where(Event.deleted_at.is_(None)).order_by(Event.starts_on, Event.id)
        )
    ]
    return ListChoices(base.industries, base.regions, events)
