"""crm followups add|correct|retract, crm problems list|raise|resolve|correct|retract|reopen"""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.dates import parse_date, parse_optional_date
from crm.i18n import pick, t


def register(commands) -> None:
    followups = commands.add_parser("followups", help=pick("跟踪服务", "follow-up service"))
    sub = followups.add_subparsers(dest="followups_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("add", help=pick("记录一次跟踪服务", "record a follow-up"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--note", metavar=pick("内容", "NOTE"), required=True, help=pick("跟踪内容", "what was done"))
    p.add_argument("--kind", metavar=pick("方式", None),
                   choices=("visit", "call", "meeting", "coordination"), default="visit")
    p.add_argument("--next-step", metavar=pick("下步", "T"))
    p.add_argument("--next-on", metavar=pick("日期", "DATE"))
    p.add_argument("--problem", metavar=pick("问题", "T"), help=pick("同时提出一个困难问题", "raise a problem at the same time"))
    p.add_argument("--problem-unit", metavar=pick("单位", "UNIT"),
                   help=pick("问题责任单位", "unit responsible for the problem"))
    p.set_defaults(handler=add)
    p = add_corrections(sub, "followup", pick("跟踪服务", "a follow-up"), correct_followup)
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("正确的跟进日期", "the right date"))
    p.add_argument("--kind", metavar=pick("方式", None), choices=("visit", "call", "meeting", "coordination"))
    p.add_argument("--note", metavar=pick("内容", "T"), help=pick("正确的跟踪内容", "what was done"))
    p.add_argument("--next-step", metavar=pick("下步", "T"), help=pick("下步计划（空字符串清除）", "next step (\"\" clears it)"))
    p.add_argument("--next-on", metavar=pick("日期", "DATE"), help=pick("下次跟进日期（空字符串清除）", "next date (\"\" clears it)"))

    problems = commands.add_parser("problems", help=pick("困难问题", "problems"))
    sub = problems.add_subparsers(dest="problems_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("list", help=pick("问题清单", "list problems"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_open)
    p = sub.add_parser("raise", help=pick("提出问题", "raise a problem"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--text", metavar=pick("问题", "TEXT"), required=True)
    p.add_argument("--unit", metavar=pick("单位", "UNIT"))
    p.set_defaults(handler=raise_problem)
    p = sub.add_parser("resolve", help=pick("问题办结", "resolve a problem"))
    p.add_argument("id", metavar=pick("编号", "ID"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--resolution", metavar=pick("办结情况", "RESOLUTION"))
    p.set_defaults(handler=resolve)
    p = add_corrections(sub, "problem", pick("问题", "a problem"), correct_problem)
    p.add_argument("--description", metavar=pick("问题", "T"), help=pick("正确的问题描述", "the right description"))
    p.add_argument("--raised-on", metavar=pick("日期", "DATE"), help=pick("正确的提出日期", "the right day it was raised"))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"), help=pick("责任单位（空字符串清除）", "responsible unit (\"\" clears it)"))
    p = sub.add_parser("reopen", help=pick("重新打开已办结的问题", "reopen a resolved problem"))
    p.add_argument("id", metavar=pick("编号", "ID"),
                   help=pick("问题编号，如 #7（见 crm projects show）", "its id, e.g. #7 (see crm projects show)"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"), help=pick("重新打开的日期", "the day it was reopened"))
    p.add_argument("--reason", required=True, metavar=pick("原因", "T"), help=pick("重新打开的原因", "why"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=reopen)


def add_corrections(actions, kind: str, what: str, handler):
    """`correct ID … --why T` and `retract ID --why T` for the records of `kind` (crm.services.corrections.KINDS);
    returns the parser of `correct`, for the fields it can change."""
    correct = actions.add_parser("correct", help=pick(f"更正录错的{what}（另行记录，原记录保留）",
                                                      f"correct {what} (recorded, the original kept)"))
    withdraw = actions.add_parser("retract", help=pick(f"撤销录错的{what}（另行记录，原记录保留）",
                                                       f"retract {what} (recorded, the original kept)"))
    for p in (correct, withdraw):
        p.add_argument("id", metavar=pick("编号", "ID"),
                       help=pick("记录编号（见 crm projects show）", "its id (see crm projects show)"))
        p.add_argument("--why", required=True, metavar=pick("原因", "T"), help=pick("更正或撤销的原因", "why"))
        p.add_argument("--json", action="store_true", help=pick('输出新记录的编号 {"id": …}', 'print {"id": …} of the new row'))
    correct.set_defaults(handler=handler)
    withdraw.set_defaults(handler=retract, record_kind=kind)
    return correct


def given(args, options: tuple[tuple[str, str, object], ...]) -> dict:
    """The corrections asked for: {field: value} of the options given, each (dest, field, parse or None)."""
    from crm.errors import CrmError

    changes = {field: parse(raw) if parse else raw for dest, field, parse in options
               if (raw := getattr(args, dest)) is not None}
    if not changes:
        raise CrmError("nothing_to_change")
    return changes


def record(ctx, key: str, action, **params) -> int:
    """Run action(session, actor) → the new row in one unit of work, then say what was recorded."""
    from crm.services.corrections import recorded

    with ctx.db.unit_of_work() as session:
        row = action(session, ctx.actor(session))
        new_id, message = row.id, recorded(key, row, **params)
    if ctx.args.json:
        print_json({"id": new_id})
    else:
        print(message)
    return 0


def retract(ctx) -> int:
    from crm.services.corrections import retract as withdraw

    a = ctx.args
    return record(ctx, "record_withdrawn", lambda session, actor: withdraw(
        session, a.record_kind, a.id, why=a.why, actor=actor, today=ctx.today))


def correct_followup(ctx) -> int:
    from crm.services.corrections import correct_followup as correct

    a = ctx.args
    changes = given(a, (("on", "happened_on", parse_date), ("kind", "kind", None), ("note", "content", None),
                        ("next_step", "next_step", None), ("next_on", "next_on", parse_optional_date)))
    return record(ctx, "record_corrected",
                  lambda session, actor: correct(session, a.id, changes, why=a.why, actor=actor, today=ctx.today))


def correct_problem(ctx) -> int:
    from crm.services.corrections import correct_problem as correct

    a = ctx.args
    changes = given(a, (("description", "description", None), ("raised_on", "raised_on", parse_date),
                        ("unit", "unit", None)))
    return record(ctx, "record_corrected",
                  lambda session, actor: correct(session, a.id, changes, why=a.why, actor=actor, today=ctx.today))


def reopen(ctx) -> int:
    from crm.services.corrections import reopen_problem

    a = ctx.args
    on = parse_date(a.on)
    return record(ctx, "problem_reopened", lambda session, actor: reopen_problem(
        session, a.id, on=on, reason=a.reason, actor=actor, today=ctx.today), date=on.isoformat())


def add(ctx) -> int:
    from db.models import FollowUpKind

    from crm.services.followups import add_followup

    a = ctx.args
    on = parse_date(a.on)
    with ctx.db.unit_of_work() as session:
        followup = add_followup(
            session, a.ref, on=on, content=a.note, kind=FollowUpKind(a.kind), next_step=a.next_step,
            next_on=parse_optional_date(a.next_on), problem=a.problem, problem_unit=a.problem_unit,
            actor=ctx.actor(session), today=ctx.today,
        )
        ref = followup.project.ref
    print(t("followup_recorded", ref=ref, date=on.isoformat()))
    return 0


def list_open(ctx) -> int:
    from crm.services.followups import open_problems

    as_of = ctx.as_of(ctx.args.as_of)
    with ctx.db.unit_of_work(write=False) as session:
        rows = [
            {"id": p.id, "project": p.project.ref, "description": p.description, "raised_on": p.raised_on.isoformat(),
             "age_days": (as_of - p.raised_on).days,
             "responsible_unit": p.responsible_unit.name if p.responsible_unit else None}
            for p in open_problems(session, as_of)
        ]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table(["#", pick("项目", "project"), pick("问题", "problem"), pick("提出", "raised"), pick("天数", "days"),
                     pick("责任单位", "unit")], [list(r.values()) for r in rows])
    return 0


def raise_problem(ctx) -> int:
    from crm.services.followups import raise_problem as record

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        problem = record(session, a.ref, description=a.text, on=parse_date(a.on), unit=a.unit, actor=ctx.actor(session),
                         today=ctx.today)
        print(problem.id)
    return 0


def resolve(ctx) -> int:
    from crm.services.followups import resolve_problem

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        problem = resolve_problem(session, a.id, on=parse_date(a.on), resolution=a.resolution, today=ctx.today)
        print(f"#{problem.id} {pick('已办结', 'resolved')} {problem.resolved_on.isoformat()}")
    return 0
