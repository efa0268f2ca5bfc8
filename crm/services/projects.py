"""Projects: signing, stage steps and their corrections, status, investment figures, listing."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.audit import annotate
from db.models import (
    Currency,
    AuditEntry,
    Event,
    FigureKind,
    Organization,
    Project,
    ProjectFigure,
    ProjectStatus,
    SigningForm,
    Stage,
    StageStep,
    Staff,
    StatusChange,
    StepKind,
)

from crm import dates
from crm.dates import parse_optional_date
from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick
from crm.normalize import clean_text, organization_key
from crm.rules import corrections, stages
from crm.rules.dates import (
    check_conversion,
    check_dated,
    check_not_future,
    check_planned,
    check_signed_at_event,
    check_status_change,
)
from crm.services.reference import find_industry, find_region, find_staff, find_unit
from crm.services.editing import update_fields
from crm.services.events import event_when, get_event
from crm.rules.scope import owner_of_project
from crm.services.values import in_yuan, key_for, parse_amount, parse_jobs, parse_rate, shown, text_for

_PROJECTS = Project.__table__.c
_ORGANIZATIONS = Organization.__table__.c


def get_project(session: Session, ref: str, *, for_update: bool = False) -> Project:
    """`for_update`: for actions that append to the project's history AND update its cached columns
    (stage steps, status). The row is locked and read afresh, so concurrent appenders queue up instead
    of failing the version check (PostgreSQL; SQLite writers are serial already). FOR NO KEY UPDATE
    leaves follow-ups and figures, whose foreign keys only share-lock the row, free to go on."""
    query = (
        select(Project)
        .where(Project.ref == (ref or "").strip().upper(), Project.deleted_at.is_(None))
        .options(selectinload(Project.steps), selectinload(Project.figures))
    )
    if for_update:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    project = session.scalar(query)
    if project is None:
        raise NotFound("unknown_project", ref=shown(ref))
    return project


def find_or_create_organization(session: Session, name: str) -> Organization:
    """The investor by its name's key; a new one keeps its name as typed."""
    label = pick("投资方", "investor")
    text = text_for(_ORGANIZATIONS.name, name, label, required=True)
    key = key_for(_ORGANIZATIONS.name_key, organization_key(text), label)
    org = session.scalar(select(Organization).where(Organization.name_key == key))
    if org is None:
        org = Organization(name=text, name_key=key)
        session.add(org)
        session.flush()
    elif org.deleted_at is not None:
        # The name is the organization's identity: a deleted one named again is in use again (as an
        # import brings it back), restored in the audit trail rather than signed for while deleted.
        org.deleted_at = None
        session.flush()
    return org


def effective_steps(project: Project) -> list[StageStep]:
    """The stage history as it stands after corrections, oldest first."""
    return [s for s in project.steps if not s.superseded and not s.retracted]


def began(project: Project) -> tuple[dt.date | None, str]:
    """The day the project began and what that day is called: the records dated on it (follow-ups,
    problems, figures, status changes) are not dated before it."""
    steps = effective_steps(project)
    if not steps:
        return None, ""
    first = steps[0]
    if first.stage == Stage.SIGNED:
        return first.happened_on, pick("签约日期", "signing date")
    return first.happened_on, pick("登记日期", "date entered")


def _as_rule_steps(steps: list[StageStep]) -> list[stages.Step]:
    return [stages.Step(s.stage, s.happened_on) for s in steps]


def _refresh_stage_cache(project: Project) -> None:
    steps = effective_steps(project)
    last = steps[-1] if steps else None
    project.stage = last.stage if last else Stage.LEAD
    project.stage_on = last.happened_on if last else None
    signed = next((s for s in steps if s.stage == Stage.SIGNED), None)
    project.signed_on = signed.happened_on if signed else None


@dataclass
class NewProject:
    name: str
    investor: str
    industry: str
    city: str
    amount: str | Decimal | None = None
    signed_on: dt.date | None = None
    event_ref: str | None = None
    stage: Stage = Stage.SIGNED  # LEAD or NEGOTIATING for a project followed before signing
    signing_form: SigningForm = SigningForm.CONTRACT
    park: str | None = None
    jobs: int | str | None = None  # as typed (crm.services.values.parse_jobs)
    responsible_unit: str | None = None
    responsible_staff: str | None = None  # 责任人: a login or a name (crm.services.reference.find_staff)
    planned_construction_on: dt.date | None = None
    planned_production_on: dt.date | None = None
    entered_on: dt.date | None = None  # date of the first step for a lead
    # Foreign investment signed in dollars: 万美元 and the rate of the signing day; the 万元 follow.
    amount_usd: str | Decimal | None = None
    exchange_rate: str | Decimal | None = None
    trip: str | None = None  # the outbound trip (招商小分队, T0001) the project came of
    # A capital increase (增资扩产) of this project (its ref): the amount is the increase alone; investor,
    # industry and city are the original's unless given.
    increase_of: str | None = None


def add_project(session: Session, new: NewProject, *, actor: Staff, today: dt.date) -> Project:
    name = text_for(_PROJECTS.name, new.name, pick("项目名称", "project name"), required=True)
    signed = new.stage not in stages.PRE_SIGNING_STAGES
    amount = parse_amount(new.amount, positive=True) if new.amount not in (None, "") else None
    usd = rate = None
    if new.amount_usd not in (None, "") or new.exchange_rate not in (None, ""):
        if amount is not None or new.amount_usd in (None, "") or new.exchange_rate in (None, ""):
            raise CrmError("usd_needs_rate")
        usd, rate = parse_amount(new.amount_usd, positive=True), parse_rate(new.exchange_rate)
        amount = parse_amount(in_yuan(usd, rate), positive=True)
    if signed and new.signed_on is None:
        raise CrmError("bad_date", value="--signed-on")
    first_on = new.signed_on if signed else (new.entered_on or today)
    check_not_future(first_on, today)
    trip_id = _came_of_trip(session, new.trip, first_on) if new.trip else None
    check_planned(new.planned_construction_on, new.planned_production_on)
    event = get_event(session, new.event_ref) if new.event_ref else None
    if signed:
        _check_signed_at(event, new.signed_on)
    original = _increased_project(session, new.increase_of, signed, new.signed_on) if new.increase_of else None
    if original is not None and amount is None:
        raise CrmError("increase_needs_amount")  # the increase is all it counts
    region = find_region(session, new.city) if new.city or not original else original.region
    project = Project(
        ref=f"TMP-{uuid.uuid4().hex[:20]}",
        name=name,
        investor=find_or_create_organization(session, new.investor) if new.investor or not original
        else original.investor,
        industry=find_industry(session, new.industry) if new.industry or not original else original.industry,
        region=region,
        increase_of=original,
        owner_unit_id=owner_of_project(session, region_id=region.id if region else None,
                                       signing_event_owner=event.owner_unit_id if event else None),
        park=text_for(_PROJECTS.park, new.park, pick("园区", "park")),
        contracted_amount=amount,
        currency=Currency.USD if usd is not None else Currency.CNY,
        amount_usd=usd,
        exchange_rate=rate,
        signing_form=new.signing_form if signed else None,
        contract_on=new.signed_on if signed and new.signing_form == SigningForm.CONTRACT else None,
        signing_event=event,
        jobs=parse_jobs(new.jobs),
        responsible_unit=find_unit(session, new.responsible_unit) if new.responsible_unit else None,
        responsible_staff=find_staff(session, new.responsible_staff) if new.responsible_staff else None,
        planned_construction_on=new.planned_construction_on,
        planned_production_on=new.planned_production_on,
        status=ProjectStatus.ACTIVE,
        trip_id=trip_id,
    )
    first_stage = Stage.SIGNED if signed else new.stage
    project.steps.append(StageStep(stage=first_stage, happened_on=first_on, recorded_by=actor))
    _refresh_stage_cache(project)
    session.add(project)
    session.flush()
    project.ref = f"P{project.id:05d}"
    session.flush()
    return project


def advance(
    session: Session, ref: str, to: Stage, on: dt.date, *, note: str | None, actor: Staff, today: dt.date
) -> StageStep:
    """Record that the project reached `to` on `on` (signing included, for a lead or negotiation)."""
    project = get_project(session, ref, for_update=True)
    if project.status == ProjectStatus.TERMINATED:
        raise RuleViolation("project_terminated", ref=project.ref)
    steps = effective_steps(project)
    stages.check_advance(project.ref, _as_rule_steps(steps), to, on, today)
    if to == Stage.SIGNED:
        _check_signed_at(project.signing_event, on)
    step = StageStep(stage=to, happened_on=on, note=_step_note(note), recorded_by=actor)
    project.steps.append(step)
    _refresh_stage_cache(project)
    session.flush()
    return step


def correct_step(
    session: Session,
    ref: str,
    *,
    new_date: dt.date | None = None,
    retract: bool = False,
    step_id: int | None = None,
    note: str | None,
    actor: Staff,
    today: dt.date,
) -> StageStep:
    """Correct a wrong stage step: move its date, or retract it (only the latest). The original row is
    kept and marked superseded; the correction is a row of its own."""
    project = get_project(session, ref, for_update=True)
    steps = effective_steps(project)
    if not steps:
        raise RuleViolation("no_step_to_correct", ref=project.ref)
    index = len(steps) - 1 if step_id is None else next((i for i, s in enumerate(steps) if s.id == step_id), None)
    if index is None:
        raise RuleViolation("no_step_to_correct", ref=project.ref)
    original = steps[index]
    if retract:
        if index != len(steps) - 1 or len(steps) == 1:
            raise RuleViolation("only_latest_step_retractable", stage=stages.stage_label(steps[-1].stage))
        happened_on = original.happened_on
    else:
        if new_date is None:
            raise CrmError("bad_date", value="--on")
        stages.check_redate(_as_rule_steps(steps), index, new_date, today)
        if original.stage == Stage.SIGNED:
            _check_signed_at(project.signing_event, new_date)
        happened_on = new_date
    correction = StageStep(
        stage=original.stage,
        happened_on=happened_on,
        note=_step_note(note),
        kind=StepKind.CORRECTION,
        corrects_id=original.id,
        retracted=retract,
        recorded_by=actor,
    )
    original.superseded = True
    project.steps.append(correction)
    _refresh_stage_cache(project)
    session.flush()
    return correction


def _increased_project(session: Session, ref: str, signed: bool, signed_on: dt.date | None) -> Project:
    """The project a capital increase adds to: signed, itself no increase, not ended, and signed no later
    than the increase (which is a signing: no lead or negotiation)."""
    original = get_project(session, ref)
    if not signed:
        raise CrmError("increase_is_signed")
    if original.increase_of is not None:
        raise RuleViolation("increase_of_increase", ref=original.ref, original=original.increase_of.ref)
    if original.signed_on is None:
        raise RuleViolation("increase_of_unsigned", ref=original.ref)
    if original.status == ProjectStatus.TERMINATED:
        raise RuleViolation("increase_of_terminated", ref=original.ref)
    if signed_on is not None and signed_on < original.signed_on:
        raise RuleViolation("increase_before_original", ref=original.ref, signed_on=original.signed_on.isoformat())
    return original


def _came_of_trip(session: Session, ref: str, first_on: dt.date) -> int:
    from crm.services.trips import trip_for_project  # trips find organizations here

    return trip_for_project(session, ref, first_on)


def _check_signed_at(event: Event | None, signed_on: dt.date) -> None:
    """Signed at an event: not before the event can have begun (crm.rules.dates.check_signed_at_event)."""
    if event is not None:
        check_signed_at_event(signed_on, event_when(event), event.ref)


def _step_note(note: str | None) -> str | None:
    return text_for(StageStep.__table__.c.note, note, pick("说明", "note"))


def set_status(
    session: Session, ref: str, status: ProjectStatus, on: dt.date, *, reason: str | None, actor: Staff,
    today: dt.date | None = None,
) -> StatusChange:
    """停滞 / 终止 / active again on `on` (today when not given: crm.dates.today), after the previous change."""
    project = get_project(session, ref, for_update=True)
    if project.status == status:
        raise RuleViolation("status_unchanged", ref=project.ref, status=status.value)
    reason = text_for(StatusChange.__table__.c.reason, reason, pick("原因", "reason"))
    if status != ProjectStatus.ACTIVE and not reason:
        raise RuleViolation("reason_required")
    previous = max((c.changed_on for c in project.status_changes), default=None)
    check_status_change(on, today or dates.today(), began(project), previous)
    change = StatusChange(status=status, changed_on=on, reason=reason, recorded_by_id=actor.id)
    project.status_changes.append(change)
    project.status = status
    project.status_reason = reason
    session.flush()
    return change


# Fields every project has from the day it is added (crm projects add requires them): an edit changes
# them, never clears them. A signed project's contracted amount counts in the KPIs from then on too.
_REQUIRED = {"name": ("项目名称", "project name"), "investor": ("投资方", "investor"),
             "industry": ("产业", "industry"), "city": ("所在地", "city")}
_REQUIRED_SIGNED = {"amount": ("合同引资额", "contracted amount")}
_TEXT_LABELS = {"park": ("园区", "park"), "notes": ("备注", "notes")}


def edit_project(session: Session, ref: str, changes: dict[str, object], *, version: int | None) -> Project:
    """Change the project's own fields, given as users type them (stage and status have their own
    recorded actions). `version` is the one the user's edit started from: a project changed since then
    is refused (crm.services.editing)."""
    project = get_project(session, ref)
    required = _REQUIRED | (_REQUIRED_SIGNED if project.signed_on is not None else {})
    columns: dict[str, object] = {}
    for field, value in changes.items():
        text = clean_text(value)  # names looked up (investor, industry, city, unit, staff): as keys match
        if field in required and not text:
            raise CrmError("empty_field", field=pick(*required[field]))
        if field == "name":
            columns["name"] = text_for(_PROJECTS.name, value, pick(*_REQUIRED["name"]), required=True)
        elif field == "investor":
            columns["investor_id"] = find_or_create_organization(session, value).id
        elif field == "industry":
            columns["industry_id"] = find_industry(session, text).id
        elif field == "city":
            columns["region_id"] = find_region(session, text).id
        elif field == "responsible_unit":
            columns["responsible_unit_id"] = find_unit(session, text).id if text else None
        elif field == "responsible_staff":
            columns["responsible_staff_id"] = find_staff(session, text).id if text else None
        elif field == "amount":
            columns["contracted_amount"] = parse_amount(text, positive=True) if text else None
        elif field == "jobs":
            columns["jobs"] = parse_jobs(text)
        elif field in ("planned_construction_on", "planned_production_on"):
            columns[field] = parse_optional_date(text)
        elif field in ("park", "notes"):
            columns[field] = text_for(_PROJECTS[field], value, pick(*_TEXT_LABELS[field]))
        else:
            raise ValueError(f"not an editable project field: {field}")
    check_planned(*(columns.get(f, getattr(project, f)) for f in ("planned_construction_on", "planned_production_on")))
    return update_fields(session, project, version, columns)


def record_figure(
    session: Session, ref: str, kind: FigureKind, amount: str | Decimal, on: dt.date, *, note: str | None, actor: Staff,
    today: dt.date | None = None,
) -> ProjectFigure:
    """A new cumulative figure (到位资金 or 累计完成投资) as reported on a day; earlier ones stay. It may be 0
    (nothing in place yet); its day is not in the future nor before the project began."""
    project = get_project(session, ref)
    check_figure_date(project, on, today or dates.today())
    figure = ProjectFigure(
        kind=kind, amount=parse_amount(amount), reported_on=on, recorded_by_id=actor.id,
        note=text_for(ProjectFigure.__table__.c.note, note, pick("说明", "note")),
    )
    project.figures.append(figure)
    session.flush()
    return figure


def check_figure_date(project: Project, on: dt.date, today: dt.date) -> None:
    """The day a figure is reported for, recorded or corrected."""
    check_dated(on, today, pick("截至日期", "reported on"), *began(project))


def convert_to_contract(
    session: Session, ref: str, on: dt.date, *, today: dt.date | None = None, why: str | None = None,
) -> Project:
    """协议转化: the framework agreement became a contract on `on`. Once only: `why` corrects the date of
    a conversion recorded wrongly (the audit trail keeps the old date and the reason)."""
    project = get_project(session, ref)
    correcting = why is not None
    if correcting:
        why = text_for(AuditEntry.__table__.c.note, why, pick("更正原因", "reason"), required=True)
    check_conversion(project.ref, project.signing_form, project.signed_on, project.contract_on, on,
                     today or dates.today(), correcting=correcting)
    if correcting:
        annotate(project, why)
    project.contract_on = on
    session.flush()
    return project


def latest_figure(project: Project, kind: FigureKind, as_of: dt.date | None = None) -> Decimal:
    """The figure as known on as_of (corrections applied as they were then), or as it stands today."""
    figures = [f for f in project.figures if f.kind == kind and (
        corrections.is_current(f) if as_of is None else f.reported_on <= as_of and corrections.in_effect(f, as_of))]
    if not figures:
        return Decimal(0)
    return max(figures, key=lambda f: (f.reported_on, f.id)).amount


def list_projects(session: Session, *, include_terminated: bool = True) -> list[Project]:
    query = (
        select(Project)
        .where(Project.deleted_at.is_(None))
        .options(
            selectinload(Project.investor),
            selectinload(Project.industry),
            selectinload(Project.region),
            selectinload(Project.signing_event),
        )
        .order_by(Project.id)
    )
    if not include_terminated:
        query = query.where(Project.status != ProjectStatus.TERMINATED)
    return list(session.scalars(query))
