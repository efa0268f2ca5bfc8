"""The workbench's first page as of a date: KPIs, the pipeline by industry and stage, event deadlines,
projects in red or yellow, follow-ups due this week. One pass over the set-based project states."""
from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import ProjectStatus, Stage

from crm.dates import week_of
from crm.rules import deadlines, kpi, signals
from crm.rules.stages import STAGE_ORDER
from crm.rules.supervision import RED_AFTER_DAYS, STATES
from crm.services.snapshot import ProjectState, project_states
from crm.services.supervision import OrderRow, list_orders
from crm.services.warnings import STATUS_ORDER, Warning, event_deadlines

# Longest lists the dashboard carries; the counts say how many there are in all.
LIST_LIMIT = 100
OPEN_STATES = set(STATES) - {"closed"}


@dataclass(frozen=True)
class PipelineRow:
    industry: str
    counts: dict[Stage, int]  # live (not terminated) projects at each stage

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ProjectAlert:
    ref: str
    name: str
    colour: str  # red | yellow
    reasons: tuple[str, ...]  # construction_overdue, production_due, stale, stalled ...
    due: dt.date | None  # the earliest date behind the alert


@dataclass(frozen=True)
class FollowUpDue:
    ref: str
    name: str
    next_on: dt.date
    next_step: str | None


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    kpi: dict  # crm.rules.kpi.Kpi.as_dict() of every project signed by as_of
    pipeline: list[PipelineRow]
    deadlines: list[Warning]  # event plans and summaries due or overdue
    alerts: list[ProjectAlert]  # red first, then yellow; at most LIST_LIMIT
    red: int
    yellow: int
    followups_due: list[FollowUpDue]  # next follow-up dates in the week of as_of
    orders: list[OrderRow]  # supervision orders not closed, the most urgent (red) first
    followups_overdue: int  # next follow-up dates already passed


def _due(state: ProjectState, warnings: list[signals.PlannedDateWarning], stale: bool) -> dt.date | None:
    """The earliest date behind a project's alert."""
    dues = [w.due for w in warnings]
    if stale:
        dues.append((state.last_followup_on or state.signed_on) + dt.timedelta(days=signals.STALE_FOLLOWUP_DAYS))
    return min(dues, default=None)


def project_alert(state: ProjectState, as_of: dt.date) -> ProjectAlert | None:
    """Why a project is red or yellow (None when it is green)."""
    warnings = state.warnings(as_of)  # computed once: state.colour() would compute them again
    stale = state.stale(as_of)
    colour = signals.colour(state.status, warnings, stale)
    if colour == signals.GREEN:
        return None
    reasons = [f"{w.kind}_{w.status}" for w in warnings]
    if stale:
        reasons.append("stale")
    if state.status == ProjectStatus.STALLED:
        reasons.append("stalled")
    return ProjectAlert(state.ref, state.name, colour, tuple(reasons), _due(state, warnings, stale))


def _alerts(states: list[ProjectState], as_of: dt.date) -> tuple[list[ProjectAlert], int, int]:
    """The first LIST_LIMIT alerts (red first, then the earliest date behind them, then the ref) and how
    many projects are red and yellow. Every project is coloured; only the alerts shown are spelled out
    (most of ten thousand projects may be red or yellow)."""
    red = yellow = 0
    order = []
    for index, state in enumerate(states):
        warnings = state.warnings(as_of)
        stale = state.stale(as_of)
        colour = signals.colour(state.status, warnings, stale)
        if colour == signals.GREEN:
            continue
        if colour == signals.RED:
            red += 1
        else:
            yellow += 1
        order.append((colour != signals.RED, _due(state, warnings, stale) or as_of, state.ref, index))
    shown = [project_alert(states[index], as_of) for *_, index in heapq.nsmallest(LIST_LIMIT, order)]
    return shown, red, yellow


def _pipeline(states: list[ProjectState]) -> list[PipelineRow]:
    # Live projects; a capital increase (增资) is no project of its own (crm.rules.kpi.projects_in).
    counts = Counter((s.industry or "", s.stage) for s in states
                     if s.status != ProjectStatus.TERMINATED and s.stage is not None and s.increase_of_id is None)
    industries = sorted({industry for industry, _ in counts})
    return [PipelineRow(industry, {stage: counts[industry, stage] for stage in STAGE_ORDER}) for industry in industries]


def _followups_due(states: list[ProjectState], as_of: dt.date) -> tuple[list[FollowUpDue], int]:
    monday, sunday = week_of(as_of)
    live = [s for s in states if s.signed and s.status != ProjectStatus.TERMINATED and s.next_followup_on]
    due = sorted(
        (FollowUpDue(s.ref, s.name, s.next_followup_on, s.next_step)
         for s in live if monday <= s.next_followup_on <= sunday),
        key=lambda f: (f.next_on, f.ref),
    )
    return due[:LIST_LIMIT], sum(1 for s in live if s.next_followup_on < as_of)


def dashboard(session: Session, as_of: dt.date, *, red_after: int = RED_AFTER_DAYS) -> Dashboard:
    states = project_states(session, as_of)
    figures = kpi.compute(s for s in states if s.signed).as_dict()  # the KPI report's whole cohort, Cohort()
    alerts, red, yellow = _alerts(states, as_of)
    event_warnings = sorted(
        (w for w in event_deadlines(session, as_of) if w.status not in deadlines.FILED),
        key=lambda w: (STATUS_ORDER[w.status], w.due, w.kind, w.ref),
    )
    followups, overdue = _followups_due(states, as_of)
    return Dashboard(
        as_of=as_of,
        kpi=figures,
        pipeline=_pipeline(states),
        deadlines=event_warnings,
        alerts=alerts,
        red=red,
        yellow=yellow,
        followups_due=followups,
        followups_overdue=overdue,
        orders=list_orders(session, as_of, red_after=red_after, states=OPEN_STATES)[:LIST_LIMIT],
    )
