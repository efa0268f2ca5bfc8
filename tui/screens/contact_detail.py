"""One contact: the person and their organization, invitations across events with their status, the
organization's projects and latest follow-ups, and the merges that folded duplicates into this contact
(the latest can be undone here); e edits the contact."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from crm.i18n import pick
from crm.labels import category_label
from crm.services.contact_view import contact_detail
from crm.services.merge import undo_merge
from tui import text
from tui.screens.base import TAB_BINDINGS, WorkbenchScreen, switch_tab
from tui.widgets.key_bar import KeyBar
from tui.widgets.tables import fill

TABS = (("invitations", "邀请", "invitations"), ("projects", "项目", "projects"),
        ("followups", "跟踪服务", "follow-ups"), ("merges", "合并记录", "merges"))


class ContactDetailScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back", id="app.back"),
        Binding("e", "edit", "edit", id="contact.edit"),
        Binding("m", "merge", "merge", id="contact.merge"),
        Binding("u", "unmerge", "undo merge", id="contact.unmerge"),
        *TAB_BINDINGS,
    ]
    DEFAULT_CSS = """
    #contact-title { height: 1; padding: 0 1; background: $panel; }
    #contact-fields { height: auto; max-height: 12; padding: 0 1; }
    #contact-tabs { height: 1fr; }
    #contact-tabs DataTable { height: 1fr; }
    """

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.detail: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="contact-title")
        yield Static(id="contact-fields")
        with TabbedContent(id="contact-tabs"):
            for tab, zh, en in TABS:
                with TabPane(pick(zh, en), id=f"tab-{tab}"):
                    yield DataTable(id=f"table-{tab}", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("客商详情", "contact")
        self.reload()

    def reload(self) -> None:
        contact_id = self.contact_id
        self.run_db("contact", lambda session: contact_detail(session, contact_id), self.show,
                    on_failure=self._not_loaded)

    def _not_loaded(self, failure) -> None:
        self.app.report_failure(failure)
        if self.detail is None:
            self.close()

    def show(self, detail: dict) -> None:
        self.detail = detail
        org = detail["organization"] or {}
        title = Text.assemble((detail["name"], "bold"), "  ", (org.get("name") or "", ""), "  ",
                              (f"C#{detail['id']}", "dim"))
        self.query_one("#contact-title", Static).update(title)
        self.query_one("#contact-fields", Static).update(self._fields(detail, org))
        self._fill(detail)
        self.data_shown("contact")

    @staticmethod
    def _fields(d: dict, org: dict) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        pairs = [
            (pick("单位", "organization"), text.plain(org.get("name"))),
            (pick("类型", "kind"), text.labelled("org_kind", org.get("kind"))),
            (pick("产业", "industry"), text.plain(org.get("industry"))),
            (pick("城市", "city"), text.plain(org.get("city"))),
            (pick("职务", "title"), text.plain(d["title"])),
            (pick("手机", "mobile"), text.plain(d["mobile"])),
            (pick("电话", "phone"), text.plain(d["phone"])),
            (pick("邮箱", "email"), text.plain(d["email"])),
        ]
        for i in range(0, len(pairs), 2):
            (a, va), (b, vb) = pairs[i], pairs[i + 1]
            grid.add_row(Text(a), va, Text(b), vb)
        grid.add_row(Text(pick("备注", "notes")), text.plain(d["notes"]), Text(""), Text(""))
        return grid

    def _fill(self, d: dict) -> None:
        tables = {
            "invitations": ([pick("活动", "event"), pick("名称", "title"), pick("开始", "starts"), pick("状态", "status"),
                             pick("类别", "category")],
                            [(Text(i["event"]), Text(i["title"]), text.day(i["starts_on"]),
                              text.labelled("invitation", i["status"]), Text(category_label(i["category"])))
                             for i in d["invitations"]]),
            "projects": ([pick("编号", "ref"), pick("项目名称", "project"), pick("阶段", "stage"), pick("状态", "status"),
                          pick("签约日期", "signed on")],
                         [(Text(p["ref"]), Text(p["name"]), text.stage(p["stage"]), text.labelled("status", p["status"]),
                           text.day(p["signed_on"])) for p in d["projects"]]),
            "followups": ([pick("日期", "date"), pick("项目", "project"), pick("方式", "kind"), pick("内容", "content"),
                           pick("下一步", "next step")],
                          [(text.day(f["on"]), Text(f["project"]), text.labelled("followup_kind", f["kind"]),
                            text.plain(f["content"]), text.plain(f["next_step"])) for f in d["followups"]]),
            "merges": ([pick("合并记录", "merge"), pick("被合并的客商", "merged contact"), pick("时间", "when"),
                        pick("状态", "state")],
                       [(Text(str(m["merge"])), Text(f"C#{m['contact']}"), text.plain((m["at"] or "")[:16]),
                         Text(pick("已撤销", "undone") if m["undone"] else pick("有效", "in effect")))
                        for m in d["merged_from"]]),
        }
        for tab, (headers, rows) in tables.items():
            fill(self.query_one(f"#table-{tab}", DataTable), headers, rows)

    # -- actions ------------------------------------------------------------------------------------

    def action_tab(self, step: int) -> None:
        switch_tab(self, step)

    def action_edit(self) -> None:
        from tui.screens.contacts import edit_contact

        edit_contact(self, self.contact_id)

    def action_merge(self) -> None:
        from tui.forms.merge import MergeScreen

        self.app.push_screen(MergeScreen(self.contact_id), self.form_closed)

    def action_unmerge(self) -> None:
        live = [m for m in (self.detail or {}).get("merged_from", []) if not m["undone"]]
        if not live:
            self.notify(pick("没有可撤销的合并", "no merge to undo"), severity="warning")
            return
        merge_id = live[-1]["merge"]

        def job(session) -> str:
            record = undo_merge(session, merge_id)
            return pick(f"已撤销合并 {record.id}：C#{record.merged_id} 已恢复",
                        f"merge {record.id} undone: C#{record.merged_id} restored")

        self.run_db("unmerge", job, self._unmerged, write=True)

    def _unmerged(self, message: str) -> None:
        self.form_closed(message)
        self.reload()
