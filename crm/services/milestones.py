"""Post-landing milestones (DOMAIN.md): a signed project enters the statistics (入库/纳统), becomes an
enterprise above the designated size (入规), reaches design capacity (达产). Each is a dated row, at most one
current per kind, corrected or retracted like follow-ups and figures (crm.services.corrections), and
counted as of a date in the reports (crm.rules.kpi)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MilestoneKind, Project, ProjectMilestone, Staff

from crm.errors import CrmError, RuleViolation
from crm.i18n import pick
from crm.rules.dates import check_dated
from crm.services.projects import get_project
from crm.services.values import text_for


def parse_milestone(value: str) -> MilestoneKind:
    try:
        return MilestoneKind(value)
    except ValueError:
        raise CrmError("unknown_milestone", value=value) from None


def check_milestone_date(project: Project, on: dt.date, today: dt.date) -> None:
    """Not in the future, not before the project was signed (a milestone comes after landing)."""
    if project.signed_on is None:
        raise RuleViolation("milestone_unsigned", ref=project.ref)
    check_dated(on, today, pick("达到日期", "day reached"), project.signed_on, pick("签约日期", "signing date"))


def record_milestone(session: Session, ref: str, kind: str | MilestoneKind, *, on: dt.date, note: str | None,
                     actor: Staff, today: dt.date) -> ProjectMilestone:
    project = get_project(session, ref)
    kind = parse_milestone(kind) if isinstance(kind, str) else kind
    check_milestone_date(project, on, today)
    current = session.scalar(select(ProjectMilestone.id).where(
        ProjectMilestone.project_id == project.id, ProjectMilestone.kind == kind,
        ProjectMilestone.superseded_on.is_(None), ProjectMilestone.retracted.is_(False)))
    if current is not None:
        raise RuleViolation("milestone_exists", ref=project.ref, id=current)
    row = ProjectMilestone(project=project, kind=kind, reached_on=on, recorded_by=actor,
                           note=text_for(ProjectMilestone.__table__.c.note, note, pick("说明", "note")))
    session.add(row)
    session.flush()
    return row
