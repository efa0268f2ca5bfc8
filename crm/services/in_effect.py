"""crm.rules.corrections as SQL, for the queries that read follow-ups, figures and problems, and the chain
of corrections a row belongs to."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crm.i18n import pick
from crm.rules import corrections

# How a row of each kind is named in messages: 跟踪服务 #12, 问题 #7.
_LABELS = {"followups": ("跟踪服务", "follow-up"), "project_figures": ("资金数据", "figure"), "problems": ("问题", "problem"),
           "project_milestones": ("入库/入规/达产记录", "milestone")}


def label(model) -> str:
    return pick(*_LABELS[model.__tablename__])


def current_rows(model):
    """The rows the record says today (crm.rules.corrections.is_current)."""
    return and_(model.superseded_on.is_(None), model.retracted.is_(False))


def rows_in_effect(model, as_of: dt.date):
    """The rows a report as of `as_of` counts (crm.rules.corrections.in_effect)."""
    return and_(
        or_(model.effective_on.is_(None), model.effective_on <= as_of),
        or_(model.superseded_on.is_(None), model.superseded_on > as_of),
        model.retracted.is_(False),
    )


def latest_of_chain(session: Session, row):
    """The last row of the chain of corrections starting at `row` (row itself when nothing replaced it)."""
    model = type(row)
    while True:
        # Within the project: its index finds the few rows to look at, not the whole table.
        successor = session.scalar(select(model).where(model.project_id == row.project_id, model.corrects_id == row.id))
        if successor is None:
            return row
        row = successor


def require_current(session: Session, row) -> None:
    """Refuse a superseded or retracted row, naming the current one (crm.rules.corrections)."""
    if not corrections.is_current(row):
        corrections.check_correctable(row, latest_of_chain(session, row), label(type(row)))
