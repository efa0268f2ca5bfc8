"""Display labels of the domain's closed vocabularies (Chinese, or English with --lang en), shared by
the exports and the TUI. Stage labels live with the stage rules (crm.rules.stages.stage_label)."""
from __future__ import annotations

import datetime as dt

from db.models.enums import (
    DatePrecision,
    EventKind,
    EventLevel,
    FollowUpKind,
    InvitationStatus,
    OrganizerRole,
    OrgKind,
    ProjectStatus,
    SigningForm,
    UnitKind,
)

from crm.i18n import pick
from crm.rules import deadlines, signals

_ORG_KINDS = {
    OrgKind.MULTINATIONAL: ("跨国公司", "multinational"),
    OrgKind.CENTRAL_SOE: ("央企", "central SOE"),
    OrgKind.PRIVATE: ("民企", "private firm"),
    OrgKind.RESEARCH: ("科研院所", "research institute"),
    OrgKind.FINANCIAL: ("金融机构", "financial institution"),
    OrgKind.GOVERNMENT: ("政府部门", "government"),
    OrgKind.ASSOCIATION: ("协会", "association"),
    OrgKind.OTHER: ("其他", "other"),
}
_INVITATION_STATUSES = {
    InvitationStatus.PROPOSED: ("拟邀请", "proposed"),
    InvitationStatus.INVITED: ("已邀请", "invited"),
    InvitationStatus.CONFIRMED: ("已确认", "confirmed"),
    InvitationStatus.ATTENDED: ("已出席", "attended"),
    InvitationStatus.DECLINED: ("婉拒", "declined"),
}
_ROLES = {
    OrganizerRole.HOST: ("承办单位", "Hosts"),
    OrganizerRole.CO_HOST: ("协办单位", "Co-hosts"),
    OrganizerRole.SUPPORT: ("配合单位", "Supporting units"),
    OrganizerRole.COORDINATOR: ("衔接协调处室", "Coordinating office"),
}
_LEVELS = {
    EventLevel.PROVINCIAL: ("以省政府名义", "in the name of the provincial government"),
    EventLevel.CITY: ("以设区市为主", "led by a city"),
}
_KINDS = {
    EventKind.PROMOTION: ("推介会", "promotion conference"),
    EventKind.COOPERATION: ("合作推进会", "cooperation promotion meeting"),
    EventKind.MATCHMAKING: ("对接会", "matchmaking meeting"),
    EventKind.FINANCE: ("融资对接会", "finance matchmaking"),
    EventKind.GROUNDBREAKING: ("开工仪式", "groundbreaking ceremony"),
    EventKind.SEMINAR: ("研讨会", "seminar"),
    EventKind.FORUM: ("论坛", "forum"),
    EventKind.ACTIVITY: ("系列活动", "activity"),
}
_FOLLOWUP_KINDS = {
    FollowUpKind.VISIT: ("走访", "visit"),
    FollowUpKind.CALL: ("电话", "call"),
    FollowUpKind.MEETING: ("会议", "meeting"),
    FollowUpKind.COORDINATION: ("协调", "coordination"),
}
_SIGNING_FORMS = {SigningForm.AGREEMENT: ("协议项目", "agreement"), SigningForm.CONTRACT: ("合同项目", "contract")}
_SIGNALS = {signals.GREEN: ("正常", "on time"), signals.YELLOW: ("预警", "late"), signals.RED: ("超期", "overdue")}
_DEADLINES = {
    deadlines.DONE: ("已报送", "filed"),
    deadlines.DUE: ("即将到期", "due"),
    deadlines.OVERDUE: ("已超期", "overdue"),
    None: ("未到期", "not yet due"),
}


def org_kind_label(kind: OrgKind | str) -> str:
    return pick(*_ORG_KINDS[OrgKind(kind)])


def category_label(category: str | None) -> str:
    """客商类别 as lists give it: one of our kinds (multinational …) gets its label, other words stay."""
    if not category:
        return pick("未分类", "unclassified")
    try:
        return org_kind_label(category)
    except ValueError:
        return category


def invitation_status_label(status: InvitationStatus | str) -> str:
    return pick(*_INVITATION_STATUSES[InvitationStatus(status)])


def organizer_role_label(role: OrganizerRole | str) -> str:
    return pick(*_ROLES[OrganizerRole(role)])


def event_level_label(level: EventLevel | str) -> str:
    return pick(*_LEVELS[EventLevel(level)])


_UNIT_KINDS = {
    UnitKind.PROVINCE: ("省级", "province"), UnitKind.DEPARTMENT: ("省直部门", "department"),
    UnitKind.OFFICE: ("处室", "office"), UnitKind.CITY: ("设区市", "city"), UnitKind.PARK: ("园区/县区", "park or county"),
    UnitKind.COLLECTIVE: ("泛指单位", "group of units"),
}


def unit_kind_label(kind: UnitKind | str) -> str:
    return pick(*_UNIT_KINDS[UnitKind(kind)])


def event_kind_label(kind: EventKind | str) -> str:
    return pick(*_KINDS[EventKind(kind)])


def plan_recipient_label(level: EventLevel | str) -> str:
    """Where a work plan is filed (seed 三、(一)): the provincial government for its own events, else the commission."""
    if EventLevel(level) == EventLevel.PROVINCIAL:
        return pick("省政府", "the provincial government")
    return pick("省工信委", "the commission")


def signing_form_label(form: SigningForm | str | None) -> str:
    return pick(*_SIGNING_FORMS[SigningForm(form)]) if form else ""


def signal_label(colour: str, status: ProjectStatus | str) -> str:
    """The word beside the 三色 fill: a stalled project says so rather than just 'late'."""
    if ProjectStatus(status) == ProjectStatus.STALLED:
        return pick("停滞", "stalled")
    return pick(*_SIGNALS[colour])


def deadline_label(status: str | None) -> str:
    return pick(*_DEADLINES[status])


def event_period_label(starts_on: dt.date, ends_on: dt.date, precision: DatePrecision | str) -> str:
    """2011年11月18日, 2011年11月18日至20日, or 2011年11月（日期未定） while only the month is known."""
    from crm.rules.when import When, when_text

    when = When(starts_on, ends_on, DatePrecision(precision))
    text = when_text(when)
    return text if when.fixed or not when.known else text + pick("（日期未定）", " (date not fixed)")


def followup_kind_label(kind: FollowUpKind | str) -> str:
    return pick(*_FOLLOWUP_KINDS[FollowUpKind(kind)])


# What a search result matched on (crm.services.search ContactHit.matched).
_SEARCH_MATCHES = {
    "name": ("姓名", "name"), "pinyin": ("拼音", "pinyin"), "mobile": ("手机", "mobile"), "phone": ("电话", "phone"),
    "email": ("邮箱", "email"), "organization": ("单位", "organization"), "title": ("职务", "title"),
}


def search_match_label(matched: str) -> str:
    return pick(*_SEARCH_MATCHES.get(matched, (matched, matched)))
