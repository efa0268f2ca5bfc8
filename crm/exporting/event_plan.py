"""The event work plan filed before an event (seed 三、(一)): time, participants, scale and scope, with
its due date — 45 days before to the provincial government for its own events, else 30 days before to
the commission — and the invitee list drawn up so far."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import InvitationStatus

from crm.exporting import columns as common
from crm.exporting.event_package import (
    as_of_line,
    event_fields,
    filing_state,
    invitee_sheet,
    organizer_fields,
    place,
)
from crm.exporting.workbook import CENTER, COUNT, DATE, SIGNAL_FILLS, TEXT, Column, ExportBook, export_book
from crm.i18n import pick, t
from crm.labels import event_period_label, invitation_status_label, plan_recipient_label
from crm.rules import deadlines
from crm.services import events as event_service
from crm.services.event_report import EventReport, event_report

# The 工作方案 sheet is laid out on the grid of its meeting table.
PLAN_WIDTH = 8
_STATE_FILLS = {deadlines.OVERDUE: SIGNAL_FILLS["red"], deadlines.DUE: SIGNAL_FILLS["yellow"],
                deadlines.DONE: SIGNAL_FILLS["green"], deadlines.LATE: SIGNAL_FILLS["yellow"]}


@dataclass(frozen=True)
class EventPlan:
    report: EventReport
    due: dt.date
    filing: str  # 已报送（date） / 即将到期 / 已超期 / 未到期, or "filed per meeting" for an activity


def export_event_plan(session: Session, ref: str, path: str | os.PathLike, *, as_of: dt.date,
                      today: dt.date | None = None) -> EventPlan:
    """Write the event's work plan to `path` (whole or not at all) and return what it shows."""
    plan = event_plan(session, ref, as_of=as_of, today=today)
    write_event_plan(plan, path)
    return plan


def event_plan(session: Session, ref: str, *, as_of: dt.date, today: dt.date | None = None) -> EventPlan:
    report = event_report(session, ref, as_of, today=today)
    event = report.event
    due = event_service.plan_due(event)
    # Plans are filed per meeting: an activity that holds meetings points to them.
    filing = (filing_state(due, event.plan_submitted_on, as_of) if event_service.is_meeting(event)
              else pick("按会议分别报送", "filed per meeting"))
    return EventPlan(report, due, filing)


def write_event_plan(plan: EventPlan, path: str | os.PathLike) -> None:
    event = plan.report.event
    with export_book(path, title=pick(f"{event.title}工作方案", f"{event.title}: work plan"),
                     as_of=plan.report.as_of) as book:
        _plan_sheet(book, plan)
        invitee_sheet(book, plan.report, name=pick("拟邀请嘉宾名单", "Invitees"),
                      title=pick(f"{event.title}拟邀请嘉宾名单", f"{event.title}: proposed invitees"))


def _quota_text(report: EventReport) -> str:
    parts = []
    for quota in report.event.quotas:
        who = quota.industry.name if quota.industry else pick("每个产业", "each industry")
        parts.append(pick(f"{who}{quota.min_projects}–{quota.max_projects}个项目",
                          f"{who}: {quota.min_projects}–{quota.max_projects} projects"))
    return "；".join(parts)


def _plan_sheet(book: ExportBook, plan: EventPlan) -> None:
    report, event = plan.report, plan.report.event
    sheet = book.sheet(
        pick("工作方案", "Work plan"),
        title=pick(f"{event.title}工作方案", f"{event.title}: work plan"),
        subtitle=as_of_line(report, pick(f"　报送截止 {plan.due.isoformat()}（{plan.filing}）",
                                         f"   due {plan.due.isoformat()} ({plan.filing})")),
        width=PLAN_WIDTH,
        one_page=True,
    )
    event_fields(sheet, event)
    sheet.field(pick("规模（人）", "Scale (people)"), event.planned_scale or pick("未定", "not set"), kind=COUNT)
    sheet.field(pick("参会对象", "Participants"), "、".join(event.invitee_types or []) or pick("待定", "to be decided"))
    sheet.field(pick("范围（产业）", "Scope (industries)"), "、".join(i.name for i in event.industries) or t("none"))
    quotas = _quota_text(report)
    if quotas:
        sheet.field(pick("项目安排", "Projects"), quotas)
    organizer_fields(sheet, event)
    if event.description:
        sheet.field(pick("活动内容", "Programme"), event.description)
    listed = {s: report.count(s) for s in InvitationStatus}
    sheet.field(pick("邀请名单", "Invitee list"), pick(
        f"已列入 {len(report.invitees)} 人（" + "，".join(f"{invitation_status_label(s)} {n}" for s, n in listed.items()) + "）",
        f"{len(report.invitees)} listed (" + ", ".join(f"{invitation_status_label(s)} {n}" for s, n in listed.items()) + ")",
    ))
    lead_days = deadlines.PLAN_LEAD_DAYS[event.level]
    sheet.field(pick("报送对象", "Filed with"), plan_recipient_label(event.level))
    sheet.field(pick("报送时限", "Deadline rule"), pick(f"活动开始前 {lead_days} 天", f"{lead_days} days before the event"))
    sheet.field(pick("报送截止日期", "Due"), plan.due)
    sheet.field(pick("报送情况", "Filing"), plan.filing)
    if not event.date_fixed:
        sheet.note(pick("注：活动日期尚未确定，时限按最早可能日期计算。",
                        "Note: the event's date is not fixed yet; the deadline counts from the earliest day it can fall on."))

    meetings = report.scope[1:]
    if meetings:
        sheet.skip()
        sheet.caption(pick("会议安排", "Meetings"))
        sheet.table([
            common.number(),
            Column(pick("会议名称", "Meeting"), TEXT, 30),
            common.when(),
            common.place(),
            Column(pick("规模（人）", "Scale"), COUNT),
            common.coordinators(),
            Column(pick("方案报送截止", "Plan due"), DATE),
            Column(pick("报送情况", "Filing"), CENTER, 12),
        ], main=False)
        for n, meeting in enumerate(meetings, start=1):
            due = event_service.plan_due(meeting)
            state = deadlines.deadline_status(due, meeting.plan_submitted_on, report.as_of)
            coordinators = "、".join(event_service.units_by_role(meeting)["coordinators"])
            sheet.row(
                [n, meeting.title, event_period_label(meeting.starts_on, meeting.ends_on, meeting.date_precision),
                 place(meeting), meeting.planned_scale, coordinators, due,
                 filing_state(due, meeting.plan_submitted_on, report.as_of)],
                fills={7: _STATE_FILLS.get(state)},
            )
