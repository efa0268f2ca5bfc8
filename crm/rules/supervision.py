"""The colour of a supervision order (督办单) as of a day (DOMAIN.md "Reminders and supervision orders"):
closed once a reply was accepted; awaiting the reviewer while a reply is pending; otherwise open until its
reply is due, yellow (reply overdue) after that, and red — on the leaders' list — once overdue by more than
`red_after` days (15 by default, `[supervision] red_after_days` in config.toml)."""
from __future__ import annotations

import datetime as dt

RED_AFTER_DAYS = 15
CLOSED, AWAITING_REVIEW, OPEN, YELLOW, RED = "closed", "replied", "open", "yellow", "red"
STATES = (RED, YELLOW, OPEN, AWAITING_REVIEW, CLOSED)  # most urgent first


def order_state(due_on: dt.date, closed_on: dt.date | None, pending_reply_on: dt.date | None, as_of: dt.date,
                red_after: int = RED_AFTER_DAYS) -> str:
    """`pending_reply_on`: the day of a reply not decided by `as_of` (None when there is none)."""
    if closed_on is not None and closed_on <= as_of:
        return CLOSED
    if pending_reply_on is not None and pending_reply_on <= as_of:
        return AWAITING_REVIEW
    if as_of <= due_on:
        return OPEN
    return RED if (as_of - due_on).days > red_after else YELLOW


def red_after_days(config: dict) -> int:
    value = (config.get("supervision") or {}).get("red_after_days", RED_AFTER_DAYS)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365 else RED_AFTER_DAYS
