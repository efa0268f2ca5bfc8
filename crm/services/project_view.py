"""The JSON form of projects (`crm projects list/show --json`), shared by the CLI and the TUI."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from db.models import FigureKind, Project

from crm import dates
from crm.rules import corrections
from crm.services.projects import latest_figure
from crm.services.supervision import project_orders


def milestones_of(project: Project) -> list:
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    from db.models import ProjectMilestone

    return list(object_session(project).scalars(select(ProjectMilestone).where(ProjectMilestone.project_id == project.id)))


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def project_summary(project: Project) -> dict:
    return {
        "ref": project.ref,
        "name": project.name,
        "investor": project.investor.name if project.investor else None,
        "industry": project.industry.name if project.industry else None,
        "city": project.region.name if project.region else None,
        "park": project.park,
        "signing_form": project.signing_form.value if project.signing_form else None,
        "signed_on": _iso(project.signed_on),
        "contract_on": _iso(project.contract_on),
        "event": project.signing_event.ref if project.signing_event else None,
        "amount": float(project.contracted_amount) if project.contracted_amount is not None else None,
        "currency": project.currency.value,
        "trip": f"T{project.trip_id:04d}" if project.trip_id else None,
        "increase_of": project.increase_of.ref if project.increase_of else None,
        "amount_usd": float(project.amount_usd) if project.amount_usd is not None else None,
        "exchange_rate": float(project.exchange_rate) if project.exchange_rate is not None else None,
        "stage": project.stage.value,
        "stage_on": _iso(project.stage_on),
        "status": project.status.value,
        "status_reason": project.status_reason,
        "planned_construction_on": _iso(project.planned_construction_on),
        "planned_production_on": _iso(project.planned_production_on),
        "version": project.version,
    }


def project_detail(project: Project, *, with_corrections: bool = False) -> dict:
    """The project with its histories. Follow-ups, figures and problems as they stand today; with_corrections:
    also the rows corrections replaced or retracted, each saying where it stands in its chain."""

    def rows(records: list, order) -> list:
        kept = records if with_corrections else [r for r in records if corrections.is_current(r)]
        return sorted(kept, key=order)

    def chain(row) -> dict:
        return {"corrects": row.corrects_id, **({
            "current": corrections.is_current(row),
            "retracted": row.retracted,
            "effective_on": _iso(row.effective_on),
            "superseded_on": _iso(row.superseded_on),
            "correction_note": row.correction_note,
        } if with_corrections else {})}

    return {
        **project_summary(project),
        "jobs": project.jobs,
        "notes": project.notes,
        "increases": list(object_session(project).scalars(
            select(Project.ref).where(Project.increase_of_id == project.id, Project.deleted_at.is_(None))
            .order_by(Project.id))),
        "responsible_unit": project.responsible_unit.name if project.responsible_unit else None,
        "responsible_staff": project.responsible_staff.name if project.responsible_staff else None,
        "funds_in_place": float(latest_figure(project, FigureKind.FUNDS_IN_PLACE)),
        "investment_completed": float(latest_figure(project, FigureKind.INVESTMENT_COMPLETED)),
        "stage_history": [
            {
                "id": s.id,
                "stage": s.stage.value,
                "on": s.happened_on.isoformat(),
                "note": s.note,
                "kind": s.kind.value,
                "corrects": s.corrects_id,
                "retracted": s.retracted,
                "superseded": s.superseded,
                "recorded_by": s.recorded_by.login if s.recorded_by else None,
                "recorded_at": s.recorded_at.isoformat(),
            }
            for s in project.steps
        ],
        "status_history": [
            {"status": c.status.value, "on": c.changed_on.isoformat(), "reason": c.reason} for c in project.status_changes
        ],
        "figures": [
            {"id": f.id, "kind": f.kind.value, "amount": float(f.amount), "on": f.reported_on.isoformat(),
             "note": f.note, **chain(f)}
            for f in rows(project.figures, lambda f: (f.reported_on, f.id))
        ],
        "followups": [
            {
                "id": f.id,
                "on": f.happened_on.isoformat(),
                "kind": f.kind.value,
                "content": f.content,
                "next_step": f.next_step,
                "next_on": _iso(f.next_on),
                **chain(f),
            }
            for f in rows(project.followups, lambda f: (f.happened_on, f.id))
        ],
        "problems": [
            {
                "id": p.id,
                "description": p.description,
                "raised_on": p.raised_on.isoformat(),
                "responsible_unit": p.responsible_unit.name if p.responsible_unit else None,
                "resolved_on": _iso(p.resolved_on),
                "resolution": p.resolution,
                **chain(p),
            }
            for p in rows(project.problems, lambda p: p.id)
        ],
        "milestones": [
            {"id": m.id, "kind": m.kind.value, "on": m.reached_on.isoformat(), "note": m.note, **chain(m)}
            for m in rows(milestones_of(project), lambda m: (m.reached_on, m.id))
        ],
        # Supervision orders about the project, as they stand today (crm.rules.supervision).
        "supervision": [row.as_dict() for row in project_orders(project, dates.today())],
    }
