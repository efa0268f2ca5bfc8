"""The summary package reported within two weeks of an event (seed 三、(三)): 活动概况 (time, place,
organizers by role, planned scale against invitations by category), 签约项目, 客商邀请名单."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import Event, InvitationStatus

from crm.exporting import columns as common
from crm.exporting.workbook import (
    CENTER,
    COUNT,
    SIGNAL_FILLS,
    STAGE_FILLS,
    TEXT,
    YI,
    Column,
    ExportBook,
    export_book,
    yi,
)
from crm.i18n import pick, t
from crm.labels import (
    deadline_label,
    event_kind_label,
    event_level_label,
    event_period_label,
    invitation_status_label,
    organizer_role_label,
    signal_label,
    signing_form_label,
    signing_name,
)
from crm.rules import deadlines, kpi
from crm.rules.stages import stage_label
from crm.services import events as event_service
from crm.services.event_report import EventReport, event_report

# The 活动概况 sheet is laid out on the grid of its invitation table: category + statuses + total.
OVERVIEW_WIDTH = 2 + len(InvitationStatus)


def export_event_package(session: Session, ref: str, path: str | os.PathLike, *, as_of: dt.date,
                         today: dt.date | None = None) -> EventReport:
    """Write the event's summary package to `path` (whole or not at all) and return what it shows."""
    report = event_report(session, ref, as_of, today=today)
    write_event_package(report, path)
    return report


def write_event_package(report: EventReport, path: str | os.PathLike) -> None:
    event = report.event
    with export_book(path, title=pick(f"{event.title}总结材料", f"{event.title}: summary package"),
                     as_of=report.as_of) as book:
        _overview_sheet(book, report)
        _projects_sheet(book, report)
        invitee_sheet(book, report, name=pick("客商邀请名单", "Invitees"),
                      title=pick(f"{event.title}客商邀请名单", f"{event.title}: invitees"))


def as_of_line(report: EventReport, extra: str = "") -> str:
    return pick(f"截至 {report.as_of.isoformat()}", f"As of {report.as_of.isoformat()}") + extra


def filing_state(due: dt.date, submitted_on: dt.date | None, as_of: dt.date) -> str:
    """已报送（2011-10-20）, 即将到期, 已超期 or 未到期, as of the report's date."""
    if submitted_on is not None and submitted_on <= as_of:
        state = deadlines.LATE if submitted_on > due else deadlines.DONE
        return deadline_label(state) + pick(f"（{submitted_on.isoformat()}）", f" ({submitted_on.isoformat()})")
    return deadline_label(deadlines.deadline_status(due, submitted_on, as_of))


def place(event: Event) -> str:
    return " ".join(x for x in (event.region.name if event.region else None, event.venue) if x)


def organizer_fields(sheet, event: Event) -> None:
    """承办 / 协办 / 配合 / 衔接协调, each on its own line; a role nobody holds says so."""
    units = event_service.units_by_role(event)
    for role, key in event_service.ROLE_KEYS.items():
        sheet.field(organizer_role_label(role), "、".join(units[key]) or t("none"))


def event_fields(sheet, event: Event) -> None:
    """The facts every report on an event starts with."""
    sheet.field(pick("活动名称", "Event"), event.title)
    if event.parent is not None:
        sheet.field(pick("所属活动", "Part of"), event.parent.title)
    sheet.field(pick("活动层级", "Level"), event_level_label(event.level))
    sheet.field(pick("活动类型", "Kind"), event_kind_label(event.kind))
    sheet.field(pick("时间", "When"), event_period_label(event.starts_on, event.ends_on, event.date_precision))
    sheet.field(pick("地点", "Where"), place(event) or pick("待定", "to be decided"))


def _meeting_line(meeting: Event) -> str:
    period = event_period_label(meeting.starts_on, meeting.ends_on, meeting.date_precision)
    return meeting.title + pick(f"（{period}）", f" ({period})")


def _overview_sheet(book: ExportBook, report: EventReport) -> None:
    event = report.event
    sheet = book.sheet(pick("活动概况", "Overview"), title=pick(f"{event.title}活动概况", f"{event.title}: overview"),
                       subtitle=as_of_line(report), width=OVERVIEW_WIDTH, one_page=True)
    event_fields(sheet, event)
    if len(report.scope) > 1:
        sheet.field(pick("包含会议", "Meetings"), "\n".join(_meeting_line(e) for e in report.scope[1:]))
    organizer_fields(sheet, event)
    sheet.field(pick("涉及产业", "Industries"), "、".join(i.name for i in event.industries) or t("none"))
    sheet.field(pick("邀请对象", "Invitee types"), "、".join(event.invitee_types or []) or t("none"))
    sheet.field(pick("计划规模（人）", "Planned scale (people)"), event.planned_scale or pick("未定", "not set"), kind=COUNT)
    sheet.field(pick("已确认（人）", "Confirmed (people)"), report.count(InvitationStatus.CONFIRMED), kind=COUNT)
    sheet.field(pick("已出席（人）", "Attended (people)"), report.count(InvitationStatus.ATTENDED), kind=COUNT)
    sheet.field(pick("签约项目（个）", "Signed projects"), kpi.projects_in(report.projects), kind=COUNT)
    sheet.field(pick("签约投资（亿元）", "Signed investment (亿元)"),
                yi(sum((p.amount for p in report.projects), Decimal(0))), kind=YI)
    if event_service.is_meeting(event):
        due = event_service.summary_due(event)
        sheet.field(pick("总结报送截止", "Summary due"), due)
        sheet.field(pick("报送情况", "Filing"), filing_state(due, event.summary_submitted_on, report.as_of))
    else:
        sheet.field(pick("总结报送", "Summary"), pick("按会议分别报送", "filed per meeting"))

    sheet.skip()
    sheet.caption(pick("邀请情况（按客商类别，人）", "Invitations by category (people)"))
    statuses = list(InvitationStatus)
    sheet.table([Column(pick("客商类别", "Category"), TEXT, 16),
                 *(Column(invitation_status_label(s), COUNT, least=8) for s in statuses),
                 Column(pick("合计", "Total"), COUNT, least=8)], main=False)
    for category in report.categories:
        counts = [report.count(s, category) for s in statuses]
        sheet.row([category, *counts, sum(counts)])
    totals = [report.count(s) for s in statuses]
    sheet.row([pick("合计", "Total"), *totals, sum(totals)], total=True)


def _projects_sheet(book: ExportBook, report: EventReport) -> None:
    several = len(report.scope) > 1
    columns = [
        common.number(),
        common.project(),
        common.investor(),
        common.industry(),
        common.city(),
        Column(pick("签约形式", "Form"), CENTER),
        common.investment(),
        common.signed_on(),
        *([Column(pick("签约会议", "Meeting"), TEXT, 20)] if several else []),
        common.stage(),
        common.stage_date(),
        Column(pick("到位资金\n（亿元）", "Funds in place\n(亿元)"), YI),
        common.responsible_unit(),
        common.signal(),
    ]
    stage_column, signal_column = len(columns) - 5, len(columns) - 1
    event = report.event
    total = sum((p.amount for p in report.projects), Decimal(0))
    sheet = book.sheet(pick("签约项目", "Signed projects"), title=pick(f"{event.title}签约项目", f"{event.title}: signed projects"),
                       subtitle=as_of_line(report, pick(f"　共 {kpi.projects_in(report.projects)} 个，合同引资额 {yi(total):,.2f} 亿元",
                                                        f"   {kpi.projects_in(report.projects)} projects, contracted {yi(total):,.2f} 亿元")),
                       width=len(columns), freeze_columns=2)
    sheet.table(columns)
    titles = report.titles
    for n, p in enumerate(report.projects, start=1):
        colour = p.colour(report.as_of)
        sheet.row(
            [n, signing_name(p), p.investor, p.industry, p.city, signing_form_label(p.signing_form), yi(p.amount), p.signed_on,
             *([titles.get(p.signing_event_id)] if several else []), stage_label(p.stage), p.stage_on,
             yi(p.funds_in_place), p.responsible_unit, signal_label(colour, p.status)],
            fills={stage_column: STAGE_FILLS.get(p.stage.value), signal_column: SIGNAL_FILLS[colour]},
        )
    if report.projects:
        totals: list[object] = [None] * len(columns)
        totals[1] = pick("合计", "Total")
        totals[6] = yi(total)
        totals[len(columns) - 3] = yi(sum((p.funds_in_place for p in report.projects), Decimal(0)))
        sheet.row(totals, total=True)


def invitee_sheet(book: ExportBook, report: EventReport, *, name: str, title: str) -> None:
    """The invitee list: one line per invitation, people still 待定 shown as such, mobiles as text."""
    several = len(report.scope) > 1
    columns = [
        common.number(),
        Column(pick("姓名", "Name"), CENTER, 12),
        Column(pick("单位", "Organization"), TEXT, 26),
        Column(pick("职务", "Title"), TEXT, 14),
        Column(pick("手机", "Mobile"), CENTER, 16),
        Column(pick("办公电话", "Phone"), CENTER, 16),
        Column(pick("电子邮箱", "Email"), TEXT, 24),
        Column(pick("客商类别", "Category"), CENTER, 12),
        Column(pick("邀请状态", "Status"), CENTER),
        *([Column(pick("会议", "Meeting"), TEXT, 20)] if several else []),
        Column(pick("备注", "Notes"), TEXT, 20),
    ]
    counts = pick(
        f"　共 {len(report.invitees)} 人，已确认 {report.count(InvitationStatus.CONFIRMED)} 人，"
        f"已出席 {report.count(InvitationStatus.ATTENDED)} 人",
        f"   {len(report.invitees)} invitations, {report.count(InvitationStatus.CONFIRMED)} confirmed, "
        f"{report.count(InvitationStatus.ATTENDED)} attended",
    )
    sheet = book.sheet(name, title=title, subtitle=as_of_line(report, counts), width=len(columns), freeze_columns=2)
    sheet.table(columns)
    titles = report.titles
    for n, i in enumerate(report.invitees, start=1):
        sheet.row([n, i.name or pick("待定", "to be decided"), i.organization, i.title, i.mobile, i.phone, i.email,
                   i.category, invitation_status_label(i.status), *([titles.get(i.event_id)] if several else []),
                   i.notes])
