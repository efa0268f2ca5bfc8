"""crm events list|show|fix-date|plan-submitted|summary-submitted, and crm deadlines."""
from __future__ import annotations

from crm.cli.cmd_history import add_delete_restore
from crm.cli.context import print_json, print_table
from crm.dates import parse_date, parse_optional_date
from crm.i18n import pick, t
from crm.labels import deadline_kind_label, deadline_label, field_label, field_value


def register(commands) -> None:
    events = commands.add_parser("events", help=pick("活动与会议", "events and meetings"))
    sub = events.add_subparsers(dest="events_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("list", help=pick("列出全部活动", "list events"))
    p.add_argument("--programme", metavar=pick("方案编号", "REF"), help=pick("只列该方案的活动", "only this programme's events"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_events)

    p = sub.add_parser("add", help=pick("新增活动或会议", "add an event or meeting"))
    p.add_argument("--programme", required=True, metavar=pick("方案编号", "REF"),
                   help=pick("所属方案（crm programmes list）", "its programme"))
    p.add_argument("--title", metavar=pick("名称", "TITLE"), required=True, help=pick("活动名称", "title"))
    p.add_argument("--level", metavar=pick("层级", "LEVEL"), help=pick("省（以省政府名义，方案提前45天报送）或 市（以设区市为主，提前30天）；会议默认同所属活动",
                                        "provincial: in the name of the provincial government (plan 45 days before) | "
                                        "city (30); a meeting takes its activity's"))
    _event_fields(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add_event)

    p = sub.add_parser("edit", help=pick("修改活动（给出的字段才改；多值选项整体替换，\"\" 清空）",
                                         "change an event (only the fields given; a list option replaces the list, \"\" clears it)"))
    p.add_argument("ref", metavar=pick("活动编号", "REF"))
    p.add_argument("--programme", metavar=pick("方案编号", "REF"))
    p.add_argument("--title", metavar=pick("名称", "TITLE"))
    p.add_argument("--level", metavar=pick("层级", "LEVEL"))
    _event_fields(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=edit_event)

    p = sub.add_parser("show", help=pick("查看一个活动", "show one event"))
    p.add_argument("ref", metavar=pick("活动编号", "REF"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show_event)

    p = sub.add_parser("fix-date", help=pick("确定活动日期", "fix the event's date"))
    p.add_argument("ref", metavar=pick("活动编号", "REF"))
    p.add_argument("--on", required=True, metavar=pick("日期", "DATE"), help=pick("开始日期", "first day"))
    p.add_argument("--to", metavar=pick("日期", "DATE"), help=pick("结束日期（默认同开始日期）", "last day (default: same day)"))
    p.set_defaults(handler=fix_date)

    for name, attr, zh, en in (
        ("plan-submitted", "plan", "标记工作方案已报送", "mark the work plan as filed"),
        ("summary-submitted", "summary", "标记工作总结已报送", "mark the summary as filed"),
    ):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("ref", metavar=pick("活动编号", "REF"))
        p.add_argument("--on", required=True, metavar=pick("日期", "DATE"))
        p.set_defaults(handler=mark_submitted, which=attr)

    add_delete_restore(sub, "events")

    p = commands.add_parser("deadlines", help=pick("到期与超期提醒", "what is due or overdue"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=deadlines)


def _event_fields(p) -> None:
    p.add_argument("--kind", metavar=pick("类型", "KIND"), help=pick("推介会/合作推进会/对接会/融资对接会/开工仪式/研讨会/论坛/活动（默认按名称判断）",
                                       "promotion|cooperation|matchmaking|finance|groundbreaking|seminar|forum|activity (default: from the title)"))
    p.add_argument("--group", metavar=pick("板块", "GROUP"),
                   help=pick("所属板块，如 以省政府名义举办的重大活动", "the programme section it is listed under"))
    p.add_argument("--parent", metavar=pick("活动编号", "REF"),
                   help=pick("所属活动（本项为其下的会议）", "the activity holding this meeting"))
    p.add_argument("--city", metavar=pick("城市", "CITY"), help=pick("举办城市", "city"))
    p.add_argument("--place", metavar=pick("地点", "PLACE"), help=pick("地点", "place"))
    p.add_argument("--when", metavar=pick("时间", "TEXT"), help=pick(
        "时间：2026-03-15、2026-04-15..2026-04-16、2026-03、2026-Q2、2026-H2、2026年3月中旬、二季度、待定",
        "time: 2026-03-15, 2026-04-15..2026-04-16, 2026-03, 2026-Q2, 2026-H2, 2026年3月中旬, 二季度, 待定"))
    p.add_argument("--scale", metavar=pick("规模", "SCALE"),
                   help=pick("规模（人），如 200、约200人、150-200", "scale (people): 200, 约200人, 150-200"))
    for option, dest, placeholder, zh, en in (
        ("--host", "hosts", "单位", "承办单位（可重复，或用、分隔；未知单位自动新增）", "host unit (repeat; new units are added)"),
        ("--co-host", "co_hosts", "单位", "协办单位", "co-host unit"),
        ("--supporter", "supporters", "单位", "配合单位", "supporting unit"),
        ("--coordinator", "coordinators", "处室", "衔接协调处室", "coordinating office"),
        ("--industry", "industries", "产业", "产业（可重复）", "industry (repeat)"),
        ("--invitee-type", "invitee_types", "对象", "邀请对象（可重复）", "invitee type (repeat)"),
        ("--quota", "quotas", "项目数", "每个产业带来的项目数，如 5-8 或 5-8:光伏", "projects per industry: 5-8 or 5-8:光伏"),
    ):
        p.add_argument(option, dest=dest, action="append", metavar=pick(placeholder, dest.upper()), help=pick(zh, en))
    p.add_argument("--notes", metavar=pick("备注", "NOTES"), help=pick("备注", "notes"))


def _event_input(args):
    from crm.services.event_editing import EventInput

    data = EventInput(**{name: getattr(args, name, None) for name in (
        "title", "programme", "level", "kind", "group", "parent", "city", "place", "when", "scale", "hosts", "co_hosts",
        "supporters", "coordinators", "industries", "invitee_types", "quotas", "notes")})
    for name in ("hosts", "co_hosts", "supporters", "coordinators", "industries", "invitee_types", "quotas"):
        if getattr(data, name) == [""]:
            setattr(data, name, [])  # --host "" clears the hosts
    return data


def _report_added(added) -> None:
    import sys

    if added.regions:
        print(t("places_added", names=pick("、", ", ").join(r.name for r in added.regions)), file=sys.stderr)
    if added.units:
        print(t("units_added", names=pick("、", ", ").join(u.name for u in added.units)), file=sys.stderr)


def _report_moved(session, event, owner: int) -> None:
    """An edit of the event's city, level or activity may move it to another unit: said on stderr."""
    import sys

    from db.models import Unit

    if event.owner_unit_id != owner:
        print(t("event_moved", ref=event.ref, unit=session.get(Unit, event.owner_unit_id).name,
                old=session.get(Unit, owner).name), file=sys.stderr)


def add_event(ctx) -> int:
    from crm.services.event_editing import Added, add_event as add, when_label

    added = Added()
    with ctx.db.unit_of_work() as session:
        event = add(session, _event_input(ctx.args), added=added)
        ref, title, when = event.ref, event.title, when_label(event)
        _report_added(added)
    print_json({"ref": ref}) if ctx.args.json else print(t("event_added", ref=ref, title=title, when=when))
    return 0


def edit_event(ctx) -> int:
    from crm.errors import CrmError
    from crm.services.event_editing import Added, edit_event as edit, field_label
    from crm.services.events import get_event

    data = _event_input(ctx.args)
    if not data.given():
        raise CrmError("nothing_to_change")
    added = Added()
    with ctx.db.unit_of_work() as session:
        owner = get_event(session, ctx.args.ref).owner_unit_id
        event, changed = edit(session, ctx.args.ref, data, added=added)
        ref = event.ref
        _report_added(added)
        _report_moved(session, event, owner)
    if ctx.args.json:
        print_json({"ref": ref, "changed": changed})
    else:
        print(t("event_edited", ref=ref, fields=pick("、", ", ").join(map(field_label, changed)) or pick("无变化", "nothing changed")))
    return 0


def list_events(ctx) -> int:
    from crm.services.events import event_dict, list_events as load
    from crm.services.programmes import get_programme

    with ctx.db.unit_of_work(write=False) as session:
        programme_id = get_programme(session, ctx.args.programme).id if ctx.args.programme else None
        rows = [event_dict(e) for e in load(session, programme_id=programme_id)]
    if ctx.args.json:
        print_json(rows)
    else:
        print_events(rows)
    return 0


def print_events(rows: list[dict]) -> None:
    print_table(
        [pick("编号", "ref"), pick("名称", "title"), pick("时间", "when"), pick("城市", "city"),
         pick("规模", "scale"), pick("方案截止", "plan due"), pick("总结截止", "summary due")],
        [[r["ref"], ("  " if r["parent"] else "") + r["title"], _when(r), r["city"], r["planned_scale"],
          _due(r, "plan_due"), _due(r, "summary_due")] for r in rows],
    )


def _due(row: dict, key: str) -> str:
    if row[key]:
        return row[key]
    return pick("待定", "not yet") if row["date_precision"] == "unknown" else pick("按会议", "per meeting")


def _when(row: dict) -> str:
    return row["when"] if row["date_fixed"] else row["when"] + pick("（日期未定）", " (date not fixed)")


def show_event(ctx) -> int:
    from crm.services.events import event_dict, get_event

    with ctx.db.unit_of_work(write=False) as session:
        row = event_dict(get_event(session, ctx.args.ref))
    if ctx.args.json:
        print_json(row)
    else:
        print_table([pick("字段", "field"), pick("值", "value")],
                    [[field_label("events", k), _shown(k, v)] for k, v in row.items()])
    return 0


def _shown(field: str, value):
    if field == "quotas":  # as --quota takes them: 5-8:光伏
        value = [f"{q['min']}-{q['max']}" + (f":{q['industry']}" if q["industry"] else "") for q in value]
    return pick("、", ", ").join(value) if isinstance(value, list) else field_value("events", field, value)


def fix_date(ctx) -> int:
    from crm.services.events import event_dict, fix_date as fix

    with ctx.db.unit_of_work() as session:
        row = event_dict(fix(session, ctx.args.ref, parse_date(ctx.args.on), parse_optional_date(ctx.args.to)))
    print(f"{row['ref']} {row['starts_on']}~{row['ends_on']}")
    return 0


def mark_submitted(ctx) -> int:
    from crm.rules.deadlines import DONE
    from crm.services import events

    mark = events.mark_plan_submitted if ctx.args.which == "plan" else events.mark_summary_submitted
    with ctx.db.unit_of_work() as session:
        event = mark(session, ctx.args.ref, parse_date(ctx.args.on), today=ctx.today)
        print(f"{event.ref} {deadline_kind_label(ctx.args.which)} {deadline_label(DONE)} {ctx.args.on}")
    return 0


def deadlines(ctx) -> int:
    from crm.rules.leads import lead_limits
    from crm.services.warnings import all_warnings

    as_of = ctx.as_of(ctx.args.as_of)
    with ctx.db.unit_of_work(write=False) as session:
        rows = [w.as_dict() for w in all_warnings(session, as_of, lead_limits(ctx.config))]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table([pick("类型", "kind"), pick("编号", "ref"), pick("名称", "title"), pick("截止", "due"),
                     pick("状态", "status")],
                    [[deadline_kind_label(r["kind"]), r["ref"], r["title"], r["due"], deadline_label(r["status"])]
                     for r in rows])
    return 0
