"""Warnings on projects as of a date: planned dates (三色 green/yellow/red), follow-ups that are late."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models.enums import ProjectStatus, Stage

from crm.rules.deadlines import DUE, OVERDUE
from crm.rules.stages import rank

# A planned date this close without its stage turns the project yellow.
PLANNED_DATE_WARNING_DAYS = 30
# No follow-up for this long and the project needs attention.
STALE_FOLLOWUP_DAYS = 30

GREEN, YELLOW, RED = "green", "yellow", "red"


@dataclass(frozen=True)
class PlannedDateWarning:
    kind: str  # "construction" | "production"
    due: dt.date
    status: str  # due | overdue


def planned_date_warnings(
    stage: Stage | None,
    planned_construction_on: dt.date | None,
    planned_production_on: dt.date | None,
    as_of: dt.date,
) -> list[PlannedDateWarning]:
    warnings = []
    for target, planned in ((Stage.CONSTRUCTION, planned_construction_on), (Stage.PRODUCTION, planned_production_on)):
        if planned is None or (stage is not None and rank(stage) >= rank(target)):
            continue
        if as_of > planned:
            warnings.append(PlannedDateWarning(target.value, planned, OVERDUE))
        elif as_of >= planned - dt.timedelta(days=PLANNED_DATE_WARNING_DAYS):
            warnings.append(PlannedDateWarning(target.value, planned, DUE))
    return warnings


def followup_is_stale(signed_on: dt.date | None, last_followup_on: dt.date | None, as_of: dt.date) -> bool:
    """No follow-up within STALE_FOLLOWUP_DAYS (counted from signing when there was none yet)."""
    since = last_followup_on or signed_on
    return since is not None and (as_of - since).days > STALE_FOLLOWUP_DAYS


def colour(
    status: ProjectStatus,
    warnings: list[PlannedDateWarning],
    stale: bool,
) -> str:
    """red: a planned date passed without its stage; yellow: one is near, the project is stalled or
    has had no follow-up for a month; green otherwise."""
    if any(w.status == OVERDUE for w in warnings):
        return RED
    if warnings or stale or status == ProjectStatus.STALLED:
        return YELLOW
    return GREEN
