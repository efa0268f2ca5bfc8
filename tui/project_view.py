"""One project as its screens and forms show it, read in one unit of work and kept as plain data."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from crm.services.dashboard import ProjectAlert, project_alert
from crm.services.project_view import project_detail
from crm.services.projects import effective_steps, get_project
from crm.services.snapshot import project_states
from crm.services.submissions import Step, history
from db.models import Stage, SubmissionKind


@dataclass(frozen=True)
class ProjectView:
    detail: dict  # crm.services.project_view.project_detail
    alert: ProjectAlert | None  # why it is red or yellow; None when green
    steps: list[tuple[int, Stage, dt.date]]  # the effective stage history, which corrections apply to
    as_of: dt.date
    # Its reporting up (上报, 认定, 退回), every step in order (crm.services.submissions.history).
    submission: list[Step] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return self.detail["ref"]

    @property
    def version(self) -> int:
        return self.detail["version"]


def load_project_view(session: Session, ref: str, as_of: dt.date) -> ProjectView:
    project = get_project(session, ref)
    states = project_states(session, as_of, [project.id])
    return ProjectView(
        detail=project_detail(project),
        alert=project_alert(states[0], as_of) if states else None,
        steps=[(step.id, step.stage, step.happened_on) for step in effective_steps(project)],
        as_of=as_of,
        submission=history(session, SubmissionKind.PROJECT, ref),
    )
