"""The rules of dated records, one place for every command, form and import that takes a date: no date
in the future, and none before the record it depends on. Stage steps add their order (crm.rules.stages);
here: follow-ups, problems and their resolution, funds and investment figures, status changes (in date
order), the conversion of an agreement into a contract, plans and summaries of events, planned dates, and
signing at an event (not before the event can have begun).

An event known only by its month or quarter may have ended on any day of that span, so its summary is
refused only when filed before the event's first possible day; once its days are fixed, before its last
day (a summary reports an event that has happened)."""
from __future__ import annotations

import datetime as dt

from db.models.enums import SigningForm

from crm.errors import RuleViolation
from crm.i18n import pick
from crm.rules.when import When


def check_not_future(on: dt.date, today: dt.date) -> None:
    if on > today:
        raise RuleViolation("stage_date_in_future", date=on.isoformat())


def check_not_before(on: dt.date, field: str, since: dt.date | None, other: str) -> None:
    """`on` (the date of `field`) is not before `since` (that of `other`, when there is one)."""
    if since is not None and on < since:
        raise RuleViolation("date_before", field=field, date=on.isoformat(), other=other, other_date=since.isoformat())


def check_dated(on: dt.date, today: dt.date, field: str, since: dt.date | None = None, other: str = "") -> None:
    """A record dated `on`: not in the future, not before `since`, the date of the record it depends on."""
    check_not_future(on, today)
    check_not_before(on, field, since, other)


def check_planned(construction: dt.date | None, production: dt.date | None) -> None:
    """Production is planned no earlier than construction."""
    if construction is not None and production is not None:
        check_not_before(production, pick("计划投产日期", "planned production date"), construction,
                         pick("计划开工日期", "planned construction date"))


def check_status_change(on: dt.date, today: dt.date, began: tuple[dt.date, str], previous: dt.date | None) -> None:
    """Stalled, terminated, active again: not in the future, not before the project began (`began`: its
    date and what it is called), and in date order after the previous change."""
    field = pick("状态变更日期", "status change date")
    check_dated(on, today, field, *began)
    check_not_before(on, field, previous, pick("上次状态变更日期", "previous status change"))


def check_conversion(ref: str, form: SigningForm | None, signed_on: dt.date | None, converted_on: dt.date | None,
                     on: dt.date, today: dt.date, *, correcting: bool = False) -> None:
    """协议转化: a framework agreement becomes a contract once, on a day from its signing to today. A project
    signed as a contract has nothing to convert; a second conversion is refused, its date is corrected
    (`correcting`) instead."""
    if signed_on is None:
        raise RuleViolation("project_not_signed", ref=ref)
    if form == SigningForm.CONTRACT:
        raise RuleViolation("contract_not_convertible", ref=ref)
    if correcting and converted_on is None:
        raise RuleViolation("not_converted", ref=ref)
    if not correcting and converted_on is not None:
        raise RuleViolation("already_converted", ref=ref, date=converted_on.isoformat())
    check_dated(on, today, pick("转合同日期", "conversion date"), signed_on, pick("签约日期", "signing date"))


def check_signed_at_event(signed_on: dt.date, event: When, event_ref: str) -> None:
    """A project signed at an event is signed once the event can have begun: not before the event's first
    possible day (of a month known, its first day). A time 待定 says nothing."""
    if event.known:
        check_not_before(signed_on, pick("签约日期", "signing date"), event.starts_on,
                         pick(f"签约活动 {event_ref} 的最早可能日期", f"the first possible day of the event {event_ref}"))


def check_summary_after_event(on: dt.date, starts_on: dt.date, ends_on: dt.date, fixed: bool) -> None:
    """A summary filed on `on` reports an event that can have happened by then (see the module's note)."""
    if fixed:
        earliest, other = ends_on, pick("活动结束日期", "the event's last day")
    else:
        earliest, other = starts_on, pick("活动最早可能日期", "the event's first possible day")
    check_not_before(on, pick("总结报送日期", "summary date"), earliest, other)


def check_summary(on: dt.date, today: dt.date, starts_on: dt.date, ends_on: dt.date, fixed: bool) -> None:
    check_not_future(on, today)
    check_summary_after_event(on, starts_on, ends_on, fixed)
