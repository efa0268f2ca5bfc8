"""The user's language: Chinese by default, English on request (--lang en, CRM_LANG=en)."""
from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_current = os.environ.get("CRM_LANG", "zh") if os.environ.get("CRM_LANG", "zh") in LANGUAGES else "zh"

# key -> (中文, English). Parameters use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "bad_date": ("日期无效：{value}（应为 YYYY-MM-DD）", "invalid date: {value} (expected YYYY-MM-DD)"),
    "bad_week": ("周次无效：{value}（应为 YYYY-Www，如 2011-W27）", "invalid week: {value} (expected YYYY-Www, e.g. 2011-W27)"),
    "bad_amount": ("金额无效：{value}（应为不小于 0 的数字，单位万元）", "invalid amount: {value} (expected a number ≥ 0, in 万元)"),
    "bad_integer": ("数值无效：{value}（应为不小于 0 的整数）", "invalid number: {value} (expected a whole number ≥ 0)"),
    "unknown_event": ("找不到活动：{ref}", "no such event: {ref}"),
    "unknown_project": ("找不到项目：{ref}", "no such project: {ref}"),
    "unknown_problem": ("找不到问题：{ref}", "no such problem: {ref}"),
    "unknown_region": ("未知的地区：{value}", "unknown region: {value}"),
    "unknown_industry": ("未知的产业：{value}（可选：{choices}）", "unknown industry: {value} (known: {choices})"),
    "unknown_unit": ("未知的单位：{value}", "unknown unit: {value}"),
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
    "export_not_xlsx": ("输出文件须以 .xlsx 结尾：{path}", "the output file must end in .xlsx: {path}"),
    "export_written": ("已导出 {path}（{sheets}）", "exported {path} ({sheets})"),
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
