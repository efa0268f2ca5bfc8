"""Time limits for projects before signing (DOMAIN.md "Reminders and supervision orders": a lead is assessed
(研判) within 3 days, a negotiation gets feedback within a week, a lead is reported on every two weeks).

Each project before signing runs on one clock at a time:
- a lead (线索) nobody has followed up since it was entered: assessed within `assess_days` of its entry
  (kind lead_assess);
- a lead that has been assessed: followed up (reported on) within `report_days` of its latest follow-up
  (kind lead_report);
- a project under negotiation (在谈): feedback within `feedback_days` of entering negotiation or of its
  latest follow-up, whichever is later (kind lead_feedback).

The days come from `[leads]` in config.toml (assess_days, feedback_days, report_days); the limit is due
from LEAD_WARNING_DAYS before it falls and overdue the day after."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from db.models.enums import Stage

from crm.rules.deadlines import DUE, OVERDUE

ASSESS_DAYS, FEEDBACK_DAYS, REPORT_DAYS = 3, 7, 14
# A limit shows up as due this many days before it falls (the limits are days, not weeks, long).
LEAD_WARNING_DAYS = 1
# What a limit may be set to: a day to a year.
MIN_DAYS, MAX_DAYS = 1, 365

ASSESS, FEEDBACK, REPORT = "lead_assess", "lead_feedback", "lead_report"
KINDS = (ASSESS, FEEDBACK, REPORT)


@dataclass(frozen=True)
class LeadLimits:
    assess_days: int = ASSESS_DAYS
    feedback_days: int = FEEDBACK_DAYS
    report_days: int = REPORT_DAYS


DEFAULT_LIMITS = LeadLimits()


class LeadDeadline(NamedTuple):
    kind: str  # lead_assess | lead_feedback | lead_report
    due: dt.date
    status: str  # due | overdue


def lead_limits(config: dict) -> LeadLimits:
    """The limits of `[leads]` in config.toml; a missing or unusable value (not a whole number of days from
    1 to 365) keeps its default."""
    section = config.get("leads") if isinstance(config, dict) else None
    if not isinstance(section, dict):
        return DEFAULT_LIMITS

    def days(name: str, default: int) -> int:
        value = section.get(name, default)
        ok = isinstance(value, int) and not isinstance(value, bool) and MIN_DAYS <= value <= MAX_DAYS
        return value if ok else default

    return LeadLimits(days("assess_days", ASSESS_DAYS), days("feedback_days", FEEDBACK_DAYS),
                      days("report_days", REPORT_DAYS))


def lead_clock(stage: Stage | None, entered_on: dt.date | None, last_followup_on: dt.date | None,
               limits: LeadLimits = DEFAULT_LIMITS) -> tuple[str, dt.date] | None:
    """The limit a project before signing runs against (its kind and the day it falls), or None for a
    project past negotiation or with no entry day. `entered_on`: the day it reached its current stage."""
    if stage not in (Stage.LEAD, Stage.NEGOTIATING) or entered_on is None:
        return None
    followed = last_followup_on if last_followup_on is not None and last_followup_on >= entered_on else None
    if stage == Stage.NEGOTIATING:
        return FEEDBACK, (followed or entered_on) + dt.timedelta(days=limits.feedback_days)
    if followed is None:
        return ASSESS, entered_on + dt.timedelta(days=limits.assess_days)
    return REPORT, followed + dt.timedelta(days=limits.report_days)


def lead_deadline(stage: Stage | None, entered_on: dt.date | None, last_followup_on: dt.date | None,
                  as_of: dt.date, limits: LeadLimits = DEFAULT_LIMITS) -> LeadDeadline | None:
    """The project's limit when it is due (within LEAD_WARNING_DAYS) or overdue as of `as_of`, else None."""
    clock = lead_clock(stage, entered_on, last_followup_on, limits)
    if clock is None:
        return None
    kind, due = clock
    if as_of > due:
        return LeadDeadline(kind, due, OVERDUE)
    if as_of >= due - dt.timedelta(days=LEAD_WARNING_DAYS):
        return LeadDeadline(kind, due, DUE)
    return None
