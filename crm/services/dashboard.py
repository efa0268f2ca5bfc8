"""The workbench's first page as of a date: KPIs, the pipeline by industry and stage, event deadlines,
projects in red or yellow, follow-ups due this week. One pass over the set-based project states."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import ProjectStatus, Stage

from crm.dates import week_of
from crm.rules import deadlines, kpi, signals
from crm.rules.stages import STAGE_ORDER
from crm.services.kpi import Cohort, facts
from crm.services.snapshot import ProjectState, project_states
from crm.services.warnings import STATUS_ORDER, Warning, event_deadlines

# Longest lists the dashboard carries; the counts say how many there are in all.
LIST_LIMIT = 100


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
    followups_overdue: int  # next follow-up dates already passed


def project_alert(state: ProjectState, as_of: dt.date) -> ProjectAlert | None:
    """Why a project is red or yellow (None when it is green)."""
    warnings = state.warnings(as_of)  # computed once: state.colour() would compute them again
    stale = state.stale(as_of)
    colour = signals.colour(state.status, warnings, stale)
    if colour == signals.GREEN:
        return None
    reasons = [f"{w.kind}_{w.status}" for w in warnings]
    dues = [w.due for w in warnings]
    if stale:
        reasons.append("stale")
        dues.append((state.last_followup_on or state.signed_on) + dt.timedelta(days=signals.STALE_FOLLOWUP_DAYS))
    if state.status == ProjectStatus.STALLED:
        reasons.append("stalled")
    return ProjectAlert(state.ref, state.name, colour, tuple(reasons), min(dues, default=None))


def _pipeline(states: list[ProjectState]) -> list[PipelineRow]:
    counts: dict[str, Counter] = {}
    for state in states:
        if state.status != ProjectStatus.TERMINATED and state.stage is not None:
            counts.setdefault(state.industry or "", Counter())[state.stage] += 1
    return [PipelineRow(industry, {stage: c[stage] for stage in STAGE_ORDER}) for industry, c in sorted(counts.items())]


def _followups_due(states: list[ProjectState], as_of: dt.date) -> tuple[list[FollowUpDue], int]:
    monday, sunday = week_of(as_of)
    live = [s for s in states if s.signed and s.status != ProjectStatus.TERMINATED and s.next_followup_on]
    due = sorted(
        (FollowUpDue(s.ref, s.name, s.next_followup_on, s.next_step)
         for s in live if monday <= s.next_followup_on <= sunday),
        key=lambda f: (f.next_on, f.ref),
    )
    return due[:LIST_LIMIT], sum(1 for s in live if s.next_followup_on < as_of)


def dashboard(session: Session, as_of: dt.date) -> Dashboard:
    states = project_states(session, as_of)
    cohort = Cohort()
    figures = kpi.compute(facts(s) for s in states if cohort.includes(s)).as_dict()
    alerts = [a for a in (project_alert(s, as_of) for s in states) if a is not None]
    alerts.sort(key=lambda a: (a.colour != signals.RED, a.due or as_of, a.ref))
    event_warnings = sorted(
        (w for w in event_deadlines(session, as_of) if w.status != deadlines.DONE),
        key=lambda w: (STATUS_ORDER[w.status], w.due, w.kind, w.ref),
    )
    followups, overdue = _followups_due(states, as_of)
    return Dashboard(
        as_of=as_of,
        kpi=figures,
        pipeline=_pipeline(states),
        deadlines=event_warnings,
        alerts=alerts[:LIST_LIMIT],
        red=sum(1 for a in alerts if a.colour == signals.RED),
        yellow=sum(1 for a in alerts if a.colour == signals.YELLOW),
        followups_due=followups,
        followups_overdue=overdue,
    )
