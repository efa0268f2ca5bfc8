"""crm projects add|sign|advance|correct|status|figure|convert|list|show"""
from __future__ import annotations

from crm.cli.cmd_history import add_delete_restore
from crm.cli.context import print_json, print_table
from crm.dates import parse_date, parse_optional_date
from crm.i18n import pick, t
from crm.labels import (
    amount_text,
    field_label,
    field_value,
    figure_kind_label,
    followup_kind_label,
    milestone_label,
    order_state_label,
    project_status_label,
    signing_form_label,
    step_kind_label,
    unit_label,
)


def register(commands) -> None:
    projects = commands.add_parser("projects", help=pick("签约项目", "signed projects"))
    sub = projects.add_subparsers(dest="projects_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("add", help=pick("登记签约项目（或线索/在谈项目）", "register a signed project (or a lead)"))
    p.add_argument("--name", metavar=pick("名称", "NAME"), required=True)
    p.add_argument("--investor", metavar=pick("投资方", "ORG"), help=pick("必填（增资时默认原项目的）",
                                                                         "required (an increase: the original's)"))
    p.add_argument("--industry", metavar=pick("产业", "IND"), help=pick("必填（增资时默认原项目的）",
                                                                      "required (an increase: the original's)"))
    p.add_argument("--city", metavar=pick("城市", "CITY"), help=pick("必填（增资时默认原项目的）",
                                                                   "required (an increase: the original's)"))
    p.add_argument("--amount", metavar=pick("金额", "WAN"), help=field_label("projects", "amount"))
    p.add_argument("--amount-usd", metavar=pick("万美元", "WAN_USD"),
                   help=pick("以美元签约的外资项目：合同外资（万美元），与 --rate 一起给出", "signed in dollars: 万美元, with --rate"))
    p.add_argument("--rate", metavar=pick("汇率", "RATE"), help=pick("签约日汇率（每美元合人民币元）", "the signing day's yuan per dollar"))
    p.add_argument("--signed-on", metavar=pick("日期", "DATE"))
    p.add_argument("--event", metavar=pick("活动编号", "REF"))
    p.add_argument("--form", metavar=pick("形式", None), choices=("contract", "agreement"), default="contract",
                   help=pick("合同项目或协议项目", "contract or framework agreement"))
    p.add_argument("--stage", metavar=pick("阶段", None), choices=("lead", "negotiating", "signed"), default="signed")
    p.add_argument("--entered-on", metavar=pick("日期", "DATE"), help=pick("线索/在谈项目的登记日期（默认今天）",
                                                             "for a lead: the day it entered (default: today)"))
    p.add_argument("--park", metavar=pick("园区", "PARK"))
    p.add_argument("--jobs", metavar=pick("人数", "N"), help=pick("就业人数", "jobs"))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"), help=pick("责任单位", "responsible unit"))
    p.add_argument("--owner", metavar=pick("责任人", "STAFF"),
                   help=pick("责任人（登录名或姓名）", "responsible person (login or name)"))
    p.add_argument("--planned-construction", metavar=pick("日期", "DATE"))
    p.add_argument("--planned-production", metavar=pick("日期", "DATE"))
    p.add_argument("--increase-of", metavar=pick("项目编号", "REF"), help=pick(
        "增资扩产：原项目编号（金额只填增资部分；计入签约金额，不另计项目数）",
        "a capital increase of project REF (the amount is the increase; it adds to amounts, not to project counts)"))
    p.add_argument("--trip", metavar=pick("小分队编号", "TRIP"),
                   help=pick("项目来自的招商小分队（如 T0001）", "the promotion trip it came of (T0001)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)

    p = sub.add_parser("edit", help=pick("修改项目信息（阶段和状态另有命令）", "change a project's fields"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    for option, field in EDITABLE:
        p.add_argument(option, dest=field, metavar=pick("值", "VALUE"),
                       help=pick("{}（空字符串清除）", "{} (\"\" clears it)").format(field_label("projects", field)))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=edit)

    p = sub.add_parser("advance", help=pick("记录阶段推进（含线索/在谈项目签约）", "record a stage step"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--to", metavar=pick("阶段", None),
                   required=True, choices=("negotiating", "signed", "construction", "production", "results"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--note", metavar=pick("说明", "NOTE"))
    p.set_defaults(handler=advance)

    p = sub.add_parser("correct", help=pick("更正阶段记录（另行记录，不覆盖）", "correct a stage step (recorded)"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--step", type=int, metavar=pick("编号", "ID"),
                   help=pick("要更正的记录（默认最近一次）", "the step (default: latest)"))
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("正确的日期", "the right date"))
    group.add_argument("--retract", action="store_true", help=pick("撤销最近一次阶段记录", "retract the latest step"))
    p.add_argument("--note", metavar=pick("说明", "NOTE"), required=True, help=pick("更正原因", "why"))
    p.set_defaults(handler=correct)

    p = sub.add_parser("status", help=pick("标记停滞、终止或恢复", "stall, terminate or reactivate"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--to", metavar=pick("状态", None), required=True, choices=("active", "stalled", "terminated"))
    p.add_argument("--on", metavar=pick("日期", "DATE"))
    p.add_argument("--reason", metavar=pick("原因", "REASON"))
    p.set_defaults(handler=status)

    p = sub.add_parser("figure", help=pick("登记到位资金或累计完成投资", "report funds in place or investment completed"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--funds", metavar=pick("金额", "WAN"), help=field_label("projects", "funds_in_place"))
    which.add_argument("--invested", metavar=pick("金额", "WAN"), help=field_label("projects", "investment_completed"))
    p.add_argument("--on", metavar=pick("日期", "DATE"))
    p.add_argument("--note", metavar=pick("说明", "NOTE"))
    p.set_defaults(handler=figure)

    p = sub.add_parser("convert", help=pick("协议项目转为合同项目", "the agreement became a contract"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
    p.add_argument("--why", metavar=pick("原因", "T"),
                   help=pick("更正已记录的转化日期，说明原因", "correct the recorded date, saying why"))
    p.set_defaults(handler=convert)

    p = sub.add_parser("list", help=pick("项目清单", "list projects"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_projects)

    p = sub.add_parser("show", help=pick("项目详情及阶段历史", "one project with its history"))
    p.add_argument("ref", metavar=pick("项目编号", "REF"))
    p.add_argument("--with-corrections", action="store_true",
                   help=pick("同时列出已被更正或撤销的跟踪服务、资金数据和问题", "also the follow-ups, figures and problems "
                             "that corrections replaced or retracted"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)

    add_delete_restore(sub, "projects")


def add(ctx) -> int:
    from db.models import SigningForm, Stage

    from crm.errors import UsageError
    from crm.services.projects import NewProject, add_project

    a = ctx.args
    new = NewProject(
        name=a.name, investor=a.investor, industry=a.industry, city=a.city, amount=a.amount,
        signed_on=parse_optional_date(a.signed_on), event_ref=a.event, stage=Stage(a.stage),
        signing_form=SigningForm(a.form), park=a.park, jobs=a.jobs, responsible_unit=a.unit,
        responsible_staff=a.owner,
        planned_construction_on=parse_optional_date(a.planned_construction),
        planned_production_on=parse_optional_date(a.planned_production),
        entered_on=parse_optional_date(a.entered_on), amount_usd=a.amount_usd, exchange_rate=a.rate,
        trip=a.trip, increase_of=a.increase_of,
    )
    if not a.increase_of:
        for option, value in (("--investor", a.investor), ("--industry", a.industry), ("--city", a.city)):
            if not value:
                raise UsageError("option_required", option=option)
    with ctx.db.unit_of_work() as session:
        ref = add_project(session, new, actor=ctx.actor(session), today=ctx.today).ref
    if a.json:
        print_json({"ref": ref})
    else:
        print(ref)
    return 0


# `crm projects edit` options → crm.services.projects.edit_project fields (labelled by crm.labels.field_label).
EDITABLE = (
    ("--name", "name"), ("--investor", "investor"), ("--industry", "industry"), ("--city", "city"), ("--park", "park"),
    ("--amount", "amount"), ("--jobs", "jobs"), ("--unit", "responsible_unit"), ("--owner", "responsible_staff"),
    ("--planned-construction", "planned_construction_on"), ("--planned-production", "planned_production_on"),
    ("--notes", "notes"),
)


def edit(ctx) -> int:
    from crm.errors import CrmError
    from crm.services.projects import edit_project

    changes = {field: getattr(ctx.args, field) for _option, field in EDITABLE
               if getattr(ctx.args, field) is not None}
    if not changes:
        raise CrmError("nothing_to_change")
    with ctx.db.unit_of_work() as session:
        project = edit_project(session, ctx.args.ref, changes, version=None)
        ref, version = project.ref, project.version
    if ctx.args.json:
        print_json({"ref": ref, "version": version, "changed": sorted(changes)})
    else:
        fields = pick("、", ", ").join(field_label("projects", field) for field in changes)
        print(t("project_edited", ref=ref, fields=fields))
    return 0


def advance(ctx) -> int:
    from db.models import Stage

    from crm.rules.stages import stage_label
    from crm.services.projects import advance as record

    a = ctx.args
    on = parse_date(a.on)
    with ctx.db.unit_of_work() as session:
        step = record(session, a.ref, Stage(a.to), on, note=a.note, actor=ctx.actor(session), today=ctx.today)
        ref = step.project.ref
    print(t("stage_recorded", ref=ref, stage=stage_label(Stage(a.to)), date=on.isoformat()))
    return 0


def correct(ctx) -> int:
    from crm.rules.stages import stage_label
    from crm.services.projects import correct_step

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        step = correct_step(
            session, a.ref, new_date=parse_optional_date(a.on), retract=a.retract, step_id=a.step, note=a.note,
            actor=ctx.actor(session), today=ctx.today,
        )
        print(f"{step.project.ref}: {pick('已更正', 'corrected')} {stage_label(step.stage)} "
              f"{pick('（已撤销）', '(retracted)') if step.retracted else step.happened_on.isoformat()}")
    return 0


def status(ctx) -> int:
    from db.models import ProjectStatus

    from crm.services.projects import set_status

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        set_status(session, a.ref, ProjectStatus(a.to), ctx.as_of(a.on), reason=a.reason, actor=ctx.actor(session),
                   today=ctx.today)
    print(f"{a.ref.upper()} {project_status_label(a.to)}")
    return 0


def figure(ctx) -> int:
    from db.models import FigureKind

    from crm.services.projects import record_figure

    a = ctx.args
    kind, amount = (FigureKind.FUNDS_IN_PLACE, a.funds) if a.funds is not None else (FigureKind.INVESTMENT_COMPLETED, a.invested)
    with ctx.db.unit_of_work() as session:
        fig = record_figure(session, a.ref, kind, amount, ctx.as_of(a.on), note=a.note, actor=ctx.actor(session),
                            today=ctx.today)
        print(f"{a.ref.upper()} {figure_kind_label(kind)} {amount_text(fig.amount)} {unit_label('万元')} "
              f"({fig.reported_on.isoformat()})")
    return 0


def convert(ctx) -> int:
    from crm.services.projects import convert_to_contract

    with ctx.db.unit_of_work() as session:
        project = convert_to_contract(session, ctx.args.ref, parse_date(ctx.args.on), today=ctx.today, why=ctx.args.why)
        print(f"{project.ref} {signing_form_label(project.signing_form)} {project.contract_on.isoformat()}")
    return 0


def list_projects(ctx) -> int:
    from crm.rules.stages import stage_label
    from crm.services.project_view import project_summary
    from crm.services.projects import list_projects as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = [project_summary(p) for p in load(session)]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table(
            [pick("编号", "ref"), pick("项目", "name"), pick("投资方", "investor"), pick("产业", "industry"),
             pick("所在地", "city"), field_label("projects", "amount"), pick("签约", "signed"), pick("阶段", "stage"),
             pick("状态", "status")],
            [[r["ref"], r["name"], r["investor"], r["industry"], r["city"], amount_text(r["amount"]), r["signed_on"],
              stage_label(r["stage"]), project_status_label(r["status"])] for r in rows],
        )
    return 0


def show(ctx) -> int:
    from crm.rules.stages import stage_label
    from crm.services.project_view import project_detail
    from crm.services.projects import get_project

    with_corrections = ctx.args.with_corrections
    with ctx.db.unit_of_work(write=False) as session:
        row = project_detail(get_project(session, ctx.args.ref), with_corrections=with_corrections)
    if ctx.args.json:
        print_json(row)
        return 0
    # Plain values, and the refs of the project's capital increases as one; the histories follow as tables.
    scalars = {k: "、".join(v) if k == "increases" else v for k, v in row.items()
               if k == "increases" or not isinstance(v, list)}
    print_table([pick("字段", "field"), pick("值", "value")],
                [[field_label("projects", k), field_value("projects", k, v)] for k, v in scalars.items()])
    print_table(
        ["#", pick("阶段", "stage"), pick("日期", "date"), pick("说明", "note"), pick("类型", "kind")],
        [[s["id"], stage_label(s["stage"]), s["on"], s["note"],
          step_kind_label(s["kind"]) + (" ✗" if s["superseded"] or s["retracted"] else "")]
         for s in row["stage_history"]],
    )
    # The ids users name in `crm followups|figures|problems correct ID`; with corrections, the chain.
    chain = [pick("更正记录", "correction"), pick("更正原因", "why")] if with_corrections else []

    def links(r: dict) -> list:
        if not with_corrections:
            return []
        if r["retracted"]:
            what = pick(f"撤销 #{r['corrects']}", f"retracts #{r['corrects']}")
        elif not r["current"]:
            what = pick("已被更正", "superseded")
        else:
            what = pick(f"更正 #{r['corrects']}", f"corrects #{r['corrects']}") if r["corrects"] else ""
        return [what, r["correction_note"]]

    def headers(entity: str, *fields: str) -> list[str]:
        return ["#", *(field_label(entity, field) for field in fields), *chain]

    print_table(headers("followups", "on", "kind", "content", "next_step", "next_on"),
                [[f["id"], f["on"], followup_kind_label(f["kind"]), f["content"], f["next_step"], f["next_on"],
                  *links(f)] for f in row["followups"]])
    print_table(headers("project_figures", "on", "kind", "amount", "note"),
                [[f["id"], f["on"], figure_kind_label(f["kind"]), amount_text(f["amount"]), f["note"], *links(f)]
                 for f in row["figures"]])
    print_table(headers("problems", "description", "raised_on", "responsible_unit", "resolved_on"),
                [[p["id"], p["description"], p["raised_on"], p["responsible_unit"], p["resolved_on"], *links(p)]
                 for p in row["problems"]])
    if row["milestones"]:
        print_table(headers("project_milestones", "kind", "reached_on", "note"),
                    [[m["id"], milestone_label(m["kind"]), m["on"], m["note"], *links(m)] for m in row["milestones"]])
    if row["supervision"]:
        print_table([pick("督办单", "order"), pick("责任单位", "unit"), pick("回复期限", "due"), pick("状态", "state"),
                     pick("督办事项", "ordered")],
                    [[o["ref"], o["unit"], o["due_on"], order_state_label(o["state"]), o["note"]]
                     for o in row["supervision"]])
    return 0
