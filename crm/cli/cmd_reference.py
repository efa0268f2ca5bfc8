"""crm industries|cities|units add|list: the reference lists a new database fills before it signs anything."""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import unit_kind_label, yes_no


def register(commands) -> None:
    p = commands.add_parser("industries", help=pick("产业名录", "industries"))
    sub = p.add_subparsers(dest="industries_command", metavar=pick("操作", "ACTION"), required=True)
    a = sub.add_parser("add", help=pick("新增产业", "add an industry"))
    a.add_argument("name", metavar=pick("名称", "NAME"))
    a.add_argument("--code", metavar=pick("代码", "CODE"), help=pick("英文代码（默认同名称）", "a short code (default: the name)"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=add_industry)
    a = sub.add_parser("list", help=pick("全部产业", "list industries"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=list_industries)

    p = commands.add_parser("cities", help=pick("地区（本省设区市随数据库提供）", "cities and regions (the province's come with the database)"))
    sub = p.add_subparsers(dest="cities_command", metavar=pick("操作", "ACTION"), required=True)
    a = sub.add_parser("add", help=pick("新增地区", "add a city or region"))
    a.add_argument("name", metavar=pick("名称", "NAME"))
    a.add_argument("--short", metavar=pick("简称", "SHORT"), help=pick("简称（默认去掉“市”）", "short name (default: without 市)"))
    a.add_argument("--outside", action="store_true", help=pick("省外或境外", "outside the province or abroad"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=add_city)
    a = sub.add_parser("list", help=pick("全部地区", "list cities and regions"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=list_cities)

    p = commands.add_parser("units", help=pick("单位（省、处室、省直部门、设区市、园区）", "units (province, offices, departments, cities, parks)"))
    sub = p.add_subparsers(dest="units_command", metavar=pick("操作", "ACTION"), required=True)
    a = sub.add_parser("add", help=pick("新增单位", "add a unit"))
    a.add_argument("name", metavar=pick("名称", "NAME"))
    a.add_argument("--kind", metavar=pick("类型", "KIND"), required=True, help=pick("单位类型：省级、省直部门、处室、设区市、园区、集体（也可写英文代码）",
                                                      "province|department|office|city|park|collective"))
    a.add_argument("--parent", metavar=pick("上级单位", "NAME"),
                   help=pick("上级单位（园区/县区必填：所在设区市的单位）", "the unit above it (a park's: its city's unit)"))
    a.add_argument("--city", metavar=pick("城市", "CITY"),
                   help=pick("所在设区市（默认上级单位的；设区市单位须有，名称已含城市的可省略）",
                             "its city (by default its parent's; a city's unit needs one, unless its name says it)"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=add_unit)
    a = sub.add_parser("list", help=pick("单位树", "the unit tree"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=list_units)


def add_industry(ctx) -> int:
    from crm.services.reference import add_industry as add

    with ctx.db.unit_of_work() as session:
        industry = add(session, ctx.args.name, code=ctx.args.code)
        row = {"id": industry.id, "name": industry.name, "code": industry.code}
    print_json(row) if ctx.args.json else print(t("reference_added", what=pick("产业", "industry"), name=row["name"]))
    return 0


def list_industries(ctx) -> int:
    from sqlalchemy import select

    from db.models import Industry

    with ctx.db.unit_of_work(write=False) as session:
        rows = [{"name": i.name, "code": i.code} for i in session.scalars(select(Industry).order_by(Industry.id))]
    print_json(rows) if ctx.args.json else print_table([pick("名称", "name"), pick("代码", "code")],
                                                       [list(r.values()) for r in rows])
    return 0


def add_city(ctx) -> int:
    from crm.services.reference import add_region

    with ctx.db.unit_of_work() as session:
        region = add_region(session, ctx.args.name, short_name=ctx.args.short, in_province=not ctx.args.outside)
        row = {"id": region.id, "name": region.name, "short_name": region.short_name, "in_province": region.in_province}
    print_json(row) if ctx.args.json else print(t("reference_added", what=pick("地区", "region"), name=row["name"]))
    return 0


def list_cities(ctx) -> int:
    from sqlalchemy import select

    from db.models import Region

    with ctx.db.unit_of_work(write=False) as session:
        rows = [{"name": r.name, "short_name": r.short_name, "in_province": r.in_province}
                for r in session.scalars(select(Region).order_by(Region.in_province.desc(), Region.id))]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table([pick("名称", "name"), pick("简称", "short"), pick("本省", "in province")],
                    [[r["name"], r["short_name"], yes_no(r["in_province"])] for r in rows])
    return 0


def add_unit(ctx) -> int:
    from crm.services.reference import add_unit as add

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        unit = add(session, a.name, kind=a.kind, parent=a.parent, city=a.city)
        row = _unit_row(unit)
    print_json(row) if a.json else print(t("reference_added", what=pick("单位", "unit"), name=row["name"]))
    return 0


def list_units(ctx) -> int:
    from crm.services.reference import list_units as load, unit_depth

    with ctx.db.unit_of_work(write=False) as session:
        units = load(session)
        rows = [_unit_row(u) for u in units]
        depths = [unit_depth(u) for u in units]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table([pick("单位", "unit"), pick("类型", "kind"), pick("所在地区", "city")],
                    [["  " * d + r["name"], unit_kind_label(r["kind"]), r["city"]] for r, d in zip(rows, depths)])
    return 0


def _unit_row(unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind.value,
            "parent": unit.parent.name if unit.parent else None, "city": unit.region.name if unit.region else None}
