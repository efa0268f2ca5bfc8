"""Loads the reference data and the 2011 programme (crm.seed) into an empty database."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Event,
    EventLevel,
    EventOrganizer,
    EventQuota,
    Industry,
    OrganizerRole,
    Programme,
    Region,
    Unit,
)

from crm import seed
from crm.rules.scope import owner_of_event
from crm.dates import month_span, quarter_span


def load_reference(session: Session) -> None:
    """The regions and industries the plan names; the province's cities are already in every database
    (migration 0006), and nothing is added twice."""
    known_regions = set(session.scalars(select(Region.name)))
    for name, short in seed.JIANGXI_CITIES:
        if name not in known_regions:
            session.add(Region(name=name, short_name=short, in_province=True))
    for name, short in seed.OTHER_REGIONS:
        if name not in known_regions:
            session.add(Region(name=name, short_name=short, in_province=False))
    known_industries = set(session.scalars(select(Industry.code)))
    for code, name in seed.INDUSTRIES:
        if code not in known_industries:
            session.add(Industry(code=code, name=name))
    session.flush()


def _unit(session: Session, name: str, cache: dict[str, Unit], regions: dict[str, Region]) -> Unit:
    if name not in cache:
        region_name = seed.unit_region(name)
        cache[name] = Unit(name=name, kind=seed.unit_kind(name), region=regions.get(region_name))
        session.add(cache[name])
    return cache[name]


def load_programme(session: Session) -> Programme:
    programme = Programme(**seed.PROGRAMME)
    session.add(programme)
    regions = {r.name: r for r in session.scalars(select(Region))}
    industries = {i.code: i for i in session.scalars(select(Industry))}
    units: dict[str, Unit] = {}
    for name in seed.OFFICES + seed.DEPARTMENTS + seed.COLLECTIVES:
        _unit(session, name, units, regions)
    by_ref: dict[str, Event] = {}
    for item in seed.EVENTS:  # organizers first: a city's event belongs to the city's own unit
        for name in (*item.hosts, *item.co_hosts, *item.supporters, *item.coordinators):
            _unit(session, name, units, regions)
    for position, item in enumerate(seed.EVENTS):
        starts_on, ends_on = (
            month_span(item.year, item.month) if item.month else quarter_span(item.year, item.quarter)
        )
        event = Event(
            ref=item.ref,
            title=item.title,
            programme=programme,
            programme_group=item.group,
            parent=by_ref.get(item.parent),
            position=position,
            level=item.level,
            kind=item.kind,
            region=regions.get(item.city) if item.city else None,
            owner_unit_id=by_ref[item.parent].owner_unit_id if item.parent else owner_of_event(
                session, city_level=item.level == EventLevel.CITY,
                region_id=regions[item.city].id if item.city else None),
            venue=item.venue,
            starts_on=starts_on,
            ends_on=ends_on,
            date_precision=item.precision,
            planned_scale=item.planned_scale,
            invitee_types=list(item.invitee_types),
            description=item.description,
            industries=[industries[code] for code in item.industries],
        )
        order = 0
        for role, names in (
            (OrganizerRole.HOST, item.hosts),
            (OrganizerRole.CO_HOST, item.co_hosts),
            (OrganizerRole.SUPPORT, item.supporters),
            (OrganizerRole.COORDINATOR, item.coordinators),
        ):
            for name in names:
                event.organizers.append(EventOrganizer(unit=_unit(session, name, units, regions), role=role, position=order))
                order += 1
        if item.quota:
            event.quotas.append(EventQuota(industry=None, min_projects=item.quota[0], max_projects=item.quota[1]))
        session.add(event)
        by_ref[item.ref] = event
    session.flush()
    return programme
