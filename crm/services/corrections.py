"""Corrections of appended records: a follow-up, a funds or investment figure or a problem entered wrongly is
corrected or retracted by a new row (crm.rules.corrections), and a resolved problem is reopened the same
way, by a row without its resolution. The original is kept, marked superseded from the day of the new row.
Only the current row of a chain can be replaced; an older id is refused, naming the current one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.audit import annotate, is_tracked
from db.models import FollowUp, FollowUpKind, Problem, ProjectFigure, ProjectMilestone, Staff

from crm.errors import NotFound, RuleViolation
from crm.i18n import pick, t
from crm.normalize import clean_text, typed_text
from crm.rules import corrections
from crm.rules.dates import check_not_before
from crm.services.followups import check_followup, check_raised, next_step_text, problem_text
from crm.services.in_effect import label, require_current
from crm.services.projects import check_figure_date
from crm.services.reference import find_unit
from crm.services.values import parse_amount, row_id, text_for

KINDS = {"followup": FollowUp, "figure": ProjectFigure, "problem": Problem, "milestone": ProjectMilestone}
_MISSING = {FollowUp: "unknown_followup", ProjectFigure: "unknown_figure", Problem: "unknown_problem",
            ProjectMilestone: "unknown_milestone_row"}
# Who recorded a row: the correction names who recorded the correction; the original keeps its own.
_RECORDER = {FollowUp: "staff_id", ProjectFigure: "recorded_by_id", Problem: "recorded_by_id",
             ProjectMilestone: "recorded_by_id"}
# Columns a new row does not take over from the one it replaces: its identity and bookkeeping.
_OWN = frozenset({"id", "version", "recorded_at", "corrects_id", "retracted", "effective_on", "superseded_on",
                  "correction_note"})


def _current(session: Session, model, record_id: int | str):
    """The row `record_id` names (12 or #12), locked and read afresh so that two corrections of one row
    queue up and the second one is refused; a superseded or retracted row is refused."""
    key = row_id(record_id, _MISSING[model], ref=record_id)
    row = session.get(model, key, with_for_update=True, populate_existing=True)
    if row is None or row.project.deleted_at is not None:
        raise NotFound(_MISSING[model], ref=record_id)
    require_current(session, row)
    return row


def _replace(session: Session, original, values: dict, *, why: str | None, actor: Staff, on: dt.date,
             retract: bool = False):
    """The new row: the original's values with `values` over them, effective from `on`, and the original
    superseded from that day."""
    model = type(original)
    note = text_for(model.__table__.c.correction_note, why, pick("更正原因", "reason"), required=True)
    columns = {c.key: getattr(original, c.key) for c in model.__mapper__.column_attrs if c.key not in _OWN}
    columns.update(values, **{_RECORDER[model]: actor.id})
    row = model(**columns, corrects_id=original.id, retracted=retract, effective_on=on, correction_note=note)
    original.superseded_on = on
    if is_tracked(original):  # problems: the audit trail says why the row was superseded
        annotate(original, note)
    session.add(row)
    session.flush()
    return row


def _changes(original, values: dict) -> dict:
    """The values that differ from the original's; a correction that changes nothing is refused."""
    changed = {name: value for name, value in values.items() if value != getattr(original, name)}
    if not changed:
        raise RuleViolation("correction_changes_nothing", what=label(type(original)), id=original.id)
    return changed


def retract(session: Session, kind: str, record_id: int | str, *, why: str | None, actor: Staff, today: dt.date):
    """Withdraw a follow-up, figure or problem (kind: one of KINDS) that should never have been recorded. The
    retraction row repeats what it withdraws."""
    return _replace(session, _current(session, KINDS[kind], record_id), {}, why=why, actor=actor, on=today,
                    retract=True)


def recorded(key: str, row, **params) -> str:
    """What a correction, retraction or reopening recorded, in the user's language (key: record_corrected,
    record_withdrawn or problem_reopened)."""
    return t(key, what=label(type(row)), old=row.corrects_id, new=row.id, **params)


# Follow-up fields a correction can change, as crm.services.followups.add_followup takes them.
FOLLOWUP_FIELDS = ("happened_on", "kind", "content", "next_step", "next_on")


def correct_followup(session: Session, followup_id: int | str, changes: dict, *, why: str | None, actor: Staff,
                     today: dt.date) -> FollowUp:
    """changes: any of FOLLOWUP_FIELDS (dates as dates; None or "" clears next_step and next_on)."""
    original = _current(session, FollowUp, followup_id)
    values = {}
    for name, value in changes.items():
        if name not in FOLLOWUP_FIELDS:
            raise ValueError(f"not a correctable follow-up field: {name}")
        if name == "kind":
            values[name] = FollowUpKind(value)
        elif name == "next_step":
            values[name] = next_step_text(value)
        else:  # content as typed (checked below); "" clears next_on
            values[name] = typed_text(value) if isinstance(value, str) else value
    values = _changes(original, values)
    merged = {name: values.get(name, getattr(original, name)) for name in FOLLOWUP_FIELDS}
    values["content"] = check_followup(original.project, merged["content"], merged["happened_on"], merged["next_on"],
                                       today)
    return _replace(session, original, values, why=why, actor=actor, on=today)


def correct_figure(session: Session, figure_id: int | str, changes: dict, *, why: str | None, actor: Staff,
                   today: dt.date) -> ProjectFigure:
    """changes: "amount" (万元, as typed) and/or "reported_on"; the figure stays of its kind."""
    original = _current(session, ProjectFigure, figure_id)
    values = {}
    for name, value in changes.items():
        if name not in ("amount", "reported_on"):
            raise ValueError(f"not a correctable figure field: {name}")
        values[name] = parse_amount(value) if name == "amount" else value
    values = _changes(original, values)
    if "reported_on" in values:
        check_figure_date(original.project, values["reported_on"], today)
    return _replace(session, original, values, why=why, actor=actor, on=today)


def correct_milestone(session: Session, milestone_id: int | str, changes: dict, *, why: str | None, actor: Staff,
                      today: dt.date) -> ProjectMilestone:
    """changes: "reached_on" and/or "note"; the milestone stays of its kind."""
    from crm.services.milestones import check_milestone_date

    original = _current(session, ProjectMilestone, milestone_id)
    values = {}
    for name, value in changes.items():
        if name not in ("reached_on", "note"):
            raise ValueError(f"not a correctable milestone field: {name}")
        values[name] = value if name == "reached_on" else text_for(ProjectMilestone.__table__.c.note, value,
                                                                      pick("说明", "note"))
    values = _changes(original, values)
    if "reached_on" in values:
        check_milestone_date(original.project, original.kind, values["reached_on"], today)
    return _replace(session, original, values, why=why, actor=actor, on=today)


def correct_problem(session: Session, problem_id: int | str, changes: dict, *, why: str | None, actor: Staff,
                    today: dt.date) -> Problem:
    """changes: "description", "raised_on" and/or "unit" (a unit's name; "" or None clears it). A resolved
    problem stays resolved."""
    original = _current(session, Problem, problem_id)
    values = {}
    for name, value in changes.items():
        if name == "description":
            values["description"] = problem_text(value)
        elif name == "raised_on":
            values["raised_on"] = value
        elif name == "unit":
            values["responsible_unit_id"] = find_unit(session, value, create=True).id if clean_text(value) else None
        else:
            raise ValueError(f"not a correctable problem field: {name}")
    values = _changes(original, values)
    if "raised_on" in values:
        on, resolved_on = values["raised_on"], original.resolved_on
        check_raised(original.project, on, today)
        if resolved_on is not None:
            check_not_before(resolved_on, pick("办结日期", "resolution date"), on, pick("提出日期", "raising date"))
    return _replace(session, original, values, why=why, actor=actor, on=today)


def reopen_problem(session: Session, problem_id: int | str, *, on: dt.date, reason: str | None, actor: Staff,
                   today: dt.date) -> Problem:
    """The problem is open again from `on`: a new row without the resolution, which is resolved as any
    other problem (crm.services.followups.resolve_problem)."""
    original = _current(session, Problem, problem_id)
    corrections.check_reopen(label(Problem), original, original.resolved_on, on, today)
    return _replace(session, original, {"resolved_on": None, "resolution": None}, why=reason, actor=actor, on=on)
