"""crm milestones add|correct|retract: 入库/纳统, 入规, 达产 of signed projects."""
from __future__ import annotations

from crm.cli.cmd_followups import add_corrections, given, record
from crm.cli.context import print_json
from crm.dates import parse_date
from crm.i18n import pick, t

KINDS = ("in_statistics", "above_size", "full_capacity")


def register(commands) -> None:
    top = commands.add_parser("milestones", help=pick("项目落地后的节点：入库纳统、入规、达产", "post-landing milestones"))
    sub = top.add_subparsers(dest="milestones_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("add", help=pick("记录项目达到的节点", "record a milestone a project reached"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--kind", required=True, choices=KINDS, metavar=pick("节点", "KIND"),
                   help=pick("in_statistics 入库纳统 | above_size 入规 | full_capacity 达产",
                             "in_statistics | above_size | full_capacity"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--note", metavar=pick("说明", "TEXT"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)
    p = add_corrections(sub, "milestone", pick("节点记录", "a milestone"), correct)
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("正确的日期", "the right day"))
    p.add_argument("--note", metavar=pick("说明", "TEXT"))


def add(ctx) -> int:
    from crm.labels import milestone_label
    from crm.services.milestones import record_milestone

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        row = record_milestone(session, a.ref, a.kind, on=parse_date(a.on), note=a.note, actor=ctx.actor(session),
                               today=ctx.today)
        data = {"id": row.id, "ref": row.project.ref, "kind": a.kind, "on": row.reached_on.isoformat()}
    if a.json:
        print_json(data)
    else:
        print(t("milestone_recorded", ref=data["ref"], kind=milestone_label(a.kind), on=data["on"], id=data["id"]))
    return 0


def correct(ctx) -> int:
    from crm.services.corrections import correct_milestone

    a = ctx.args
    changes = given(a, (("on", "reached_on", parse_date), ("note", "note", None)))
    return record(ctx, "record_corrected", lambda session, actor: correct_milestone(
        session, a.id, changes, why=a.why, actor=actor, today=ctx.today))
