"""Corrections of appended records (follow-ups, funds and investment figures, problems). A wrong record is
never edited: a correction is a new row naming the one it replaces (or retracting it), effective from the
day it was recorded, and the original is kept, superseded from that day. So a report as of an earlier day
sees the original, as it was known then. The SQL form of these rules is crm.services.in_effect."""
from __future__ import annotations

import datetime as dt
from typing import Protocol

from crm.errors import RuleViolation
from crm.i18n import pick
from crm.rules.dates import check_not_future


class Correctable(Protocol):
    id: int
    retracted: bool
    effective_on: dt.date | None  # a correction: the day it was recorded
    superseded_on: dt.date | None  # the day a correction replaced it


def in_effect(row: Correctable, as_of: dt.date) -> bool:
    """What a report as of `as_of` counts: recorded by then, not yet replaced then, never a retraction."""
    return (
        (row.effective_on is None or row.effective_on <= as_of)
        and (row.superseded_on is None or row.superseded_on > as_of)
        and not row.retracted
    )


def is_current(row: Correctable) -> bool:
    """What the record says today, whatever day is asked about."""
    return row.superseded_on is None and not row.retracted


def check_correctable(row: Correctable, latest: Correctable, what: str) -> None:
    """Only the current row of a chain can be corrected, retracted, reopened or resolved; `latest` is the last
    row of row's chain (row itself when nothing replaced it). A refusal names the row to use instead."""
    if is_current(row):
        return
    if latest.retracted:
        raise RuleViolation("record_retracted", what=what, id=row.id, date=latest.effective_on.isoformat())
    raise RuleViolation("record_superseded", what=what, id=row.id, date=row.superseded_on.isoformat(),
                        current=latest.id)


def check_reopen(what: str, row: Correctable, resolved_on: dt.date | None, on: dt.date, today: dt.date) -> None:
    """A resolved problem is reopened on a day between its resolution (or its row's own start, for a row that
    is a correction) and today."""
    if resolved_on is None:
        raise RuleViolation("problem_not_resolved", what=what, id=row.id)
    check_not_future(on, today)
    since, other = resolved_on, pick("办结日期", "resolution date")
    if row.effective_on is not None and row.effective_on > resolved_on:  # before it, an earlier row was in effect
        since, other = row.effective_on, pick("更正日期", "correction date")
    if on < since:
        raise RuleViolation("date_before", field=pick("重新打开日期", "reopening date"), date=on.isoformat(),
                            other=other, other_date=since.isoformat())
