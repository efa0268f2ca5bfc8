"""Deadlines from the seed: 45 days before provincial-government events, 30 before others, summary 14 after."""
import datetime as dt

import pytest

from crm.rules.deadlines import DONE, DUE, OVERDUE, deadline_status, plan_due, summary_due
from db.models import EventLevel

D = dt.date


def test_provincial_plan_due_45_days_before():
    # 2011-11-01 − 45 days = 2011-09-17
    assert plan_due(EventLevel.PROVINCIAL, D(2011, 11, 1)) == D(2011, 9, 17)


def test_city_plan_due_30_days_before():
    # 2011-03-01 − 30 days = 2011-01-30
    assert plan_due(EventLevel.CITY, D(2011, 3, 1)) == D(2011, 1, 30)


def test_summary_due_14_days_after_a_fixed_event_ends():
    assert summary_due(D(2011, 11, 19)) == D(2011, 12, 3)


def test_unfixed_event_summary_counts_from_its_last_possible_day():
    # Q3 2011 can end as late as 30 September → summary due 14 October, never before the event happened
    assert summary_due(D(2011, 9, 30)) == D(2011, 10, 14)


def test_no_deadline_while_the_time_is_to_be_decided():
    assert deadline_status(None, None, D(2011, 9, 3)) is None


@pytest.mark.parametrize(
    "as_of,submitted,expected",
    [
        (D(2011, 8, 1), None, None),  # 47 days ahead: not yet shown
        (D(2011, 9, 3), None, DUE),  # 14 days ahead: due
        (D(2011, 9, 17), None, DUE),  # on the day: still due
        (D(2011, 9, 18), None, OVERDUE),
        (D(2011, 9, 18), D(2011, 9, 10), DONE),
        (D(2011, 9, 18), D(2011, 9, 19), OVERDUE),  # filed after the as-of date: not yet known then
    ],
)
def test_deadline_status(as_of, submitted, expected):
    assert deadline_status(D(2011, 9, 17), submitted, as_of) == expected
