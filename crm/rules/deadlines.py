"""Event deadlines from the seed (三、(一) and (三)): plan 45 days before events in the name of the
provincial government, 30 days before all others; summary within 14 days after. While only a month,
a quarter or a period is known, the plan counts from the earliest day the event can fall on (warn
early) and the summary from the last day it can end on (never due before the event has happened).
An event whose time is 待定 has no deadline yet."""
from __future__ import annotations

import datetime as dt

from db.models.enums import EventLevel

PLAN_LEAD_DAYS = {EventLevel.PROVINCIAL: 45, EventLevel.CITY: 30}
SUMMARY_DAYS = 14
# A deadline shows up as "due" this many days before it falls.
REMINDER_DAYS = 14

DONE, DUE, OVERDUE = "done", "due", "overdue"
LATE = "late"  # filed, after its due date: the deadline was missed (reports count these)
FILED = frozenset({DONE, LATE})


def plan_due(level: EventLevel, starts_on: dt.date) -> dt.date:
    return starts_on - dt.timedelta(days=PLAN_LEAD_DAYS[EventLevel(level)])


def summary_due(ends_on: dt.date) -> dt.date:
    return ends_on + dt.timedelta(days=SUMMARY_DAYS)


def deadline_status(due: dt.date | None, submitted_on: dt.date | None, as_of: dt.date) -> str | None:
    """done / late / overdue / due, or None while the deadline is still further away than the reminder (or
    not known yet: `due` is None). Filed by the due date is done, after it late."""
    if due is None:
        return None
    if submitted_on is not None and submitted_on <= as_of:
        if submitted_on > due:
            return LATE
        return DONE if due <= as_of + dt.timedelta(days=REMINDER_DAYS) else None
    if as_of > due:
        return OVERDUE
    if as_of >= due - dt.timedelta(days=REMINDER_DAYS):
        return DUE
    return None
