"""Warnings on projects as of a date: planned dates (三色 green/yellow/red), follow-ups that are late."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from db.models.enums import ProjectStatus, Stage

from crm.rules.deadlines import DUE, OVERDUE
from crm.rules.stages import rank

# A planned date this close without its stage turns the project yellow.
PLANNED_DATE_WARNING_DAYS = 30
# No follow-up for this long and the project needs attention.
STALE_FOLLOWUP_DAYS = 30

GREEN, YELLOW, RED = "green", "yellow", "red"

# What each planned date warns of, and the rank of the stage that clears it.
_CONSTRUCTION = (Stage.CONSTRUCTION.value, rank(Stage.CONSTRUCTION))
_PRODUCTION = (Stage.PRODUCTION.value, rank(Stage.PRODUCTION))


class PlannedDateWarning(NamedTuple):  # a tuple: the dashboard makes one for most of ten thousand projects
    kind: str  # "construction" | "production"
    due: dt.date
    status: str  # due | overdue


def planned_date_warnings(
    stage: Stage | None,
    planned_construction_on: dt.date | None,
    planned_production_on: dt.date | None,
    as_of: dt.date,
) -> list[PlannedDateWarning]:
    reached = -1 if stage is None else rank(stage)
    warnings = []
    for (kind, target), planned in ((_CONSTRUCTION, planned_construction_on), (_PRODUCTION, planned_production_on)):
        if planned is None or reached >= target:
            continue
        if as_of > planned:
            warnings.append(PlannedDateWarning(kind, planned, OVERDUE))
        elif as_of >= planned - dt.timedelta(days=PLANNED_DATE_WARNING_DAYS):
            warnings.append(PlannedDateWarning(kind, planned, DUE))
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
    for w in warnings:
        if w.status == OVERDUE:
            return RED
    if warnings or stale or status == ProjectStatus.STALLED:
        return YELLOW
    return GREEN
