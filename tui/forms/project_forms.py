"""The recorded actions on a project, one form each. Every save calls one crm service."""
from __future__ import annotations

from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session

from crm.errors import CrmError
from crm.i18n import pick, t
from crm.rules.stages import PIPELINE_STAGES, STAGE_ORDER, rank, stage_label
from crm.services import corrections as correction_service
from crm.services import followups as followup_service
from crm.services import projects as project_service
from crm.services.editing import check_version
from crm.services.project_query import FilterChoices
from db.models import FigureKind, FollowUpKind, ProjectStatus, Stage
from tui.forms.base import Field, FormScreen, Recorder
from tui.i18n import word
from tui.project_view import ProjectView

DATE_ERRORS = ("stage_date_in_future", "stage_date_before_previous", "stage_date_after_next", "bad_date")


def _about(view: ProjectView) -> Text:
    return Text.assemble((view.ref, "bold"), " ", view.detail["name"])


def next_stages(current: Stage) -> list[Stage]:
    """Where a project can go from its current stage (the rule in crm.rules.stages decides on save)."""
    if current in PIPELINE_STAGES:
        position = rank(current) + 1
        return list(STAGE_ORDER[position:position + 1])
    return [stage for stage in STAGE_ORDER if rank(current) < rank(stage) <= rank(Stage.SIGNED)]


class AdvanceForm(FormScreen):
    ERROR_FIELDS = {**dict.fromkeys(DATE_ERRORS, "on"), "stage_backwards": "to", "stage_skip_needs_dates": "to"}

    def __init__(self, view: ProjectView, today) -> None:
        targets = next_stages(Stage(view.detail["stage"]))
        super().__init__(
            pick("推进阶段", "Advance stage"),
            [
                Field("to", pick("推进到", "to stage"), "choice", required=True,
                      value=targets[0] if targets else None, choices=[(stage_label(s), s) for s in targets]),
                Field("on", pick("发生日期", "happened on"), "date", required=True, value=today),
                Field("note", pick("说明", "note")),
            ],
            about=_about(view),
        )
        self.view = view
        if view.detail["status"] == ProjectStatus.TERMINATED.value:
            self.unavailable = t("project_terminated", ref=view.ref)
        elif not targets:
            self.unavailable = pick(f"{view.ref} 已见效，没有后续阶段", f"{view.ref} has reached results: no stage left")

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        step = project_service.advance(session, self.view.ref, values["to"], values["on"], note=values["note"],
                                       actor=who.actor, today=who.today)
        return t("stage_recorded", ref=self.view.ref, stage=stage_label(step.stage), date=step.happened_on.isoformat())


class FollowUpForm(FormScreen):
    ERROR_FIELDS = {"stage_date_in_future": "on", "bad_date": "on", "date_before": "next_on"}

    def __init__(self, view: ProjectView, today) -> None:
        super().__init__(
            pick("记录跟踪服务", "Add a follow-up"),
            [
                Field("kind", pick("方式", "kind"), "choice", required=True, value=FollowUpKind.VISIT,
                      choices=[(word("followup_kind", k.value), k) for k in FollowUpKind]),
                Field("on", pick("跟进日期", "date"), "date", required=True, value=today),
                Field("content", pick("跟踪内容", "what was done"), required=True),
                Field("next_step", pick("下步计划", "next step")),
                Field("next_on", pick("下次跟进日期", "next date"), "date"),
                Field("problem", pick("发现的问题", "problem found")),
                Field("problem_unit", pick("问题责任单位", "unit responsible")),
            ],
            about=_about(view),
        )
        self.view = view

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        followup = followup_service.add_followup(
            session, self.view.ref, on=values["on"], content=values["content"], kind=values["kind"],
            next_step=values["next_step"], next_on=values["next_on"], problem=values["problem"],
            problem_unit=values["problem_unit"], actor=who.actor, today=who.today,
        )
        return t("followup_recorded", ref=self.view.ref, date=followup.happened_on.isoformat())


class ProblemForm(FormScreen):
    ERROR_FIELDS = {"bad_date": "on"}

    def __init__(self, view: ProjectView, today) -> None:
        super().__init__(
            pick("提出困难问题", "Raise a problem"),
            [
                Field("description", pick("问题描述", "problem"), required=True),
                Field("on", pick("提出日期", "raised on"), "date", required=True, value=today),
                Field("unit", pick("责任单位", "unit responsible")),
            ],
            about=_about(view),
        )
        self.view = view

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        problem = followup_service.raise_problem(session, self.view.ref, description=values["description"],
                                                 on=values["on"], unit=values["unit"], actor=who.actor)
        return pick(f"已提出问题 #{problem.id}", f"problem #{problem.id} raised")


class ResolveForm(FormScreen):
    ERROR_FIELDS = {"date_before": "on", "bad_date": "on", "problem_already_resolved": "problem"}

    def __init__(self, view: ProjectView, today, problem_id: int | None = None) -> None:
        open_problems = [p for p in view.detail["problems"] if p["resolved_on"] is None]
        super().__init__(
            pick("问题办结", "Resolve a problem"),
            [
                Field("problem", pick("问题", "problem"), "choice", required=True,
                      value=problem_id if problem_id in {p["id"] for p in open_problems} else None,
                      choices=[(f"#{p['id']} {p['description']}", p["id"]) for p in open_problems]),
                Field("on", pick("办结日期", "resolved on"), "date", required=True, value=today),
                Field("resolution", pick("办结情况", "how it was resolved")),
            ],
            about=_about(view),
        )
        if not open_problems:
            self.unavailable = pick(f"{view.ref} 没有未办结的问题", f"{view.ref} has no open problem")

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        problem = followup_service.resolve_problem(session, values["problem"], on=values["on"],
                                                   resolution=values["resolution"])
        return pick(f"问题 #{problem.id} 已办结", f"problem #{problem.id} resolved")


class EditProjectForm(FormScreen):
    ERROR_FIELDS = {"empty_field": "name", "bad_amount": "amount", "bad_integer": "jobs"}

    def __init__(self, view: ProjectView, choices: FilterChoices) -> None:
        d = view.detail
        self.initial = {
            "name": d["name"], "investor": d["investor"], "industry": d["industry"], "city": d["city"],
            "park": d["park"], "amount": _plain_number(d["amount"]), "jobs": d["jobs"],
            "responsible_unit": d["responsible_unit"], "responsible_staff": d["responsible_staff"],
            "planned_construction_on": d["planned_construction_on"],
            "planned_production_on": d["planned_production_on"], "notes": d["notes"],
        }

        def names(items) -> list[tuple[str, str]]:
            return [(c.name, c.name) for c in items]

        super().__init__(
            pick("编辑项目", "Edit project"),
            [
                Field("name", pick("项目名称", "name"), required=True),
                Field("investor", pick("投资方", "investor")),
                Field("industry", pick("产业", "industry"), "choice", choices=names(choices.industries)),
                Field("city", pick("所在地", "city"), "choice", choices=names(choices.regions)),
                Field("park", pick("园区", "park")),
                Field("amount", pick("合同引资额(万元)", "amount (万元)"), "amount"),
                Field("jobs", pick("就业人数", "jobs"), "integer"),
                Field("responsible_unit", pick("责任单位", "responsible unit"), "choice", choices=names(choices.units)),
                Field("responsible_staff", pick("责任人", "responsible person"), "choice", choices=names(choices.staff)),
                Field("planned_construction_on", pick("计划开工", "planned start"), "date"),
                Field("planned_production_on", pick("计划投产", "planned production"), "date"),
                Field("notes", pick("备注", "notes")),
            ],
            about=_about(view),
        )
        for field in self.fields:
            field.value = self.initial[field.name] or ""
        self.view = view

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        changes = {name: value for name, value in values.items() if _as_text(value) != _as_text(self.initial[name])}
        project_service.edit_project(session, self.view.ref, changes, version=self.view.version)
        return pick(f"已保存 {self.view.ref}", f"{self.view.ref} saved")


def _plain_number(amount: float | None) -> str:
    return "" if amount is None else f"{amount:f}".rstrip("0").rstrip(".")


def _as_text(value: Any) -> str:
    """Field values compared as the user sees them (2011-05-01, 12000, empty)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _plain_number(float(value)) if not isinstance(value, str) else value.strip()


class StatusForm(FormScreen):
    ERROR_FIELDS = {"reason_required": "reason", "status_unchanged": "status", "bad_date": "on"}

    def __init__(self, view: ProjectView, today) -> None:
        current = ProjectStatus(view.detail["status"])
        options = [s for s in ProjectStatus if s != current]
        super().__init__(
            pick("停滞、终止或恢复", "Stall, terminate or reactivate"),
            [
                Field("status", pick("改为", "new status"), "choice", required=True, value=options[0],
                      choices=[(word("status", s.value), s) for s in options]),
                Field("on", pick("日期", "on"), "date", required=True, value=today),
                Field("reason", pick("原因", "reason")),
            ],
            about=Text.assemble(_about(view), f"  {pick('当前', 'now')}: {word('status', current.value)}"),
        )
        self.view = view

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        check_version(project_service.get_project(session, self.view.ref), self.view.version, self.view.ref)
        project_service.set_status(session, self.view.ref, values["status"], values["on"], reason=values["reason"],
                                   actor=who.actor)
        return f"{self.view.ref}: {word('status', values['status'].value)}"


CORRECT_DATE, RETRACT = "date", "retract"


class CorrectStepForm(FormScreen):
    ERROR_FIELDS = {**dict.fromkeys(DATE_ERRORS, "on"), "only_latest_step_retractable": "step", "empty_field": "on"}

    def __init__(self, view: ProjectView, today) -> None:
        steps = view.steps
        super().__init__(
            pick("更正阶段记录", "Correct a stage step"),
            [
                Field("step", pick("要更正的记录", "step"), "choice", required=True,
                      value=steps[-1][0] if steps else None,
                      choices=[(f"{stage_label(stage)} {on}", step_id) for step_id, stage, on in steps]),
                Field("action", pick("更正方式", "correction"), "choice", required=True, value=CORRECT_DATE,
                      choices=[(pick("改为正确日期", "move to the right date"), CORRECT_DATE),
                               (pick("撤销（仅最近一次）", "retract (latest only)"), RETRACT)]),
                Field("on", pick("正确日期", "right date"), "date"),
                Field("note", pick("更正原因", "why"), required=True),
            ],
            about=Text.assemble(_about(view), pick("  （原记录保留，更正另行记录）", "  (the original is kept; the correction is recorded)")),
        )
        self.view = view
        if not steps:
            self.unavailable = t("no_step_to_correct", ref=view.ref)

    def check(self, values: dict[str, Any]) -> None:
        if values["action"] == CORRECT_DATE and values["on"] is None:
            raise CrmError("empty_field", field=pick("正确日期", "right date"))

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        retract = values["action"] == RETRACT
        step = project_service.correct_step(
            session, self.view.ref, new_date=None if retract else values["on"], retract=retract,
            step_id=values["step"], note=values["note"], actor=who.actor, today=who.today,
        )
        what = pick("已撤销", "retracted") if retract else step.happened_on.isoformat()
        return f"{self.view.ref}: {pick('已更正', 'corrected')} {stage_label(step.stage)} {what}"


class FigureForm(FormScreen):
    ERROR_FIELDS = {"bad_amount": "amount", "bad_date": "on"}

    def __init__(self, view: ProjectView, today) -> None:
        super().__init__(
            pick("登记到位资金或累计完成投资", "Report funds in place or investment completed"),
            [
                Field("kind", pick("数据", "figure"), "choice", required=True, value=FigureKind.FUNDS_IN_PLACE,
                      choices=[(pick("到位资金（累计）", "funds in place (to date)"), FigureKind.FUNDS_IN_PLACE),
                               (pick("累计完成投资", "investment completed (to date)"), FigureKind.INVESTMENT_COMPLETED)]),
                Field("amount", pick("金额(万元)", "amount (万元)"), "amount", required=True),
                Field("on", pick("截至日期", "as of"), "date", required=True, value=today),
                Field("note", pick("说明", "note")),
            ],
            about=_about(view),
        )
        self.view = view

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        figure = project_service.record_figure(session, self.view.ref, values["kind"], values["amount"], values["on"],
                                               note=values["note"], actor=who.actor)
        return pick(f"已登记 {figure.amount} 万元（{figure.reported_on}）", f"recorded {figure.amount} 万元 ({figure.reported_on})")


# -- corrections of follow-ups, figures and problems: the original is kept, the correction recorded ----------

def _why(label: str) -> Field:
    return Field("why", label, required=True)


def _correcting(view: ProjectView, record_id: int) -> Text:
    return Text.assemble(_about(view), f"  #{record_id}",
                         pick("  （原记录保留，更正另行记录）", "  (the original is kept; the correction is recorded)"))


class CorrectFollowUpForm(FormScreen):
    ERROR_FIELDS = {"stage_date_in_future": "on", "bad_date": "on", "date_before": "next_on", "empty_field": "content"}

    def __init__(self, view: ProjectView, followup: dict) -> None:
        super().__init__(
            pick("更正跟踪服务", "Correct a follow-up"),
            [
                Field("kind", pick("方式", "kind"), "choice", required=True, value=FollowUpKind(followup["kind"]),
                      choices=[(word("followup_kind", k.value), k) for k in FollowUpKind]),
                Field("on", pick("跟进日期", "date"), "date", required=True, value=followup["on"]),
                Field("content", pick("跟踪内容", "what was done"), required=True, value=followup["content"]),
                Field("next_step", pick("下步计划", "next step"), value=followup["next_step"]),
                Field("next_on", pick("下次跟进日期", "next date"), "date", value=followup["next_on"]),
                _why(pick("更正原因", "why")),
            ],
            about=_correcting(view, followup["id"]),
        )
        self.record_id = followup["id"]

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        changes = {"happened_on": values["on"],
                   **{name: values[name] for name in ("kind", "content", "next_step", "next_on")}}
        row = correction_service.correct_followup(session, self.record_id, changes, why=values["why"], actor=who.actor,
                                                  today=who.today)
        return correction_service.recorded("record_corrected", row)


class CorrectFigureForm(FormScreen):
    ERROR_FIELDS = {"bad_amount": "amount", "stage_date_in_future": "on", "bad_date": "on", "date_before": "on"}

    def __init__(self, view: ProjectView, figure: dict) -> None:
        super().__init__(
            pick("更正资金数据", "Correct a figure"),
            [
                Field("amount", pick("金额(万元)", "amount (万元)"), "amount", required=True,
                      value=_plain_number(figure["amount"])),
                Field("on", pick("截至日期", "as of"), "date", required=True, value=figure["on"]),
                _why(pick("更正原因", "why")),
            ],
            about=Text.assemble(_correcting(view, figure["id"]), "\n", word("figure_kind", figure["kind"])),
        )
        self.record_id = figure["id"]

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        row = correction_service.correct_figure(session, self.record_id,
                                                {"amount": values["amount"], "reported_on": values["on"]},
                                                why=values["why"], actor=who.actor, today=who.today)
        return correction_service.recorded("record_corrected", row)


class CorrectProblemForm(FormScreen):
    ERROR_FIELDS = {"stage_date_in_future": "raised_on", "bad_date": "raised_on", "date_before": "raised_on",
                    "empty_field": "description"}

    def __init__(self, view: ProjectView, problem: dict) -> None:
        super().__init__(
            pick("更正困难问题", "Correct a problem"),
            [
                Field("description", pick("问题描述", "problem"), required=True, value=problem["description"]),
                Field("raised_on", pick("提出日期", "raised on"), "date", required=True, value=problem["raised_on"]),
                Field("unit", pick("责任单位", "unit responsible"), value=problem["responsible_unit"]),
                _why(pick("更正原因", "why")),
            ],
            about=_correcting(view, problem["id"]),
        )
        self.record_id = problem["id"]

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        changes = {name: values[name] for name in ("description", "raised_on", "unit")}
        row = correction_service.correct_problem(session, self.record_id, changes, why=values["why"], actor=who.actor,
                                                 today=who.today)
        return correction_service.recorded("record_corrected", row)


# The table a tab of the project page shows → the kind of record its rows are, and the form correcting one.
CORRECTABLE = {"followups": ("followup", CorrectFollowUpForm), "figures": ("figure", CorrectFigureForm),
               "problems": ("problem", CorrectProblemForm)}


def _summary(tab: str, record: dict) -> Text:
    """The record as one line, to say what is being retracted."""
    if tab == "followups":
        return Text.assemble(record["on"], " ", word("followup_kind", record["kind"]), " ", record["content"])
    if tab == "figures":
        return Text.assemble(record["on"], " ", word("figure_kind", record["kind"]), " ",
                             _plain_number(record["amount"]), pick(" 万元", " 万元"))
    return Text.assemble(record["raised_on"], " ", record["description"])


class RetractForm(FormScreen):
    """Retract the highlighted follow-up, figure or problem: recorded, with why; the original is kept."""

    def __init__(self, view: ProjectView, tab: str, record: dict) -> None:
        super().__init__(
            pick("撤销录错的记录", "Retract a wrong record"),
            [_why(pick("撤销原因", "why"))],
            about=Text.assemble(_correcting(view, record["id"]), "\n", _summary(tab, record)),
        )
        self.kind = CORRECTABLE[tab][0]
        self.record_id = record["id"]

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        row = correction_service.retract(session, self.kind, self.record_id, why=values["why"], actor=who.actor,
                                         today=who.today)
        return correction_service.recorded("record_withdrawn", row)


class ReopenProblemForm(FormScreen):
    ERROR_FIELDS = {"stage_date_in_future": "on", "bad_date": "on", "date_before": "on"}

    def __init__(self, view: ProjectView, problem: dict, today) -> None:
        super().__init__(
            pick("重新打开问题", "Reopen a problem"),
            [
                Field("on", pick("重新打开日期", "reopened on"), "date", required=True, value=today),
                _why(pick("重新打开原因", "why")),
            ],
            about=Text.assemble(_about(view), f"  #{problem['id']} ", problem["description"]),
        )
        self.record_id = problem["id"]
        if problem["resolved_on"] is None:
            self.unavailable = t("problem_not_resolved", what=pick("问题", "problem"), id=problem["id"])

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        row = correction_service.reopen_problem(session, self.record_id, on=values["on"], reason=values["why"],
                                                actor=who.actor, today=who.today)
        return correction_service.recorded("problem_reopened", row, date=values["on"].isoformat())
