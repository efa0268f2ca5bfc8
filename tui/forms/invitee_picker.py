"""Contacts put on an event's invitation list: found by the contact search as you type (names, pinyin
and initials, mobiles, emails, organizations), picked one or several (space), added as proposed or
invited (Ctrl+S). Who is already on the list is left as it is, and the message says how many."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from crm.i18n import pick, t
from crm.services.invitations import BY_HAND_STATUSES, add_invitations
from crm.services.search import search_contacts
from db.models import InvitationStatus
from tui import text
from tui.db import DbClient, Failure
from tui.i18n import translate_bindings, word
from tui.widgets.tables import cut

# Search hits listed: the best this many (the search ranks them).
CANDIDATES = 50


class AddInviteesScreen(DbClient, ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "add", "add", id="invitees.add"),
        Binding("space", "toggle", "select", id="invitation.select"),
        Binding("escape", "cancel", "cancel", id="form.cancel"),
    ]
    DEFAULT_CSS = """
    AddInviteesScreen { align: center middle; }
    #invitees { width: 110; max-width: 100%; height: 34; max-height: 100%; border: thick $primary;
                background: $surface; padding: 0 1; }
    #invitees-title { text-style: bold; height: 1; }
    #invitees-hint { color: $text-muted; height: auto; padding-bottom: 1; }
    #invitees-bar { height: 1; }
    #invitees-bar Input { width: 1fr; margin-right: 1; }
    #invitees-bar Select { width: 24; }
    #invitees-hits { height: 1fr; margin-top: 1; }
    #invitees-message { color: $error; height: auto; }
    """

    def __init__(self, event_ref: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.event_ref = event_ref
        self.hits: list = []
        self.picked: dict[int, str] = {}  # contact id → name, in the order picked
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="invitees"):
            yield Static(Text(pick(f"添加客商到活动 {self.event_ref} 的邀请名单", f"Add contacts to the invitations of {self.event_ref}")),
                         id="invitees-title")
            yield Static(id="invitees-hint")
            with Horizontal(id="invitees-bar"):
                yield Input(placeholder=pick("搜索客商：姓名、拼音或首字母、手机、邮箱、单位",
                                             "search contacts: name, pinyin or initials, mobile, email, organization"),
                            id="invitees-search", compact=True)
                yield Select([(Text(word("invitation", s.value)), s) for s in BY_HAND_STATUSES],
                             value=InvitationStatus.PROPOSED, allow_blank=False, id="invitees-status", compact=True)
            yield DataTable(id="invitees-hits", cursor_type="row", zebra_stripes=True)
            yield Static(id="invitees-message")

    def on_mount(self) -> None:
        # Columns of fixed widths, once: the rows change with every keystroke, and columns measured anew
        # would each time be painted at their titles' widths first (see InvitationsScreen._show).
        table = self.query_one("#invitees-hits", DataTable)
        narrow = self.app.size.width < 100  # 80 columns: the organization gives way, the mobile stays whole
        for title, width in (("✓", 1), (pick("姓名", "name"), 8), (pick("单位", "organization"), 24 if narrow else 40),
                             (pick("职务", "title"), 14 if narrow else 16), (pick("手机", "mobile"), 15)):
            table.add_column(Text(title), width=width)
        self._show_hint()
        self.query_one("#invitees-search", Input).focus()

    def _show_hint(self) -> None:
        names = text.joined(self.picked.values())
        self.query_one("#invitees-hint", Static).update(Text(pick(
            f"回车到结果，空格选中或取消，Ctrl+S 添加。已选 {len(self.picked)} 位" + (f"：{names}" if names else ""),
            f"Enter: to the results; space: pick or unpick; Ctrl+S: add. {len(self.picked)} picked"
            + (f": {names}" if names else ""))))

    @on(Input.Changed, "#invitees-search")
    def _search(self, event: Input.Changed) -> None:
        query = event.value
        if not query.strip():
            self._show_hits([])
            return
        self.run_db("hits", lambda session: search_contacts(session, query, limit=CANDIDATES), self._show_hits)

    def _show_hits(self, hits) -> None:
        self.hits = hits
        table = self.query_one("#invitees-hits", DataTable)
        table.clear()
        for h in hits:
            table.add_row(self._mark(h.id), Text(h.name), cut(text.plain(h.organization)), cut(text.plain(h.title)),
                          text.plain(h.mobile), key=str(h.id))

    def _mark(self, contact_id: int) -> Text:
        return Text("✓" if contact_id in self.picked else "")

    @on(Input.Submitted, "#invitees-search")
    def _to_hits(self) -> None:
        self.query_one("#invitees-hits", DataTable).focus()

    @on(DataTable.RowSelected, "#invitees-hits")
    def _selected(self) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:
        table = self.query_one("#invitees-hits", DataTable)
        if not self.hits or self.focused is not table:
            return
        hit = self.hits[table.cursor_row]
        if self.picked.pop(hit.id, None) is None:
            self.picked[hit.id] = hit.name
        table.update_cell(str(hit.id), table.ordered_columns[0].key, self._mark(hit.id))
        table.move_cursor(row=table.cursor_row + 1)
        self._show_hint()

    def action_add(self) -> None:
        if self.saving:
            return
        table = self.query_one("#invitees-hits", DataTable)
        ids = list(self.picked) or ([self.hits[table.cursor_row].id] if self.hits else [])
        if not ids:
            self._say(pick("先搜索并选中客商（空格）", "search and pick contacts first (space)"))
            return
        self.saving = True
        self._say(pick("添加中…", "adding…"))
        ref, status = self.event_ref, self.query_one("#invitees-status", Select).value

        def job(session) -> str:
            done = add_invitations(session, ref, ids, status=status)
            return t("invitations_added", event=ref, added=len(done.added), restored=len(done.restored),
                     already=len(done.already))

        self.run_db("add", job, self.dismiss, on_failure=self._refused, write=True)

    def _refused(self, failure: Failure) -> None:
        self.saving = False
        self._say(failure.message)

    def _say(self, message: str) -> None:
        self.query_one("#invitees-message", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
