"""Words of the workbench in Chinese and English (crm.i18n decides which): the names of closed
vocabularies and, per binding id, the short footer label and the command-palette title."""
from __future__ import annotations

from dataclasses import replace

from crm.i18n import language

VOCABULARY: dict[str, dict[str, tuple[str, str]]] = {
    "status": {"active": ("正常", "active"), "stalled": ("停滞", "stalled"), "terminated": ("终止", "terminated")},
    "colour": {"red": ("红灯", "red"), "yellow": ("黄灯", "yellow"), "green": ("绿灯", "green")},
    "followup_kind": {"visit": ("走访", "visit"), "call": ("电话", "call"), "meeting": ("会议", "meeting"),
                      "coordination": ("协调", "coordination")},
    "signing_form": {"agreement": ("协议项目", "framework agreement"), "contract": ("合同项目", "contract")},
    "figure_kind": {"funds_in_place": ("到位资金", "funds in place"),
                    "investment_completed": ("累计完成投资", "investment completed")},
    "invitation": {"proposed": ("拟邀请", "proposed"), "invited": ("已邀请", "invited"),
                   "confirmed": ("已确认", "confirmed"), "attended": ("已出席", "attended"),
                   "declined": ("婉拒", "declined")},
    "org_kind": {"multinational": ("跨国公司", "multinational"), "central_soe": ("央企", "central SOE"),
                 "private": ("民企", "private firm"), "research": ("科研院所", "research institute"),
                 "financial": ("金融机构", "financial institution"), "government": ("政府部门", "government"),
                 "association": ("协会", "association"), "other": ("其他", "other"), "": ("未分类", "unclassified")},
    "role": {"hosts": ("承办", "host"), "co_hosts": ("协办", "co-host"), "supporters": ("配合", "support"),
             "coordinators": ("衔接协调", "coordinator")},
    "deadline": {"done": ("已报送", "filed"), "due": ("即将到期", "due soon"), "overdue": ("已超期", "overdue"),
                 "late": ("逾期报送", "filed late"), None: ("未到期", "not yet due")},
    "deadline_kind": {"plan": ("工作方案", "work plan"), "summary": ("工作总结", "summary")},
    # In a list of deadlines, where the heading says 活动时限 (the dashboard's panel at 80 columns).
    "deadline_kind_short": {"plan": ("方案", "plan"), "summary": ("总结", "summary")},
    "alert": {"construction_overdue": ("开工超期", "construction overdue"),
              "construction_due": ("临近计划开工", "construction due"),
              "production_overdue": ("投产超期", "production overdue"),
              "production_due": ("临近计划投产", "production due"),
              "stale": ("30天未跟进", "no follow-up in 30 days"), "stalled": ("停滞", "stalled")},
    "level": {"provincial": ("以省政府名义", "provincial government"), "city": ("以设区市为主", "city-led")},
    "event_kind": {"promotion": ("推介会", "promotion"), "cooperation": ("合作推进会", "cooperation meeting"),
                   "matchmaking": ("对接会", "matchmaking"), "finance": ("融资对接会", "finance matchmaking"),
                   "groundbreaking": ("开工仪式", "groundbreaking"), "seminar": ("研讨会", "seminar"),
                   "forum": ("论坛", "forum"), "activity": ("活动", "activity")},
    "group": {"major": ("五大活动（以省政府名义）", "five major activities"),
              "matchmaking": ("四个产业对接会（设区市为主）", "four industry matchmaking meetings"),
              "cooperation": ("四个合作推进会（以省政府名义）", "four cooperation promotion meetings"),
              "": ("其他活动", "other events")},
    # What is due for the user (crm.services.mine): warnings' kinds are crm.labels.deadline_kind_label's.
    # (The warnings' kinds as crm.labels.deadline_kind_label says them, shorter in English for 80 columns.)
    "mine_kind": {"plan": ("工作方案", "plan"), "summary": ("工作总结", "summary"), "construction": ("计划开工", "start"),
                  "production": ("计划投产", "production"), "followup": ("下次跟进", "follow-up"),
                  "stale": ("久未跟进", "no follow-up"), "lead_assess": ("线索研判", "assess lead"),
                  "lead_feedback": ("在谈反馈", "lead feedback"), "lead_report": ("线索报送", "lead report"),
                  "problem": ("困难问题", "problem"), "order": ("督办回复", "order"), "resubmit": ("重报", "resubmit"),
                  "review": ("审核", "review"), "order_review": ("审核督办回复", "review reply")},
    # What was submitted, where a short word is needed (重报项目, 审核方案).
    "submission_short": {"plan": ("方案", "plan"), "summary": ("总结", "summary"), "project": ("项目", "project")},
    # A supervision order's state in a list (crm.labels.order_state_label says it in full).
    "order_state_short": {"red": ("严重逾期", "red"), "yellow": ("已逾期", "yellow"), "open": ("办理中", "open"),
                          "replied": ("待审核", "to review"), "closed": ("已办结", "closed")},
    "mine_state": {"overdue": ("已超期", "overdue"), "due": ("即将到期", "due soon"), "red": ("严重逾期", "red"),
                   "yellow": ("逾期未回复", "yellow"), "open": ("未办结", "open"), "returned": ("已退回", "returned"),
                   "submitted": ("待审核", "to review"), "replied": ("已回复待审", "replied")},
    "precision": {"day": ("日期已定", "date fixed"), "month": ("月份已定，日期未定", "month known, date not fixed"),
                  "quarter": ("季度已定，日期未定", "quarter known, date not fixed"),
                  "year": ("年份已定，日期未定", "year known, date not fixed")},
}

# binding id → (footer label zh, en, palette title zh, en)
BINDINGS: dict[str, tuple[str, str, str, str]] = {
    "app.help": ("帮助", "help", "帮助: 快捷键一览", "help: keys"),
    "app.dashboard": ("总览", "dashboard", "转到: 总览", "go: dashboard"),
    "app.projects": ("项目", "projects", "转到: 项目", "go: projects"),
    "app.events": ("活动", "events", "转到: 活动", "go: events"),
    "app.contacts": ("客商", "contacts", "转到: 客商", "go: contacts"),
    "app.refresh": ("刷新", "refresh", "视图: 刷新", "view: refresh"),
    "app.quit": ("退出", "quit", "程序: 退出", "app: quit"),
    "app.back": ("返回", "back", "视图: 返回", "view: back"),
    "tabs.next": ("下一页签", "next tab", "视图: 下一个页签", "view: next tab"),
    "tabs": ("页签", "tabs", "", ""),  # the footer's label for [ and ] (a Binding.Group)
    "tabs.previous": ("上一页签", "previous tab", "视图: 上一个页签", "view: previous tab"),
    "list.search": ("搜索", "search", "列表: 搜索", "list: search"),
    "list.sort": ("排序", "sort", "列表: 换排序列", "list: sort by next column"),
    "list.reverse": ("反序", "reverse", "列表: 反向排序", "list: reverse order"),
    "list.clear": ("清除筛选", "clear filters", "列表: 清除筛选", "list: clear filters"),
    "list.open": ("打开", "open", "列表: 打开", "list: open"),
    "dashboard.as_of": ("统计日期", "as of", "总览: 选择统计日期", "dashboard: choose the as-of date"),
    "project.advance": ("推进", "advance", "项目: 推进阶段", "project: advance stage"),
    "project.followup": ("跟进", "follow-up", "项目: 记录跟踪服务", "project: add follow-up"),
    "project.problem": ("提问题", "issue", "项目: 提出困难问题", "project: raise a problem"),
    "project.resolve": ("办结", "resolve", "项目: 问题办结", "project: resolve a problem"),
    "project.edit": ("编辑", "edit", "项目: 编辑字段", "project: edit fields"),
    "project.status": ("停滞/终止", "stall/terminate", "项目: 停滞、终止或恢复", "project: stall, terminate or reactivate"),
    "project.correct": ("更正", "correct", "项目: 更正阶段记录", "project: correct a stage step"),
    "project.figure": ("资金", "funds", "项目: 登记到位资金或完成投资", "project: report funds or investment"),
    "project.correct_record": ("更正记录", "correct record", "项目: 更正选中的跟踪服务、资金数据或问题",
                               "project: correct the highlighted follow-up, figure or problem"),
    "project.retract_record": ("撤销记录", "retract record", "项目: 撤销选中的跟踪服务、资金数据或问题",
                               "project: retract the highlighted follow-up, figure or problem"),
    "project.reopen": ("重新打开", "reopen", "项目: 重新打开已办结的问题", "project: reopen a resolved problem"),
    "event.fix_date": ("定日期", "date", "活动: 确定日期", "event: fix the date"),
    "event.plan": ("上报方案", "plan up", "活动: 上报工作方案", "event: submit the work plan"),
    "event.summary": ("上报总结", "summary up", "活动: 上报工作总结", "event: submit the summary"),
    "event.sign": ("签约", "sign", "活动: 在本活动签约项目", "event: sign a project here"),
    "event.invitations": ("邀请", "invitees", "活动: 邀请名单（选择、改状态、添加、移除）",
                          "event: invitations (select, set status, add, remove)"),
    "event.new": ("新建", "new", "活动: 新建活动或会议", "event: new event or meeting"),
    "event.edit": ("编辑", "edit", "活动: 编辑活动", "event: edit the event"),
    "programme.new": ("新建方案", "new programme", "方案: 新建活动方案", "programme: new programme"),
    "programme.edit": ("编辑方案", "edit programme", "方案: 编辑活动方案", "programme: edit the programme"),
    "programme.copy": ("复制方案", "copy programme", "方案: 复制为新年度方案", "programme: copy into a new year"),
    "app.organizations": ("单位", "organizations", "转到: 单位", "go: organizations"),
    "app.import": ("导入", "import", "导入: 邀请名单（Excel/CSV）", "import: invitee list (Excel/CSV)"),
    "app.export": ("导出", "export", "导出: 周报、活动总结材料、工作方案", "export: weekly sheet, event package, plan"),
    "contact.new": ("新建", "new", "客商: 新建客商", "contact: new contact"),
    "contact.edit": ("编辑", "edit", "客商: 编辑客商", "contact: edit the contact"),
    "organization.new": ("新建", "new", "单位: 新建单位", "organization: new organization"),
    "organization.edit": ("编辑", "edit", "单位: 编辑单位", "organization: edit the organization"),
    "contact.merge": ("合并", "merge", "客商: 合并重复", "contact: merge duplicates"),
    "contact.unmerge": ("撤销合并", "undo merge", "客商: 撤销最近一次合并", "contact: undo the latest merge"),
    "contact.invitations": ("邀请", "invitations", "活动: 邀请名单与状态", "event: invitations and their status"),
    "merge.confirm": ("合并", "merge", "合并: 确认合并", "merge: confirm"),
    "merge.take": ("取另一位的值", "take other's", "", ""),
    "merge.swap": ("换保留者", "keep other", "", ""),
    "invitation.select": ("选择", "select", "", ""),
    "invitation.select_all": ("全选", "all", "邀请: 全选/全不选", "invitations: select all/none"),
    "invitation.proposed": ("拟邀请", "proposed", "邀请: 改为拟邀请", "invitations: set proposed"),
    "invitation.invited": ("已邀请", "invited", "邀请: 改为已邀请", "invitations: set invited"),
    "invitation.confirmed": ("已确认", "confirmed", "邀请: 改为已确认", "invitations: set confirmed"),
    "invitation.attended": ("已出席", "attended", "邀请: 改为已出席", "invitations: set attended"),
    "invitation.declined": ("婉拒", "declined", "邀请: 改为婉拒", "invitations: set declined"),
    "invitation.status": ("改状态", "status", "", ""),  # the footer's label for p i c t d (a Binding.Group)
    "invitation.add": ("添加", "add", "邀请: 从客商中添加", "invitations: add contacts"),
    "invitation.remove": ("移除", "remove", "邀请: 移除拟邀请", "invitations: remove proposed ones"),
    "invitees.add": ("添加", "add", "邀请: 添加所选客商", "invitations: add the picked contacts"),
    "wizard.field": ("改字段", "field", "导入: 更改该列对应的字段", "import: change the column's field"),
    "wizard.dry_run": ("试运行", "dry run", "导入: 试运行", "import: dry run"),
    "wizard.import": ("导入", "import", "导入: 正式导入", "import: import now"),
    "wizard.errors": ("保存错误行", "save errors", "导入: 保存错误行", "import: save the error rows"),
    "wizard.undo": ("撤销批次", "undo", "导入: 撤销本批次", "import: undo this batch"),
    "confirm.yes": ("是", "yes", "", ""),
    "confirm.no": ("否", "no", "", ""),
    "app.palette": ("命令", "commands", "", ""),
    "help.close": ("关闭", "close", "", ""),
    "table.up": ("上一行", "up", "", ""),
    "table.down": ("下一行", "down", "", ""),
    "table.page_up": ("上一页", "page up", "", ""),
    "table.page_down": ("下一页", "page down", "", ""),
    "table.first": ("第一行", "first row", "", ""),
    "table.last": ("最后一行", "last row", "", ""),
    "form.save": ("保存", "save", "表单: 保存", "form: save"),
    # Reporting up (上报 / 认定 / 退回), supervision orders (督办) and what is due for the user (我的待办).
    "app.mine": ("待办", "to-do", "转到: 我的待办", "go: my to-do list"),
    "app.review": ("审核", "review", "转到: 上报与审核", "go: submissions and review"),
    "app.supervision": ("督办", "orders", "转到: 督办事项", "go: supervision orders"),
    "review.accept": ("认定", "accept", "上报: 认定（审核通过）", "submissions: accept (认定)"),
    "review.return": ("退回", "return", "上报: 退回并说明原因", "submissions: return with a reason"),
    "review.resubmit": ("再次上报", "submit again", "上报: 再次上报退回的事项", "submissions: submit a returned item again"),
    "order.new": ("新建督办", "new order", "督办: 新建督办单", "orders: issue a supervision order"),
    "order.reply": ("回复", "reply", "督办: 回复督办单", "orders: reply to the order"),
    "order.accept": ("认可", "accept", "督办: 认可回复（督办办结）", "orders: accept the reply (the order closes)"),
    "order.reject": ("不认可", "reject", "督办: 不认可回复（说明原因）", "orders: do not accept the reply, saying why"),
    "project.submit": ("上报", "submit", "项目: 上报签约项目", "project: submit the project up (上报)"),
    "project.order": ("督办", "order", "项目: 下发督办单", "project: issue a supervision order"),
    "form.cancel": ("取消", "cancel", "表单: 取消", "form: cancel"),
}


def _zh() -> bool:
    return language() == "zh"


def word(vocabulary: str, value) -> str:
    """The label of a value of a closed vocabulary; an unknown value shows as itself."""
    pair = VOCABULARY[vocabulary].get(value)
    if pair is None:
        return "" if value is None else str(value)
    return pair[0] if _zh() else pair[1]


def binding_label(binding_id: str) -> str | None:
    entry = BINDINGS.get(binding_id)
    return None if entry is None else entry[0 if _zh() else 1]


def palette_title(binding_id: str) -> str | None:
    """The command as the palette lists it: the user's language first, then the other, so that either
    can be typed without switching the input method."""
    entry = BINDINGS.get(binding_id)
    if entry is None or not entry[2]:
        return None
    return f"{entry[2]} / {entry[3]}" if _zh() else f"{entry[3]} / {entry[2]}"


def translate_bindings(node) -> None:
    """Footer labels in the user's language. BINDINGS are class data, built before --lang is known, so
    each instance relabels its own copy (DOMNode._bindings) by binding id."""
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [replace(b, description=binding_label(b.id) or b.description) for b in entries]
