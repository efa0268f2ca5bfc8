"""crm contacts search|show|add|edit|merge|unmerge|delete|restore,
crm organizations search|add|edit|delete|restore, crm invitations list|set-status|add|remove."""
from __future__ import annotations

from crm.cli.cmd_history import add_delete_restore
from crm.cli.context import print_json, print_table
from crm.i18n import pick, t

ORG_KINDS = ("multinational", "central_soe", "private", "research", "financial", "government", "association", "other")
STATUSES = ("proposed", "invited", "confirmed", "attended", "declined")
MERGE_FIELDS = ("name", "organization_id", "title", "mobile", "phone", "email", "notes")


def _record_id(prefix: str, zh: str, en: str):
    """An id as a number or in the form `crm history` uses (C#12, O#3, I#5)."""

    def parse(text: str) -> int:
        import argparse

        value = text.strip().upper().removeprefix(prefix)
        if not value.isdigit():
            raise argparse.ArgumentTypeError(pick(f"{zh}编号应为数字或 {prefix}数字：{text}",
                                                  f"{en} id is a number or {prefix}number: {text}"))
        return int(value)

    return parse


_contact_id = _record_id("C#", "联系人", "a contact")
_organization_id = _record_id("O#", "单位", "an organization")
_invitation_id = _record_id("I#", "邀请", "an invitation")

# Options of `add` and `edit` → the service's input fields (crm.services.directory), with help (zh, en).
CONTACT_OPTIONS = (
    ("--name", "name", ("姓名", "name")),
    ("--organization", "organization", ("单位名称（新单位将自动添加）", "organization name (a new one is added)")),
    ("--title", "title", ("职务", "title")),
    ("--mobile", "mobile", ("手机", "mobile")),
    ("--phone", "phone", ("电话", "phone")),
    ("--email", "email", ("邮箱", "email")),
    ("--notes", "notes", ("备注", "notes")),
)
ORGANIZATION_OPTIONS = (
    ("--name", "name", ("单位名称", "name")),
    ("--kind", "kind", ("单位类型：跨国公司、央企、民企、科研院所、金融机构、政府部门、协会、其他（或代码）",
                        "kind: multinational, central_soe, private, research, financial, government, association, other")),
    ("--region", "region", ("所在城市、省份或国家", "city, province or country")),
    ("--address", "address", ("地址", "address")),
    ("--origin", "origin", ("客商来源：省内、省外、境外，计省外资金、境外资金",
                            "where the investor is from: inside, outside (the province), abroad")),
    ("--notes", "notes", ("备注", "notes")),
)


def _add_and_edit(sub, record: str, record_id, helps: tuple[str, str]) -> None:
    """`add` (the name required) and `edit ID` (any fields, "" clears one) of contacts or organizations."""
    options = CONTACT_OPTIONS if record == "contact" else ORGANIZATION_OPTIONS
    for action, help_text in zip(("add", "edit"), helps):
        p = sub.add_parser(action, help=help_text)
        if action == "edit":
            p.add_argument("id", metavar=pick("编号", "ID"), type=record_id)
        for option, field, (zh, en) in options:
            clears = action == "edit" and field != "name"  # a name is required
            p.add_argument(option, dest=field, metavar=pick("值", "VALUE"), required=action == "add" and field == "name",
                           help=pick(f"{zh}（空字符串清除）", f"{en} (\"\" clears it)") if clears else pick(zh, en))
        if action == "add" and record == "contact":
            p.add_argument("--allow-duplicate", action="store_true",
                           help=pick("确为另一人：疑似重复也添加", "another person indeed: add even when likely a duplicate"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=add_record if action == "add" else edit_record, record=record)


def _add_filters(p, *, event: bool = True) -> None:
    p.add_argument("--kind", metavar=pick("单位类型", None), choices=ORG_KINDS, help=pick("单位类型", "organization kind"))
    p.add_argument("--industry", metavar=pick("产业", "IND"), help=pick("产业（名称或代码）", "industry (name or code)"))
    p.add_argument("--city", metavar=pick("城市", "CITY"), help=pick("单位所在城市", "the organization's city"))
    if event:
        p.add_argument("--event", metavar=pick("活动编号", "REF"), help=pick("受邀参加该活动", "invited to this event"))


def register(commands) -> None:
    contacts = commands.add_parser("contacts", help=pick("客商（联系人）：查找、合并重复", "contacts: search, merge duplicates"))
    sub = contacts.add_subparsers(dest="contacts_command", metavar=pick("操作", "ACTION"), required=True)

    p = sub.add_parser("search", help=pick("按姓名、拼音或首字母、手机、邮箱、单位查找", "find by name, pinyin, initials, mobile, email, organization"))
    p.add_argument("query", metavar=pick("查找内容", "QUERY"))
    p.add_argument("--limit", metavar=pick("条数", "LIMIT"), type=int, default=50)
    _add_filters(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=search)

    p = sub.add_parser("show", help=pick("联系人详情：单位、邀请、项目、跟踪", "one contact: organization, invitations, projects, follow-ups"))
    p.add_argument("id", metavar=pick("编号", "ID"), type=_contact_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)

    p = sub.add_parser("merge", help=pick("把重复的联系人（被合并者）合并到保留者（可撤销）",
                                          "merge duplicate DROP into KEEP (undoable)"))
    p.add_argument("keep", metavar=pick("保留者", "KEEP"), type=_contact_id)
    p.add_argument("drop", metavar=pick("被合并者", "DROP"), type=_contact_id)
    p.add_argument("--take", action="append", default=[], choices=MERGE_FIELDS, metavar=pick("字段", "FIELD"),
                   help=pick("该字段取被合并者的值（可重复）", "take this field from DROP (repeatable)"))
    p.add_argument("--dry-run", action="store_true", help=pick("只显示合并方案，不写入", "show the plan, write nothing"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=merge)

    p = sub.add_parser("unmerge", help=pick("撤销对该联系人（被合并者）的最近一次合并", "undo the latest merge of this (merged-away) contact"))
    p.add_argument("id", metavar=pick("编号", "ID"), type=_contact_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=unmerge)

    _add_and_edit(sub, "contact", _contact_id, (
        pick("添加联系人（疑似重复时拒绝）", "add a contact (refused when likely a duplicate)"),
        pick("修改联系人", "change a contact's fields")))

    add_delete_restore(sub, "contacts")

    orgs = commands.add_parser("organizations", help=pick("单位：查找、添加、修改", "organizations: search, add, edit"))
    sub = orgs.add_subparsers(dest="organizations_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("search", help=pick("按名称、拼音或首字母查找单位", "find by name, pinyin or initials"))
    p.add_argument("query", metavar=pick("查找内容", "QUERY"))
    p.add_argument("--limit", metavar=pick("条数", "LIMIT"), type=int, default=50)
    _add_filters(p, event=False)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=search_orgs)

    _add_and_edit(sub, "organization", _organization_id, (
        pick("添加单位（同名即同一单位，不重复添加）", "add an organization (one name, one organization)"),
        pick("修改单位", "change an organization's fields")))

    add_delete_restore(sub, "organizations")

    invitations = commands.add_parser("invitations", help=pick("活动的邀请名单与状态", "an event's invitations and their status"))
    sub = invitations.add_subparsers(dest="invitations_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("list", help=pick("活动的邀请名单", "the event's invitee list"))
    p.add_argument("event", metavar=pick("活动编号", "EVENT"))
    p.add_argument("--status", metavar=pick("状态", None), action="append", default=[], choices=STATUSES)
    p.add_argument("--kind", metavar=pick("单位类型", None), choices=ORG_KINDS)
    p.add_argument("--search", metavar=pick("文字", "TEXT"),
                   help=pick("按姓名、拼音、手机等筛选", "narrow by name, pinyin, mobile …"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_invitations)

    p = sub.add_parser("set-status", help=pick("批量修改邀请状态", "change the status of several invitations"))
    p.add_argument("event", metavar=pick("活动编号", "EVENT"))
    p.add_argument("--status", metavar=pick("状态", None), required=True, choices=STATUSES)
    p.add_argument("ids", nargs="+", type=_invitation_id, metavar=pick("邀请编号", "ID"),
                   help=pick("邀请编号（见 invitations list）", "invitation ids (see invitations list)"))
    p.add_argument("--skip-refused", action="store_true",
                   help=pick("状态流程不允许的行保持不变，其余照改", "leave rows the status flow refuses, change the others"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=set_status)

    p = sub.add_parser("add", help=pick("把联系人加入活动的邀请名单", "put contacts on the event's invitee list"))
    p.add_argument("event", metavar=pick("活动编号", "EVENT"))
    p.add_argument("contacts", nargs="+", type=_contact_id, metavar=pick("联系人编号", "CONTACT_ID"))
    p.add_argument("--status", metavar=pick("状态", None), choices=("proposed", "invited"), default="proposed",
                   help=pick("拟邀请（默认）或已邀请", "proposed (default) or invited"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add_invitations)

    p = sub.add_parser("remove", help=pick("移除拟邀请（已邀请的请改为婉拒）", "take proposed invitations off the list"))
    p.add_argument("event", metavar=pick("活动编号", "EVENT"))
    p.add_argument("ids", nargs="+", type=_invitation_id, metavar=pick("邀请编号", "INVITATION_ID"),
                   help=pick("邀请编号（见 invitations list）", "invitation ids (see invitations list)"))
    p.add_argument("--reason", metavar=pick("原因", "REASON"), help=pick("移除原因（记入历史）", "why (kept in the history)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=remove_invitations)


def search(ctx) -> int:
    from crm.services.search import contact_filters, search_contacts
    from crm.services.values import row_limit

    with ctx.db.unit_of_work(write=False) as session:
        filters = contact_filters(session, kind=ctx.args.kind, industry=ctx.args.industry, city=ctx.args.city,
                                  event=ctx.args.event)
        hits = search_contacts(session, ctx.args.query, limit=row_limit(ctx.args.limit), filters=filters)
    if ctx.args.json:
        print_json([h.as_dict() for h in hits])
    else:
        from crm.labels import search_match_label

        print_table(
            ["ID", pick("姓名", "name"), pick("单位", "organization"), pick("职务", "title"), pick("手机", "mobile"),
             pick("邮箱", "email"), pick("匹配", "matched")],
            [[h.id, h.name, h.organization, h.title, h.mobile, h.email, search_match_label(h.matched)] for h in hits],
        )
    return 0


def search_orgs(ctx) -> int:
    from crm.labels import org_kind_label
    from crm.services.search import OrganizationFilters, contact_filters, search_organizations
    from crm.services.values import row_limit

    with ctx.db.unit_of_work(write=False) as session:
        f = contact_filters(session, kind=ctx.args.kind, industry=ctx.args.industry, city=ctx.args.city)
        filters = OrganizationFilters(f.org_kind, f.industry_id, f.region_id)
        hits = search_organizations(session, ctx.args.query, limit=row_limit(ctx.args.limit), filters=filters)
    if ctx.args.json:
        print_json([h.as_dict() for h in hits])
    else:
        print_table(["ID", pick("单位", "organization"), pick("类型", "kind"), pick("产业", "industry"), pick("城市", "city")],
                    [[h.id, h.name, org_kind_label(h.kind), h.industry, h.city] for h in hits])
    return 0


def show(ctx) -> int:
    from crm.labels import invitation_status_label
    from crm.rules.stages import stage_label
    from crm.services.contact_view import contact_detail

    with ctx.db.unit_of_work(write=False) as session:
        detail = contact_detail(session, ctx.args.id)
    if ctx.args.json:
        print_json(detail)
        return 0
    org = detail["organization"] or {}
    print_table([pick("字段", "field"), pick("值", "value")], [
        [pick("姓名", "name"), detail["name"]], [pick("单位", "organization"), org.get("name")],
        [pick("职务", "title"), detail["title"]], [pick("手机", "mobile"), detail["mobile"]],
        [pick("电话", "phone"), detail["phone"]], [pick("邮箱", "email"), detail["email"]],
        [pick("备注", "notes"), detail["notes"]],
    ])
    if detail["invitations"]:
        print_table([pick("活动", "event"), pick("名称", "title"), pick("状态", "status")],
                    [[i["event"], i["title"], invitation_status_label(i["status"])] for i in detail["invitations"]])
    if detail["projects"]:
        print_table([pick("项目", "project"), pick("名称", "name"), pick("阶段", "stage")],
                    [[p["ref"], p["name"], stage_label(p["stage"])] for p in detail["projects"]])
    return 0


def merge(ctx) -> int:
    from crm.services.merge import merge_contacts, plan_merge

    with ctx.db.unit_of_work(write=not ctx.args.dry_run) as session:
        plan = plan_merge(session, ctx.args.keep, ctx.args.drop, take=ctx.args.take)
        merge_id = None
        if not ctx.args.dry_run:
            merge_id = merge_contacts(session, ctx.args.keep, ctx.args.drop, actor=ctx.actor(session),
                                      take=ctx.args.take).id
    result = {"dry_run": ctx.args.dry_run, "merge": merge_id, **plan.as_dict()}
    if ctx.args.json:
        print_json(result)
        return 0
    _print_plan(plan)
    if merge_id is not None:
        print(t("merge_done", merged=f"C#{plan.merged_id} {plan.merged_name}", kept=f"C#{plan.kept_id} {plan.kept_name}",
                id=merge_id))
    return 0


def _print_plan(plan) -> None:
    from crm.labels import invitation_status_label
    from crm.services.merge import field_label

    sources = {"kept": pick("保留", "kept"), "merged": pick("取被合并者", "taken"), "same": pick("相同", "same"),
               "both": pick("合并", "joined")}

    def shown(field, value):
        return plan.organizations.get(value, value) if field == "organization_id" else value

    print_table(
        [pick("字段", "field"), f"C#{plan.kept_id}", f"C#{plan.merged_id}", pick("合并后", "result"), pick("来源", "source")],
        [[field_label(f.field), shown(f.field, f.kept), shown(f.field, f.merged), shown(f.field, f.result),
          sources[f.source]]
         for f in plan.fields],
    )
    if plan.invitations:
        print_table(
            [pick("活动", "event"), f"C#{plan.merged_id}", f"C#{plan.kept_id}", pick("合并后", "result")],
            [[i.event_ref, invitation_status_label(i.merged_status),
              invitation_status_label(i.kept_status) if i.kept_status else pick("（移入）", "(moves over)"),
              invitation_status_label(i.result_status)] for i in plan.invitations],
        )


def unmerge(ctx) -> int:
    from crm.services.merge import latest_merge_of, undo_merge

    with ctx.db.unit_of_work() as session:
        record = undo_merge(session, latest_merge_of(session, ctx.args.id).id, actor=ctx.actor(session))
        result = {"merge": record.id, "kept": record.kept_id, "merged": record.merged_id}
        names = {"kept": f"C#{record.kept_id} {record.kept.name}", "merged": f"C#{record.merged_id} {record.merged.name}"}
    if ctx.args.json:
        print_json(result)
    else:
        print(t("merge_undone", id=result["merge"], **names))
    return 0


def list_invitations(ctx) -> int:
    from crm.labels import invitation_status_label, org_kind_label
    from crm.services.invitations import list_invitations as load

    with ctx.db.unit_of_work(write=False) as session:
        rows = load(session, ctx.args.event, statuses=ctx.args.status, org_kind=ctx.args.kind, query=ctx.args.search)
    if ctx.args.json:
        print_json([r.as_dict() for r in rows])
    else:
        print_table(
            ["ID", pick("姓名", "name"), pick("单位", "organization"), pick("类型", "kind"), pick("职务", "title"),
             pick("手机", "mobile"), pick("状态", "status")],
            [[r.id, r.name or pick("（待定）", "(to be named)"), r.organization,
              org_kind_label(r.org_kind) if r.org_kind else None, r.title, r.mobile, invitation_status_label(r.status)]
             for r in rows],
        )
    return 0


def set_status(ctx) -> int:
    from crm.labels import invitation_status_label
    from crm.services.invitations import StatusChangeRefused, change_status

    try:
        with ctx.db.unit_of_work() as session:
            plan = change_status(session, ctx.args.event, ctx.args.ids, ctx.args.status, skip_refused=ctx.args.skip_refused)
    except StatusChangeRefused as refused:
        if ctx.args.json:
            print_json(refused.plan.as_dict())
        raise
    if ctx.args.json:
        print_json(plan.as_dict())
    else:
        print(t("invitations_changed", status=invitation_status_label(plan.status), changed=len(plan.changed),
                unchanged=len(plan.unchanged), refused=len(plan.refused)))
    return 0


def add_record(ctx) -> int:
    from crm.services import directory

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        if a.record == "contact":
            values = directory.ContactInput(**_given(a, CONTACT_OPTIONS))
            saved = directory.add_contact(session, values, allow_duplicate=a.allow_duplicate)
        else:
            saved = directory.add_organization(session, directory.OrganizationInput(**_given(a, ORGANIZATION_OPTIONS)))
    if a.json:
        print_json({"id": saved.id})
    else:
        print(saved.message)
    return 0


def edit_record(ctx) -> int:
    from crm.services import directory

    a = ctx.args
    with ctx.db.unit_of_work() as session:
        if a.record == "contact":
            saved = directory.edit_contact(session, a.id, directory.ContactInput(**_given(a, CONTACT_OPTIONS)),
                                           version=None)
        else:
            saved = directory.edit_organization(
                session, a.id, directory.OrganizationInput(**_given(a, ORGANIZATION_OPTIONS)), version=None)
    if a.json:
        print_json({"id": saved.id, "version": saved.version, "changed": list(saved.changed)})
    else:
        print(saved.message)
    return 0


def _given(args, options) -> dict[str, str]:
    """The fields given on the command line; none at all is nothing to do."""
    from crm.errors import CrmError

    given = {field: getattr(args, field) for _option, field, _help in options if getattr(args, field) is not None}
    if not given:
        raise CrmError("nothing_to_change")
    return given


def add_invitations(ctx) -> int:
    from crm.services.invitations import add_invitations as add

    with ctx.db.unit_of_work() as session:
        result = add(session, ctx.args.event, ctx.args.contacts, status=ctx.args.status)
    if ctx.args.json:
        print_json(result.as_dict())
    else:
        print(t("invitations_added", event=ctx.args.event, added=len(result.added), restored=len(result.restored),
                already=len(result.already)))
    return 0


def remove_invitations(ctx) -> int:
    from crm.services.invitations import remove_invitations as remove

    with ctx.db.unit_of_work() as session:
        removed = remove(session, ctx.args.event, ctx.args.ids, reason=ctx.args.reason)
    if ctx.args.json:
        print_json({"removed": removed})
    else:
        print(t("invitations_removed", event=ctx.args.event, count=len(removed)))
    return 0
