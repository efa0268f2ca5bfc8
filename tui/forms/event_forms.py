"""Events by hand (new, edited: every field as `crm events add/edit` takes it) and the recorded actions
on an event: fix its date, sign a project there. Its plan and summary are reported up (上报) through
tui.forms.reporting.SubmitForm."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.widgets import Select

from crm.i18n import pick, t
from crm.rules.events import split_names
from crm.services import events as event_service
from crm.services.editing import check_version
from crm.services.event_detail import EventDetail
from crm.services.event_editing import Added, EventInput, add_event, edit_event, field_label, when_label
from crm.services.project_query import FilterChoices
from crm.services.projects import NewProject, add_project
from db.models import EventKind, EventLevel, SigningForm
from tui.forms.answering import AnsweringForm
from tui.forms.base import Field, FormScreen, Recorder
from tui import text
from tui.i18n import word


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


class SignProjectForm(FormScreen):
    ERROR_FIELDS = {"bad_amount": "amount", "stage_date_in_future": "signed_on", "bad_date": "signed_on",
                    "unknown_project": "increase_of", "increase_of_increase": "increase_of",
                    "increase_of_unsigned": "increase_of", "increase_of_terminated": "increase_of",
                    "increase_before_original": "signed_on"}

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
                Field("increase_of", pick("增资原项目", "increase of"),
                      placeholder=pick("增资扩产时填原项目编号，如 P00012（金额只填增资部分）",
                                       "for a capital increase: the original's ref, e.g. P00012 (amount: the increase)")),
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
                planned_production_on=values["planned_production_on"], increase_of=values["increase_of"] or None,
            ),
            actor=who.actor,
            today=who.today,
        )
        return t("project_added", ref=project.ref)


@dataclass(frozen=True)
class EventChoices:
    """What the event form offers to choose from, as the events screen has it loaded."""

    programmes: list[tuple[str, str]]  # (ref, title), newest first
    activities: dict[str, list[tuple[str, str]]]  # programme ref → its top-level events (ref, title)
    groups: list[str]  # the programme sections in use


# Units and industries: several in one field, split by the service (南昌市政府、九江市政府).
NAME_LISTS = ("hosts", "co_hosts", "supporters", "coordinators", "industries")
FIELDS = ("programme", "title", "parent", "group", "level", "kind", "when", "city", "place", "scale", *NAME_LISTS,
          "invitee_types", "quotas", "notes")
# An invitee type may itself hold 、 (摩托罗拉、诺基亚等公司代表): the form separates them with ；.
INVITEE_TYPE_MARKS = re.compile(r"[；;]")


def event_values(event: dict) -> dict[str, str]:
    """An event (crm.services.events.event_dict, plus its time as typed) as the form's fields show it."""
    quotas = (f"{q['min']}-{q['max']}" + (f":{q['industry']}" if q["industry"] else "") for q in event["quotas"])
    return {
        "programme": event["programme"], "title": event["title"], "parent": event["parent"],
        "group": event["programme_group"], "level": event["level"], "kind": event["kind"], "when": event["when_typed"],
        "city": event["city"], "place": event["venue"], "scale": event["planned_scale"],
        **{name: "、".join(event[name]) for name in NAME_LISTS},
        "invitee_types": "；".join(event["invitee_types"]), "quotas": "、".join(quotas), "notes": event["notes"],
    }


def _as_input(name: str, value: object) -> object:
    """A field's value as EventInput takes it ("" and [] clear a field on an edit)."""
    typed = "" if value is None else str(value)
    if name in NAME_LISTS:
        return [typed] if typed else []
    if name == "invitee_types":
        return [part.strip() for part in INVITEE_TYPE_MARKS.split(typed) if part.strip()]
    if name == "quotas":
        return split_names(typed)
    return typed


def _units_added(message: str, added: Added) -> str:
    if not added.units:
        return message
    return message + pick("；", "; ") + t("units_added", names=text.joined(u.name for u in added.units))


class EventForm(AnsweringForm):
    """A new event or meeting (given its programme, and its activity for a meeting), or an event's fields
    changed; a change made meanwhile is refused and the event shown as it now is."""

    # The programme (and the activity) come preset from the highlighted node: what a user types first is
    # the title, so the cursor starts there.
    AUTO_FOCUS = "#field-title"
    ERROR_FIELDS = {
        "bad_when": "when", "when_needs_year": "when", "when_backwards": "when", "bad_scale": "scale",
        "bad_quota": "quotas", "bad_event_kind": "kind", "bad_event_level": "level",
        "empty_field": "level",  # the form asks for the title itself: what the service finds empty is the level
        "unknown_programme": "programme", "parent_other_programme": "parent", "parent_is_self": "parent",
        "unknown_event": "parent", "event_exists": "title", "unknown_industry": "industries",
    }

    def __init__(self, choices: EventChoices, *, event: dict | None = None, programme: str | None = None,
                 parent: str | None = None, level: str | None = None, group: str | None = None) -> None:
        self.choices = choices
        self.event = event
        self.initial = event_values(event) if event else {
            "programme": programme, "parent": parent, "level": None if parent else level, "group": group}
        self.saved_key: str | None = None
        groups = list(dict.fromkeys(["major", "matchmaking", "cooperation", *choices.groups]))
        hint = {
            "when": pick("2026-03-15、2026-04-15..16、2026-03、2026-Q2、3月中旬、待定",
                         "2026-03-15, 2026-04-15..16, 2026-03, 2026-Q2, 3月中旬, 待定"),
            "scale": pick("200、约200人、150-200", "200, 约200人, 150-200"),
            "units": pick("多个用、分隔；新单位自动加入单位列表", "several: separate with 、; new units are added"),
            "industries": pick("多个用、分隔，如 光伏、LED", "several: separate with 、 (光伏、LED)"),
            "invitee_types": pick("多个用；分隔", "several: separate with ；"),
            "quotas": pick("每个产业的项目数，如 5-8 或 5-8:光伏，多个用、分隔", "projects per industry: 5-8 or 5-8:光伏, several with 、"),
        }
        specs = {
            "programme": Field("programme", field_label("programme"), "choice", required=True,
                               choices=[(f"{ref}  {title}", ref) for ref, title in choices.programmes]),
            "title": Field("title", field_label("title"), required=True),
            "parent": Field("parent", field_label("parent"), "choice",
                            choices=self._activities(self.initial.get("programme"))),
            "group": Field("group", field_label("group"), "choice", choices=[(word("group", g), g) for g in groups]),
            "level": Field("level", field_label("level"), "choice", required=event is not None,
                           choices=[(word("level", v.value), v.value) for v in EventLevel]),
            "kind": Field("kind", field_label("kind"), "choice",
                          choices=[(word("event_kind", v.value), v.value) for v in EventKind]),
            "when": Field("when", field_label("when"), placeholder=hint["when"]),
            "scale": Field("scale", field_label("scale"), placeholder=hint["scale"]),
            "industries": Field("industries", field_label("industries"), placeholder=hint["industries"]),
            "invitee_types": Field("invitee_types", field_label("invitee_types"), placeholder=hint["invitee_types"]),
            "quotas": Field("quotas", field_label("quotas"), placeholder=hint["quotas"]),
        }
        fields = [specs.get(name) or Field(name, field_label(name), placeholder=hint["units"] if name in NAME_LISTS else "")
                  for name in FIELDS]
        for spec in fields:
            spec.value = self.initial.get(spec.name) or ""
            if spec.kind == "choice" and spec.value and spec.value not in {value for _label, value in spec.choices}:
                spec.choices.append((str(spec.value), spec.value))  # a value the lists lack still shows as it is
        super().__init__(
            pick("新建活动或会议", "New event or meeting") if event is None else pick("编辑活动", "Edit event"),
            fields,
            about=Text.assemble((event["ref"], "bold"), " ", event["title"]) if event else pick(
                "选了所属活动即为其下的会议（层级随所属活动）；类型不选则按名称判断。",
                "With an activity chosen it is a meeting under it (at its level); without a kind, the title tells it."),
        )
        if not choices.programmes:
            self.unavailable = pick("还没有活动方案：先按 P 新建一个", "no programme yet: press P to create one")

    def _activities(self, programme: str | None) -> list[tuple[str, str]]:
        own = self.event["ref"] if self.event else None
        return [(f"{ref}  {title}", ref) for ref, title in self.choices.activities.get(programme or "", []) if ref != own]

    @on(Select.Changed, "#field-programme")
    def _programme_changed(self, event: Select.Changed) -> None:
        """The activities a meeting can sit under are those of the chosen programme."""
        parent = self.control("parent")
        kept = parent.value
        options = self._activities(None if event.value is Select.NULL else event.value)
        parent.set_options([(Text(label), ref) for label, ref in options])
        if kept in {ref for _label, ref in options}:
            parent.value = kept

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        added = Added()
        if self.event is None:
            event = add_event(session, EventInput(**{name: _as_input(name, values[name]) for name in FIELDS}),
                              added=added)
            self.saved_key = event.ref
            return _units_added(t("event_added", ref=event.ref, title=event.title, when=when_label(event)), added)
        given = {name: _as_input(name, values[name]) for name in FIELDS
                 if _as_input(name, values[name]) != _as_input(name, self.initial.get(name))}
        event, changed = edit_event(session, self.event["ref"], EventInput(**given), version=self.event["version"],
                                    added=added)
        self.saved_key = event.ref
        return _units_added(t("event_edited", ref=event.ref, fields=text.joined(map(field_label, changed))
                              or pick("无变化", "nothing changed")), added)
