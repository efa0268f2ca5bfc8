"""活动方案: a new programme, its fields changed, and a copy of one into a new year (its activities and
meetings, no date fixed, no invitations or projects). Every save calls crm.services.programmes."""
from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session

from crm.i18n import pick, t
from crm.services import programmes as programme_service
from tui.forms.answering import AnsweringForm
from tui.forms.base import Field, Recorder

ERRORS = {"bad_year": "year", "programme_exists": "title"}
EDITABLE = ("year", "title", "document_no", "issuing_unit", "notes")


def _about(programme: dict) -> Text:
    return Text.assemble((programme["ref"], "bold"), " ", programme["title"])


class ProgrammeForm(AnsweringForm):
    """A new programme, or (given one) its fields changed; a change made meanwhile is refused."""

    ERROR_FIELDS = ERRORS
    AUTO_FOCUS = "#field-title"  # the year comes preset: the title is what a user types first

    def __init__(self, today: dt.date, programme: dict | None = None) -> None:
        self.programme = programme
        self.initial = {name: (programme or {}).get(name) or "" for name in EDITABLE}
        if programme is None:
            self.initial["year"] = today.year
        super().__init__(
            pick("新建活动方案", "New programme") if programme is None else pick("编辑活动方案", "Edit programme"),
            [
                Field("year", pick("年度", "year"), required=True, value=self.initial["year"]),
                Field("title", pick("方案名称", "title"), required=True, value=self.initial["title"]),
                Field("document_no", pick("文号", "document number"), value=self.initial["document_no"],
                      placeholder=pick("如 赣工信科技字[2026]1号", "e.g. 赣工信科技字[2026]1号")),
                Field("issuing_unit", pick("印发单位", "issuing unit"), value=self.initial["issuing_unit"],
                      placeholder=pick("单位名称（新单位自动加入单位列表）", "a unit's name (a new one is added to the list)")),
                Field("notes", pick("备注", "notes"), value=self.initial["notes"]),
            ],
            about=_about(programme) if programme else None,
        )
        self.saved_key: tuple[str, str] | None = None  # the tree node to show after saving

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        if self.programme is None:
            programme = programme_service.add_programme(
                session, year=values["year"], title=values["title"], document_no=values["document_no"],
                issuing_unit=values["issuing_unit"], notes=values["notes"])
            self.saved_key = ("programme", programme.code)
            return t("programme_added", ref=programme.code, title=programme.title)
        changes = {name: values[name] or "" for name in EDITABLE if str(values[name] or "") != str(self.initial[name])}
        ref = self.programme["ref"]
        programme_service.edit_programme(session, ref, changes, version=self.programme["version"])
        self.saved_key = ("programme", ref)
        labels = {spec.name: spec.label for spec in self.fields}
        return t("programme_edited", ref=ref, fields=pick("、", ", ").join(labels[name] for name in changes)
                 or pick("无变化", "nothing changed"))


class CopyProgrammeForm(AnsweringForm):
    """A programme's structure copied into a new year (next year's by default)."""

    ERROR_FIELDS = {**ERRORS, "unknown_programme": "source"}

    def __init__(self, programmes: list[dict], source: str | None, today: dt.date) -> None:
        super().__init__(
            pick("复制活动方案到新年度", "Copy a programme into a new year"),
            [
                Field("source", pick("复制哪个方案", "copy"), "choice", required=True, value=source,
                      choices=[(f"{p['ref']}  {p['title']}", p["ref"]) for p in programmes]),
                Field("year", pick("新年度", "new year"), required=True, value=today.year + 1),
                Field("title", pick("新方案名称", "new title"),
                      placeholder=pick("不填：把原名称中的年份换成新年度", "empty: the old title with the new year")),
            ],
            about=pick("复制活动、会议、承办等单位、规模、产业、邀请对象和项目配额；日期均未确定，不含邀请和项目。",
                       "Copies activities, meetings, organizers, scales, industries, invitee types and quotas; "
                       "no date is fixed, no invitations or projects are copied."),
        )
        self.saved_key: tuple[str, str] | None = None

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        programme = programme_service.copy_programme(session, values["source"], year=values["year"],
                                                     title=values["title"])
        events = dict((p.id, n) for p, n in programme_service.list_programmes(session)).get(programme.id, 0)
        self.saved_key = ("programme", programme.code)
        return t("programme_copied", ref=programme.code, year=programme.year, events=events)
