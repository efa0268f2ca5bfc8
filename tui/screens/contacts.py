"""客商: every contact, searched as you type (names, pinyin and initials, mobiles, emails, organizations,
titles), filtered by organization kind, industry, city and event, sorted in SQL over the whole table.
Enter opens a contact; n makes a new one, e edits the highlighted one; m merges it with a duplicate;
v opens an event's invitations."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding

from crm.i18n import pick
from crm.services.contact_list import contact_page, count_contacts
from crm.services.search import ContactFilters, search_contacts
from tui import text
from tui.screens.base import WorkbenchScreen
from tui.screens.list_base import SEARCH_LIMIT, ListScreen, RankedSource, SortedSource
from tui.widgets.virtual_table import Column, TableRow, VirtualTable


def contact_columns() -> list[Column]:
    """On a narrow terminal the email, then the city, make room for the organization."""
    return [
        Column("name", pick("姓名", "name"), 12),
        Column("organization", pick("单位", "organization"), 0),
        Column("kind", pick("类型", "kind"), 10),
        Column("city", pick("城市", "city"), 8, drop=1),
        Column("title", pick("职务", "title"), 14),
        Column("mobile", pick("手机", "mobile"), 11),
        Column("email", pick("邮箱", "email"), 24, drop=2),
    ]


def contact_row(r) -> TableRow:
    """A list row or a search hit (both carry these fields)."""
    kind = getattr(r, "org_kind", None)
    return TableRow(str(r.id), (
        Text(r.name), text.plain(r.organization), text.labelled("org_kind", getattr(kind, "value", kind)),
        text.plain(r.city), text.plain(r.title), text.plain(r.mobile), text.plain(r.email),
    ))


def edit_contact(screen: WorkbenchScreen, contact_id: int) -> None:
    """The contact's edit form, filled as the contact now is (the contacts list and a contact's page)."""
    from tui.forms.directory_forms import ContactForm, load_contact

    screen.run_db("edit-contact", lambda session: load_contact(session, contact_id),
                  lambda current: screen.app.push_screen(ContactForm(current), screen.form_closed))


class ContactsScreen(ListScreen):
    BINDINGS = [
        Binding("n", "new", "new", id="contact.new"),
        Binding("e", "edit", "edit", id="contact.edit"),
        Binding("m", "merge", "merge", id="contact.merge"),
        Binding("v", "invitations", "invitations", id="contact.invitations"),
    ]
    AUTO_FOCUS = "#contacts"
    TABLE_ID = "contacts"
    WHAT = "contacts"
    SORTS = ("name", "organization", "kind", "city", "title", "mobile", "email")
    # No space after "/" in Chinese: Rich breaks lines at spaces only (a narrow box showed "/" alone).
    PLACEHOLDER = ("/搜索：姓名、拼音或首字母、手机、邮箱、单位、职务", "/ search: name, pinyin or initials, mobile, email, organization")
    SELECTS = (("kind", "单位类型", "kind"), ("industry", "产业", "industry"), ("city", "城市", "city"),
               ("event", "受邀活动", "invited to"))

    def columns(self) -> list[Column]:
        return contact_columns()

    def filters(self) -> ContactFilters:
        s = self.selected
        return ContactFilters(org_kind=s.get("kind"), industry_id=s.get("industry"), region_id=s.get("city"),
                              event_id=s.get("event"))

    def sorted_source(self) -> SortedSource:
        filters, order = self.filters(), self.order
        return SortedSource(
            lambda session: count_contacts(session, filters),
            lambda session, offset, limit, total: contact_page(session, filters, order, offset, limit, total=total),
            contact_row,
        )

    def ranked_source(self, query: str) -> RankedSource:
        filters = self.filters()
        return RankedSource(lambda session: search_contacts(session, query, limit=SEARCH_LIMIT, filters=filters),
                            contact_row)

    def noun(self, count: int) -> str:
        return pick(f"{count:,} 位客商", f"{count:,} contacts")

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("客商", "contacts")

    # -- actions on the highlighted contact ---------------------------------------------------------

    def current_id(self) -> int | None:
        key = self.table.cursor_key
        return int(key) if key else None

    @on(VirtualTable.RowSelected)
    def _open(self, event: VirtualTable.RowSelected) -> None:
        if event.key:
            from tui.screens.contact_detail import ContactDetailScreen

            self.app.push_screen(ContactDetailScreen(int(event.key)))

    def _chosen_id(self) -> int | None:
        contact_id = self.current_id()
        if contact_id is None:
            self.notify(pick("请先选择一位客商", "choose a contact first"), severity="warning")
        return contact_id

    def action_merge(self) -> None:
        contact_id = self._chosen_id()
        if contact_id is None:
            return
        from tui.forms.merge import MergeScreen

        self.app.push_screen(MergeScreen(contact_id), self.form_closed)

    def action_new(self) -> None:
        from tui.forms.directory_forms import ContactForm

        self.app.push_screen(ContactForm(), self.form_closed)

    def action_edit(self) -> None:
        contact_id = self._chosen_id()
        if contact_id is not None:
            edit_contact(self, contact_id)

    def action_invitations(self) -> None:
        from tui.screens.invitations import open_invitations

        event_id = self.selected.get("event")
        event = next((c for c in (self.choices.events if self.choices else []) if c.id == event_id), None)
        open_invitations(self.app, event.name.split()[0] if event else None)
