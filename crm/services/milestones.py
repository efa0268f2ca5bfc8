"""Post-landing milestones (DOMAIN.md): a signed project enters the statistics (入库/纳统), becomes an
enterprise above the designated size (入规), reaches design capacity (达产). Each is a dated row, at most one
current per kind, corrected or retracted like follow-ups and figures (crm.services.corrections), and
counted as of a date in the reports (crm.rules.kpi)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MilestoneKind, Project, ProjectMilestone, Stage, Staff

from crm.errors import CrmError, RuleViolation
from crm.i18n import pick
from crm.rules.dates import check_dated
from crm.labels import milestone_label
from crm.rules.stages import rank, stage_label
from crm.services.projects import effective_steps, get_project
from crm.services.values import text_for


def parse_milestone(value: str) -> MilestoneKind:
    try:
        return MilestoneKind(value)
    except ValueError:
        raise CrmError("unknown_milestone", value=value) from None


# The stage a project has reached before each milestone can be: it enters the statistics once building has
# begun (开工), becomes 规上 and reaches design capacity once it produces (投产).
NEEDS = {MilestoneKind.IN_STATISTICS: Stage.CONSTRUCTION, MilestoneKind.ABOVE_SIZE: Stage.PRODUCTION,
         MilestoneKind.FULL_CAPACITY: Stage.PRODUCTION}


def check_milestone_date(project: Project, kind: MilestoneKind, on: dt.date, today: dt.date) -> None:
    """Not in the future, and not before the project reached the stage the milestone follows."""
    if project.signed_on is None:
        raise RuleViolation("milestone_unsigned", ref=project.ref)
    needed = NEEDS[kind]
    reached = min((s.happened_on for s in effective_steps(project) if rank(s.stage) >= rank(needed)), default=None)
    if reached is None:
        raise RuleViolation("milestone_before_stage", ref=project.ref, kind=milestone_label(kind),
                            stage=stage_label(needed))
    check_dated(on, today, pick("达到日期", "day reached"), reached, stage_label(needed) + pick("日期", " date"))


def record_milestone(session: Session, ref: str, kind: str | MilestoneKind, *, on: dt.date, note: str | None,
                     actor: Staff, today: dt.date) -> ProjectMilestone:
    project = get_project(session, ref)
    kind = parse_milestone(kind) if isinstance(kind, str) else kind
    check_milestone_date(project, kind, on, today)
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
