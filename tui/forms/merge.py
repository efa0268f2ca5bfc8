"""Merge duplicates: pick the other contact (searched as you type, the same name first), then see field
by field what is kept, choose the other's value where it is better (space), and merge (Ctrl+S). The
merge is recorded and can be undone from the contact's detail (u)."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from crm.i18n import pick, t
from crm.services.merge import MergePlan, field_label, get_contact, merge_contacts, plan_merge
from crm.services.search import search_contacts
from tui import text
from tui.db import DbClient, Failure
from tui.i18n import translate_bindings
from tui.widgets.tables import fill

SOURCES = {"kept": ("保留", "kept"), "merged": ("取另一位", "taken"), "same": ("相同", "same"), "both": ("合并", "joined")}
CANDIDATES = 30


class MergeScreen(DbClient, ModalScreen):
    BINDINGS = [
        Binding("ctrl+s", "merge", "merge", id="merge.confirm"),
        Binding("space", "toggle", "take other's value", id="merge.take"),
        Binding("x", "swap", "swap kept", id="merge.swap"),
        Binding("escape", "cancel", "cancel", id="form.cancel"),
    ]
    DEFAULT_CSS = """
    MergeScreen { align: center middle; }
    #merge { width: 110; max-width: 100%; height: 34; max-height: 100%; border: thick $primary; background: $surface;
             padding: 0 1; }
    #merge-title { text-style: bold; height: 1; }
    #merge-hint { color: $text-muted; height: auto; padding-bottom: 1; }
    #merge-steps { height: 1fr; }
    #merge-candidates { height: 1fr; }
    #merge-fields { height: auto; max-height: 12; }
    #merge-invitations { height: 1fr; margin-top: 1; }
    #merge-message { color: $error; height: auto; }
    """

    def __init__(self, kept_id: int, other_id: int | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.kept_id = kept_id
        self.other_id = other_id
        self.take: set[str] = set()
        self.plan: MergePlan | None = None
        self.versions: tuple[int, int] | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="merge"):
            yield Static(Text(pick("合并重复的客商", "Merge duplicate contacts")), id="merge-title")
            yield Static(id="merge-hint")
            with ContentSwitcher(initial="pick", id="merge-steps"):
                with Vertical(id="pick"):
                    yield Input(placeholder=pick("搜索另一位客商（姓名、拼音、手机…）", "search the other contact (name, pinyin, mobile…)"),
                                id="merge-search", compact=True)
                    yield DataTable(id="merge-candidates", cursor_type="row", zebra_stripes=True)
                with Vertical(id="plan"):
                    yield DataTable(id="merge-fields", cursor_type="row", zebra_stripes=True)
                    yield DataTable(id="merge-invitations", cursor_type="none")
            yield Static(id="merge-message")

    def on_mount(self) -> None:
        if self.other_id is not None:
            self._load_plan()
            return
        self._hint(pick("第 1 步：选出与之重复的另一位客商（回车选定）", "Step 1: choose the duplicate (Enter)"))
        kept_id = self.kept_id

        def job(session):
            return get_contact(session, kept_id).name

        self.run_db("kept", job, self._kept_loaded)

    def _kept_loaded(self, name: str) -> None:
        self.query_one("#merge-search", Input).value = name  # duplicates usually share the name
        self.query_one("#merge-search", Input).focus()

    def _hint(self, message: str) -> None:
        self.query_one("#merge-hint", Static).update(Text(message))

    # -- step 1: the other contact ------------------------------------------------------------------

    @on(Input.Changed, "#merge-search")
    def _search(self, event: Input.Changed) -> None:
        query, kept_id = event.value, self.kept_id

        def job(session):
            return [h for h in search_contacts(session, query, limit=CANDIDATES + 1) if h.id != kept_id][:CANDIDATES]

        self.run_db("candidates", job, self._show_candidates)

    def _show_candidates(self, hits) -> None:
        fill(self.query_one("#merge-candidates", DataTable),
             ("ID", pick("姓名", "name"), pick("单位", "organization"), pick("职务", "title"), pick("手机", "mobile"),
              pick("邮箱", "email")),
             [(Text(f"C#{h.id}"), Text(h.name), text.plain(h.organization), text.plain(h.title), text.plain(h.mobile),
               text.plain(h.email)) for h in hits],
             [str(h.id) for h in hits])

    @on(Input.Submitted, "#merge-search")
    def _to_candidates(self) -> None:
        self.query_one("#merge-candidates", DataTable).focus()

    @on(DataTable.RowSelected, "#merge-candidates")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.other_id = int(event.row_key.value)
        self._load_plan()

    # -- step 2: the plan ---------------------------------------------------------------------------

    def _load_plan(self) -> None:
        kept_id, other_id, take = self.kept_id, self.other_id, sorted(self.take)

        def job(session):
            plan = plan_merge(session, kept_id, other_id, take=take)
            return plan, (get_contact(session, kept_id).version, get_contact(session, other_id).version)

        self.run_db("plan", job, self._show_plan, on_failure=self._refused)

    def _show_plan(self, loaded) -> None:
        self.plan, self.versions = loaded
        plan = self.plan
        self.query_one("#merge-steps", ContentSwitcher).current = "plan"
        self._hint(pick(
            f"第 2 步：保留 C#{plan.kept_id}，并入 C#{plan.merged_id}。\n空格：该字段取另一位的值；x：改为保留另一位；Ctrl+S：合并",
            f"Step 2: keep C#{plan.kept_id}, merge C#{plan.merged_id} into it.\nSpace: take the other's value; "
            "x: keep the other one instead; Ctrl+S: merge"))
        fields = self.query_one("#merge-fields", DataTable)
        fill(fields, (pick("字段", "field"), f"C#{plan.kept_id} {pick('（保留）', '(kept)')}", f"C#{plan.merged_id}",
                      pick("合并后", "result"), pick("来源", "from")),
             [(Text(field_label(f.field)), self._value(f.field, f.kept), self._value(f.field, f.merged),
               self._value(f.field, f.result, bold=True), Text(pick(*SOURCES[f.source]))) for f in plan.fields],
             [f.field for f in plan.fields], keep_cursor=True)
        fields.focus()
        moves = [(Text(f"{i.event_ref} {i.event_title}"), text.labelled("invitation", i.merged_status),
                  text.labelled("invitation", i.kept_status) if i.kept_status else Text(pick("（移入）", "(moves over)")),
                  text.labelled("invitation", i.result_status)) for i in plan.invitations]
        fill(self.query_one("#merge-invitations", DataTable),
             (pick("活动", "event"), f"C#{plan.merged_id}", f"C#{plan.kept_id}", pick("合并后", "result")),
             moves or [(Text(pick("（无邀请需要移动）", "(no invitations to move)")), Text(""), Text(""), Text(""))])
        self.query_one("#merge-message", Static).update("")

    def _value(self, field: str, value, *, bold: bool = False) -> Text:
        if field == "organization_id" and self.plan is not None:
            value = self.plan.organizations.get(value, value)
        shown = text.plain(value)
        if bold and value not in (None, ""):
            shown.stylize("bold")
        return shown

    def action_toggle(self) -> None:
        if self.plan is None:
            return
        fields = self.query_one("#merge-fields", DataTable)
        field = self.plan.fields[fields.cursor_row].field
        self.take ^= {field}
        self._load_plan()

    def action_swap(self) -> None:
        if self.plan is None:
            return
        self.kept_id, self.other_id = self.other_id, self.kept_id
        self.take.clear()
        self._load_plan()

    def action_merge(self) -> None:
        if self.plan is None or self.saving:
            return
        self.saving = True
        self.query_one("#merge-message", Static).update(Text(pick("合并中…", "merging…")))
        kept_id, other_id, take, versions = self.plan.kept_id, self.plan.merged_id, sorted(self.take), self.versions
        login = self.app.login

        def job(session) -> str:
            from crm.services.actor import staff_for

            record = merge_contacts(session, kept_id, other_id, actor=staff_for(session, login), take=take,
                                    expected_versions=versions)
            return t("merge_done", merged=f"C#{other_id}", kept=f"C#{kept_id}", id=record.id)

        self.run_db("merge", job, self.dismiss, on_failure=self._refused, write=True)

    def _refused(self, failure: Failure) -> None:
        self.saving = False
        self.query_one("#merge-message", Static).update(Text(failure.message))
        if failure.stale and self.other_id is not None:
            self._load_plan()  # show the contacts as they now are

    def action_cancel(self) -> None:
        self.dismiss(None)
