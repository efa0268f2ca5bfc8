"""Everything due or late as of a date: event plans and summaries, planned project dates, follow-ups, and
the time limits of leads and negotiations (crm.rules.leads)."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from crm.rules import deadlines, leads, signals
from crm.services import events as event_service
from crm.services.snapshot import project_states

STATUS_ORDER = {deadlines.OVERDUE: 0, deadlines.DUE: 1, deadlines.LATE: 2, deadlines.DONE: 3}


@dataclass(frozen=True)
class Warning:
    kind: str  # plan | summary | construction | production | followup | stale | lead_assess | lead_feedback | lead_report
    ref: str
    title: str
    due: str
    status: str  # due | overdue | done

    def as_dict(self) -> dict:
        return asdict(self)


def event_deadlines(session: Session, as_of: dt.date) -> list[Warning]:
    found = []
    for event in event_service.list_events(session):
        found += event_warnings(event, as_of)
    return found


def event_warnings(event, as_of: dt.date) -> list[Warning]:
    """A meeting's plan and summary deadlines as of the day (none for an activity holding meetings)."""
    if not event_service.is_meeting(event):
        return []
    found = []
    for kind, due, submitted in (
        ("plan", event_service.plan_due(event), event.plan_submitted_on),
        ("summary", event_service.summary_due(event), event.summary_submitted_on),
    ):
        status = deadlines.deadline_status(due, submitted, as_of)
        if status:
            found.append(Warning(kind, event.ref, event.title, due.isoformat(), status))
    return found


def project_warnings(session: Session, as_of: dt.date, limits: leads.LeadLimits | None = None) -> list[Warning]:
    """Signed projects' planned dates, follow-ups and silence; projects before signing past (or near) their
    time limits (`limits`: config's [leads], crm.rules.leads.lead_limits; its defaults when None)."""
    found = []
    for state in project_states(session, as_of):
        found += state_warnings(state, as_of, limits)
    return found


def state_warnings(state, as_of: dt.date, limits: leads.LeadLimits | None = None) -> list[Warning]:
    """One project's warnings as of the day, from its state (crm.services.snapshot.ProjectState)."""
    if state.status.value == "terminated":
        return []
    if not state.signed:
        lead = leads.lead_deadline(state.stage, state.stage_on, state.last_followup_on, as_of,
                                   limits or leads.DEFAULT_LIMITS)
        return [] if lead is None else [Warning(lead.kind, state.ref, state.name, lead.due.isoformat(), lead.status)]
    found = [Warning(w.kind, state.ref, state.name, w.due.isoformat(), w.status) for w in state.warnings(as_of)]
    if state.next_followup_on is not None and state.next_followup_on < as_of:
        found.append(Warning("followup", state.ref, state.name, state.next_followup_on.isoformat(), deadlines.OVERDUE))
    if state.stale(as_of):
        since = state.last_followup_on or state.signed_on
        due = since + dt.timedelta(days=signals.STALE_FOLLOWUP_DAYS)
        found.append(Warning("stale", state.ref, state.name, due.isoformat(), deadlines.OVERDUE))
    return found


def all_warnings(session: Session, as_of: dt.date, limits: leads.LeadLimits | None = None) -> list[Warning]:
    found = event_deadlines(session, as_of) + project_warnings(session, as_of, limits)
    return sorted(found, key=lambda w: (STATUS_ORDER[w.status], w.due, w.kind, w.ref))
