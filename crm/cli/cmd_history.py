"""crm history REF; `delete REF --reason` and `restore REF` for the command groups that offer them."""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import field_label, field_value, history_action_label


def register(commands) -> None:
    p = commands.add_parser("history", help=pick("记录的变更历史：谁、何时、改了什么", "a record's changes: who, when, what"))
    p.add_argument("ref", metavar=pick("编号", "REF"), help=pick("项目 P00012、活动 A2、客商 C#12、单位 O#3、邀请 I#5、问题 #7",
                                    "project P00012, event A2, contact C#12, organization O#3, invitation I#5, problem #7"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show_history)


def add_delete_restore(sub, entity: str) -> None:
    """Add `delete` and `restore` to a command group for one kind of record (entity = its table)."""
    p = sub.add_parser("delete", help=pick("删除（记入历史，可恢复）", "delete (recorded, can be restored)"))
    p.add_argument("ref", metavar=pick("编号", "REF"))
    p.add_argument("--reason", metavar=pick("原因", "REASON"), required=True, help=pick("删除原因", "why"))
    p.set_defaults(handler=delete_or_restore, entity=entity, restoring=False)
    p = sub.add_parser("restore", help=pick("恢复已删除的记录", "undo a deletion"))
    p.add_argument("ref", metavar=pick("编号", "REF"))
    p.add_argument("--note", metavar=pick("说明", "NOTE"), help=pick("说明", "why"))
    p.set_defaults(handler=delete_or_restore, entity=entity, restoring=True)


def show_history(ctx) -> int:
    from crm.services.history import find_record, history, local_time, record_label, record_ref

    with ctx.db.unit_of_work(write=False) as session:
        record = find_record(session, ctx.args.ref)
        rows = history(session, record)
        deleted = getattr(record, "deleted_at", None) is not None  # problems are never deleted
        what, ref, version, entity = record_label(record), record_ref(record), record.version, record.__tablename__
    if ctx.args.json:
        print_json({"ref": ref, "entity": entity, "version": version, "deleted": deleted, "changes": rows})
        return 0
    if not rows:
        print(t("history_empty", what=what))
        return 0
    print(what + (pick("（已删除）", " (deleted)") if deleted else ""))
    print_table(
        [pick("时间", "when"), pick("操作人", "who"), pick("操作", "action"), pick("字段", "field"),
         pick("原值", "old"), pick("新值", "new"), pick("版本", "version"), pick("说明", "note")],
        [[local_time(r["at"]), r["who"] or r["login"], history_action_label(r["action"]),
          r["field"] and field_label(entity, r["field"]), field_value(entity, r["field"], r["old"]),
          field_value(entity, r["field"], r["new"]), r["version"], r["note"]] for r in rows],
    )
    return 0


def delete_or_restore(ctx) -> int:
    from crm.services.editing import restore, soft_delete
    from crm.services.history import find_record, record_label

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        record = find_record(session, a.ref, entity=a.entity)
        if a.restoring:
            restore(session, record, note=a.note)
        else:
            soft_delete(session, record, reason=a.reason)
        what = record_label(record)
    print(t("record_restored" if a.restoring else "record_deleted", what=what))
    return 0
