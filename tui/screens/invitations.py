"""An event's invitee list: filter by status and search as you type; select rows (space, a for all
shown) and move them to a status in one go. The status flow (crm.rules.invitations) decides what may
change; rows it refuses are named and, if the user agrees, left as they are while the others change.
n adds contacts found by the contact search; x takes proposed invitations off the list (the service
refuses any other status: a guest who is not coming declines)."""
from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from crm.i18n import pick, t
from crm.labels import category_label
from crm.services.events import get_event
from crm.services.invitations import (
    InvitationRow,
    change_status,
    list_invitations,
    plan_status_change,
    remove_invitations,
)
from db.models import InvitationStatus
from tui import text
from tui.forms.pickers import ConfirmScreen, EventPicker
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.tables import fill

STATUS_KEYS = (("p", InvitationStatus.PROPOSED), ("i", InvitationStatus.INVITED), ("c", InvitationStatus.CONFIRMED),
               ("t", InvitationStatus.ATTENDED), ("d", InvitationStatus.DECLINED))
STATUS_GROUP = Binding.Group("invitation.status")  # a binding id of tui.i18n.BINDINGS: the label, translated


def open_invitations(app, event_ref: str | None) -> None:
    """The invitee list of an event; without one, ask which."""
    if event_ref:
        app.push_screen(InvitationsScreen(event_ref))
        return
    app.push_screen(EventPicker(pick("哪个活动的邀请名单？", "The invitations of which event?")),
                    lambda ref: ref and app.push_screen(InvitationsScreen(ref)))


class InvitationsScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("escape", "back", "back", id="app.back"),
        # The search box above the list says "/搜索…" itself.
        Binding("slash", "search", "search", show=False, id="list.search"),
        Binding("space", "toggle", "select", id="invitation.select"),
        Binding("a", "select_all", "select all", id="invitation.select_all"),
        # One footer entry, "p i c t d 改状态" (each key's status in F1, in the order of the 状态 column).
        *(Binding(key, f"set_status('{status.value}')", status.value, id=f"invitation.{status.value}",
                  group=STATUS_GROUP)
          for key, status in STATUS_KEYS),
        Binding("n", "add", "add contacts", id="invitation.add"),
        Binding("x", "remove", "remove", id="invitation.remove"),
    ]
    AUTO_FOCUS = "#invitations"
    DEFAULT_CSS = """
    #invitation-title { height: 1; padding: 0 1; background: $panel; }
    #invitation-filters { height: 1; margin: 1 0 0 0; }
    #invitation-filters Input { width: 2fr; margin-right: 1; }
    #invitation-filters Select { width: 1fr; }
    #invitations { height: 1fr; margin-top: 1; }
    #invitation-status { height: 1; background: $panel; }
    """

    def __init__(self, event_ref: str) -> None:
        super().__init__()
        self.event_ref = event_ref
        self.rows: list[InvitationRow] = []
        self.selected: set[int] = set()
        self.status_filter: InvitationStatus | None = None
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.event_ref, style="bold"), id="invitation-title")
        with Horizontal(id="invitation-filters"):
            yield Input(placeholder=pick("/搜索：姓名、拼音、手机、单位", "/ search: name, pinyin, mobile, organization"),
                        id="search", compact=True)
            yield Select([(Text(word("invitation", s.value)), s) for s in InvitationStatus],
                         prompt=pick("状态", "status"), id="status", compact=True)
        yield DataTable(id="invitations", cursor_type="row", zebra_stripes=True)
        yield Static(id="invitation-status")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("邀请名单", "invitations")
        ref = self.event_ref
        self.run_db("event", lambda session: get_event(session, ref).title, self._titled,
                    on_failure=self._not_loaded)
        self.reload()

    def _titled(self, title: str) -> None:
        self.query_one("#invitation-title", Static).update(Text.assemble((self.event_ref, "bold"), "  ", title))

    def _not_loaded(self, failure) -> None:
        self.app.report_failure(failure)
        self.close()

    def reload(self) -> None:
        ref, statuses, query = self.event_ref, [self.status_filter] if self.status_filter else [], self.query_text
        self.run_db("rows", lambda session: list_invitations(session, ref, statuses=statuses, query=query), self._show)

    def _show(self, rows: list[InvitationRow]) -> None:
        self.rows = rows
        self.selected &= {r.id for r in rows}
        headers = ("✓", pick("姓名", "name"), pick("单位", "organization"), pick("类型", "kind"), pick("职务", "title"),
                   pick("手机", "mobile"), pick("状态", "status"), pick("类别", "category"))
        fill(self.query_one("#invitations", DataTable), headers, [self._cells(r) for r in rows],
             [str(r.id) for r in rows], keep_cursor=True)
        self._show_status()
        self.data_shown("invitations")

    def _cells(self, r: InvitationRow) -> tuple[Text, ...]:
        return (Text("✓" if r.id in self.selected else ""), Text(r.name) if r.name else Text(pick("（待定）", "(to be named)"), style="dim"),
                text.plain(r.organization), text.labelled("org_kind", r.org_kind), text.plain(r.title),
                text.plain(r.mobile), text.labelled("invitation", r.status), Text(category_label(r.category)))

    def _show_status(self) -> None:
        counts = Counter(r.status for r in self.rows)
        parts = [f"{word('invitation', s.value)} {counts[s.value]}" for s in InvitationStatus if counts[s.value]]
        line = pick(f" 共 {len(self.rows)} 条（{'，'.join(parts) or '无'}）· 已选 {len(self.selected)} 条",
                    f" {len(self.rows)} invitations ({', '.join(parts) or 'none'}) · {len(self.selected)} selected")
        self.query_one("#invitation-status", Static).update(Text(line, style="dim"))

    # -- filters ------------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#invitations", DataTable).focus()

    @on(Select.Changed, "#status")
    def _status(self, event: Select.Changed) -> None:
        self.status_filter = None if event.value is Select.NULL else event.value
        self.reload()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:
            self.query_one("#invitations", DataTable).focus()
        else:
            self.dismiss()

    # -- selection and status -----------------------------------------------------------------------

    def _cursor_id(self) -> int | None:
        table = self.query_one("#invitations", DataTable)
        if not self.rows:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_toggle(self) -> None:
        invitation_id = self._cursor_id()
        if invitation_id is None:
            return
        self.selected ^= {invitation_id}
        table = self.query_one("#invitations", DataTable)
        table.update_cell(str(invitation_id), table.ordered_columns[0].key,
                          Text("✓" if invitation_id in self.selected else ""))
        table.move_cursor(row=table.cursor_row + 1)
        self._show_status()

    def action_select_all(self) -> None:
        shown = {r.id for r in self.rows}
        self.selected = set() if shown <= self.selected else self.selected | shown
        self._show(self.rows)

    def _chosen(self) -> list[int]:
        """The selected rows, else the highlighted one."""
        return sorted(self.selected) or ([self._cursor_id()] if self._cursor_id() is not None else [])

    def action_set_status(self, status: str) -> None:
        chosen = self._chosen()
        if not chosen:
            return
        self._change(chosen, InvitationStatus(status), skip_refused=False)

    def _change(self, ids: list[int], status: InvitationStatus, *, skip_refused: bool) -> None:
        """Ask the service what would change; if the flow refuses some rows, ask before changing the rest."""
        ref = self.event_ref
        versions = {r.id: r.version for r in self.rows if r.id in set(ids)}

        def planned(plan) -> None:
            if not plan.refused or skip_refused:
                self.run_db("status", lambda session: change_status(
                    session, ref, ids, status, skip_refused=True, expected_versions=versions),
                    lambda done: self._changed(done, status), on_failure=self._failed, write=True)
                return
            first = plan.refused[0]
            question = pick(
                f"{len(plan.refused)} 条不能改为「{word('invitation', status.value)}」"
                f"（如 #{first['id']} 当前为「{word('invitation', first['status'])}」）。其余 {len(plan.changed)} 条照改吗？",
                f"{len(plan.refused)} cannot become {word('invitation', status.value)} (e.g. #{first['id']} is "
                f"{word('invitation', first['status'])}). Change the other {len(plan.changed)}?",
            )
            self.app.push_screen(ConfirmScreen(question),
                                 lambda yes: yes and self._change(ids, status, skip_refused=True))

        self.run_db("status-plan", lambda session: plan_status_change(
            session, ref, ids, status, expected_versions=versions), planned, on_failure=self._failed)

    def _failed(self, failure) -> None:
        self.app.report_failure(failure)
        self.reload()

    def _changed(self, plan, status: InvitationStatus) -> None:
        self.notify(pick(
            f"已改为「{word('invitation', status.value)}」：{len(plan.changed)} 条"
            + (f"；未改 {len(plan.refused)} 条" if plan.refused else ""),
            f"set to {word('invitation', status.value)}: {len(plan.changed)}"
            + (f"; {len(plan.refused)} left as they were" if plan.refused else ""),
        ), markup=False)
        self.selected.clear()
        self.reload()

    # -- adding and removing ------------------------------------------------------------------------

    def action_add(self) -> None:
        from tui.forms.invitee_picker import AddInviteesScreen

        self.app.push_screen(AddInviteesScreen(self.event_ref), self.form_closed)

    def action_remove(self) -> None:
        chosen = self._chosen()
        if not chosen:
            return
        question = pick(f"从邀请名单中移除 {len(chosen)} 条邀请吗？（只有拟邀请可以移除；再次添加即恢复）",
                        f"Take {len(chosen)} invitations off the list? (only proposed ones can be; adding them again "
                        "restores them)")
        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self._remove(chosen))

    def _remove(self, ids: list[int]) -> None:
        ref = self.event_ref
        versions = {r.id: r.version for r in self.rows if r.id in set(ids)}

        def job(session) -> str:
            removed = remove_invitations(session, ref, ids, expected_versions=versions)
            return t("invitations_removed", event=ref, count=len(removed))

        self.run_db("remove", job, self._removed, on_failure=self._failed, write=True)

    def _removed(self, message: str) -> None:
        self.form_closed(message)
        self.selected.clear()
        self.reload()
