"""The rules of outbound promotion trips (招商小分队, seed 三、(二)): who owns a trip, its days, the days of its
visits, the leads that came of it, and how trips are counted per period.

- A trip is planned before it leaves: its days may lie in the future. It ends on or after the day it starts,
  and lasts at most TRIP_DAYS_LIMIT days (a longer span is a typing error: 2026-01-05 to 2027-01-05).
- A visit is on one of the trip's days (or undated); a change of the trip's days keeps every visit in them.
- A lead comes of a trip once the trip has begun: the project's first day is not before the trip's first.
- In counts, a trip belongs to the period its first day falls in (a trip is counted once, whole, in one
  period) and to the unit that owns it; a trip that has not begun by the day counted is `planned`."""
from __future__ import annotations

import datetime as dt

from crm.errors import RuleViolation
from crm.i18n import pick
from crm.rules.dates import check_not_before

TRIP_DAYS_LIMIT = 366
PLANNED, UNDER_WAY, DONE = "planned", "under_way", "done"
STATES = (PLANNED, UNDER_WAY, DONE)
PERIODS = ("month", "quarter", "year")


def check_trip_days(starts_on: dt.date, ends_on: dt.date) -> None:
    """Ends on or after it starts; not longer than TRIP_DAYS_LIMIT days."""
    check_not_before(ends_on, pick("返回日期", "last day"), starts_on, pick("出发日期", "first day"))
    if days_away(starts_on, ends_on) > TRIP_DAYS_LIMIT:
        raise RuleViolation("trip_too_long", start=starts_on.isoformat(), end=ends_on.isoformat(),
                            days=days_away(starts_on, ends_on), limit=TRIP_DAYS_LIMIT)


def check_visit_day(on: dt.date | None, starts_on: dt.date, ends_on: dt.date, organization: str) -> None:
    """A dated visit lies within the trip's days."""
    if on is not None and not starts_on <= on <= ends_on:
        raise RuleViolation("visit_outside_trip", date=on.isoformat(), organization=organization,
                            start=starts_on.isoformat(), end=ends_on.isoformat())


def check_lead_day(first_on: dt.date, starts_on: dt.date, trip_ref: str) -> None:
    """A project that came of a trip began (was entered or signed) no earlier than the trip's first day."""
    check_not_before(first_on, pick("项目登记或签约日期", "the project's first day"), starts_on,
                     pick(f"小分队 {trip_ref} 的出发日期", f"the first day of trip {trip_ref}"))


def days_away(starts_on: dt.date, ends_on: dt.date) -> int:
    """Days away, both ends counted (3 to 6 November: 4 days)."""
    return (ends_on - starts_on).days + 1


def trip_state(starts_on: dt.date, ends_on: dt.date, on: dt.date) -> str:
    if on < starts_on:
        return PLANNED
    return UNDER_WAY if on <= ends_on else DONE


def period_of(day: dt.date, by: str | None) -> str | None:
    """The period a trip starting on `day` is counted in: 2026-11, 2026-Q4, 2026; None: one period for all."""
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if by == "year":
        return str(day.year)
    return None
