"""crm programmes add|list|show|edit|copy|delete|restore: a year's plan of events."""
from __future__ import annotations

from crm.cli.cmd_history import add_delete_restore
from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import field_label

EDITABLE = (("title", "--title"), ("year", "--year"), ("document_no", "--document-no"),
            ("issuing_unit", "--issuing-unit"), ("notes", "--notes"))


def register(commands) -> None:
    programmes = commands.add_parser("programmes", help=pick("活动方案（一年的推介活动安排）", "programmes (a year's events)"))
    sub = programmes.add_subparsers(dest="programmes_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("add", help=pick("新建活动方案", "create a programme"))
    p.add_argument("--year", metavar=pick("年度", "YEAR"), required=True, help=pick("年度，如 2026", "year, e.g. 2026"))
    p.add_argument("--title", metavar=pick("名称", "TITLE"), required=True, help=pick("方案名称", "title"))
    _fields(p, skip=("title", "year"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add_programme)

    p = sub.add_parser("list", help=pick("全部活动方案", "list programmes"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_programmes)

    p = sub.add_parser("show", help=pick("查看方案及其活动", "one programme with its events"))
    p.add_argument("ref", metavar=pick("方案编号", "REF"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show_programme)

    p = sub.add_parser("edit", help=pick("修改方案信息（\"\" 清空可选项）", "change a programme's fields (\"\" clears one)"))
    p.add_argument("ref", metavar=pick("方案编号", "REF"))
    _fields(p, skip=())
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=edit_programme)

    p = sub.add_parser("copy", help=pick("把方案的活动结构复制为新年度方案（日期均未确定，不含邀请和项目）",
                                         "copy a programme's structure into a new year (no date fixed, no invitations or projects)"))
    p.add_argument("ref", metavar=pick("方案编号", "REF"))
    p.add_argument("--year", metavar=pick("年度", "YEAR"), required=True)
    p.add_argument("--title", metavar=pick("名称", "TITLE"),
                   help=pick("新方案名称（默认把年份换成新年度）", "the new title (default: the year replaced)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=copy_programme)

    add_delete_restore(sub, "programmes")


def _fields(p, *, skip: tuple[str, ...]) -> None:
    labels = {"title": ("方案名称", "title"), "year": ("年度", "year"), "document_no": ("文号，如 赣工信科技字[2026]1号", "document number"),
              "issuing_unit": ("印发单位（单位名，未知则新增）", "issuing unit (added if new)"), "notes": ("备注", "notes")}
    placeholders = {"title": "名称", "year": "年度", "document_no": "文号", "issuing_unit": "单位", "notes": "备注"}
    for name, option in EDITABLE:
        if name not in skip:
            p.add_argument(option, dest=name, metavar=pick(placeholders[name], name.upper()), help=pick(*labels[name]))


def add_programme(ctx) -> int:
    from crm.services.programmes import add_programme as add

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        programme = add(session, year=a.year, title=a.title, document_no=a.document_no,
                        issuing_unit=a.issuing_unit, notes=a.notes)
        ref, title = programme.code, programme.title
    print_json({"ref": ref}) if a.json else print(t("programme_added", ref=ref, title=title))
    return 0


def list_programmes(ctx) -> int:
    from crm.services.programmes import list_programmes as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = [{"ref": p.code, "year": p.year, "title": p.title, "events": n, "document_no": p.document_no}
                for p, n in load(session)]
    if ctx.args.json:
        print_json(rows)
    else:
        print_table([pick("编号", "ref"), pick("年度", "year"), pick("名称", "title"), pick("活动数", "events"),
                     pick("文号", "document no.")], [list(r.values()) for r in rows])
    return 0


def show_programme(ctx) -> int:
    from crm.services.events import event_dict, list_events
    from crm.services.programmes import get_programme, programme_dict

    with ctx.db.unit_of_work(write=False) as session:
        programme = get_programme(session, ctx.args.ref)
        events = [event_dict(e) for e in list_events(session, programme_id=programme.id)]
        row = programme_dict(programme, len(events)) | {"event_list": events}
    if ctx.args.json:
        print_json(row)
        return 0
    from crm.cli.cmd_events import print_events

    print(f"{row['ref']}  {row['title']}  ({row['year']}{pick('年', '')})")
    for key in ("document_no", "issuing_unit", "notes"):
        if row[key]:
            print(pick("{}：{}", "{}: {}").format(field_label("programmes", key), row[key]))
    print_events(events)
    return 0


def edit_programme(ctx) -> int:
    from crm.services.programmes import edit_programme as edit

    a = ctx.args
    changes = {name: getattr(a, name) for name, _option in EDITABLE if getattr(a, name) is not None}
    if not changes:
        from crm.errors import CrmError

        raise CrmError("nothing_to_change")
    with ctx.db.unit_of_work() as session:
        programme = edit(session, a.ref, changes)
        ref = programme.code
    if a.json:
        print_json({"ref": ref})
    else:
        fields = pick("、", ", ").join(field_label("programmes", name) for name in changes)
        print(t("programme_edited", ref=ref, fields=fields))
    return 0


def copy_programme(ctx) -> int:
    from crm.services.programmes import copy_programme as copy, list_programmes

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        programme = copy(session, a.ref, year=a.year, title=a.title)
        ref, year = programme.code, programme.year
        events = dict((p.id, n) for p, n in list_programmes(session)).get(programme.id, 0)
    print_json({"ref": ref}) if a.json else print(t("programme_copied", ref=ref, year=year, events=events))
    return 0
