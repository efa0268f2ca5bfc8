"""crm submit plan|summary|project REF (上报), crm review list|accept|return|history (认定 / 退回)."""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import submission_kind_label, submission_status_label, submission_step_label

KINDS = ("plan", "summary", "project")
STATUSES = ("submitted", "accepted", "returned")


def register(commands) -> None:
    submit = commands.add_parser("submit", help=pick("上报工作方案、活动总结或签约项目", "report a plan, a summary or a project up"))
    submit.add_argument("kind", choices=KINDS, metavar=pick("类型", "KIND"),
                        help=pick("plan 工作方案 | summary 活动总结 | project 签约项目", "plan | summary | project"))
    submit.add_argument("ref", metavar=pick("编号", "REF"), help=pick("活动编号或项目编号", "event or project ref"))
    submit.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("上报日期（默认今天）", "day submitted (default today)"))
    submit.add_argument("--note", metavar=pick("说明", "TEXT"), help=pick("说明", "note"))
    submit.add_argument("--json", action="store_true")
    submit.set_defaults(handler=run_submit)

    review = commands.add_parser("review", help=pick("审核上报事项（认定 / 退回）", "review what units submitted"))
    sub = review.add_subparsers(dest="review_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("list", help=pick("上报事项及其状态（待审核在前）", "submitted items and their status"))
    p.add_argument("--status", choices=STATUSES, metavar=pick("状态", "STATUS"),
                   help=pick("submitted 待审核 | accepted 已认定 | returned 已退回", "submitted | accepted | returned"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_list)
    for name, accept, zh, en in (("accept", True, "认定（审核通过）", "accept (认定)"),
                                 ("return", False, "退回，并说明原因", "return, with a reason")):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("kind", choices=KINDS, metavar=pick("类型", "KIND"), help="plan | summary | project")
        p.add_argument("ref", metavar=pick("编号", "REF"))
        p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("审核日期（默认今天）", "day decided (default today)"))
        p.add_argument("--reason", metavar=pick("原因", "TEXT"), required=not accept,
                       help=pick("退回原因", "why it is returned"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=run_decide, accept=accept)
    p = sub.add_parser("history", help=pick("一个事项的上报与审核记录", "the reporting steps of one item"))
    p.add_argument("kind", choices=KINDS, metavar=pick("类型", "KIND"), help="plan | summary | project")
    p.add_argument("ref", metavar=pick("编号", "REF"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_history)


def run_submit(ctx) -> int:
    from crm.dates import parse_optional_date
    from crm.services.actor import staff_for
    from crm.services.submissions import status_of, submit

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        s = submit(session, a.kind, a.ref, on=parse_optional_date(a.on), note=a.note,
                   actor=staff_for(session, ctx.login), today=ctx.today)
        ref = (s.project or s.event).ref
        data = {"kind": a.kind, "ref": ref, "unit": s.unit.name, "submitted_at": s.submitted_on.isoformat(),
                "status": status_of(s), "duplicate_of": s.duplicate_hint}
    if a.json:
        print_json(data)
        return 0
    print(t("submitted", ref=f"{submission_kind_label(a.kind)} {ref}", on=data["submitted_at"]))
    if data["duplicate_of"]:
        print(t("submitted_twice", ref=ref, other=data["duplicate_of"]))
    return 0


def run_list(ctx) -> int:
    from crm.services.submissions import queue

    with ctx.db.unit_of_work(write=False) as session:
        rows = queue(session, status=ctx.args.status)
    if ctx.args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print_table(
        [pick("类型", "kind"), pick("编号", "ref"), pick("名称", "title"), pick("上报单位", "unit"),
         pick("上报日期", "submitted"), pick("状态", "status"), pick("说明", "note")],
        [[submission_kind_label(r.kind), r.ref, r.title, r.unit, r.submitted_at, submission_status_label(r.status),
          r.reason or (pick(f"疑似重复上报：{r.duplicate_of}", f"looks reported twice: {r.duplicate_of}")
                       if r.duplicate_of else "")] for r in rows],
    )
    return 0


def run_decide(ctx) -> int:
    from crm.dates import parse_optional_date
    from crm.services.actor import staff_for
    from crm.services.submissions import decide, status_of

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        s = decide(session, a.kind, a.ref, accept=a.accept, reason=a.reason, on=parse_optional_date(a.on),
                   actor=staff_for(session, ctx.login), today=ctx.today)
        ref = (s.project or s.event).ref
        data = {"kind": a.kind, "ref": ref, "status": status_of(s), "decided_at": s.decided_on.isoformat(),
                "reason": s.reason}
    if a.json:
        print_json(data)
    elif a.accept:
        print(t("review_accepted", ref=f"{submission_kind_label(a.kind)} {ref}"))
    else:
        print(t("review_returned", ref=f"{submission_kind_label(a.kind)} {ref}", reason=data["reason"]))
    return 0


def run_history(ctx) -> int:
    from crm.services.submissions import history

    with ctx.db.unit_of_work(write=False) as session:
        steps = history(session, ctx.args.kind, ctx.args.ref)
    if ctx.args.json:
        print_json([{"action": s.action, "on": s.on.isoformat(), "by": s.by, "note": s.note} for s in steps])
        return 0
    print_table([pick("步骤", "step"), pick("日期", "date"), pick("经办人", "by"), pick("说明", "note")],
                [[submission_step_label(s.action), s.on.isoformat(), s.by or "", s.note or ""] for s in steps])
    return 0
