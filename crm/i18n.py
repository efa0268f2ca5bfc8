"""The user's language: Chinese by default, English on request (--lang en, CRM_LANG=en)."""
from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_current = os.environ.get("CRM_LANG", "zh") if os.environ.get("CRM_LANG", "zh") in LANGUAGES else "zh"

# key -> (中文, English). Parameters use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    # --- crm remind ---
    "remind_bad_config": ("config.toml 的 [{section}] 有误：{reason}", "[{section}] in config.toml: {reason}"),
    "remind_plaintext_password": (
        "[remind.email] security = \"none\" 会以明文发送密码到 {host}：请改用 starttls 或 ssl（仅本机服务器可用 none）",
        "[remind.email] security = \"none\" would send the password to {host} in clear: use starttls or ssl "
        "(none only for a server on this machine)",
    ),
    "remind_password_missing": (
        "发送邮件需要密码：请设置环境变量 {env}，或在 [remind.email] 中给出 password_file（仅所有者可读的文件）",
        "the mail server needs a password: set {env}, or give password_file in [remind.email] (a file only its "
        "owner can read)",
    ),
    "remind_password_file_open": (
        "密码文件 {path} 可被其他用户访问（权限 {mode}），拒绝使用：请运行 chmod 600 {path}",
        "the password file {path} is open to other users (mode {mode}) and is refused: run chmod 600 {path}",
    ),
    "remind_password_file_unreadable": ("无法读取密码文件 {path}：{reason}", "cannot read the password file {path}: {reason}"),
    "remind_channel_not_configured": ("渠道 {channel} 未配置：请在 config.toml 中添加 {section}",
                                      "channel {channel} is not set up: add {section} to config.toml"),
    "remind_unknown_staff": ("注意：[remind.addresses] 中的 {login} 不是工作人员，已跳过",
                             "note: {login} in [remind.addresses] is no staff member: skipped"),
    "remind_unknown_unit": ("注意：config.toml 中的单位 {unit} 不存在，已跳过", "note: the unit {unit} in config.toml does not exist: skipped"),
    "remind_without_address": ("注意：{count} 位工作人员有待办事项，但没有邮箱（crm staff edit 登录名 --email 邮箱，"
                               "或 config.toml 的 [remind.addresses]）：{logins}",
                               "note: {count} staff members have items due but no e-mail address (crm staff edit LOGIN "
                               "--email E, or [remind.addresses] in config.toml): {logins}"),
    "remind_bad_staff_address": ("注意：工作人员 {login} 的邮箱不是一个有效地址，改用 [remind.addresses]（如有）",
                                 "note: the e-mail address of staff member {login} is not a valid address: "
                                 "[remind.addresses] is used where it has one"),
    "remind_failed": ("提醒发送失败：{who} · {channel}：{reason}（已记录，下次运行时重发）",
                      "reminder not sent: {who} · {channel}: {reason} (recorded; the next run sends it again)"),
    "remind_summary": ("已发送 {sent} 项（{recipients} 个收件人），今日已发送而跳过 {skipped} 项，失败 {failed} 项",
                       "{sent} items sent ({recipients} recipients), {skipped} skipped as sent today, {failed} failed"),
    "remind_dry_summary": ("演练：将发送 {items} 项（{recipients} 个收件人），今日已发送而跳过 {skipped} 项；未发送、未记录任何内容",
                           "dry run: {items} items would go to {recipients} recipients, {skipped} skipped as sent "
                           "today; nothing sent or recorded"),
    "remind_dry_target": ("→ {who} · {channel}：{count} 项", "→ {who} · {channel}: {count} items"),
    "bad_date": ("日期无效：{value}（应为 YYYY-MM-DD，1950—2200 年）", "invalid date: {value} (expected YYYY-MM-DD, 1950 to 2200)"),
    "bad_week": ("周次无效：{value}（应为 YYYY-Www，如 2011-W27）", "invalid week: {value} (expected YYYY-Www, e.g. 2011-W27)"),
    "bad_amount": ("金额无效：{value}（应为 {lowest} 至 99999999.99 之间、最多两位小数的数字，单位万元）",
                   "invalid amount: {value} (expected {lowest} to 99999999.99, at most two decimals, in 10k CNY)"),
    "bad_integer": ("数值无效：{value}（应为不小于 0 的整数）", "invalid number: {value} (expected a whole number ≥ 0)"),
    "unknown_event": ("找不到活动：{ref}", "no such event: {ref}"),
    "unknown_project": ("找不到项目：{ref}", "no such project: {ref}"),
    "unknown_problem": ("找不到问题：{ref}", "no such problem: {ref}"),
    "target_set": ("已设置 {year} 年目标：{unit} {indicator} {value}", "target {year} set: {unit} {indicator} {value}"),
    "target_needs_holder": ("请给出 --city（设区市或园区）或 --industry（全省某产业）", "give --city (a city or park) or --industry (the province's target for an industry)"),
    "target_needs_value": ("请至少给出一项指标：--signed-projects、--signed-amount、--funds、--started",
                           "give at least one of --signed-projects, --signed-amount, --funds, --started"),
    "unknown_indicator": ("未知的指标：{value}（可选：{choices}）", "unknown indicator: {value} (known: {choices})"),
    "targets_provincial": ("目标任务由省级下达：只有省级工作人员可以设置", "targets are set by the province's staff"),
    "target_unit_kind": ("目标任务下达给设区市或园区，不能给 {unit}", "targets go to cities and parks, not to {unit}"),
    "unknown_origin": ("未知的客商来源：{value}（可选：省内、省外、境外）", "unknown origin: {value} (inside, outside, abroad)"),
    "bad_rate": ("汇率无效：{value}（每美元合人民币元数，如 7.1023）", "bad exchange rate: {value} (yuan per dollar, e.g. 7.1023)"),
    "usd_needs_rate": ("以美元签约的项目：同时给出 --amount-usd（万美元）与 --rate（签约日汇率），不另给 --amount",
                       "a project signed in dollars takes --amount-usd (万美元) and --rate (the signing day's), not --amount"),
    "unknown_milestone": ("未知的节点：{value}（可选：in_statistics 入库纳统、above_size 入规、full_capacity 达产）",
                          "unknown milestone: {value} (in_statistics, above_size, full_capacity)"),
    "unknown_milestone_row": ("找不到节点记录：{ref}", "no such milestone record: {ref}"),
    "milestone_unsigned": ("{ref} 尚未签约：入库、入规、达产在落地之后", "{ref} is not signed: milestones come after landing"),
    "milestone_before_stage": ("{ref} 尚未{stage}，不能记录{kind}", "{ref} has not reached {stage}: no {kind} yet"),
    "milestone_exists": ("{ref} 已记录该节点（记录 #{id}）：日期有误请更正（crm milestones correct {id}）",
                         "{ref} has that milestone already (#{id}): correct it if its date is wrong (crm milestones correct {id})"),
    "milestone_recorded": ("{ref} {kind}：{on}（记录 #{id}）", "{ref} {kind}: {on} (#{id})"),
    "unknown_order": ("找不到督办单：{ref}", "no such supervision order: {ref}"),
    # --- crm trips (招商小分队) ---
    "unknown_trip": ("找不到招商小分队：{ref}", "no such promotion trip: {ref}"),
    "trip_needs_unit": ("请用 --unit 给出派出小分队的单位（设区市、园区或省直单位）",
                        "name the unit whose team went with --unit (a city, a park or a provincial unit)"),
    "trip_unit_not_yours": ("{unit} 不是本单位（{own}）或其下属单位：小分队记在本单位名下",
                            "{unit} is neither your unit ({own}) nor under it: trips are your unit's"),
    "trip_too_long": ("小分队 {start} 至 {end} 共 {days} 天，超过 {limit} 天：请核对日期",
                      "a trip from {start} to {end} lasts {days} days, more than {limit}: check the dates"),
    "visit_outside_trip": ("走访 {organization} 的日期 {date} 不在小分队的行程（{start} 至 {end}）内",
                           "the visit to {organization} on {date} is outside the trip's days ({start} to {end})"),
    "visit_recorded": ("已记录过走访 {organization}（{date}）", "the visit to {organization} ({date}) is already recorded"),
    "unknown_period": ("未知的统计周期：{value}（可选：{choices}）", "unknown period: {value} (known: {choices})"),
    "trip_added": ("已登记招商小分队 {ref}：{unit} 赴{destination}，{start} 至 {end}（{days} 天），走访 {visits} 家单位",
                   "trip {ref} recorded: {unit} to {destination}, {start} to {end} ({days} days), {visits} visits"),
    "organization_not_in_directory": ("客商库中没有单位：{name}（请核对名称；确为新单位，加 --new-org 将其加入客商库）",
                                      "the directory holds no organization named {name} (check the name; if it is "
                                      "new, add --new-org to put it in the directory)"),
    "organizations_put_in_directory": ("已加入客商库：{names}", "put into the directory of organizations: {names}"),
    "trip_visit_added": ("已记录小分队 {ref} 走访 {organization}{on}", "trip {ref}: visit to {organization}{on} recorded"),
    "trip_edited": ("已修改小分队 {ref}：{fields}", "trip {ref} edited: {fields}"),
    "order_problem_resolved": ("问题 #{ref} 已办结，无需督办", "problem #{ref} is resolved: nothing to order"),
    "order_reply_pending": ("督办单 {ref} 已于 {on} 回复，等待审核", "order {ref} was replied to on {on} and awaits review"),
    "order_no_reply": ("督办单 {ref} 没有待审核的回复", "order {ref} has no reply awaiting review"),
    "order_closed": ("督办单 {ref} 已于 {on} 办结", "order {ref} was closed on {on}"),
    "order_added": ("已下发督办单 {ref}：{unit}，{due} 前回复", "order {ref} issued to {unit}, reply due {due}"),
    "order_replied": ("督办单 {ref} 已回复，等待审核", "order {ref} replied to, awaiting review"),
    "order_accepted": ("督办单 {ref} 回复已认可，督办办结", "order {ref}: reply accepted, order closed"),
    "order_rejected": ("督办单 {ref} 回复未认可：{reason}", "order {ref}: reply not accepted: {reason}"),
    "unknown_region": ("未知的地区：{value}", "unknown region: {value}"),
    "unknown_industry": ("未知的产业：{value}（可选：{choices}）", "unknown industry: {value} (known: {choices})"),
    "unknown_unit": ("未知的单位：{value}（已有：{known}…；用 crm units add 添加）",
                     "unknown unit: {value} (known: {known}…; add one with crm units add)"),
    "nothing_to_change": ("没有要修改的内容：请给出至少一个选项（见 --help）", "nothing to change: give at least one option (see --help)"),
    "project_edited": ("已修改项目 {ref}：{fields}", "project {ref} edited: {fields}"),
    "unknown_staff": ("未知的工作人员：{value}（已有：{known}；用 crm staff add 添加）",
                      "unknown staff member: {value} (known: {known}; add one with crm staff add)"),
    "bad_login": ("登录名无效：{value}（不能为空、不能含空格，最多 {limit} 个字符）",
                  "invalid login: {value} (not empty, no spaces, at most {limit} characters)"),
    "staff_exists": ("工作人员 {login} 已存在", "staff member {login} already exists"),
    "login_not_connected": ("已以 {connected} 的登录名连接数据库，不能以 {login} 的身份操作（去掉 --user / CRM_USER，或设为 {connected}）",
                            "connected to the database as {connected}: cannot act as {login} (drop --user / CRM_USER, or set it to {connected})"),
    "staff_edited": ("已修改工作人员 {login}：{name}，邮箱 {email}", "staff member {login} changed: {name}, e-mail {email}"),
    "login_needs_postgresql": ("本人登录名只用于 PostgreSQL 团队数据库（SQLite 文件只有一个用户）",
                               "logins of their own are for a PostgreSQL team database (a SQLite file has one user)"),
    "login_not_staff": ("{login} 不是工作人员：先运行 crm staff add {login} --unit 单位",
                        "{login} is no staff member: first run crm staff add {login} --unit UNIT"),
    "login_without_unit": ("{login} 没有所属单位：登录名按单位划定可见范围", "{login} has no unit: a login sees by its unit"),
    "login_exists": ("数据库中已有登录名 {login}", "the database server already has a role {login}"),
    "login_no_createrole": ("当前角色不能创建登录名：请超级用户运行 ALTER ROLE 所有者 CREATEROLE",
                            "this role cannot create logins: have a superuser run ALTER ROLE <owner> CREATEROLE"),
    "login_password_needed": ("请在 CRM_NEW_PASSWORD 中给出密码，或在终端中运行以便输入",
                              "give the password in CRM_NEW_PASSWORD, or run this in a terminal to type it"),
    "login_password_mismatch": ("两次输入的密码不一致", "the passwords do not match"),
    "login_password_short": ("密码至少 8 个字符", "a password has at least 8 characters"),
    "login_created_provincial": ("已创建登录名 {login}（{unit}）：省级单位的登录名可看到全部记录", "login {login} created ({unit}): a provincial unit's login sees every unit's records"),
    "login_created": ("已创建登录名 {login}（{unit}）：此登录名只能看到并修改本单位及下属单位的记录",
                      "login {login} created ({unit}): it sees and changes its unit's records and those under it"),
    "reviewer_not_provincial": ("审核人须属于省级单位（省、处室或省直部门）：{login}",
                                "a reviewer belongs to a provincial unit (province, office or department): {login}"),
    "unknown_submission_kind": ("未知的上报类型：{value}（可选：plan 工作方案、summary 活动总结、project 签约项目）",
                                "unknown kind: {value} (plan, summary or project)"),
    "submission_pending": ("{ref} 已于 {on} 上报，正在等待审核", "{ref} was submitted on {on} and awaits review"),
    "submission_accepted": ("{ref} 已认定，无需再次上报", "{ref} has been accepted: nothing to submit again"),
    "nothing_to_review": ("{ref} 没有待审核的上报", "{ref} has no submission awaiting review"),
    "not_a_reviewer": ("{login} 不是省级审核人，不能认定或退回（由数据库所有者运行 crm staff add … --reviewer）",
                       "{login} is not a provincial reviewer and cannot accept or return (the owner runs "
                       "crm staff add … --reviewer)"),
    "submit_not_yours": ("{ref} 不属于本单位，由其所属单位上报", "{ref} belongs to another unit, which reports it"),
    "submit_unsigned": ("{ref} 尚未签约，不能上报", "{ref} is not signed yet and cannot be submitted"),
    "submitted": ("{ref} 已上报（{on}），等待省级审核", "{ref} submitted ({on}), awaiting review"),
    "submitted_twice": ("注意：{ref} 与已上报的 {other} 疑似重复上报，由审核人判定；判定前只计一次",
                        "note: {ref} looks like {other}, already reported (重复上报); the reviewer decides, and it "
                        "counts once until then"),
    "review_accepted": ("{ref} 已认定", "{ref} accepted"),
    "review_returned": ("{ref} 已退回：{reason}", "{ref} returned: {reason}"),
    "staff_added": ("已添加工作人员 {login}（{name}）", "staff member {login} ({name}) added"),
    "unknown_stage": ("未知的阶段：{value}", "unknown stage: {value}"),
    "empty_field": ("{field}不能为空", "{field} must not be empty"),
    "stage_backwards": (
        "阶段只能前进：项目 {ref} 当前为「{current}」，不能记为「{target}」",
        "stages only move forward: project {ref} is at {current}, cannot record {target}",
    ),
    "stage_skip_needs_dates": (
        "项目 {ref} 尚未{missing}，请先记录该阶段",
        "project {ref} has not reached {missing} yet: record that stage first",
    ),
    "stage_date_before_previous": (
        "日期 {date} 早于上一阶段「{previous}」的日期 {previous_date}",
        "date {date} is before the previous stage {previous} on {previous_date}",
    ),
    "stage_date_after_next": (
        "日期 {date} 晚于下一阶段「{next}」的日期 {next_date}",
        "date {date} is after the next stage {next} on {next_date}",
    ),
    "stage_date_in_future": ("日期 {date} 在今天之后", "date {date} is in the future"),
    "project_not_signed": ("项目 {ref} 尚未签约", "project {ref} is not signed yet"),
    "project_already_signed": ("项目 {ref} 已于 {date} 签约", "project {ref} was already signed on {date}"),
    "option_required": ("缺少必需的选项 {option}", "{option} is required"),
    "increase_needs_amount": ("增资扩产请给出增资金额（--amount 万元，或 --amount-usd 与 --rate）",
                              "a capital increase needs its amount (--amount, or --amount-usd and --rate)"),
    "project_has_increases": ("项目 {ref} 还有增资扩产项目 {increases}：请先删除它们",
                              "project {ref} still has capital increases {increases}: delete them first"),
    "increase_is_signed": ("增资扩产是一次签约：请用 --stage signed 和 --signed-on 记录", "a capital increase is a signing: record it with --stage signed and --signed-on"),
    "increase_of_increase": ("项目 {ref} 本身是 {original} 的增资：请关联原项目 {original}", "project {ref} is itself an increase of {original}: link the increase to {original}"),
    "increase_of_unsigned": ("项目 {ref} 尚未签约，不能增资", "project {ref} is not signed yet: nothing to increase"),
    "increase_of_terminated": ("项目 {ref} 已终止，不能增资", "project {ref} is terminated: no capital increase"),
    "increase_before_original": ("增资不能早于原项目 {ref} 的签约日期 {signed_on}", "a capital increase cannot be signed before project {ref} ({signed_on})"),
    "project_terminated": ("项目 {ref} 已终止，不能再记录阶段", "project {ref} is terminated: no more stage steps"),
    "no_step_to_correct": ("项目 {ref} 没有可更正的阶段记录", "project {ref} has no stage step to correct"),
    "only_latest_step_retractable": (
        "只能撤销最近一次阶段记录（{stage}）",
        "only the latest stage step ({stage}) can be retracted",
    ),
    "status_unchanged": ("项目 {ref} 已是「{status}」", "project {ref} is already {status}"),
    "reason_required": ("停滞或终止须说明原因", "stalling or terminating needs a reason"),
    "problem_already_resolved": ("问题 {ref} 已于 {date} 办结", "problem {ref} was resolved on {date}"),
    "date_before": ("{field}（{date}）不能早于{other}（{other_date}）", "{field} ({date}) cannot be before {other} ({other_date})"),
    "stale_edit": (
        "{what} 已被{who}在您打开之后修改，您的修改未保存；请重新载入后再改",
        "{what} was changed by {who} after you opened it; your edit was not saved. Reload and try again",
    ),
    "stale_edit_at": (
        "{what} 已被{who}于 {when} 修改（在您打开之后），您的修改未保存；请重新载入后再改",
        "{what} was changed by {who} at {when}, after you opened it; your edit was not saved. Reload and try again",
    ),
    "db_unreachable": ("无法连接数据库 {url}：{reason}", "cannot reach the database {url}: {reason}"),
    "db_locked": ("数据库被其他程序占用（已等待 {seconds} 秒）：{url}", "the database is locked by another writer (waited {seconds} s): {url}"),
    "db_error": ("数据库错误：{reason}", "database error: {reason}"),
    "db_newer_than_app": (
        "数据库版本 {revision} 比本程序新，请升级程序",
        "the database is at revision {revision}, newer than this program: upgrade the program",
    ),
    "foreign_key_check_failed": (
        "迁移后外键检查失败（{count} 处，表 {table}），已回滚",
        "foreign-key check failed after migration ({count} rows, table {table}); rolled back",
    ),
    "demo_exists": (
        "数据库中已有数据；如需重新载入演示数据请加 --force（将清空现有数据）",
        "the database already holds data; add --force to reload the demo (this erases it)",
    ),
    "write_failed": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    # Import of invitee lists (crm.importing, crm import …)
    "import_refused_not_file": ("不是文件：{path}", "not a file: {path}"),
    "import_refused_missing": ("文件不存在：{path}", "no such file: {path}"),
    "import_refused_unreadable": ("无法读取 {path}：{reason}", "cannot read {path}: {reason}"),
    "import_refused_empty": ("文件为空：{path}", "empty file: {path}"),
    "import_refused_too_large": ("文件过大：{path}（上限 {limit}）", "file too large: {path} (limit {limit})"),
    "import_refused_old_biff": (
        "{path} 是 Excel 2.x–4.0 的旧格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
        "{path} is an Excel 2–4 file: save it as .xlsx in Excel or WPS and import that",
    ),
    "import_refused_xml_spreadsheet": (
        "{path} 是 XML 文件（如 Excel 2003 XML 表格），不支持；请另存为 .xlsx",
        "{path} is an XML file (such as an Excel 2003 XML spreadsheet), not supported: save it as .xlsx",
    ),
    "import_refused_not_spreadsheet": ("{path} 不是电子表格文件", "{path} is not a spreadsheet"),
    "import_refused_corrupt": ("{path} 已损坏或不完整：{reason}", "{path} is corrupt or truncated: {reason}"),
    "import_refused_xml_bomb": (
        "{path} 含有 XML 实体或 DTD 声明（{part}），疑似 XML 炸弹，已拒绝",
        "{path} declares XML entities or a DTD ({part}): possible XML bomb, refused",
    ),
    "import_refused_too_many_cells": (
        "{path} 的表格过大（{detail}），不像名单，已拒绝",
        "{path} is too large for a list ({detail}), refused",
    ),
    "import_refused_encrypted": (
        "{path} 已加密（设有打开密码），请取消密码后再导入",
        "{path} is encrypted (it has a password to open): remove the password and import again",
    ),
    "import_refused_no_sheets": ("{path} 中没有工作表", "{path} holds no sheets"),
    "import_refused_unknown_encoding": (
        "{path} 的文字编码无法识别（支持 UTF-8、GBK/GB18030、UTF-16）",
        "{path}: unknown text encoding (UTF-8, GBK/GB18030 and UTF-16 are read)",
    ),
    "import_refused_no_header": (
        "{path} 中找不到名单的表头（如 姓名、单位、手机）；可用 --map 列名=字段 指明",
        "{path}: no list header found (such as 姓名/Name, 单位/Company, 手机/Mobile); use --map COLUMN=field",
    ),
    "import_bad_map": (
        "--map 参数无效：{item}（格式为 列名=字段，字段可为：{fields}）",
        "invalid --map: {item} (expected COLUMN=field, field one of: {fields})",
    ),
    "import_unknown_sheet": ("找不到工作表：{sheet}（文件中有：{sheets}）", "no such sheet: {sheet} (the file has: {sheets})"),
    "import_row_no_identity": ("既无姓名也无单位", "neither a name nor an organization"),
    "import_row_too_long": ("内容过长（最多 {limit} 个字符）", "too long (at most {limit} characters)"),
    "import_row_bad_status": (
        "无法识别的邀请状态「{value}」（可用：{choices}）",
        "unknown invitation status “{value}” (use: {choices})",
    ),
    "import_conflict": ("{field}：已有「{existing}」，名单为「{incoming}」", "{field}: the record has “{existing}”, the list “{incoming}”"),
    "import_summary_head": ("{file}：读取 {rows} 行（{format}；工作表：{sheets}）", "{file}: {rows} rows read ({format}; sheets: {sheets})"),
    "import_summary_created": (
        "新建：客商 {contacts} 位，单位 {organizations} 家，邀请 {invitations} 条",
        "created: {contacts} contacts, {organizations} organizations, {invitations} invitations",
    ),
    "import_summary_would_create": (
        "将新建：客商 {contacts} 位，单位 {organizations} 家，邀请 {invitations} 条",
        "would create: {contacts} contacts, {organizations} organizations, {invitations} invitations",
    ),
    "import_summary_updated": (
        "补全已有客商 {contacts} 位、单位 {organizations} 家（只填空白字段）；重复 {duplicates} 行；拒绝 {errors} 行",
        "completed {contacts} known contacts and {organizations} organizations (blank fields only); "
        "{duplicates} duplicates; {errors} rows rejected",
    ),
    "import_summary_batch": ("导入批次 {batch}（撤销：crm import undo {batch}）", "import batch {batch} (undo: crm import undo {batch})"),
    "import_dry_run": ("试运行：未写入任何数据", "dry run: nothing was written"),
    "import_nothing_changed": ("无变化：文件内容与已有记录相同，未记录导入批次",
                               "nothing changed: the records already hold what the file says; no import batch recorded"),
    "import_strict_refused": (
        "严格模式：{errors} 行被拒绝，未写入任何数据",
        "strict: {errors} rows rejected, nothing was written",
    ),
    "import_errors_head": ("{count} 行被拒绝：", "{count} rows rejected:"),
    "import_error_line": ("{sheet} 第 {row} 行{column}：{message}", "{sheet} row {row}{column}: {message}"),
    "import_more": ("……另有 {count} 行（用 --errors-out 文件 导出全部）", "… and {count} more (export them all with --errors-out FILE)"),
    "import_more_conflicts": ("……另有 {count} 处", "… and {count} more"),
    "import_conflicts_head": (
        "{count} 处与已有记录不一致（未覆盖，请核对）：",
        "{count} values differ from the records (not overwritten, please check):",
    ),
    "import_unknown_columns": (
        "工作表「{sheet}」中未识别的列已忽略：{columns}（可用 --map 列名=字段 指明）",
        "sheet {sheet}: unknown columns ignored: {columns} (use --map COLUMN=field)",
    ),
    "import_sheet_no_header": ("工作表「{sheet}」中找不到表头，已跳过", "sheet {sheet}: no header row found, skipped"),
    "import_skipped_sheets": (
        "隐藏的工作表未导入：{sheets}（可用 --sheet 指定）",
        "hidden sheets not imported: {sheets} (name them with --sheet)",
    ),
    "import_same_file": ("此文件已导入过（批次 {batch}），已有的记录不会重复新建", "this file was imported before (batch {batch}): nothing known is created again"),
    "import_errors_written": (
        "被拒绝的 {count} 行已写入 {path}，修改后可重新导入",
        "{count} rejected rows written to {path}: fix them and import that file",
    ),
    "import_no_errors_to_write": ("没有被拒绝的行，未写入 {path}", "no rejected rows: {path} not written"),
    "import_unknown_batch": ("找不到导入批次：{batch}", "no such import batch: {batch}"),
    "import_already_undone": ("批次 {batch} 已于 {at} 撤销", "batch {batch} was already undone on {at}"),
    "import_undo_changed": (
        "无法撤销：该批次涉及的 {count} 条记录在导入后又被修改过（请先撤销之后的修改或导入）",
        "cannot undo: {count} records of this batch were changed after the import (undo the later changes first)",
    ),
    "import_undo_referenced": (
        "无法撤销：该批次新建的客商或单位已被其他记录引用 {count} 处（如项目、之后的导入）",
        "cannot undo: {count} other records (projects, later imports…) use contacts or organizations this batch created",
    ),
    "import_undone": (
        "已撤销批次 {batch}：删除客商 {contacts} 位、单位 {organizations} 家、邀请 {invitations} 条，恢复 {restored} 条记录",
        "batch {batch} undone: {contacts} contacts, {organizations} organizations and {invitations} invitations "
        "removed, {restored} records restored",
    ),
    "interrupted": ("已中断，未保存任何更改", "interrupted; nothing was saved"),
    "usage": ("用法错误：{detail}", "usage error: {detail}"),
    # History, deleting and restoring records (crm history, crm projects delete|restore)
    "unknown_record": (
        "找不到记录：{ref}（项目如 P00012，活动如 A2，客商 C#12，单位 O#3，邀请 I#5，问题 #7）",
        "no such record: {ref} (project P00012, event A2, contact C#12, organization O#3, invitation I#5, problem #7)",
    ),
    "record_already_deleted": ("{what} 已删除", "{what} is already deleted"),
    "record_not_deleted": ("{what} 未被删除，无需恢复", "{what} is not deleted: nothing to restore"),
    "field_not_editable": ("字段 {field} 不能直接修改", "the field {field} cannot be edited directly"),
    "record_deleted": ("已删除 {what}（可用 restore 恢复）", "{what} deleted (undo with restore)"),
    "record_restored": ("已恢复 {what}", "{what} restored"),
    "history_empty": ("{what} 没有变更记录", "{what} has no recorded changes"),
    "db_permission": (
        "数据库用户权限不足：{reason}（结构变更与恢复须由数据库所有者执行，如 crm db upgrade）",
        "the database user lacks the right: {reason} (schema changes and restores are the owner's: e.g. crm db upgrade)",
    ),
    # Backups and restores (crm backup, crm restore)
    "backup_written_kind": ("已备份到 {path}（{kind}）", "backup written to {path} ({kind})"),
    "backup_pg_dump_mismatch": (
        "pg_dump {client} 与服务器 {server} 主版本不同，改用可移植格式备份",
        "pg_dump {client} does not match the server {server}: writing a portable backup instead",
    ),
    "backup_tool_failed": ("{tool} 失败：{reason}；数据库未改动", "{tool} failed: {reason}; the database was not changed"),
    "backup_pg_dump_denied": (
        "本数据库用户无权用 pg_dump 备份（{reason}）：请用所有者账号备份，或加 --portable",
        "this database user may not back up with pg_dump ({reason}): use the owner's account, or add --portable",
    ),
    "restore_not_a_backup": (
        "{path} 不是可识别的备份（SQLite 数据库、pg_dump 自定义格式或本程序的可移植备份）",
        "{path} is not a backup this program reads (a SQLite database, a pg_dump custom-format file or a portable backup)",
    ),
    "restore_broken_file": ("备份文件损坏：{path}（{reason}）；数据库未改动", "the backup file is damaged: {path} ({reason}); the database was not changed"),
    "restore_target_has_data": (
        "目标数据库已有数据（{url}）；确认覆盖请加 --force",
        "the target database already holds data ({url}); add --force to overwrite it",
    ),
    "restore_pg_dump_needs_pg": (
        "{path} 是 PostgreSQL 备份，只能恢复到 PostgreSQL；如需换库，请用 crm backup --portable 重新备份",
        "{path} is a PostgreSQL dump and restores only into PostgreSQL; for another database make a backup with --portable",
    ),
    "restore_pg_extra_tables": (
        "目标数据库有备份中没有的表（{tables}）：请恢复到空数据库，再运行 crm db upgrade",
        "the target database has tables the backup lacks ({tables}): restore into an empty database, then run crm db upgrade",
    ),
    "backup_newer_than_app": (
        "备份的数据库版本 {revision} 比本程序新，请升级程序",
        "the backup is at revision {revision}, newer than this program: upgrade the program",
    ),
    "restored": ("已从 {path} 恢复到 {url}（{rows} 行）", "restored {path} into {url} ({rows} rows)"),
    # Plain output
    "project_added": ("已添加项目 {ref}", "project {ref} added"),
    "stage_recorded": ("已记录：{ref} {stage}（{date}）", "recorded: {ref} {stage} on {date}"),
    "followup_recorded": ("已记录跟踪服务：{ref}（{date}）", "follow-up recorded: {ref} on {date}"),
    "demo_loaded": (
        "演示数据已载入 {url}：{events} 个活动/会议，{projects} 个项目，{contacts} 位客商",
        "demo loaded into {url}: {events} events, {projects} projects, {contacts} contacts",
    ),
    "db_upgraded": ("数据库已升级到 {revision}：{url}", "database upgraded to {revision}: {url}"),
    "db_backup_taken": ("迁移前已备份：{path}", "backup taken before migration: {path}"),
    "db_current": ("数据库版本：{revision}（最新：{head}）", "database revision: {revision} (head: {head})"),
    "db_check_ok": ("数据库结构与程序一致", "the database schema matches the program"),
    "db_check_failed": ("数据库结构与程序不一致：{diff}", "the database schema differs from the program: {diff}"),
    "none": ("无", "none"),
    # Contacts, merges and invitations (crm contacts …, crm invitations …)
    "unknown_contact": ("找不到联系人：{id}", "no such contact: {id}"),
    "merge_same_contact": ("不能把联系人 {id} 与自己合并", "cannot merge contact {id} into itself"),
    "merge_unknown_field": ("未知字段：{field}（可选：{choices}）", "unknown field: {field} (known: {choices})"),
    "unknown_merge": ("找不到合并记录：{id}", "no such merge: {id}"),
    "no_merge_to_undo": ("联系人 {id} 没有可撤销的合并", "contact {id} has no merge to undo"),
    "merge_already_undone": ("合并 {id} 已撤销", "merge {id} was already undone"),
    "merge_changed_since": (
        "合并后「{name}」或其邀请已被修改，撤销将覆盖这些修改，未撤销",
        "{name} or an invitation changed after the merge; undoing would overwrite that, so nothing was undone",
    ),
    "merge_done": ("已将联系人 {merged} 合并到 {kept}（合并记录 {id}）", "contact {merged} merged into {kept} (merge {id})"),
    "merge_undone": ("已撤销合并 {id}：{merged} 与 {kept} 已恢复", "merge {id} undone: {merged} and {kept} restored"),
    "unknown_invitation": ("活动 {event} 中没有邀请 {id}", "event {event} has no invitation {id}"),
    "invitation_status_refused": (
        "{count} 条邀请不能改为「{target}」（如 #{id} 当前为「{current}」），未作任何修改；加 --skip-refused 只改其余",
        "{count} invitations cannot become {target} (e.g. #{id} is {current}); nothing changed. "
        "Add --skip-refused to change the others",
    ),
    "invitation_already_attended": ("已出席，不能再改", "already attended"),
    "invitation_decline_needs_invite": ("尚未邀请，不能记为婉拒", "not invited yet, cannot decline"),
    "invitation_status_backwards": ("邀请状态只能前进", "statuses only move forward"),
    "invitations_changed": (
        "已改为「{status}」：{changed} 条；原已是该状态：{unchanged} 条；未改：{refused} 条",
        "set to {status}: {changed}; already so: {unchanged}; refused: {refused}",
    ),
    # Exports (crm export …)
    "week_in_future": ("周次 {value} 尚未开始（今天是 {today}）", "week {value} has not begun yet (today is {today})"),
    "bad_month": ("月份无效：{value}（应为 YYYY-MM，如 2026-11）", "invalid month: {value} (expected YYYY-MM, e.g. 2026-11)"),
    "bad_quarter": ("季度无效：{value}（应为 YYYY-Qn，如 2026-Q4）", "invalid quarter: {value} (expected YYYY-Qn, e.g. 2026-Q4)"),
    "month_in_future": ("月份 {value} 尚未开始（今天是 {today}）", "month {value} has not begun yet (today is {today})"),
    "quarter_in_future": ("季度 {value} 尚未开始（今天是 {today}）", "quarter {value} has not begun yet (today is {today})"),
    "export_not_xlsx": ("输出文件须以 .xlsx 结尾：{path}", "the output file must end in .xlsx: {path}"),
    "export_not_docx": ("Word 文档须以 .docx 结尾：{path}", "the Word document must end in .docx: {path}"),
    "export_written": ("已导出 {path}（{sheets}）", "exported {path} ({sheets})"),
    "export_not_ics": ("日历文件须以 .ics 结尾：{path}", "the calendar file must end in .ics: {path}"),
    "calendar_not_staff": ("{login} 不在工作人员名单中，没有属于本人的事项（crm staff add 添加）",
                           "{login} is not on the staff list: nothing is theirs (add them with crm staff add)"),
    # Event times (crm.rules.when)
    "bad_when": ("时间无法识别：{value}（可写 2026-03-15、2026-04-15..2026-04-16、2026-03、2026-Q2、2026-H2、"
                 "2026年3月中旬、二季度、下半年、待定）",
                 "cannot read the time: {value} (write 2026-03-15, 2026-04-15..2026-04-16, 2026-03, 2026-Q2, 2026-H2, "
                 "2026年3月中旬, 二季度, 下半年 or 待定)"),
    "when_needs_year": ("时间 {value} 未写年份，且不知所属方案的年度", "the time {value} has no year and no programme gives one"),
    "when_backwards": ("时间 {value} 的结束早于开始", "the time {value} ends before it begins"),
    "value_out_of_range": ("输入的数值或文字超出允许范围（未作任何修改）", "a value given is out of the allowed range (nothing changed)"),
    "bad_text_encoding": ("文字编码无法识别（请使用 UTF-8）", "the text's encoding cannot be read (use UTF-8)"),
    "bad_config": ("配置文件有误：{path}（{reason}）", "the configuration file is broken: {path} ({reason})"),
    "db_folder_missing": ("数据库文件夹不存在：{path}（请检查 --db 路径；只有默认位置会自动创建）",
                          "the database's folder does not exist: {path} (check --db; only the default location is created)"),
    "db_is_folder": ("数据库路径是一个文件夹，不是数据库文件：{path}（请检查 --db 路径，如 {path}/crm.sqlite3；未作任何改动）",
                     "the database path is a folder, not a database file: {path} (check --db, e.g. {path}/crm.sqlite3; "
                     "nothing was changed)"),
    "db_not_sqlite": ("不是 SQLite 数据库文件：{path}（未作任何改动）", "not a SQLite database file: {path} (left as it was)"),
    "db_not_crm": ("这是其他程序的数据库，不是本系统的：{path}（未作任何改动）",
                   "this database belongs to another program, not to crm: {path} (left as it was)"),
    # --- programmes, events, reference lists ---
    "text_too_long": ("{field}过长：{length} 个字符（最多 {limit} 个）", "{field} is too long: {length} characters (at most {limit})"),
    "bad_scale": ("规模无法识别：{value}（可写 200、约200人、150-200）", "cannot read the scale: {value} (write 200, 约200人 or 150-200)"),
    "bad_quota": ("项目数要求无法识别：{value}（可写 5-8 或 5-8:光伏）", "cannot read the quota: {value} (write 5-8 or 5-8:光伏)"),
    "bad_event_kind": ("未知的活动类型：{value}（可选：{choices}）", "unknown event kind: {value} (known: {choices})"),
    "bad_event_level": ("活动层级无效：{value}（provincial 以省政府名义，city 以设区市为主）",
                        "invalid event level: {value} (provincial = in the name of the provincial government, city)"),
    "unknown_programme": ("找不到活动方案：{ref}", "no such programme: {ref}"),
    "programme_needed": ("请用 --programme 指定活动所属的方案（crm programmes list）",
                         "name the event's programme with --programme (see crm programmes list)"),
    "parent_other_programme": ("上级活动 {parent} 不属于方案 {programme}", "the parent activity {parent} is not in programme {programme}"),
    "meeting_outside_activity": (
        "会议「{meeting}」的时间（{meeting_when}）不在所属活动 {activity} 的时间（{activity_when}）之内",
        "the meeting {meeting} ({meeting_when}) falls outside the time of its activity {activity} ({activity_when})",
    ),
    "parent_is_self": ("活动不能是自己的上级或下级", "an event cannot be its own parent or descendant"),
    "parent_is_meeting_with_plan": ("上级活动 {parent} 本身已有工作方案报送记录，不能再下设会议",
                                    "the parent {parent} already has a plan filed as a meeting: it cannot hold meetings"),
    "event_exists": ("方案 {programme} 中已有同名活动：{ref} {title}", "programme {programme} already has an event of that title: {ref} {title}"),
    "programme_exists": ("已有 {year} 年的同名方案：{ref}", "a programme of {year} with that title exists: {ref}"),
    "bad_year": ("年度无效：{value}（应为 1950—2200 之间的四位年份）", "invalid year: {value} (a year from 1950 to 2200)"),
    "unknown_unit_kind": ("未知的单位类型：{value}（可选：{choices}）", "unknown unit kind: {value} (known: {choices})"),
    "unit_exists": ("单位已存在：{name}", "the unit already exists: {name}"),
    "park_needs_parent": ("园区/县区单位须隶属于一个设区市单位：{name}（用 --parent 指明，如 --parent 南昌市政府）",
                          "a park or county must be under a city's unit: {name} (name it with --parent, e.g. "
                          "--parent 南昌市政府)"),
    "park_parent_not_city": ("园区/县区单位须隶属于设区市或县区单位：{name} 的上级 {parent} 是{kind}单位",
                             "a park or county must be under a city's (or a county's) unit: {parent}, above {name}, "
                             "is a {kind} unit"),
    "city_unit_needs_city": ("设区市单位须注明所在城市：{name}（用 --city 指明，如 --city 南昌）",
                             "a city's unit needs its city: {name} (name it with --city, e.g. --city 南昌)"),
    "unit_parent_cycle": ("单位不能隶属于自己或自己的下级：{name}", "a unit cannot be under itself: {name}"),
    "industry_exists": ("产业已存在：{name}", "the industry already exists: {name}"),
    "region_exists": ("地区已存在：{name}", "the region already exists: {name}"),
    "reference_added": ("已新增{what}：{name}", "{what} added: {name}"),
    "park_in_another_city": ("园区 {name} 在 {city}，而上级单位 {parent} 不在：园区归所在市的单位",
                             "park {name} is in {city} but {parent} is not: a park stands under its own city's unit"),
    "units_added": ("已新增单位：{names}", "units added: {names}"),
    "places_added": ("已新增省外举办地：{names}（若是笔误，请改正活动的 --city）",
                     "places outside the province added: {names} (if mistyped, correct the event's --city)"),
    "event_added": ("已新增活动 {ref}：{title}（{when}）", "event {ref} added: {title} ({when})"),
    "event_move_not_yours": ("活动 {ref} 将因此由{old}改归{unit}：只有省级用户可以这样修改",
                             "event {ref} would move from {old} to {unit}: only provincial users may make that change"),
    "event_moved": ("活动 {ref} 改归{unit}（原属{old}），其会议和以原单位名义的邀请随之改归",
                    "event {ref} now belongs to {unit} (was {old}); its meetings and the invitations made in the "
                    "old unit's name went with it"),
    "event_edited": ("已修改活动 {ref}：{fields}", "event {ref} edited: {fields}"),
    "programme_added": ("已新增活动方案 {ref}：{title}", "programme {ref} added: {title}"),
    "programme_edited": ("已修改活动方案 {ref}：{fields}", "programme {ref} edited: {fields}"),
    "programme_copied": ("已复制为 {year} 年方案 {ref}：{events} 个活动/会议（日期均未确定）",
                         "copied into programme {ref} of {year}: {events} events and meetings (no date fixed)"),
    # --- value rules ---
    "integer_out_of_range": ("数值超出范围：{value}（应为 {low} 至 {high} 之间的整数）",
                             "number out of range: {value} (expected a whole number from {low} to {high})"),
    "search_too_long": ("查找内容过长：{length} 个字符（最多 {limit} 个）", "the search is too long: {length} characters (at most {limit})"),
    "contract_not_convertible": ("项目 {ref} 签约即为合同项目，无需转化", "project {ref} was signed as a contract: nothing to convert"),
    "already_converted": (
        "项目 {ref} 已于 {date} 转为合同项目；日期有误请更正：crm projects convert {ref} --on 日期 --why 原因",
        "project {ref} became a contract on {date}; to correct the date: crm projects convert {ref} --on DATE --why REASON",
    ),
    "not_converted": ("项目 {ref} 尚未转为合同项目，没有可更正的转化日期", "project {ref} has not become a contract: no date to correct"),
    # --- output language ---
    # argparse's own words (crm.cli.main.argparse_language): the English is argparse's text to the letter,
    # filled in by argparse with %.
    "argparse_usage": ("用法：", "usage: "),
    "argparse_positionals": ("位置参数", "positional arguments"),
    "argparse_options": ("选项", "options"),
    "argparse_help": ("显示帮助并退出", "show this help message and exit"),
    "argparse_required": ("缺少必需的参数：%s", "the following arguments are required: %s"),
    "argparse_one_required": ("须给出以下参数之一：%s", "one of the arguments %s is required"),
    "argparse_unrecognized": ("无法识别的参数：%s", "unrecognized arguments: %s"),
    "argparse_argument": ("参数 %(argument_name)s：%(message)s", "argument %(argument_name)s: %(message)s"),
    "argparse_invalid_choice": ("无效的选择：%(value)r（可选：%(choices)s）",
                                "invalid choice: %(value)r (choose from %(choices)s)"),
    "argparse_invalid_value": ("无效的值：%(value)r", "invalid %(type)s value: %(value)r"),
    "argparse_not_allowed": ("不能与参数 %s 同时使用", "not allowed with argument %s"),
    "argparse_expected_one": ("需要一个值", "expected one argument"),
    "argparse_expected_at_least_one": ("至少需要一个值", "expected at least one argument"),
    "argparse_expected_at_most_one": ("最多一个值", "expected at most one argument"),
    "argparse_expected_n": ("需要 %s 个值", "expected %s argument"),
    "argparse_expected_ns": ("需要 %s 个值", "expected %s arguments"),
    "argparse_ambiguous": ("选项 %(option)s 不明确，可能是：%(matches)s", "ambiguous option: %(option)s could match %(matches)s"),
    "argparse_ignored_value": ("该选项不带值：%r", "ignored explicit argument %r"),
    # --- invitee lists as sent ---
    "import_refused_html": (
        "{path} 是网页（HTML），其中没有表格（可能是登录页或出错页），请重新导出名单",
        "{path} is a web page (HTML) without a table (a login or error page?): export the list again",
    ),
    "import_refused_html_tables": ("{path} 中的表格超过 {limit} 个，不像名单，已拒绝",
                                   "{path} holds more than {limit} tables, not a list, refused"),
    "import_refused_html_cell": ("{path} 的工作表 {sheet} 有单元格超过 {limit} 个字符（上限），已拒绝",
                                 "{path}: sheet {sheet} has a cell longer than {limit} characters, the limit, refused"),
    "import_refused_no_name_column": (
        "{path}：工作表「{sheet}」有手机、邮箱或职务列，却没有可识别的姓名列（未识别的列：{columns}）；"
        "若其中一列是姓名，请用 --map \"{column}=name\" 指明，不导入的列用 --map \"列名=ignore\"",
        "{path}: sheet {sheet} has mobile, email or title columns but no name column it knows (columns not "
        "recognised: {columns}); if one of them holds the names, say so with --map \"{column}=name\", and drop "
        "the others with --map \"COLUMN=ignore\"",
    ),
    "import_row_bad_mobile": (
        "不是手机号码：{value}（如 13800138000，境外号码如 +852 9123 4567；座机请填在电话列）",
        "not a mobile number: {value} (e.g. 13800138000, or +852 9123 4567 from abroad; a landline goes in the "
        "phone column)",
    ),
    # --- file bounds ---
    "import_refused_limit_parts": ("{path} 含有超过 {limit} 个组成部分，疑似压缩炸弹，已拒绝",
                                   "{path} holds more than {limit} parts: possible zip bomb, refused"),
    "import_refused_limit_part": ("{path} 的 {part} 解压后超过 {limit} 的上限，疑似压缩炸弹，已拒绝",
                                  "{path}: {part} inflates past the limit of {limit}: possible zip bomb, refused"),
    "import_refused_limit_package": ("{path} 解压后合计超过 {limit} 的上限，疑似压缩炸弹，已拒绝",
                                     "{path} inflates past the limit of {limit} in all: possible zip bomb, refused"),
    "import_refused_limit_ratio": ("{path} 的 {part} 压缩比超过 {limit}:1 的上限，疑似压缩炸弹，已拒绝",
                                   "{path}: {part} inflates more than {limit}:1, the limit: possible zip bomb, refused"),
    "import_refused_limit_rows": ("{path} 的工作表 {sheet} 超出第 {limit} 行（行数上限），不像名单，已拒绝",
                                  "{path}: sheet {sheet} goes past row {limit}, the limit, refused"),
    "import_refused_limit_columns": ("{path} 的工作表 {sheet} 超出第 {limit} 列（列数上限），不像名单，已拒绝",
                                     "{path}: sheet {sheet} goes past column {limit}, the limit, refused"),
    "import_refused_limit_area": (
        "{path} 的工作表 {sheet} 从首个到末个单元格超过 {limit} 格（行数×列数上限），不像名单，已拒绝",
        "{path}: sheet {sheet} spans more than {limit} cells (rows × columns) from its first cell to its last, "
        "the limit, refused",
    ),
    "import_refused_limit_cells": ("{path} 的工作表 {sheet} 超过 {limit} 个单元格（单元格数上限），不像名单，已拒绝",
                                   "{path}: sheet {sheet} writes more than {limit} cells, the limit, refused"),
    "import_refused_limit_strings": ("{path} 的共享字符串超过 {limit} 个（上限），已拒绝",
                                     "{path} holds more than {limit} shared strings, the limit, refused"),
    "import_refused_limit_line": ("{path} 第 {line} 行超过 {limit} 个字符（上限），已拒绝",
                                  "{path}: line {line} is longer than {limit} characters, the limit, refused"),
    # --- programme import ---
    "import_refused_no_programme_header": (
        "{path} 中找不到活动安排表的表头（如 序号、活动名称、时间、地点、承办单位）",
        "{path}: no programme table header found (such as 活动名称/Title, 时间/Time, 地点/Place, 承办单位/Hosts)",
    ),
    "import_programme_same_title": (
        "与 {sheet} 第 {row} 行的活动同名（方案中的活动以名称区分）",
        "the same title as {sheet} row {row} (a programme's events are told apart by their titles)",
    ),
    "import_programme_activity_rejected": (
        "所属活动（第 {row} 行）未能导入", "its activity (row {row}) was not imported",
    ),
    "import_programme_summary_created": (
        "新建：活动 {events} 个，单位 {units} 家，产业 {industries} 个",
        "created: {events} events, {units} units, {industries} industries",
    ),
    "import_programme_summary_would_create": (
        "将新建：活动 {events} 个，单位 {units} 家，产业 {industries} 个",
        "would create: {events} events, {units} units, {industries} industries",
    ),
    "import_programme_summary_updated": (
        "更新已有活动 {events} 个；拒绝 {errors} 行", "{events} known events updated; {errors} rows rejected",
    ),
    "import_programme_undo_referenced": (
        "无法撤销：该批次新建的活动、单位或产业已被其他记录引用 {count} 处（如邀请、签约项目、之后添加的会议）",
        "cannot undo: {count} other records (invitations, projects, meetings added since…) use events, units or "
        "industries this batch created",
    ),
    "import_programme_undone": (
        "已撤销批次 {batch}：删除活动 {events} 个、单位 {units} 家、产业 {industries} 个，恢复 {restored} 个活动",
        "batch {batch} undone: {events} events, {units} units and {industries} industries removed, "
        "{restored} events restored",
    ),
    # --- target tables (crm targets import) ---
    "import_refused_no_targets_header": (
        "{path} 中找不到目标任务表的表头（如 单位/设区市、签约项目数、签约金额、到位资金、开工项目数）",
        "{path}: no target table header found (such as 单位/Unit, 签约项目数, 签约金额/Signed amount, 到位资金/Funds, "
        "开工项目数/Started)",
    ),
    "import_targets_no_year": (
        "工作表 {sheet} 没有年度列，标题中也没有（唯一的）年度：请用 --year 指明目标年度",
        "sheet {sheet} has no year column and its title names no single year: say the year with --year",
    ),
    "import_targets_other_year": ("年度为 {value}，与 --year {year} 不符", "the year is {value}, not --year {year}"),
    "import_targets_one_industry": (
        "一行只能是一个产业的目标：{value}（若此列不是目标所属产业，用 --map \"列名=ignore\" 忽略）",
        "one industry per row: {value} (if this column is not the target's industry, drop it with "
        "--map \"COLUMN=ignore\")",
    ),
    "import_targets_same_unit": (
        "与 {sheet} 第 {row} 行是同一单位（{unit}）、同一年度和产业的目标",
        "the same unit ({unit}), year and industry as {sheet} row {row}",
    ),
    "import_targets_summary_created": ("新建目标 {targets} 项", "created: {targets} targets"),
    "import_targets_summary_would_create": ("将新建目标 {targets} 项", "would create: {targets} targets"),
    "import_targets_summary_updated": (
        "更改已有目标 {targets} 项；拒绝 {errors} 行", "{targets} known targets changed; {errors} rows rejected",
    ),
    "import_targets_amount_stated": (
        "工作表 {sheet}：［{column}］按{unit}读取，折算为万元", "sheet {sheet}: [{column}] read in {unit}, as 万元",
    ),
    "import_targets_amount_assumed": (
        "工作表 {sheet}：［{column}］未注明金额单位，按万元读取（如为亿元，请在表头写明“（亿元）”）",
        "sheet {sheet}: [{column}] names no unit: read as 万元 (if it is 亿元, write “（亿元）” in its header)",
    ),
    "import_targets_undone": (
        "已撤销批次 {batch}：删除目标 {targets} 项，恢复原值 {restored} 项",
        "batch {batch} undone: {targets} targets removed, {restored} set back to their old values",
    ),
    # --- corrections of appended records ---
    "unknown_followup": ("找不到跟踪服务记录：{ref}", "no such follow-up: {ref}"),
    "unknown_figure": ("找不到资金数据：{ref}", "no such figure: {ref}"),
    "record_superseded": (
        "{what} #{id} 已于 {date} 被更正或重新打开，当前记录为 #{current}，请对 #{current} 操作",
        "{what} #{id} was corrected or reopened on {date}; the current record is #{current}: use #{current}",
    ),
    "record_retracted": ("{what} #{id} 已于 {date} 撤销，不能再更改", "{what} #{id} was retracted on {date}: it cannot change"),
    "correction_changes_nothing": (
        "更正后的内容与{what} #{id} 相同，未作更正",
        "the correction leaves {what} #{id} as it is: nothing recorded",
    ),
    "problem_not_resolved": ("{what} #{id} 尚未办结，无需重新打开", "{what} #{id} is not resolved: nothing to reopen"),
    "record_corrected": ("已更正{what} #{old}，当前记录为 #{new}", "{what} #{old} corrected: the current record is #{new}"),
    "record_withdrawn": ("已撤销{what} #{old}（撤销记录 #{new}）", "{what} #{old} retracted (retraction #{new})"),
    "problem_reopened": (
        "问题 #{old} 已于 {date} 重新打开，当前记录为 #{new}",
        "problem #{old} reopened on {date}: the current record is #{new}",
    ),
    # --- contacts, organizations and invitations by hand ---
    "bad_mobile": ("手机号码无效：{value}（如 13800138000，境外号码如 +852 9123 4567）",
                   "not a mobile number: {value} (e.g. 13800138000, or +852 9123 4567 from abroad)"),
    "bad_email": ("邮箱无效：{value}（如 name@example.com）", "not an email address: {value} (e.g. name@example.com)"),
    "unknown_org_kind": ("未知的单位类型：{value}（可选：{choices}）", "unknown organization kind: {value} (known: {choices})"),
    "unknown_organization": ("找不到单位：{id}", "no such organization: {id}"),
    "contact_likely_duplicate": (
        "可能与已有联系人重复（{matched}）：{name}，{organization}，{mobile}，编号 C#{id}；确为另一人请加 --allow-duplicate",
        "likely a duplicate ({matched}) of {name}, {organization}, {mobile}, id C#{id}; "
        "add --allow-duplicate if this is another person",
    ),
    # The same refusal in the workbench, which asks instead of naming the command-line flag.
    "contact_likely_duplicate_workbench": (
        "可能与已有联系人重复（{matched}）：{name}，{organization}，{mobile}，编号 C#{id}；确为另一人请再次保存并选“仍然添加”",
        "likely a duplicate ({matched}) of {name}, {organization}, {mobile}, id C#{id}; "
        "if this is another person, save again and choose “Add anyway”",
    ),
    "contact_likely_duplicate_question": (
        "可能与已有联系人重复（{matched}）：\n{name}，{organization}，{mobile}，编号 C#{id}\n\n这是另一个人吗？仍然添加？",
        "Likely a duplicate ({matched}) of\n{name}, {organization}, {mobile}, id C#{id}\n\nIs this another person? Add anyway?",
    ),
    "add_anyway": ("仍然添加 (Y)", "Add anyway (Y)"),
    "do_not_add": ("不添加 (N)", "Don't add (N)"),
    "organization_exists": ("已有同名单位：{name}（O#{id}）；名称相同即为同一单位",
                            "an organization of that name exists: {name} (O#{id}); the same name is the same organization"),
    "organization_exists_deleted": (
        "已有同名单位：{name}（O#{id}，已删除；可用 crm organizations restore O#{id} 恢复）",
        "an organization of that name exists: {name} (O#{id}, deleted; bring it back with crm organizations restore O#{id})",
    ),
    "contact_added": ("已添加联系人 C#{id}：{name}", "contact C#{id} added: {name}"),
    "contact_edited": ("已修改联系人 C#{id}：{fields}", "contact C#{id} edited: {fields}"),
    "organization_added": ("已添加单位 O#{id}：{name}", "organization O#{id} added: {name}"),
    "organization_edited": ("已修改单位 O#{id}：{fields}", "organization O#{id} edited: {fields}"),
    "record_unchanged": ("{what} 未修改：所给的值与现有的相同", "{what} unchanged: it already has the values given"),
    "with_organization_added": ("（新建单位：{name}）", " (new organization: {name})"),
    "with_organization_restored": ("（已恢复已删除的单位：{name}）", " (the deleted organization {name} was restored)"),
    "invitation_add_status": ("手工添加的邀请只能是「拟邀请」或「已邀请」", "an invitation added by hand is proposed or invited"),
    "invitations_added": (
        "活动 {event}：新增邀请 {added} 条，恢复 {restored} 条；已在名单中 {already} 位",
        "event {event}: {added} invitations added, {restored} restored; {already} already on the list",
    ),
    "invitation_remove_not_proposed": (
        "邀请 #{id} 为「{status}」，只有「拟邀请」可以移除，未作任何修改；对方不来请改为「婉拒」"
        "（crm invitations set-status {event} --status declined {id}）",
        "invitation #{id} is {status}: only a proposed one can be removed, nothing changed; if the guest is not "
        "coming, mark it declined (crm invitations set-status {event} --status declined {id})",
    ),
    "invitations_removed": (
        "已从活动 {event} 移除拟邀请 {count} 条（再次添加即恢复）",
        "{count} proposed invitations removed from event {event} (adding them again restores them)",
    ),
    # --- workbench forms ---
}


def set_language(lang: str | None) -> None:
    global _current
    if lang:
        if lang not in LANGUAGES:
            raise ValueError(lang)
        _current = lang


def language() -> str:
    return _current


def t(key: str, **params) -> str:
    zh, en = MESSAGES[key]
    template = zh if _current == "zh" else en
    return template.format(**params) if params else template


def pick(zh: str, en: str) -> str:
    """For labels kept beside their data (stage names, column titles)."""
    return zh if _current == "zh" else en
