"""The export dialogs: the weekly progress sheet for a chosen week and filters, an event's summary
package, an event's work plan. Each calls the export service the CLI calls (crm.exporting) and says
where the workbook went."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm.i18n import pick, t
from crm.services.contact_list import ListChoices
from tui.db import DbClient
from tui.forms.base import Field, FormScreen, Recorder
from tui.forms.pickers import PICKER_CSS
from tui.i18n import translate_bindings

WEEKLY, EVENT, PLAN = "weekly", "event", "plan"
KINDS = ((WEEKLY, "项目推进周报", "weekly progress sheet"), (EVENT, "活动总结材料（概况、签约项目、邀请名单）", "event summary package"),
         (PLAN, "活动工作方案（报备）", "event work plan for filing"))
# CrmError key from the export services → the field its message belongs beside.
ERROR_FIELDS = {"bad_week": "week", "week_in_future": "week", "export_not_xlsx": "out", "write_failed": "out",
                "bad_date": "as_of", "unknown_event": "event"}


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_name(week: str) -> str:
    return pick(f"周报-{week}.xlsx", f"weekly-{week}.xlsx")


def output_path(raw: str | None, default_name: str) -> Path:
    """The file to write: as typed, or a default name; relative paths are in the directory the
    workbench was started in."""
    return (Path(raw).expanduser() if raw else Path(default_name)).resolve()


def written(path: Path, what: str) -> str:
    return t("export_written", path=str(path), sheets=what)


class ExportChooser(DbClient, ModalScreen[str | None]):
    """Which workbook to export."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="form.cancel")]
    DEFAULT_CSS = PICKER_CSS.format(name="ExportChooser")

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(pick("导出 Excel", "Export to Excel")), classes="picker-title")
            yield OptionList(*(Option(Text(pick(zh, en)), id=kind) for kind, zh, en in KINDS), id="export-kinds")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportForm(FormScreen):
    ERROR_FIELDS = ERROR_FIELDS


class WeeklyExportForm(ExportForm):
    def __init__(self, choices: ListChoices, today: dt.date) -> None:
        week = iso_week(today)
        super().__init__(
            pick("导出项目推进周报", "Export the weekly progress sheet"),
            [
                Field("week", pick("周次", "week"), required=True, value=week, placeholder="YYYY-Www"),
                Field("city", pick("设区市", "city"), "choice", choices=[(c.name, c.name) for c in choices.regions]),
                Field("industry", pick("产业", "industry"), "choice",
                      choices=[(c.name, c.name) for c in choices.industries]),
                Field("out", pick("保存为", "save as"), placeholder=pick(f"{weekly_name(week)}（在当前目录）",
                                                                        f"{weekly_name(week)} (in the current directory)")),
            ],
            about=pick("全部未终止的签约项目，本周进展、问题清单、活动时限与汇总", "every signed project not terminated, "
                       "the week's progress, open problems, event deadlines and a summary"),
        )

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        from crm.exporting.weekly import export_weekly

        path = output_path(values["out"], weekly_name(values["week"]))
        report = export_weekly(session, path, today=who.today, week=values["week"], city=values["city"],
                               industry=values["industry"])
        return written(path, pick(f"{len(report.projects)} 个项目", f"{len(report.projects)} projects"))


class EventExportForm(ExportForm):
    """The summary package (EVENT) or the work plan (PLAN) of one event."""

    def __init__(self, kind: str, choices: ListChoices, today: dt.date, event_ref: str | None = None) -> None:
        self.kind = kind
        events = [(c.name, c.name.split()[0]) for c in choices.events]
        title = pick("导出活动总结材料", "Export the event summary package") if kind == EVENT \
            else pick("导出活动工作方案", "Export the event work plan")
        super().__init__(title, [
            Field("event", pick("活动", "event"), "choice", required=True, value=event_ref, choices=events),
            Field("as_of", pick("截至日期", "as of"), "date", required=True, value=today),
            Field("out", pick("保存为", "save as"), placeholder=pick("活动编号-材料名.xlsx（在当前目录）",
                                                                    "REF-name.xlsx (in the current directory)")),
        ])

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        # As of a day before the workbench's today, the invitations listed are those of that day, each with
        # the status it had then (as `crm export` does).
        ref = values["event"]
        if self.kind == EVENT:
            from crm.exporting.event_package import export_event_package

            path = output_path(values["out"], pick(f"{ref}-活动总结材料.xlsx", f"{ref}-summary.xlsx"))
            report = export_event_package(session, ref, path, as_of=values["as_of"], today=who.today)
            return written(path, pick(f"{len(report.projects)} 个签约项目，{len(report.invitees)} 位受邀客商",
                                      f"{len(report.projects)} signed projects, {len(report.invitees)} invitees"))
        from crm.exporting.event_plan import export_event_plan

        path = output_path(values["out"], pick(f"{ref}-工作方案.xlsx", f"{ref}-plan.xlsx"))
        plan = export_event_plan(session, ref, path, as_of=values["as_of"], today=who.today)
        return written(path, pick(f"报送截止 {plan.due.isoformat()}", f"due {plan.due.isoformat()}"))


def open_export(app, kind: str | None = None) -> None:
    """Choose what to export (unless `kind` says), then the form for it; report where the file went."""
    from crm.services.contact_list import list_choices

    def done(result) -> None:
        if isinstance(result, str):
            app.notify(result, markup=False, title=pick("已导出", "exported"), timeout=10)

    def with_choices(chosen: str | None) -> None:
        if chosen is None:
            return

        def show(choices: ListChoices) -> None:
            form = WeeklyExportForm(choices, app.today) if chosen == WEEKLY else EventExportForm(chosen, choices, app.today)
            app.push_screen(form, done)

        app.run_db("export-choices", list_choices, show)

    if kind:
        with_choices(kind)
    else:
        app.push_screen(ExportChooser(), with_choices)
