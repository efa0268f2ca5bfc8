"""crm followups add, crm problems list|raise|resolve"""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.dates import parse_date, parse_optional_date
from crm.i18n import pick, t


def register(commands) -> None:
    followups = commands.add_parser("followups", help=pick("跟踪服务", "follow-up service"))
    sub = followups.add_subparsers(dest="followups_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help=pick("记录一次跟踪服务", "record a follow-up"))
    p.add_argument("ref")
    p.add_argument("--on", required=True, metavar="DATE")
    p.add_argument("--note", required=True, help=pick("跟踪内容", "what was done"))
    p.add_argument("--kind", choices=("visit", "call", "meeting", "coordination"), default="visit")
    p.add_argument("--next-step", metavar="T")
    p.add_argument("--next-on", metavar="DATE")
    p.add_argument("--problem", metavar="T", help=pick("同时提出一个困难问题", "raise a problem at the same time"))
    p.add_argument("--problem-unit", metavar="UNIT", help=pick("问题责任单位", "unit responsible for the problem"))
    p.set_defaults(handler=add)

    problems = commands.add_parser("problems", help=pick("困难问题", "problems"))
    sub = problems.add_subparsers(dest="problems_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help=pick("问题清单", "list problems"))
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_open)
    p = sub.add_parser("raise", help=pick("提出问题", "raise a problem"))
    p.add_argument("ref")
    p.add_argument("--on", required=True, metavar="DATE")
    p.add_argument("--text", required=True)
    p.add_argument("--unit", metavar="UNIT")
    p.set_defaults(handler=raise_problem)
    p = sub.add_parser("resolve", help=pick("问题办结", "resolve a problem"))
    p.add_argument("id")
    p.add_argument("--on", required=True, metavar="DATE")
    p.add_argument("--resolution")
    p.set_defaults(handler=resolve)


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
        problem = record(session, a.ref, description=a.text, on=parse_date(a.on), unit=a.unit, actor=ctx.actor(session))
        print(problem.id)
    return 0


def resolve(ctx) -> int:
    from crm.services.followups import resolve_problem

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        problem = resolve_problem(session, a.id, on=parse_date(a.on), resolution=a.resolution)
        print(f"#{problem.id} {pick('已办结', 'resolved')} {problem.resolved_on.isoformat()}")
    return 0
