"""KPI report for a cohort (period, event, industry, city) as of a date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.rules import kpi
from crm.services.snapshot import ProjectState, project_states
from crm.services.submissions import counted


@dataclass(frozen=True)
class Cohort:
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None
    event_id: int | None = None
    industry: str | None = None
    city: str | None = None
    # Reported: every project the units recorded, one that looks reported twice counted once; confirmed:
    # only projects a provincial reviewer accepted (认定) by the day.
    confirmed: bool = False

    def includes(self, s: ProjectState) -> bool:
        return (
            s.signed_on is not None
            and (self.signed_from is None or s.signed_on >= self.signed_from)
            and (self.signed_to is None or s.signed_on <= self.signed_to)
            and (self.event_id is None or s.signing_event_id == self.event_id)
            and (self.industry is None or s.industry == self.industry)
            and (self.city is None or s.city == self.city)
        )


def facts(state: ProjectState) -> kpi.ProjectFacts:
    return kpi.ProjectFacts(
        signed_on=state.signed_on,
        signing_form=state.signing_form,
        converted_on=state.converted_on,
        amount=state.amount,
        stage=state.stage,
        terminated=state.terminated,
        funds_in_place=state.funds_in_place,
        problems_raised=state.problems_raised,
        problems_resolved=state.problems_resolved,
        industry=state.industry,
        city=state.city,
        origin=state.origin,
        amount_usd=state.amount_usd,
        milestones=state.milestones,
        increase_of_id=state.increase_of_id,
    )


def cohort_facts(session: Session, as_of: dt.date, cohort: Cohort) -> list[kpi.ProjectFacts]:
    counts = counted(session, as_of, confirmed=cohort.confirmed)
    return [facts(s) for s in project_states(session, as_of) if cohort.includes(s) and counts(s.id)]


def kpi_report(session: Session, as_of: dt.date, cohort: Cohort = Cohort()) -> dict:
    rows = cohort_facts(session, as_of, cohort)
    report = {
        "as_of": as_of.isoformat(),
        "cohort": {
            "signed_from": cohort.signed_from.isoformat() if cohort.signed_from else None,
            "signed_to": (cohort.signed_to or as_of).isoformat(),
            "event_id": cohort.event_id,
            "industry": cohort.industry,
            "city": cohort.city,
            "counting": "confirmed" if cohort.confirmed else "reported",
        },
        **kpi.compute(rows).as_dict(),
        "by_industry": {k: v.as_dict() for k, v in kpi.compute_by(rows, lambda p: p.industry).items()},
        "by_city": {k: v.as_dict() for k, v in kpi.compute_by(rows, lambda p: p.city).items()},
    }
    return report
