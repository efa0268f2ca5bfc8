"""单位: every organization, searched as you type (name, pinyin, initials), filtered by kind, industry and
city, sorted in SQL. Enter lists the organization's contacts on the contacts screen; n makes a new
organization, e edits the highlighted one."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding

from crm.i18n import pick
from crm.services.contact_list import count_organizations, organization_page
from crm.services.search import OrganizationFilters, search_organizations
from tui import text
from tui.screens.list_base import SEARCH_LIMIT, ListScreen, RankedSource, SortedSource
from tui.widgets.virtual_table import Column, TableRow, VirtualTable


def organization_row(r) -> TableRow:
    kind = getattr(r.kind, "value", r.kind)
    contacts = getattr(r, "contacts", None)
    return TableRow(str(r.id), (
        Text(r.name), text.labelled("org_kind", kind), text.plain(r.industry), text.plain(r.city),
        text.plain(contacts) if contacts is not None else Text(""),
    ))


class OrganizationsScreen(ListScreen):
    BINDINGS = [
        Binding("n", "new", "new", id="organization.new"),
        Binding("e", "edit", "edit", id="organization.edit"),
    ]
    AUTO_FOCUS = "#organizations"
    TABLE_ID = "organizations"
    WHAT = "organizations"
    SORTS = ("name", "kind", "industry", "city")
    PLACEHOLDER = ("/搜索：单位名称、拼音或首字母", "/ search: name, pinyin or initials")
    SELECTS = (("kind", "单位类型", "kind"), ("industry", "产业", "industry"), ("city", "城市", "city"))

    def columns(self) -> list[Column]:
        """On a narrow terminal the city makes room for the name."""
        return [
            Column("name", pick("单位名称", "organization"), 0, min_width=30),
            Column("kind", pick("类型", "kind"), 12),
            Column("industry", pick("产业", "industry"), 24),
            Column("city", pick("城市", "city"), 10, drop=1),
            Column("contacts", pick("客商", "contacts"), 6, align="right", sortable=False),
        ]

    def filters(self) -> OrganizationFilters:
        s = self.selected
        return OrganizationFilters(org_kind=s.get("kind"), industry_id=s.get("industry"), region_id=s.get("city"))

    def sorted_source(self) -> SortedSource:
        filters, order = self.filters(), self.order
        return SortedSource(
            lambda session: count_organizations(session, filters),
            lambda session, offset, limit, total: organization_page(session, filters, order, offset, limit, total=total),
            organization_row,
        )

    def ranked_source(self, query: str) -> RankedSource:
        filters = self.filters()
        return RankedSource(
            lambda session: search_organizations(session, query, limit=SEARCH_LIMIT, filters=filters), organization_row
        )

    def noun(self, count: int) -> str:
        return pick(f"{count:,} 家单位", f"{count:,} organizations")

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("单位", "organizations")

    @on(VirtualTable.RowSelected)
    async def _open(self, event: VirtualTable.RowSelected) -> None:
        """The organization's people: the contacts screen, searched by the organization's name."""
        row = self.table.row_at(event.row)
        if row is not None:
            (await self.app.show_section("contacts")).search_for(row.cells[0].plain)

    def action_new(self) -> None:
        from tui.forms.directory_forms import OrganizationForm

        self.app.push_screen(OrganizationForm(), self.form_closed)

    def action_edit(self) -> None:
        key = self.table.cursor_key
        if key is None:
            self.notify(pick("请先选择一家单位", "choose an organization first"), severity="warning")
            return
        from tui.forms.directory_forms import OrganizationForm, load_organization

        organization_id = int(key)
        self.run_db("edit-organization", lambda session: load_organization(session, organization_id),
                    lambda current: self.app.push_screen(OrganizationForm(current), self.form_closed))
