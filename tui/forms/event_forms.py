"""The recorded actions on an event: fix its date, mark its plan or summary filed, sign a project there."""
from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session

from crm.i18n import pick, t
from crm.services import events as event_service
from crm.services.editing import check_version
from crm.services.event_detail import EventDetail
from crm.services.project_query import FilterChoices
from crm.services.projects import NewProject, add_project
from db.models import SigningForm
from tui.forms.base import Field, FormScreen, Recorder
from tui import text
from tui.i18n import word

PLAN, SUMMARY = "plan", "summary"


def _about(event: EventDetail) -> Text:
    return Text.assemble((event.ref, "bold"), " ", event.title)


class FixDateForm(FormScreen):
    ERROR_FIELDS = {"date_before": "ends_on"}

    def __init__(self, event: EventDetail) -> None:
        super().__init__(
            pick("确定活动日期", "Fix the event's date"),
            [
                Field("starts_on", pick("开始日期", "first day"), "date", required=True,
                      value=event.starts_on if event.date_fixed else ""),
                Field("ends_on", pick("结束日期", "last day"), "date",
                      value=event.ends_on if event.date_fixed and event.ends_on != event.starts_on else "",
                      placeholder=pick("YYYY-MM-DD（同开始日期可不填）", "YYYY-MM-DD (empty: same day)")),
            ],
            about=_about(event),
        )
        self.event = event

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        check_version(event_service.get_event(session, self.event.ref), self.event.version, self.event.ref)
        fixed = event_service.fix_date(session, self.event.ref, values["starts_on"], values["ends_on"])
        return f"{fixed.ref}: {text.span(fixed.starts_on, fixed.ends_on)}"


class SubmittedForm(FormScreen):
    def __init__(self, event: EventDetail, which: str, today: dt.date) -> None:
        super().__init__(
            pick(f"标记{word('deadline_kind', which)}已报送", f"Mark the {word('deadline_kind', which)} submitted"),
            [Field("on", pick("报送日期", "submitted on"), "date", required=True, value=today)],
            about=_about(event),
        )
        self.event = event
        self.which = which

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        check_version(event_service.get_event(session, self.event.ref), self.event.version, self.event.ref)
        mark = event_service.mark_plan_submitted if self.which == PLAN else event_service.mark_summary_submitted
        mark(session, self.event.ref, values["on"])
        return pick(f"{self.event.ref}：{word('deadline_kind', self.which)}已于 {values['on']} 报送",
                    f"{self.event.ref}: {word('deadline_kind', self.which)} submitted on {values['on']}")


class SignProjectForm(FormScreen):
    ERROR_FIELDS = {"bad_amount": "amount", "stage_date_in_future": "signed_on", "bad_date": "signed_on"}

    def __init__(self, event: EventDetail, choices: FilterChoices, today: dt.date) -> None:
        signed_on = event.starts_on if event.date_fixed and event.starts_on <= today else today
        super().__init__(
            pick("在本活动签约项目", "Sign a project at this event"),
            [
                Field("name", pick("项目名称", "project name"), required=True),
                Field("investor", pick("投资方", "investor"), required=True),
                Field("industry", pick("产业", "industry"), "choice", required=True,
                      value=event.industries[0] if event.industries else None,
                      choices=[(c.name, c.name) for c in choices.industries]),
                Field("city", pick("所在地", "city"), "choice", required=True, value=event.city,
                      choices=[(c.name, c.name) for c in choices.regions]),
                Field("amount", pick("合同引资额(万元)", "amount (万元)"), "amount", required=True),
                Field("signed_on", pick("签约日期", "signed on"), "date", required=True, value=signed_on),
                Field("form", pick("签约形式", "signed as"), "choice", required=True, value=SigningForm.CONTRACT,
                      choices=[(word("signing_form", f.value), f) for f in SigningForm]),
                Field("planned_construction_on", pick("计划开工", "planned start"), "date"),
                Field("planned_production_on", pick("计划投产", "planned production"), "date"),
            ],
            about=_about(event),
        )
        self.event = event

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        project = add_project(
            session,
            NewProject(
                name=values["name"], investor=values["investor"], industry=values["industry"], city=values["city"],
                amount=values["amount"], signed_on=values["signed_on"], event_ref=self.event.ref,
                signing_form=values["form"], planned_construction_on=values["planned_construction_on"],
                planned_production_on=values["planned_production_on"],
            ),
            actor=who.actor,
            today=who.today,
        )
        return t("project_added", ref=project.ref)
