"""What a session may see: the units whose records it reads (crm.rules.scope decides which). Set on the
session by the unit of work; every ORM query then keeps to those units' events, projects, invitations
and submissions and to what hangs off them — the same filter for the CLI, the workbench, reports and
exports. On SQLite this is the only guard (one user, one file); on PostgreSQL row-level security keyed
on the connected login enforces the same, whatever program connects (migration 0007)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, with_loader_criteria

from db.models import (
    AuditEntry,
    Event,
    EventIndustry,
    EventOrganizer,
    EventQuota,
    FollowUp,
    Invitation,
    Problem,
    Project,
    ProjectFigure,
    ProjectMilestone,
    PromotionTrip,
    StageStep,
    StatusChange,
    Submission,
    SupervisionOrder,
    SupervisionReply,
    Target,
    TripVisit,
)

SCOPE_KEY = "crm_scope"
ALL_UNITS = {"crm_all_units": True}  # execution option: a query that must see past the scope (a rule's check)
_OF_PROJECTS = (FollowUp, Problem, ProjectFigure, ProjectMilestone, StageStep, StatusChange)
_OF_EVENTS = (EventOrganizer, EventIndustry, EventQuota)


@dataclass(frozen=True)
class Visible:
    units: frozenset[int]  # read and written
    shared_event_units: frozenset[int]  # events read only (the province's own meetings)


def set_scope(session: Session, who) -> None:
    """Who the session works for: anything with `visible` (a Visible, or None for every unit's records)."""
    session.info[SCOPE_KEY] = who


def projects_in_scope(session: Session, statement):
    """The same filter for a statement run on the connection (bypassing the ORM, for speed) over projects."""
    visible = getattr(session.info.get(SCOPE_KEY), "visible", None)
    return statement if visible is None else statement.where(Project.owner_unit_id.in_(tuple(sorted(visible.units))))


@event.listens_for(Session, "do_orm_execute")
def _keep_to_scope(state) -> None:
    visible = getattr(state.session.info.get(SCOPE_KEY), "visible", None)
    if visible is None or not state.is_select or state.execution_options.get("crm_all_units"):
        return
    state.statement = state.statement.options(*_criteria(visible))


@lru_cache(maxsize=32)
def _criteria(visible: Visible) -> tuple:
    """The loader criteria of one scope, built once per scope rather than for every query."""
    units = tuple(sorted(visible.units))
    events = tuple(sorted(visible.units | visible.shared_event_units))
    own_projects = select(Project.id).where(Project.owner_unit_id.in_(units)).scalar_subquery()
    seen_events = select(Event.id).where(Event.owner_unit_id.in_(events)).scalar_subquery()
    options = [
        with_loader_criteria(Project, lambda cls: cls.owner_unit_id.in_(units), include_aliases=True),
        with_loader_criteria(Invitation, lambda cls: cls.owner_unit_id.in_(units), include_aliases=True),
        with_loader_criteria(PromotionTrip, lambda cls: cls.owner_unit_id.in_(units), include_aliases=True),
        with_loader_criteria(Event, lambda cls: cls.owner_unit_id.in_(events), include_aliases=True),
        with_loader_criteria(Submission, lambda cls: cls.unit_id.in_(units), include_aliases=True),
        with_loader_criteria(Target, lambda cls: cls.unit_id.in_(units), include_aliases=True),
        with_loader_criteria(AuditEntry, lambda cls: or_(cls.unit_id.is_(None), cls.unit_id.in_(units)),
                             include_aliases=True),
    ]
    options += [with_loader_criteria(model, model.project_id.in_(own_projects), include_aliases=True)
                for model in _OF_PROJECTS]
    options += [with_loader_criteria(model, model.event_id.in_(seen_events), include_aliases=True)
                for model in _OF_EVENTS]
    own_trips = select(PromotionTrip.id).where(PromotionTrip.owner_unit_id.in_(units)).scalar_subquery()
    options.append(with_loader_criteria(TripVisit, TripVisit.trip_id.in_(own_trips), include_aliases=True))
    # Supervision orders: addressed to one of the units, or about one of their projects.
    own_orders = select(SupervisionOrder.id).where(
        or_(SupervisionOrder.unit_id.in_(units), SupervisionOrder.project_id.in_(own_projects))).scalar_subquery()
    options += [
        with_loader_criteria(SupervisionOrder, lambda cls: or_(cls.unit_id.in_(units), cls.project_id.in_(
            select(Project.id).where(Project.owner_unit_id.in_(units)).scalar_subquery())), include_aliases=True),
        with_loader_criteria(SupervisionReply, SupervisionReply.order_id.in_(own_orders), include_aliases=True),
    ]
    return tuple(options)
