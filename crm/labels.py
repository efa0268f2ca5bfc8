"""Display labels of the codes people would otherwise see (Chinese, or English with --lang en): the
domain's closed vocabularies, the fields of records, yes and no, and the units of amounts; shared by the
command line, the exports and the TUI. Stage labels live with the stage rules (crm.rules.stages.stage_label).

Tables are keyed by the codes' values (the enums are StrEnums: a member is its value) and the database layer
is imported only inside the functions that need it: the help texts, built on every `crm` call, use these
labels, and `crm --help` stays fast."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from crm.i18n import pick

# Amounts are kept in 万元; leaders read 亿元. In English: ten thousand and a hundred million yuan.
_UNITS = {"万元": "10k CNY", "亿元": "100M CNY"}

_ORG_KINDS = {
    "multinational": ("跨国公司", "multinational"),
    "central_soe": ("央企", "central SOE"),
    "private": ("民企", "private firm"),
    "research": ("科研院所", "research institute"),
    "financial": ("金融机构", "financial institution"),
    "government": ("政府部门", "government"),
    "association": ("协会", "association"),
    "other": ("其他", "other"),
}
_INVITATION_STATUSES = {
    "proposed": ("拟邀请", "proposed"),
    "invited": ("已邀请", "invited"),
    "confirmed": ("已确认", "confirmed"),
    "attended": ("已出席", "attended"),
    "declined": ("婉拒", "declined"),
}
_ROLES = {
    "host": ("承办单位", "Hosts"),
    "co_host": ("协办单位", "Co-hosts"),
    "support": ("配合单位", "Supporting units"),
    "coordinator": ("衔接协调处室", "Coordinating office"),
}
_LEVELS = {
    "provincial": ("以省政府名义", "in the name of the provincial government"),
    "city": ("以设区市为主", "led by a city"),
}
_KINDS = {
    "promotion": ("推介会", "promotion conference"),
    "cooperation": ("合作推进会", "cooperation promotion meeting"),
    "matchmaking": ("对接会", "matchmaking meeting"),
    "finance": ("融资对接会", "finance matchmaking"),
    "groundbreaking": ("开工仪式", "groundbreaking ceremony"),
    "seminar": ("研讨会", "seminar"),
    "forum": ("论坛", "forum"),
    "activity": ("系列活动", "activity"),
}
_FOLLOWUP_KINDS = {
    "visit": ("走访", "visit"),
    "call": ("电话", "call"),
    "meeting": ("会议", "meeting"),
    "coordination": ("协调", "coordination"),
}
_SIGNING_FORMS = {"agreement": ("协议项目", "agreement"), "contract": ("合同项目", "contract")}
_PROJECT_STATUSES = {"active": ("正常", "active"), "stalled": ("停滞", "stalled"), "terminated": ("终止", "terminated")}
_STEP_KINDS = {"advance": ("推进", "advance"), "correction": ("更正", "correction")}
_FIGURE_KINDS = {"funds_in_place": ("到位资金", "funds in place"),
                 "investment_completed": ("累计完成投资", "investment completed")}
# How precisely an event's time is known: "时间精确到 月".
_PRECISIONS = {
    "day": ("日", "day"), "dekad": ("旬", "ten days"), "month": ("月", "month"), "quarter": ("季度", "quarter"),
    "half": ("半年", "half year"), "year": ("年", "year"), "unknown": ("待定", "not known"),
}
# crm.rules.signals GREEN, YELLOW, RED; crm.rules.deadlines DONE, DUE, OVERDUE (None: not due yet).
_SIGNALS = {"green": ("正常", "on time"), "yellow": ("预警", "late"), "red": ("超期", "overdue")}
_DEADLINES = {
    "done": ("已报送", "filed"),
    "due": ("即将到期", "due"),
    "overdue": ("已超期", "overdue"),
    "late": ("逾期报送", "filed late"),
    None: ("未到期", "not yet due"),
}
# What is due (crm.services.warnings.Warning.kind).
_DEADLINE_KINDS = {
    "plan": ("工作方案", "work plan"), "summary": ("工作总结", "summary"),
    "construction": ("计划开工", "planned construction"), "production": ("计划投产", "planned production"),
    "followup": ("下次跟进", "next follow-up"), "stale": ("久未跟进", "no recent follow-up"),
    # crm.rules.leads: the time limits of projects before signing.
    "lead_assess": ("线索研判", "lead to assess"), "lead_feedback": ("在谈反馈", "negotiation feedback"),
    "lead_report": ("线索报送", "lead report"),
}
_UNIT_KINDS = {
    "province": ("省级", "province"), "department": ("省直部门", "department"),
    "office": ("处室", "office"), "city": ("设区市", "city"), "park": ("园区/县区", "park or county"),
    "collective": ("泛指单位", "group of units"),
}
_IMPORT_KINDS = {"invitees": ("邀请名单", "invitee list"), "programme": ("活动安排表", "programme table"),
                 "targets": ("目标任务表", "target table")}
# What happened to a record in its trail (db.audit).
_HISTORY_ACTIONS = {
    "create": ("新建", "created"),
    "update": ("修改", "changed"),
    "delete": ("删除", "deleted"),
    "restore": ("恢复", "restored"),
    "purge": ("清除", "purged"),
}
_YES_NO = {True: ("是", "yes"), False: ("否", "no")}
# A new project or event carries a ref of this form until its number is given in the same transaction.
_TEMPORARY_REF = "TMP-"


def unit_label(unit: str) -> str:
    """万元 or 亿元 in the user's language."""
    return pick(unit, _UNITS[unit])


def amount_text(amount: Decimal | float | int | str | None) -> str | None:
    """An amount (万元) as people read it: thousands separated, two decimals only when it has fractions
    (5,000 and 1,234.50), as the workbench shows it. The audit trail's text ("5000.00") reads alike; None
    and "" stay as they are, other text too."""
    if amount is None or amount == "" or isinstance(amount, bool):
        return amount
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return amount
    if not value.is_finite():
        return amount
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _in_wan(zh: str, en: str) -> tuple[str, str]:
    return f"{zh}（万元）", f"{en} ({_UNITS['万元']})"


def yes_no(value: bool | str) -> str:
    """是/否 for a flag, as Python holds it or as the audit trail writes it ("true")."""
    return pick(*_YES_NO[value if isinstance(value, bool) else value == "true"])


def org_kind_label(kind: str) -> str:
    return pick(*_ORG_KINDS[kind])


def category_label(category: str | None) -> str:
    """客商类别 as lists give it: one of our kinds (multinational …) gets its label, other words stay."""
    if not category:
        return pick("未分类", "unclassified")
    return pick(*_ORG_KINDS[category]) if category in _ORG_KINDS else category


def invitation_status_label(status: str) -> str:
    return pick(*_INVITATION_STATUSES[status])


def organizer_role_label(role: str) -> str:
    return pick(*_ROLES[role])


def event_level_label(level: str) -> str:
    return pick(*_LEVELS[level])


def unit_kind_label(kind: str) -> str:
    return pick(*_UNIT_KINDS[kind])


_SUBMISSION_KINDS = {"plan": ("工作方案", "plan"), "summary": ("活动总结", "summary"), "project": ("签约项目", "project")}
# The state of what was submitted, and the step a submission's history shows.
_SUBMISSION_STATUSES = {"submitted": ("待审核", "submitted"), "accepted": ("已认定", "accepted"),
                        "returned": ("已退回", "returned")}
_SUBMISSION_STEPS = {"submitted": ("上报", "submitted"), "accepted": ("认定", "accepted"), "returned": ("退回", "returned")}


# crm.rules.supervision states of a 督办单.
_ORDER_STATES = {"open": ("办理中", "open"), "yellow": ("逾期未回复", "reply overdue"),
                 "red": ("严重逾期", "long overdue"), "replied": ("已回复待审核", "replied"),
                 "closed": ("已办结", "closed")}


_INDICATORS = {"signed_projects": ("签约项目数", "projects signed"), "signed_amount": ("签约金额", "amount signed"),
               "funds": ("到位资金", "funds in place"), "started": ("开工项目数", "projects started")}


_ORIGINS = {"inside": ("省内", "inside the province"), "outside": ("省外", "another province"), "abroad": ("境外", "abroad")}
_MILESTONES = {"in_statistics": ("入库纳统", "in the statistics"), "above_size": ("入规", "above designated size"),
               "full_capacity": ("达产", "at design capacity")}


_CURRENCIES = {"CNY": ("人民币", "CNY"), "USD": ("美元", "USD")}
# crm.rules.trips: a trip not begun, under way, back.
_TRIP_STATES = {"planned": ("计划中", "planned"), "under_way": ("进行中", "under way"), "done": ("已返回", "back")}


def trip_state_label(state: str) -> str:
    return pick(*_TRIP_STATES.get(state, (state, state)))


def currency_label(currency: str) -> str:
    return pick(*_CURRENCIES[currency])


def origin_label(origin: str) -> str:
    return pick(*_ORIGINS[origin])


def signing_name(project) -> str:
    """A signed project's name where signings are listed: a capital increase (增资) says it is one."""
    if project.increase_of_id is None:
        return project.name
    return project.name + pick("（增资扩产）", " (capital increase)")


def milestone_label(kind: str) -> str:
    return pick(*_MILESTONES[kind])


def indicator_label(indicator: str) -> str:
    return pick(*_INDICATORS[indicator])


def order_state_label(state: str) -> str:
    return pick(*_ORDER_STATES[state])


def submission_kind_label(kind: str) -> str:
    return pick(*_SUBMISSION_KINDS[kind])


def submission_status_label(status: str) -> str:
    return pick(*_SUBMISSION_STATUSES[status])


def submission_step_label(action: str) -> str:
    return pick(*_SUBMISSION_STEPS[action])


def event_kind_label(kind: str) -> str:
    return pick(*_KINDS[kind])


def plan_recipient_label(level: str) -> str:
    """Where a work plan is filed (seed 三、(一)): the provincial government for its own events, else the commission."""
    if level == "provincial":
        return pick("省政府", "the provincial government")
    return pick("省工信委", "the commission")


def signing_form_label(form: str | None) -> str:
    return pick(*_SIGNING_FORMS[form]) if form else ""


def project_status_label(status: str) -> str:
    return pick(*_PROJECT_STATUSES[status])


def step_kind_label(kind: str) -> str:
    return pick(*_STEP_KINDS[kind])


def figure_kind_label(kind: str) -> str:
    return pick(*_FIGURE_KINDS[kind])


def precision_label(precision: str) -> str:
    return pick(*_PRECISIONS[precision])


def signal_label(colour: str, status: str) -> str:
    """The word beside the 三色 fill: a stalled project says so rather than just 'late'."""
    if status == "stalled":
        return pick("停滞", "stalled")
    return pick(*_SIGNALS[colour])


def deadline_label(status: str | None) -> str:
    return pick(*_DEADLINES[status])


def deadline_kind_label(kind: str) -> str:
    return pick(*_DEADLINE_KINDS[kind])


def import_kind_label(kind: str) -> str:
    return pick(*_IMPORT_KINDS[kind])


def history_action_label(action: str) -> str:
    return pick(*_HISTORY_ACTIONS[action])


def group_label(group: str | None) -> str | None:
    """A programme's section: the seed's codes (major …) by their names, a section typed by hand as typed."""
    from crm.seed import GROUP_LABELS

    return pick(*GROUP_LABELS[group]) if group in GROUP_LABELS else group


def event_period_label(starts_on: dt.date, ends_on: dt.date, precision: str) -> str:
    """2011年11月18日, 2011年11月18日至20日, or 2011年11月（日期未定） while only the month is known."""
    from db.models.enums import DatePrecision

    from crm.rules.when import When, when_text

    when = When(starts_on, ends_on, DatePrecision(precision))
    text = when_text(when)
    return text if when.fixed or not when.known else text + pick("（日期未定）", " (date not fixed)")


def followup_kind_label(kind: str) -> str:
    return pick(*_FOLLOWUP_KINDS[kind])


def _stage_label(stage: str) -> str:
    from crm.rules.stages import stage_label

    return stage_label(stage)


# The fields `crm contacts merge --take` names.
_MERGE_FIELDS = {
    "name": ("姓名", "name"), "organization_id": ("单位", "organization"), "title": ("职务", "title"),
    "mobile": ("手机", "mobile"), "phone": ("电话", "phone"), "email": ("邮箱", "email"), "notes": ("备注", "notes"),
}


def choice_labels(choices: Sequence[str]) -> list[str] | None:
    """What each of an option's choices means when they are codes of one vocabulary (help texts), else None."""
    for table in (_SIGNING_FORMS, _PROJECT_STATUSES, _FOLLOWUP_KINDS, _INVITATION_STATUSES, _ORG_KINDS,
                  _MERGE_FIELDS, _SUBMISSION_KINDS, _SUBMISSION_STATUSES, _ORDER_STATES, _INDICATORS, _ORIGINS, _MILESTONES):
        if all(choice in table for choice in choices):
            return [pick(*table[choice]) for choice in choices]
    from crm.rules.stages import STAGE_ORDER

    if all(choice in STAGE_ORDER for choice in choices):
        return [_stage_label(choice) for choice in choices]
    return None


# What a search result matched on (crm.services.search ContactHit.matched).
_SEARCH_MATCHES = {
    "name": ("姓名", "name"), "pinyin": ("拼音", "pinyin"), "mobile": ("手机", "mobile"), "phone": ("电话", "phone"),
    "email": ("邮箱", "email"), "organization": ("单位", "organization"), "title": ("职务", "title"),
}


def search_match_label(matched: str) -> str:
    return pick(*_SEARCH_MATCHES.get(matched, (matched, matched)))


# Fields of records by table, as `show` (their JSON keys) and `crm history` (their columns) name them. A
# column `x_id` reads as the field `x`. Fields the forms name have their labels there (crm.services.
# event_editing, crm.services.directory, the invitee list's crm.importing.table); these are the others.
_RECORD_FIELDS = {
    "ref": ("编号", "ref"), "version": ("版本", "version"), "deleted_at": ("删除时间", "deleted"), "notes": ("备注", "notes"),
    "note": ("说明", "note"), "project": ("项目", "project"), "recorded_by": ("记录人", "recorded by"),
    "recorded_at": ("记录时间", "recorded at"), "staff": ("记录人", "recorded by"),
    # Appended records and their corrections (crm.rules.corrections).
    "retracted": ("已撤销", "retracted"), "effective_on": ("生效日期", "effective on"),
    "superseded_on": ("被更正日期", "superseded on"), "correction_note": ("更正原因", "why corrected"),
    "corrects": ("更正的记录", "corrects"),
    "owner_unit": ("所属单位", "unit"),  # whose record it is (crm.rules.scope)
}
_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "projects": {
        "name": ("项目名称", "project name"), "investor": ("投资方", "investor"), "industry": ("产业", "industry"),
        "city": ("所在地", "city"), "region": ("所在地", "city"), "park": ("园区", "park"),
        "signing_form": ("签约形式", "signing form"), "signed_on": ("签约日期", "signed on"),
        "contract_on": ("转为合同日期", "became a contract on"), "event": ("签约活动", "signed at"),
        "signing_event": ("签约活动", "signed at"), "amount": _in_wan("合同引资额", "contracted investment"),
        "contracted_amount": _in_wan("合同引资额", "contracted investment"), "jobs": ("就业人数", "jobs"),
        "responsible_unit": ("责任单位", "responsible unit"), "responsible_staff": ("责任人", "responsible person"),
        "planned_construction_on": ("计划开工日期", "planned construction date"),
        "planned_production_on": ("计划投产日期", "planned production date"), "stage": ("阶段", "stage"),
        "stage_on": ("进入该阶段日期", "stage reached on"), "status": ("状态", "status"),
        "status_reason": ("状态原因", "status reason"), "funds_in_place": _in_wan("到位资金", "funds in place"),
        "investment_completed": _in_wan("累计完成投资", "investment completed"),
        "currency": ("币种", "currency"), "amount_usd": ("合同外资（万美元）", "contracted (10k USD)"),
        "exchange_rate": ("汇率", "exchange rate"), "trip": ("来源小分队", "from the trip"),
        "increase_of": ("增资原项目", "capital increase of"), "increases": ("其增资扩产项目", "its capital increases"),
        "milestones": ("入库/入规/达产", "milestones"),
    },
    "events": {
        "programme_group": ("板块", "programme section"), "position": ("顺序", "position"),
        "region": ("城市", "city"), "venue": ("地点", "place"), "starts_on": ("开始日期", "starts on"),
        "ends_on": ("结束日期", "ends on"), "date_fixed": ("日期已定", "date fixed"),
        "date_precision": ("时间精确到", "time known to the"), "planned_scale": ("规模（人）", "scale (people)"),
        "description": ("备注", "notes"), "plan_due": ("方案截止", "plan due"), "summary_due": ("总结截止", "summary due"),
        "plan_submitted_on": ("方案报送日期", "plan filed on"),
        "summary_submitted_on": ("总结报送日期", "summary filed on"),
    },
    "supervision_orders": {
        "project": ("项目", "project"), "problem": ("问题", "problem"), "unit": ("责任单位", "unit"),
        "issued_on": ("督办日期", "issued on"), "due_on": ("回复期限", "reply due"), "note": ("督办事项", "ordered"),
        "issued_by": ("督办人", "issued by"), "closed_on": ("办结日期", "closed on"), "closed_by": ("认可人", "closed by"),
    },
    "supervision_replies": {
        "order": ("督办单", "order"), "replied_on": ("回复日期", "replied on"), "note": ("回复", "reply"),
        "replied_by": ("回复人", "replied by"), "accepted": ("认可", "accepted"), "decided_on": ("审核日期", "decided on"),
        "decided_by": ("审核人", "decided by"), "reason": ("不予认可的原因", "reason"),
    },
    "submissions": {
        "kind": ("类型", "kind"), "event": ("活动", "event"), "unit": ("上报单位", "unit"),
        "submitted_on": ("上报日期", "submitted on"), "submitted_by": ("上报人", "submitted by"),
        "outcome": ("审核结果", "outcome"), "decided_on": ("审核日期", "decided on"), "decided_by": ("审核人", "decided by"),
        "reason": ("退回原因", "reason"), "duplicate_of": ("疑似重复上报", "looks reported twice as"),
        "duplicate_hint": ("疑似重复上报", "looks reported twice as"),
    },
    "programmes": {
        "code": ("编号", "ref"), "year": ("年度", "year"), "title": ("方案名称", "title"), "events": ("活动数", "events"),
        "document_no": ("文号", "document no."), "issued_on": ("印发日期", "issued on"),
        "issuing_unit": ("印发单位", "issued by"),
    },
    "contacts": {"name_key": ("姓名（比对用）", "name key"), "mobile_key": ("手机（比对用）", "mobile key"),
                 "email_key": ("邮箱（比对用）", "email key")},
    "organizations": {"name_key": ("名称（比对用）", "name key"), "industry": ("产业", "industry"),
                      "origin": ("客商来源", "origin")},
    "invitations": {"event": ("活动", "event"), "contact": ("联系人", "contact")},
    "problems": {
        "description": ("问题", "problem"), "raised_on": ("提出日期", "raised on"), "responsible_unit": ("责任单位", "unit"),
        "followup": ("所属跟踪服务", "follow-up"), "resolved_on": ("办结日期", "resolved on"),
        "resolution": ("办结情况", "resolution"),
    },
    "followups": {
        "on": ("日期", "date"), "happened_on": ("日期", "date"), "kind": ("方式", "kind"), "content": ("内容", "content"),
        "next_step": ("下步", "next step"), "next_on": ("下次", "next"),
    },
    "project_milestones": {"kind": ("节点", "milestone"), "reached_on": ("达到日期", "reached on")},
    "promotion_trips": {
        "destination": ("目的地", "destination"), "starts_on": ("出发日期", "first day"), "ends_on": ("返回日期", "last day"),
        "members": ("成员", "members"), "purpose": ("任务", "purpose"), "visits": ("走访单位", "visits"),
    },
    "trip_visits": {"trip": ("小分队", "trip"), "organization": ("走访单位", "organization"),
                    "visited_on": ("走访日期", "visited on")},
    "project_figures": {
        "on": ("截至", "as of"), "reported_on": ("截至", "as of"), "kind": ("数据", "figure"),
        "amount": ("万元", _UNITS["万元"]),
    },
}


def _form_label(entity: str, name: str) -> str | None:
    """The label a record's form gives the field, if it names it."""
    if entity == "organizations":
        from crm.services.directory import organization_field_label

        try:
            return organization_field_label(name)
        except KeyError:
            return None
    if entity == "events":
        from crm.services.event_editing import FIELD_LABELS as labels
    elif entity in ("contacts", "invitations"):
        from crm.importing.table import FIELD_LABELS as labels
    else:
        return None
    return pick(*labels[name]) if name in labels else None


def field_label(entity: str, field: str) -> str:
    """A field of a record of `entity` (its table: projects, events …) as people call it."""
    name = field.removesuffix("_id")
    for table in (_FIELDS.get(entity, {}), _RECORD_FIELDS):
        if name in table:
            return pick(*table[name])
    return _form_label(entity, name) or field


def _listed(value: str) -> str:
    """A list field (invitee types) as the trail holds it, in JSON, as a list."""
    return pick("、", ", ").join(json.loads(value))


# Fields holding codes, by table, and how their values read.
_CODED: dict[str, dict[str, Callable[[object], str | None]]] = {
    "projects": {"signing_form": signing_form_label, "stage": _stage_label, "status": project_status_label,
                 "amount": amount_text, "contracted_amount": amount_text, "funds_in_place": amount_text,
                 "investment_completed": amount_text, "amount_usd": amount_text, "currency": currency_label},
    "project_figures": {"amount": amount_text},
    "events": {"level": event_level_label, "kind": event_kind_label, "date_precision": precision_label,
               "programme_group": group_label, "date_fixed": yes_no, "invitee_types": _listed},
    "organizations": {"kind": org_kind_label, "origin": origin_label},
    "invitations": {"status": invitation_status_label, "category": category_label},
    "problems": {"retracted": yes_no},
}


def field_value(entity: str, field: str, value: object) -> object:
    """A field's value as people read it: codes by their labels, yes or no, a temporary ref said to be one."""
    if value is None or value == "":
        return value
    if field == "ref" and str(value).startswith(_TEMPORARY_REF):
        return pick("（临时编号）", "(temporary ref)")
    shown = _CODED.get(entity, {}).get(field)
    return shown(value) if shown else value
