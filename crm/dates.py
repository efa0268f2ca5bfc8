"""Dates as users type them, ISO weeks, and the possible span of a month or quarter."""
from __future__ import annotations

import calendar
import datetime as dt
import os
import re

from crm.errors import CrmError

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
# Years a record of this work can carry: anything else is a typo (0001-01-01, 9999-12-31), refused
# before it reaches date arithmetic or a database.
FIRST_YEAR, LAST_YEAR = 1950, 2200


def parse_date(value: str | dt.date | None) -> dt.date:
    """2011-03-05, 2011/3/5, 2011.3.5 or 2011年3月5日, from 1950 to 2200; anything else is a clear error."""
    if isinstance(value, dt.date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise CrmError("bad_date", value=value.isoformat())
        return value
    text = (value or "").strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                day = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day
            break
    raise CrmError("bad_date", value=value)


def parse_optional_date(value: str | None) -> dt.date | None:
    return None if value in (None, "") else parse_date(value)


def parse_week(value: str) -> tuple[dt.date, dt.date]:
    """ISO week YYYY-Www → (Monday, Sunday)."""
    match = _WEEK.match((value or "").strip())
    if not match:
        raise CrmError("bad_week", value=value)
    try:
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise CrmError("bad_week", value=value) from None
    if not FIRST_YEAR <= monday.year <= LAST_YEAR:
        raise CrmError("bad_week", value=value)
    return monday, monday + dt.timedelta(days=6)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = month_span(year, 3 * quarter - 2)[0]
    return first, month_span(year, 3 * quarter)[1]


def today() -> dt.date:
    """Today, or the day CRM_TODAY pins (training sessions, reproducible scripts): what a dated record
    is checked against when its caller names no day."""
    pinned = os.environ.get("CRM_TODAY")
    return parse_date(pinned) if pinned else dt.date.today()
