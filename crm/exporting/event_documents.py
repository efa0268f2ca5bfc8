"""The event work plan (工作方案, filed before the event: seed 三、(一)) and the event summary (工作总结,
reported with the signed projects and the invitee list within two weeks after it: seed 三、(三)) as Word
documents in the 公文 layout (crm.exporting.document), their text built from the event report
(crm.services.event_report) that the workbooks read too.

The plan names the time, place, scale, participants and scope of the event, its organizers by role, the
invitations so far and the filing dates; the summary tells how the event went: attendance by category,
the projects signed with their amounts, and the follow-up service they have had since. Both are drafts
the user finishes in WPS or Word: plain paragraphs in named styles, headings 一、（一）1., the invitee
list and the signed projects as attached tables."""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import Event, InvitationStatus, ProjectStatus, SigningForm

from crm.exporting.document import LEFT, RIGHT, OfficialDocument, TableColumn, day_text
from crm.exporting.event_package import place
from crm.exporting.event_plan import EventPlan, event_plan
from crm.exporting.workbook import yi
from crm.i18n import pick
from crm.labels import (
    deadline_kind_label,
    event_level_label,
    event_period_label,
    invitation_status_label,
    plan_recipient_label,
    signing_form_label,
    signing_name,
)
from crm.rules import deadlines, kpi
from crm.rules.stages import stage_label
from crm.rules.when import when_text
from crm.services import events as event_service
from crm.services.event_report import EventReport, event_report
from crm.services.snapshot import ProjectState

# Names listed in a sentence before it says 等 N 个.
NAMES_IN_A_SENTENCE = 5
# The summary tells how attendance went in this order.
_SUMMARY_STATUSES = (InvitationStatus.ATTENDED, InvitationStatus.CONFIRMED, InvitationStatus.INVITED,
                     InvitationStatus.PROPOSED, InvitationStatus.DECLINED)


# --- entry points -------------------------------------------------------------------------------------
def export_plan_document(session: Session, ref: str, path: str | os.PathLike, *, as_of: dt.date,
                         today: dt.date | None = None) -> EventPlan:
    """Write the event's work plan as a Word document to `path` (whole or not at all)."""
    plan = event_plan(session, ref, as_of=as_of, today=today)
    write_plan_document(plan, path)
    return plan


def export_summary_document(session: Session, ref: str, path: str | os.PathLike, *, as_of: dt.date,
                            today: dt.date | None = None) -> EventReport:
    """Write the event's summary as a Word document to `path` (whole or not at all)."""
    report = event_report(session, ref, as_of, today=today)
    write_summary_document(report, path)
    return report


def write_plan_document(plan: EventPlan, path: str | os.PathLike) -> None:
    plan_document(plan).save(path)


def write_summary_document(report: EventReport, path: str | os.PathLike) -> None:
    summary_document(report).save(path)


# --- the work plan ------------------------------------------------------------------------------------
def plan_document(plan: EventPlan) -> OfficialDocument:
    report = plan.report
    event = report.event
    meetings = report.scope[1:]
    doc = OfficialDocument(title=pick(f"{event.title}工作方案", f"{event.title}: work plan"),
                           document_no=report.document_no, subject=pick("活动工作方案", "event work plan"))
    doc.paragraph(_plan_opening(report))

    doc.heading(1, pick("活动概况", "Overview"))
    doc.item(2, pick("时间和地点", "Time and place"), _time_and_place(event))
    doc.item(2, pick("规模", "Scale"), _scale(event, meetings))
    participants = _participants(event)
    if participants or not meetings:  # an activity's guests may be given per meeting only
        doc.item(2, pick("参会人员", "Participants"), participants or pick("待定。", "To be decided."))
    scope = _industries(event)
    quotas = _quotas(event)
    if scope or quotas:
        doc.item(2, pick("范围", "Scope"), " ".join(x for x in (scope, quotas) if x))
    if event.description:
        doc.item(2, pick("活动内容", "Programme"), _sentence(event.description))

    doc.heading(1, pick("组织分工", "Organizers"))
    units = event_service.units_by_role(event)
    if any(units.values()):
        for role, key in event_service.ROLE_KEYS.items():
            if units[key]:
                doc.item(2, _ROLE_HEADS[role](), _sentence(_join(units[key])))
    else:
        doc.paragraph(pick("各场会议的组织分工见“会议安排”。", "Each meeting's organizers are given under Meetings.")
                      if meetings else pick("组织分工待定。", "The organizers are to be decided."))

    if meetings:
        doc.heading(1, pick("会议安排", "Meetings"))
        for meeting in meetings:
            doc.heading(2, meeting.title)
            doc.item(3, pick("时间和地点", "Time and place"), _time_and_place(meeting))
            doc.item(3, pick("规模", "Scale"), _scale(meeting, []))
            participants = _participants(meeting)
            if participants:
                doc.item(3, pick("参会人员", "Participants"), participants)
            doc.item(3, pick("组织分工", "Organizers"), _organizers(meeting) or pick("待定。", "To be decided."))
            invited = sum(1 for i in report.invitees if i.event_id == meeting.id)
            doc.item(3, pick("嘉宾邀请", "Invitations"), pick(f"已列入拟邀请嘉宾名单{invited}人。",
                                                           f"{invited} on the invitee list."))
            doc.item(3, pick("方案报送", "Plan filing"), _plan_filing(meeting))

    doc.heading(1, pick("嘉宾邀请", "Invitations"))
    doc.paragraph(_plan_invitations(report))

    doc.heading(1, pick("时间安排", "Schedule"))
    if meetings:
        doc.item(2, pick("方案报送", "Plan filing"), pick(
            "各场会议的工作方案分别报送，报送时限见“会议安排”。",
            "Each meeting files its own work plan; the due dates are given under Meetings."))
    else:
        doc.item(2, pick("方案报送", "Plan filing"), _plan_filing(event))
    doc.item(2, pick("活动总结", "Summary"), _summary_due_text(event, meetings))

    attachments = [pick("拟邀请嘉宾名单", "Proposed invitees")] if report.invitees else []
    doc.attachments_note(attachments)
    doc.date_line(report.as_of)
    if report.invitees:
        doc.attachment(None, pick(f"{event.title}拟邀请嘉宾名单", f"{event.title}: proposed invitees"), landscape=True)
        _invitee_table(doc, report)
    return doc


def _plan_opening(report: EventReport) -> str:
    event = report.event
    held = _held(event, done=False)
    level = event_level_label(event.level)
    return pick(
        f"{_basis(report)}，{held}。本次活动{level}举办。为确保活动顺利开展，特制定本方案。",
        f"{_basis(report)}, {held}. It is held {level}. This plan sets out how it is prepared and run.",
    )


def _plan_invitations(report: EventReport) -> str:
    as_of = day_text(report.as_of)
    total = len(report.invitees)
    if not total:
        return pick(f"截至{as_of}，尚未列入拟邀请嘉宾。", f"As of {as_of}, nobody is on the invitee list yet.")
    by_status = _counted((invitation_status_label(s), report.count(s)) for s in InvitationStatus)
    by_category = _counted((c, sum(report.count(s, c) for s in InvitationStatus)) for c in report.categories)
    return pick(
        f"截至{as_of}，已列入拟邀请嘉宾名单{total}人，其中{by_status}。按客商类别分：{by_category}。名单见附件。",
        f"As of {as_of}, {total} people are on the invitee list: {by_status}. By category: {by_category}. "
        f"The list is attached.",
    )


def _plan_filing(event: Event) -> str:
    due = event_service.plan_due(event)
    recipient = plan_recipient_label(event.level)
    days = deadlines.PLAN_LEAD_DAYS[event.level]
    ahead = pick({45: "提前一个半月", 30: "提前一个月"}.get(days, f"提前{days}天"), f"{days} days before the event")
    if due is None:
        return pick(f"活动时间确定后，工作方案须{ahead}报{recipient}。",
                    f"Once the time is fixed, the work plan goes to {recipient} {ahead}.")
    text = pick(f"工作方案须{ahead}，于{day_text(due)}前报{recipient}。",
                f"The work plan goes to {recipient} {ahead}: by {day_text(due)}.")
    if not event.date_fixed:
        text += pick("活动日期尚未确定，报送时限按最早可能日期计算。",
                     " The date is not fixed yet: the deadline counts from the earliest day the event can fall on.")
    return text


def _summary_due_text(event: Event, meetings: list[Event]) -> str:
    after = pick("将工作总结、签约项目、客商邀请名单一并上报，并做好签约项目跟踪服务，推进签约项目早开工、早投产、早见效。",
                 "the summary, the signed projects and the invitee list are reported together, and the signed "
                 "projects get follow-up service so that they start construction, go into production and show "
                 "results early.")
    if meetings:
        return pick(f"各场会议结束后二周内，{after}", f"Within two weeks after each meeting, {after}")
    due = event_service.summary_due(event)
    when = pick(f"（{day_text(due)}前）", f" (by {day_text(due)})") if due else ""
    return pick(f"活动结束后二周内{when}，{after}", f"Within two weeks after the event{when}, {after}")


# --- the summary --------------------------------------------------------------------------------------
def summary_document(report: EventReport) -> OfficialDocument:
    event = report.event
    meetings = report.scope[1:]
    projects = report.projects
    doc = OfficialDocument(title=pick(f"{event.title}工作总结", f"{event.title}: summary"),
                           document_no=report.document_no, subject=pick("活动工作总结", "event summary"))
    held = _held(event, done=True)
    count = pick(f"，共举办{_join(m.title for m in meetings)}{len(meetings)}场会议",
                 f", with {len(meetings)} meetings: {_join(m.title for m in meetings)}") if meetings else ""
    doc.paragraph(pick(f"{_basis(report)}，{held}{count}。现将有关情况总结如下：",
                       f"{_basis(report)}, {held}{count}. This is how it went."))

    doc.heading(1, pick("活动基本情况", "The event"))
    doc.paragraph(_event_facts(event, meetings))
    if event.description:
        doc.paragraph(_sentence(event.description))
    for meeting in meetings:
        doc.item(2, meeting.title, _meeting_outcome(report, meeting))

    doc.heading(1, pick("活动成效", "Outcome"))
    doc.heading(2, pick("嘉宾邀请和出席情况", "Invitations and attendance"))
    doc.paragraph(_attendance(report))
    if report.invitees:
        _attendance_table(doc, report)

    doc.heading(2, pick("项目签约情况", "Projects signed"))
    doc.paragraph(_signing(report))

    doc.heading(2, pick("跟踪服务情况", "Follow-up so far"))
    doc.paragraph(_follow_up(report))
    for p in projects:
        doc.item(3, signing_name(p) + pick(f"（{p.investor}）" if p.investor else "", f" ({p.investor})" if p.investor else ""),
                 _project_progress(report, p))

    doc.heading(1, pick("下一步工作", "Next steps"))
    for head, text in _next_steps(report):
        doc.item(2, head, text)

    attachments = []
    if projects:
        attachments.append(pick("签约项目表", "Signed projects"))
    if report.invitees:
        attachments.append(pick("客商邀请名单", "Invitees"))
    doc.attachments_note(attachments)
    doc.date_line(report.as_of)
    number = 0
    if projects:
        number += 1
        doc.attachment(number if len(attachments) > 1 else None,
                       pick(f"{event.title}签约项目表", f"{event.title}: signed projects"), landscape=True)
        _projects_table(doc, report)
    if report.invitees:
        number += 1
        doc.attachment(number if len(attachments) > 1 else None,
                       pick(f"{event.title}客商邀请名单", f"{event.title}: invitees"), landscape=True)
        _invitee_table(doc, report)
    return doc


def _event_facts(event: Event, meetings: list[Event]) -> str:
    level = event_level_label(event.level)
    parts = [pick(f"{event.title}{level}举办", f"{event.title} was held {level}")]
    organizers = _organizers(event, sentence=False)
    if organizers:
        parts.append(organizers)
    participants = _participants(event, sentence=False)
    if participants:
        parts.append(participants)
    scale = _planned_scale(event, meetings)
    if scale:
        parts.append(pick(f"计划规模{scale}", f"planned for {scale}"))
    industries = _industries(event, sentence=False)
    if industries:
        parts.append(pick(f"涉及{industries}", f"covering {industries}"))
    return pick("，".join(parts) + "。", "; ".join(parts) + ".")


def _meeting_outcome(report: EventReport, meeting: Event) -> str:
    parts = [_held(meeting, done=True, title=False)]
    organizers = _organizers(meeting, sentence=False)
    if organizers:
        parts.append(organizers)
    statuses = Counter(i.status for i in report.invitees if i.event_id == meeting.id)
    scale = pick(f"计划规模约{meeting.planned_scale}人，", f"planned for about {meeting.planned_scale}, ") \
        if meeting.planned_scale else ""
    parts.append(pick(f"{scale}邀请客商{sum(statuses.values())}人，出席{statuses[InvitationStatus.ATTENDED]}人",
                      f"{scale}{sum(statuses.values())} invited, {statuses[InvitationStatus.ATTENDED]} attended"))
    signed = [p for p in report.projects if p.signing_event_id == meeting.id]
    parts.append(_signed_count(signed))
    return pick("，".join(parts) + "。", "; ".join(parts) + ".")


def _attendance(report: EventReport) -> str:
    total = len(report.invitees)
    if not total:
        return pick("本次活动未录入客商邀请名单。", "No invitee list was recorded for the event.")
    by_status = _counted((invitation_status_label(s), report.count(s)) for s in _SUMMARY_STATUSES)
    attended = InvitationStatus.ATTENDED
    by_category = pick("、", "; ").join(
        pick(f"{c}{sum(report.count(s, c) for s in InvitationStatus)}人（出席{report.count(attended, c)}人）",
             f"{c} {sum(report.count(s, c) for s in InvitationStatus)} ({report.count(attended, c)} attended)")
        for c in report.categories)
    scale = report.event.planned_scale
    planned = pick(f"（计划规模约{scale}人）", f" (planned for about {scale})") if scale else ""
    return pick(f"共邀请客商{total}人{planned}，其中{by_status}。按客商类别：{by_category}。详见下表。",
                f"{total} guests were invited{planned}: {by_status}. By category: {by_category}. See the table below.")


def _signing(report: EventReport) -> str:
    projects = report.projects
    if not projects:
        return pick("本次活动未签约项目。", "No projects were signed at the event.")
    total = sum((p.amount for p in projects), Decimal(0))
    forms = []
    for form in (SigningForm.CONTRACT, SigningForm.AGREEMENT):
        chosen = [p for p in projects if p.signing_form == form]
        if len(chosen) == len(projects):  # (capital increases included: they are signed in a form too)
            forms = [pick(f"均为{signing_form_label(form)}", f"all {signing_form_label(form)}s")]
            break
        if chosen:
            amount = sum((p.amount for p in chosen), Decimal(0))
            forms.append(pick(f"{signing_form_label(form)}{kpi.projects_in(chosen)}个、{_yi(amount)}亿元",
                              f"{kpi.projects_in(chosen)} {signing_form_label(form)}s, {_yi(amount)} 亿元"))
    industries: dict[str, list[ProjectState]] = {}
    for p in projects:
        industries.setdefault(p.industry or pick("未分产业", "no industry"), []).append(p)
    by_industry = pick("；", "; ").join(
        pick(f"{name}{kpi.projects_in(group)}个、{_yi(sum((p.amount for p in group), Decimal(0)))}亿元",
             f"{name} {kpi.projects_in(group)}, {_yi(sum((p.amount for p in group), Decimal(0)))} 亿元")
        for name, group in industries.items())
    large = [p for p in projects if p.amount >= kpi.SIZE_TIERS_WAN[0]]
    text = pick(f"活动共签约项目{kpi.projects_in(projects)}个，合同引资额{_yi(total)}亿元",
                f"{kpi.projects_in(projects)} projects were signed, contracted investment {_yi(total)} 亿元")
    if len(forms) == 1:
        text += pick(f"，{forms[0]}", f", {forms[0]}")
    elif forms:
        text += pick(f"，其中{'，'.join(forms)}", f": {'; '.join(forms)}")
    text += pick(f"。按产业分：{by_industry}。", f". By industry: {by_industry}.")
    if large:
        text += pick(f"亿元以上项目{len(large)}个。", f" {len(large)} of 1 亿元 or more.")
    number = "1" if report.invitees else ""  # the invitee list is attached second
    return text + pick(f"项目明细见附件{number}。", f" The projects are listed in attachment {number or ''}".rstrip() + ".")


def _follow_up(report: EventReport) -> str:
    projects = report.projects
    as_of = day_text(report.as_of)
    if not projects:
        return pick(f"截至{as_of}，本次活动无签约项目需跟踪服务。", f"As of {as_of}, no signed project needs follow-up.")
    k = kpi.compute(projects)
    n = k.signed  # projects: capital increases are none
    stalled = sum(1 for p in projects if p.status == ProjectStatus.STALLED and p.increase_of_id is None)
    times = sum(report.followups[p.id] for p in projects)
    text = pick(
        f"截至{as_of}，{n}个签约项目中，已开工{k.started}个、已投产{k.in_production}个、已见效{k.with_results}个，"
        f"开工率{_rate(k.started, n)}",
        f"As of {as_of}, of the {n} signed projects {k.started} have started construction, {k.in_production} are "
        f"in production and {k.with_results} show results (started: {_rate(k.started, n)})")
    if stalled or k.signed - k.not_terminated:
        text += pick(f"；停滞{stalled}个、终止{k.signed - k.not_terminated}个",
                     f"; {stalled} stalled, {k.signed - k.not_terminated} terminated")
    text += pick(f"；到位资金{_yi(k.funds_in_place)}亿元，资金到位率{_rate(k.funds_in_place, k.signed_amount)}",
                 f"; funds in place {_yi(k.funds_in_place)} 亿元 ({_rate(k.funds_in_place, k.signed_amount)} of "
                 f"the contracted amount)")
    if k.agreements:
        text += pick(f"；协议项目{k.agreements}个，已转为合同项目{k.agreements_converted}个",
                     f"; {k.agreements_converted} of {k.agreements} framework agreements became contracts")
    text += pick(f"。累计开展跟踪服务{times}次", f". {times} follow-ups so far")
    if k.problems_raised:
        text += pick(f"，协调困难问题{k.problems_raised}个，已解决{k.problems_resolved}个",
                     f"; {k.problems_raised} problems raised, {k.problems_resolved} resolved")
    return text + pick("。各项目情况如下：", ". Project by project:")


def _project_progress(report: EventReport, p: ProjectState) -> str:
    as_of = report.as_of
    parts = [pick(f"{signing_form_label(p.signing_form)}，合同引资额{_yi(p.amount)}亿元，{day_text(p.signed_on)}签约",
                  f"{signing_form_label(p.signing_form)}, {_yi(p.amount)} 亿元, signed {day_text(p.signed_on)}")]
    if p.status == ProjectStatus.TERMINATED:
        parts.append(pick("已终止", "terminated"))
    else:
        if p.stage is not None and p.stage.value != "signed":
            parts.append(pick(f"{day_text(p.stage_on)}{stage_label(p.stage)}",
                              f"{stage_label(p.stage)} since {day_text(p.stage_on)}"))
        else:
            parts.append(pick("尚未开工", "construction not started"))
        if p.status == ProjectStatus.STALLED:
            parts.append(pick("目前停滞", "stalled"))
    if p.funds_in_place:
        parts.append(pick(f"到位资金{_yi(p.funds_in_place)}亿元", f"funds in place {_yi(p.funds_in_place)} 亿元"))
    times = report.followups[p.id]
    if times:
        last = pick(f"，最近一次为{day_text(p.last_followup_on)}", f", the latest on {day_text(p.last_followup_on)}") \
            if p.last_followup_on else ""
        parts.append(pick(f"已开展跟踪服务{times}次{last}", f"{_plural(times, 'follow-up')}{last}"))
    else:
        parts.append(pick("尚未开展跟踪服务", "no follow-up yet"))
    if p.problems_raised:
        parts.append(pick(f"提出困难问题{p.problems_raised}个，已解决{p.problems_resolved}个",
                          f"{_plural(p.problems_raised, 'problem')} raised, {p.problems_resolved} resolved"))
    for warning in p.warnings(as_of):
        state = pick("已超期", "overdue") if warning.status == deadlines.OVERDUE else pick("即将到期", "due soon")
        parts.append(pick(f"{deadline_kind_label(warning.kind)}日期{day_text(warning.due)}{state}",
                          f"{deadline_kind_label(warning.kind)} {day_text(warning.due)} {state}"))
    text = pick("，".join(parts) + "。", "; ".join(parts) + ".")
    if p.next_step and p.status != ProjectStatus.TERMINATED:
        when = pick(f"（{day_text(p.next_followup_on)}前）", f" (by {day_text(p.next_followup_on)})") \
            if p.next_followup_on else ""
        text += pick(f"下一步：{_sentence(p.next_step)}", f" Next: {_sentence(p.next_step)}")
        if when:
            text = text[:-1] + when + text[-1]
    return text


def _next_steps(report: EventReport) -> list[tuple[str, str]]:
    projects = [p for p in report.projects if p.status != ProjectStatus.TERMINATED]
    steps = []
    if projects:
        steps.append((pick("做好签约项目跟踪服务", "Follow-up service"), pick(
            f"对{kpi.projects_in(projects)}个签约项目继续开展跟踪服务，落实责任单位，推进签约项目早开工、早投产、早见效。",
            f"Keep up the follow-up service for the {kpi.projects_in(projects)} signed projects, with a responsible unit for "
            f"each, so that they start construction, go into production and show results early.")))
    else:
        steps.append((pick("加强项目对接", "Project matchmaking"), pick(
            "加强与参会客商的联系，跟进投资意向，推动项目早日签约。",
            "Stay in touch with the guests, follow up their investment intentions and bring projects to signing.")))
    waiting = [p for p in projects if p.stage is None or p.stage.value == "signed"]
    if waiting:
        steps.append((pick("推动项目开工", "Construction"), pick(
            f"{_names(waiting)}尚未开工，要加强协调服务，推动合同项目早开工、协议项目早转化。",
            f"{_names(waiting)} not started yet: coordinate so that contracts start construction and "
            f"agreements become contracts early.")))
    unresolved = sum(p.problems_raised - p.problems_resolved for p in projects)
    if unresolved:
        steps.append((pick("协调解决困难问题", "Problems"), pick(
            f"尚有{unresolved}个困难问题待解决，要会同责任单位加快协调解决。",
            f"{unresolved} problems remain open: resolve them with the responsible units.")))
    stalled = [p for p in projects if p.status == ProjectStatus.STALLED]
    if stalled:
        steps.append((pick("推进停滞项目", "Stalled projects"), pick(
            f"{_names(stalled)}停滞，要分析原因，研究推进措施。",
            f"{_names(stalled)} stalled: find out why and agree how to move on.")))
    return steps


# --- tables -------------------------------------------------------------------------------------------
def _invitee_table(doc: OfficialDocument, report: EventReport) -> None:
    several = len(report.scope) > 1
    titles = report.titles
    columns = [
        TableColumn(pick("序号", "No."), mm=10),
        TableColumn(pick("姓名", "Name"), mm=20),
        TableColumn(pick("单位", "Organization"), weight=3, align=LEFT),
        TableColumn(pick("职务", "Title"), weight=1.5, align=LEFT),
        TableColumn(pick("客商类别", "Category"), mm=19),
        TableColumn(pick("邀请状态", "Status"), mm=18),
        *([TableColumn(pick("会议", "Meeting"), weight=2, align=LEFT)] if several else []),
        TableColumn(pick("备注", "Notes"), weight=1.5, align=LEFT),
    ]
    doc.table(columns, (
        [n, i.name or pick("待定", "to be decided"), i.organization, i.title, i.category,
         invitation_status_label(i.status), *([titles.get(i.event_id)] if several else []), i.notes]
        for n, i in enumerate(report.invitees, start=1)
    ))


def _attendance_table(doc: OfficialDocument, report: EventReport) -> None:
    statuses = list(InvitationStatus)
    columns = [TableColumn(pick("客商类别", "Category"), align=LEFT),
               *(TableColumn(invitation_status_label(s), mm=18, align=RIGHT) for s in statuses),
               TableColumn(pick("合计", "Total"), mm=18, align=RIGHT)]
    rows = []
    for category in report.categories:
        counts = [report.count(s, category) for s in statuses]
        rows.append([category, *counts, sum(counts)])
    totals = [report.count(s) for s in statuses]
    doc.table(columns, rows, total=[pick("合计", "Total"), *totals, sum(totals)])


def _projects_table(doc: OfficialDocument, report: EventReport) -> None:
    several = len(report.scope) > 1
    titles = report.titles
    columns = [
        TableColumn(pick("序号", "No."), mm=10),
        TableColumn(pick("项目名称", "Project"), weight=3, align=LEFT),
        TableColumn(pick("投资方", "Investor"), weight=3.5, align=LEFT),
        TableColumn(pick("产业", "Industry"), weight=1.5),
        TableColumn(pick("所在地", "City"), mm=17),
        TableColumn(pick("签约形式", "Form"), mm=17),
        TableColumn(pick("合同引资额\n（亿元）", "Contracted\n(亿元)"), mm=21, align=RIGHT),
        TableColumn(pick("签约时间", "Signed on"), mm=24),
        *([TableColumn(pick("签约会议", "Meeting"), weight=2.5, align=LEFT)] if several else []),
        TableColumn(pick("当前\n阶段", "Stage"), mm=13),
        TableColumn(pick("到位资金\n（亿元）", "Funds in place\n(亿元)"), mm=19, align=RIGHT),
    ]
    projects = report.projects
    rows = (
        [n, signing_name(p), p.investor, p.industry, p.city, signing_form_label(p.signing_form), _yi(p.amount),
         p.signed_on.isoformat() if p.signed_on else "", *([titles.get(p.signing_event_id)] if several else []),
         _stage_cell(p), _yi(p.funds_in_place)]
        for n, p in enumerate(projects, start=1)
    )
    total = [None] * len(columns)
    total[1] = pick("合计", "Total")
    total[6] = _yi(sum((p.amount for p in projects), Decimal(0)))
    total[-1] = _yi(sum((p.funds_in_place for p in projects), Decimal(0)))
    doc.table(columns, rows, total=total)


def _stage_cell(p: ProjectState) -> str:
    if p.status == ProjectStatus.TERMINATED:
        return pick("终止", "terminated")
    stage = stage_label(p.stage) if p.stage is not None else ""
    return stage + (pick("（停滞）", " (stalled)") if p.status == ProjectStatus.STALLED else "")


# --- sentences ----------------------------------------------------------------------------------------
_ROLE_HEADS = {
    "host": lambda: pick("承办单位", "Hosts"),
    "co_host": lambda: pick("协办单位", "Co-hosts"),
    "support": lambda: pick("配合单位", "Supporting units"),
    "coordinator": lambda: pick("衔接协调", "Coordination"),
}


def _basis(report: EventReport) -> str:
    """根据《江西省工信委2011年…工作方案》（赣工信科技字[2011]144号）安排 — the programme the event is in."""
    if not report.programme_title:
        return pick("根据工作安排", "As planned")
    number = pick(f"（{report.document_no}）", f" ({report.document_no})") if report.document_no else ""
    return pick(f"根据《{report.programme_title}》{number}安排", f"Under {report.programme_title}{number}")


def _held(event: Event, *, done: bool, title: bool = True) -> str:
    """2011年11月在南昌市举办光伏产业合作推进会 (拟…举办 before the event)."""
    when = when_text(event_service.event_when(event)) if event.date_precision != "unknown" else None
    where = place(event) or None
    name = event.title if title else ""
    zh = ("" if done else "拟") + (f"于{when}" if when else "") + (f"在{where}" if where else "") + "举办" + name
    if not when and not done:
        zh += "（时间待定）"
    en = (f"{name} {'was' if done else 'is to be'} held" if name else "held") + (f" in {where}" if where else "") + \
        (f", {when}" if when else (" (time to be decided)" if not done else ""))
    if title and event.parent is not None:  # a meeting of an activity (seed 二、(一) 2)
        zh = f"作为{event.parent.title}的一场会议，{zh}"
        en = f"{en}, as one of the meetings of {event.parent.title}"
    return pick(zh, en)


def _time_and_place(event: Event) -> str:
    period = event_period_label(event.starts_on, event.ends_on, event.date_precision)
    return pick(f"{period}，{place(event) or '地点待定'}。", f"{period}; {place(event) or 'place to be decided'}.")


def _planned_scale(event: Event, meetings: list[Event]) -> str | None:
    if event.planned_scale:
        return pick(f"约{event.planned_scale}人", f"about {event.planned_scale} people")
    scales = [m.planned_scale for m in meetings if m.planned_scale]
    if scales:
        return pick(f"各场会议合计约{sum(scales)}人", f"about {sum(scales)} people over its meetings")
    return None


def _scale(event: Event, meetings: list[Event]) -> str:
    scale = _planned_scale(event, meetings)
    return pick(f"{scale}。", f"{scale}.") if scale else pick("待定。", "To be decided.")


def _participants(event: Event, *, sentence: bool = True) -> str | None:
    types = [t for t in (event.invitee_types or []) if t]
    if not types:
        return None
    text = pick(f"邀请{'、'.join(types)}等嘉宾参会", f"invitees: {', '.join(types)}")
    return _capitalised(text) + pick("。", ".") if sentence else text


def _industries(event: Event, *, sentence: bool = True) -> str | None:
    names = [i.name for i in event.industries]
    if not names:
        return None
    text = pick(f"{'、'.join(names)}产业", f"{', '.join(names)}")
    return (pick(f"{text}。", f"Industries: {text}.")) if sentence else text


def _quotas(event: Event) -> str | None:
    parts = []
    for quota in event.quotas:
        who = quota.industry.name if quota.industry else pick("每个产业", "each industry")
        parts.append(pick(f"{who}组织{quota.min_projects}—{quota.max_projects}个重大项目参会",
                          f"{who} brings {quota.min_projects}–{quota.max_projects} major projects"))
    return pick("；".join(parts) + "。", _capitalised("; ".join(parts)) + ".") if parts else None


def _organizers(event: Event, *, sentence: bool = True) -> str | None:
    """由A、B承办，C协办，D配合，E衔接协调 (the seed's sentence), roles nobody holds left out."""
    units = event_service.units_by_role(event)
    zh = {"hosts": "由{}承办", "co_hosts": "{}协办", "supporters": "{}配合", "coordinators": "{}衔接协调"}
    en = {"hosts": "hosted by {}", "co_hosts": "co-hosted by {}", "supporters": "supported by {}",
          "coordinators": "coordinated by {}"}
    parts = [pick(zh[key], en[key]).format(_join(units[key])) for key in event_service.ROLE_KEYS.values() if units[key]]
    if not parts:
        return None
    text = pick("，".join(parts), "; ".join(parts))
    return _capitalised(text) + pick("。", ".") if sentence else text


def _signed_count(projects: list[ProjectState]) -> str:
    if not projects:
        return pick("未签约项目", "no projects signed")
    amount = sum((p.amount for p in projects), Decimal(0))
    count = kpi.projects_in(projects)  # a capital increase adds its amount, not a project
    return pick(f"签约项目{count}个、合同引资额{_yi(amount)}亿元", f"{count} projects signed, {_yi(amount)} 亿元")


def _names(projects: list[ProjectState]) -> str:
    shown = _join(p.name for p in projects[:NAMES_IN_A_SENTENCE])
    more = len(projects) - NAMES_IN_A_SENTENCE
    if len(projects) == 1:
        return shown
    return pick(f"{shown}等{len(projects)}个项目", f"{shown} and {more} more" if more > 0 else shown)


def _counted(pairs) -> str:
    """拟邀请3人、已确认7人 — the nonzero counts."""
    return pick("、", ", ").join(pick(f"{label}{n}人", f"{n} {label}") for label, n in pairs if n) or pick("0人", "none")


def _join(names) -> str:
    return pick("、", ", ").join(n for n in names if n)


def _sentence(text: str) -> str:
    """User text as a sentence of ours: ending in a full stop."""
    text = text.strip()
    return text if not text or text[-1] in "。.！!？?；;" else text + pick("。", ".")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _yi(amount_wan: Decimal | None) -> str:
    return f"{yi(amount_wan or Decimal(0)):,.2f}"


def _rate(part: Decimal | int, whole: Decimal | int) -> str:
    return f"{Decimal(part) / Decimal(whole):.2%}" if whole else "—"
