"""crm trips add|list|show|visit|edit|delete|restore|summary: outbound promotion trips (招商小分队, seed 三、(二))."""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import amount_text, field_label, trip_state_label

PERIODS = ("month", "quarter", "year")
# `crm trips edit` options → crm.services.trips.edit_trip fields.
EDITABLE = (("--destination", "destination"), ("--from", "starts_on"), ("--to", "ends_on"), ("--members", "members"),
            ("--purpose", "purpose"), ("--notes", "notes"))


def register(commands) -> None:
    top = commands.add_parser("trips", help=pick("招商小分队：外出招商的行程、走访单位与带回的线索",
                                                 "promotion trips: where teams went, whom they visited, what came of it"))
    sub = top.add_subparsers(dest="trips_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("add", help=pick("登记一次招商小分队（可为计划中的行程）", "record a trip (a planned one too)"))
    p.add_argument("--unit", metavar=pick("单位", "UNIT"),
                   help=pick("派出单位（设区市、园区工作人员默认本单位；省级用户必填）",
                             "the unit whose team went (city and park staff: their own by default)"))
    p.add_argument("--destination", required=True, metavar=pick("目的地", "PLACE"), help=pick("如 深圳、长三角", "e.g. Shenzhen"))
    p.add_argument("--from", dest="date_from", required=True, metavar=pick("日期", "DATE"), help=pick("出发日期", "first day"))
    p.add_argument("--to", dest="date_to", required=True, metavar=pick("日期", "DATE"), help=pick("返回日期", "last day"))
    p.add_argument("--members", metavar=pick("成员", "TEXT"), help=pick("带队领导与成员", "who went"))
    p.add_argument("--purpose", metavar=pick("任务", "TEXT"), help=pick("招商任务、重点产业", "what for"))
    p.add_argument("--visit", action="append", default=[], metavar=pick("单位[@日期]", "ORG[@DATE]"),
                   help=pick("走访的单位，可注明日期（须在行程内）；可多次", "an organization visited, with its day (within the trip); "
                                                               "repeatable"))
    _new_org_option(p)
    p.add_argument("--notes", metavar=pick("备注", "TEXT"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)

    p = sub.add_parser("list", help=pick("小分队清单（按出发日期筛选，最近的在前）", "trips, by first day, the latest first"))
    _period_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    p = sub.add_parser("show", help=pick("一次小分队的详情：走访单位与带回的项目", "one trip: its visits and the projects it brought"))
    p.add_argument("ref", metavar=pick("小分队编号", "REF"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)

    p = sub.add_parser("visit", help=pick("为小分队补记一家走访单位", "add a visit to a trip"))
    p.add_argument("ref", metavar=pick("小分队编号", "REF"))
    p.add_argument("--org", required=True, metavar=pick("单位", "ORG"),
                   help=pick("走访的单位（客商库中的；新单位加 --new-org）", "the organization (the directory's; --new-org for a new one)"))
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("走访日期（须在行程内）", "day of the visit (within the trip)"))
    p.add_argument("--note", metavar=pick("说明", "TEXT"))
    _new_org_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=visit)

    p = sub.add_parser("edit", help=pick("修改小分队信息", "change a trip's fields"))
    p.add_argument("ref", metavar=pick("小分队编号", "REF"))
    for option, name in EDITABLE:
        p.add_argument(option, dest=name, metavar=pick("值", "VALUE"),
                       help=pick("{}（空字符串清除）", "{} (\"\" clears it)").format(field_label("promotion_trips", name))
                       if name in ("members", "purpose", "notes") else field_label("promotion_trips", name))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=edit)

    p = sub.add_parser("delete", help=pick("删除（记入历史，可恢复）", "delete (recorded, can be restored)"))
    p.add_argument("ref", metavar=pick("小分队编号", "REF"))
    p.add_argument("--reason", required=True, metavar=pick("原因", "REASON"), help=pick("删除原因", "why"))
    p.set_defaults(handler=delete)
    p = sub.add_parser("restore", help=pick("恢复已删除的小分队", "undo a deletion"))
    p.add_argument("ref", metavar=pick("小分队编号", "REF"))
    p.add_argument("--note", metavar=pick("说明", "NOTE"), help=pick("说明", "why"))
    p.set_defaults(handler=restore)

    p = sub.add_parser("summary", help=pick("各单位小分队统计：批次、外出天数、走访、线索、签约",
                                            "per unit: trips, days away, visits, leads, signed"))
    _period_options(p)
    p.add_argument("--by", choices=PERIODS, metavar=pick("周期", "PERIOD"),
                   help=pick("再按周期分列：month 按月 | quarter 按季度 | year 按年", "also per month | quarter | year"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=summary)


def _new_org_option(p) -> None:
    p.add_argument("--new-org", action="store_true",
                   help=pick("客商库中没有的走访单位一并加入客商库（不加则拒绝：错字不会成为新单位）",
                             "put a visited organization the directory does not hold into it (without this it is "
                             "refused: a typo does not become a new organization)"))


def _report_new_organizations(names: list[str]) -> None:
    import sys

    if names:
        print(t("organizations_put_in_directory", names=pick("、", ", ").join(names)), file=sys.stderr)


def _period_options(p) -> None:
    p.add_argument("--from", dest="date_from", metavar=pick("日期", "DATE"), help=pick("出发日期不早于", "first day from"))
    p.add_argument("--to", dest="date_to", metavar=pick("日期", "DATE"), help=pick("出发日期不晚于", "first day up to"))


def _span(ctx):
    from crm.dates import parse_optional_date

    return parse_optional_date(ctx.args.date_from), parse_optional_date(ctx.args.date_to)


def add(ctx) -> int:
    from crm.dates import parse_date
    from crm.rules.trips import days_away
    from crm.services.trips import add_trip, trip_ref

    a = ctx.args
    starts_on, ends_on = parse_date(a.date_from), parse_date(a.date_to)
    new_organizations = [] if a.new_org else None
    with ctx.db.unit_of_work() as session:
        trip = add_trip(session, unit=a.unit, destination=a.destination, starts_on=starts_on, ends_on=ends_on,
                        members=a.members, purpose=a.purpose, notes=a.notes, visits=a.visit,
                        new_organizations=new_organizations)
        new_names = [o.name for o in new_organizations or ()]
        data = {"ref": trip_ref(trip.id), "destination": trip.destination, "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(), "days": days_away(starts_on, ends_on), "visits": len(trip.visits)}
        unit = _unit_name(session, trip.owner_unit_id)
    _report_new_organizations(new_names)
    if a.json:
        print_json({**data, "unit": unit})
    else:
        print(t("trip_added", ref=data["ref"], unit=unit, destination=data["destination"], start=data["starts_on"],
                end=data["ends_on"], days=data["days"], visits=data["visits"]))
    return 0


def _unit_name(session, unit_id: int) -> str:
    from db.models import Unit

    return session.get(Unit, unit_id).name


def list_(ctx) -> int:
    from crm.services.trips import list_trips

    date_from, date_to = _span(ctx)
    with ctx.db.unit_of_work(write=False) as session:
        rows = list_trips(session, date_from, date_to, today=ctx.today)
    if ctx.args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print_table(
        [pick("编号", "ref"), pick("单位", "unit"), pick("目的地", "destination"), pick("日期", "dates"),
         pick("天数", "days"), pick("状态", "state"), pick("走访单位", "organizations"), pick("线索", "leads"),
         pick("已签约", "signed"), pick("成员", "members")],
        [[r.ref, r.unit, r.destination, _dates(r.starts_on, r.ends_on), str(r.days), trip_state_label(r.state),
          str(r.organizations), str(r.leads), str(r.signed), r.members] for r in rows],
    )
    return 0


def _dates(starts_on: str, ends_on: str) -> str:
    return starts_on if starts_on == ends_on else pick(f"{starts_on} 至 {ends_on}", f"{starts_on} to {ends_on}")


def show(ctx) -> int:
    from crm.services.trips import show_trip

    with ctx.db.unit_of_work(write=False) as session:
        row = show_trip(session, ctx.args.ref, today=ctx.today)
    if ctx.args.json:
        print_json(row.as_dict(detail=True))
        return 0
    print(pick(f"招商小分队 {row.ref}（{trip_state_label(row.state)}）", f"Trip {row.ref} ({trip_state_label(row.state)})"))
    label = lambda name: field_label("promotion_trips", name)  # noqa: E731
    print_table([pick("字段", "field"), pick("值", "value")], [
        [pick("派出单位", "unit"), row.unit], [label("destination"), row.destination],
        [pick("日期", "dates"), _dates(row.starts_on, row.ends_on) + pick(f"（{row.days} 天）", f" ({row.days} days)")],
        [label("members"), row.members], [label("purpose"), row.purpose], [label("notes"), row.notes],
        [pick("走访次数 / 单位数", "visits / organizations"), f"{row.visits} / {row.organizations}"],
        [pick("带回线索 / 已签约", "leads / signed"), f"{row.leads} / {row.signed}"],
        [pick("签约金额（万元）", "amount signed (10k CNY)"), amount_text(row.signed_amount)],
        [pick("版本", "version"), str(row.version)],
    ])
    print_table([pick("走访日期", "day"), pick("走访单位", "organization"), pick("说明", "note")],
                [[v["on"] or pick("未注明", "—"), v["organization"], v["note"]] for v in row.visited])
    if row.projects:
        print_table([pick("项目编号", "project"), pick("项目名称", "name"), pick("阶段", "stage"), pick("签约日期", "signed on"),
                     pick("合同引资额（万元）", "contracted (10k CNY)")],
                    [[p["ref"], p["name"], p["stage_label"], p["signed_on"], amount_text(p["amount"])]
                     for p in row.projects])
    return 0


def visit(ctx) -> int:
    from crm.dates import parse_optional_date
    from crm.services.trips import VisitInput, add_visit, trip_ref

    a = ctx.args
    new_organizations = [] if a.new_org else None
    with ctx.db.unit_of_work() as session:
        row = add_visit(session, a.ref, VisitInput(a.org, parse_optional_date(a.on), a.note),
                        new_organizations=new_organizations)
        data = {"ref": trip_ref(row.trip_id), "id": row.id, "organization": row.organization.name,
                "on": row.visited_on.isoformat() if row.visited_on else None}
        new_names = [o.name for o in new_organizations or ()]
    _report_new_organizations(new_names)
    if a.json:
        print_json(data)
    else:
        print(t("trip_visit_added", ref=data["ref"], organization=data["organization"],
                on=pick(f"（{data['on']}）", f" ({data['on']})") if data["on"] else ""))
    return 0


def edit(ctx) -> int:
    from crm.errors import CrmError
    from crm.services.trips import edit_trip, trip_ref

    changes = {name: getattr(ctx.args, name) for _option, name in EDITABLE if getattr(ctx.args, name) is not None}
    if not changes:
        raise CrmError("nothing_to_change")
    with ctx.db.unit_of_work() as session:
        trip = edit_trip(session, ctx.args.ref, changes)
        ref, version = trip_ref(trip.id), trip.version
    if ctx.args.json:
        print_json({"ref": ref, "version": version, "changed": sorted(changes)})
    else:
        print(t("trip_edited", ref=ref,
                fields=pick("、", ", ").join(field_label("promotion_trips", name) for name in changes)))
    return 0


def delete(ctx) -> int:
    from crm.services.trips import delete_trip, trip_label

    with ctx.db.unit_of_work() as session:
        what = trip_label(delete_trip(session, ctx.args.ref, reason=ctx.args.reason))
    print(t("record_deleted", what=what))
    return 0


def restore(ctx) -> int:
    from crm.services.trips import restore_trip, trip_label

    with ctx.db.unit_of_work() as session:
        what = trip_label(restore_trip(session, ctx.args.ref, note=ctx.args.note))
    print(t("record_restored", what=what))
    return 0


def summary(ctx) -> int:
    from crm.services.trips import summarize

    date_from, date_to = _span(ctx)
    with ctx.db.unit_of_work(write=False) as session:
        rows = summarize(session, date_from, date_to, by=ctx.args.by, today=ctx.today)
    span = {"from": date_from.isoformat() if date_from else None, "to": date_to.isoformat() if date_to else None}
    if ctx.args.json:
        print_json({**span, "as_of": ctx.today.isoformat(), "by": ctx.args.by, "rows": [r.as_dict() for r in rows]})
        return 0
    print(pick(f"招商小分队统计（出发日期 {span['from'] or '不限'} 至 {span['to'] or '不限'}，截至 {ctx.today.isoformat()}；"
               f"计划中的行程不计入批次）",
               f"Promotion trips ({_english_span(span)}, as of {ctx.today.isoformat()}; planned trips not "
               f"counted as trips)"))
    by = [pick("周期", "period")] if ctx.args.by else []
    print_table(
        [*by, pick("单位", "unit"), pick("批次", "trips"), pick("计划中", "planned"), pick("外出天数", "days away"),
         pick("走访次数", "visits"), pick("走访单位", "organizations"), pick("带回线索", "leads"), pick("已签约", "signed"),
         pick("签约金额（万元）", "amount signed (10k CNY)")],
        [[*([r.period] if ctx.args.by else []), r.unit or pick("合计", "total"), str(r.trips), str(r.planned), str(r.days),
          str(r.visits), str(r.organizations), str(r.leads), str(r.signed), amount_text(r.signed_amount)] for r in rows],
    )
    return 0


def _english_span(span: dict) -> str:
    if not span["from"] and not span["to"]:
        return "setting out on any day"
    return f"setting out {span['from'] or 'any day'} to {span['to'] or 'any day'}"
