"""活动: every programme as a tree (programme → 五/四/四 → activities → meetings) beside the highlighted
event's detail: organizers by role, date or possible span, scale, quotas, deadlines, invitations, signed
projects; or the highlighted programme's. Programmes and events are made, copied and edited here, and
`v` opens an event's invitations."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Static, Tree

from crm.errors import CrmError
from crm.i18n import pick
from crm.labels import category_label, org_kind_label
from crm.rules.kpi import projects_in
from crm.rules.when import when_input
from crm.services.directory import parse_org_kind
from crm.services.event_detail import Deadline, EventDetail, EventNode, ProgrammeTree, event_detail, programme_tree
from crm.services.event_editing import event_when
from crm.services.events import event_dict, get_event, list_events
from crm.services.programmes import list_programmes, programme_dict
from crm.services.project_query import filter_choices
from crm.services.submissions import Step, history
from db.models import OrgKind
from tui import text
from tui.forms import event_forms as forms
from tui.forms import programme_forms
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.tables import fill


def _deadline_mark(node: EventNode) -> Text:
    """A red mark on an event whose plan or summary is overdue (or one of whose meetings has one)."""
    def statuses(n: EventNode):
        yield from (d.status for d in (n.plan, n.summary) if d is not None)
        for child in n.children:
            yield from statuses(child)

    found = set(statuses(node))
    if "overdue" in found:
        return Text("! ", style="bold red")
    if "due" in found:
        return Text("! ", style="bold yellow")
    return Text("")


def by_kind(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Invitations by 客商类别, one count per kind however the lists wrote it: the demo's code (private),
    an imported list's word (民企, 民营企业) and our word are one kind; other words stay as written. Our
    kinds come first in their order, then the other words, 未分类 last."""
    merged: Counter[str] = Counter()
    for category, count in counts.items():
        try:
            merged[org_kind_label(parse_org_kind(category)) if category else category_label(None)] += count
        except CrmError:  # not one of our kinds
            merged[category] += count
    kinds, unclassified = [org_kind_label(kind) for kind in OrgKind], category_label(None)

    def rank(name: str) -> tuple[int, int | str]:
        return (0, kinds.index(name)) if name in kinds else (2, "") if name == unclassified else (1, name)

    return sorted(merged.items(), key=lambda item: rank(item[0]))


def _node_label(node: EventNode) -> Text:
    span = node.starts_on.isoformat() if node.date_fixed else node.starts_on.strftime("%Y-%m")
    return Text.assemble(_deadline_mark(node), (node.ref, "bold"), (f" {span} ", "dim"), node.title)


def _programme_label(programme: dict) -> Text:
    return Text.assemble((programme["ref"], "bold"), " ", programme["title"],
                         (text.parenthesized(str(programme["events"])), "dim"))


# The tree's node data: an event's ref, or ("programme", its ref) for a programme's node.
PROGRAMME = "programme"


@dataclass(frozen=True)
class Programmes:
    """The tree as loaded: the events by group, every programme, and which programme holds each event."""

    tree: ProgrammeTree
    programmes: list[dict]  # crm.services.programmes.programme_dict, newest first
    owner: dict[str, str | None]  # event ref → programme ref


def load_programmes(session, as_of) -> Programmes:
    return Programmes(programme_tree(session, as_of), [programme_dict(p, n) for p, n in list_programmes(session)],
                      {e.ref: e.programme.code if e.programme else None for e in list_events(session)})


def load_event(session, ref: str, as_of) -> tuple[EventDetail, dict[str, Step]]:
    """The event's detail and the latest reporting step of its plan and summary (上报, 认定, 退回)."""
    detail = event_detail(session, ref, as_of)
    reported = {}
    if not detail.meetings:  # an activity's plans and summaries are its meetings'
        for kind in ("plan", "summary"):
            steps = history(session, kind, ref)
            if steps:
                reported[kind] = steps[-1]
    return detail, reported


def reported_words(step: Step | None) -> Text:
    """Where a plan's or summary's reporting up stands (nothing when it was never submitted as such)."""
    if step is None:
        return Text("")
    from crm.labels import submission_status_label

    style = {"submitted": "yellow", "returned": "bold red", "accepted": "green"}[step.action]
    words = Text.assemble(" · ", (submission_status_label(step.action), style))
    if step.action == "returned" and step.note:
        words.append(pick(f"：{step.note}", f": {step.note}"))
    return words


def load_event_for_edit(session, ref: str) -> dict:
    """The event as its edit form starts from: its fields, its time as typed, the version edited."""
    event = get_event(session, ref)
    return event_dict(event) | {"when_typed": when_input(event_when(event)), "version": event.version}


class EventsScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("d", "fix_date", "fix date", id="event.fix_date"),
        Binding("p", "mark('plan')", "plan filed", id="event.plan"),
        Binding("s", "mark('summary')", "summary filed", id="event.summary"),
        Binding("n", "sign", "sign project", id="event.sign"),
        Binding("v", "invitations", "invitations", id="event.invitations"),
        Binding("e", "edit_event", "edit event", id="event.edit"),
        Binding("ctrl+n", "new_event", "new event", id="event.new"),
        # A programme is made once a year: its keys are in F1 and Ctrl+P, not in the footer (80 columns).
        Binding("P", "programme", "new programme", show=False, id="programme.new"),
        Binding("E", "programme(True)", "edit programme", show=False, id="programme.edit"),
        Binding("C", "copy_programme", "copy programme", show=False, id="programme.copy"),
    ]
    AUTO_FOCUS = "#event-tree"

    def __init__(self) -> None:
        super().__init__()
        self.detail: EventDetail | None = None
        self.reported: dict[str, Step] = {}  # the detail's plan and summary: their latest reporting step
        self.loaded: Programmes | None = None
        self.current: str | tuple[str, str] | None = None  # the highlighted event or programme node's data
        self.wanted: str | tuple[str, str] | None = None  # a node to show once the tree is there

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="events"):
            tree = Tree(Text(pick("活动方案", "programmes")), id="event-tree")
            tree.show_root = False  # the programmes are the top level
            yield tree
            with VerticalScroll(id="event-detail"):
                yield Static(Text(pick("选择左侧的活动查看详情", "choose an event on the left")), id="event-info")
                yield DataTable(id="event-projects", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = pick("活动与会议", "events and meetings")
        self.reload()

    def reload(self) -> None:
        as_of = self.app.today
        self.run_db("tree", lambda session: load_programmes(session, as_of), self._show_tree)
        if self.detail is not None:
            self._load(self.detail.ref)

    def _show_tree(self, loaded: Programmes) -> None:
        self.loaded = loaded
        tree = self.query_one(Tree)
        selected = self.wanted or self.current
        tree.clear()
        shown: list[str | tuple[str, str]] = []  # the nodes' data in the tree's order

        def add(parent, node: EventNode):
            shown.append(node.ref)
            if node.children:
                branch = parent.add(_node_label(node), data=node.ref, expand=True)
                for child in node.children:
                    add(branch, child)
            else:
                parent.add_leaf(_node_label(node), data=node.ref)

        programmes = [(p["ref"], _programme_label(p)) for p in loaded.programmes]
        listed = {ref for ref, _label in programmes}

        def owner(ref: str) -> str | None:  # an event of no programme, or of a deleted one, is listed apart
            return loaded.owner.get(ref) if loaded.owner.get(ref) in listed else None

        if any(owner(ref) is None for ref in loaded.owner):
            programmes.append((None, Text(pick("（未归入方案的活动）", "(events in no programme)"), style="dim")))
        for ref, label in programmes:
            top = tree.root.add(label, data=(PROGRAMME, ref) if ref else None, expand=True)
            if ref:
                shown.append((PROGRAMME, ref))
            for group, nodes in loaded.tree.groups:
                own = [node for node in nodes if owner(node.ref) == ref]
                if own:
                    branch = top.add(Text(f"{word('group', group)}{text.parenthesized(str(len(own)))}", style="bold"),
                                     expand=True)
                    for node in own:
                        add(branch, node)
        self.wanted = None
        first = next((data for data in shown if isinstance(data, str)), shown[0] if shown else None)
        if selected or first:
            self.show_event(selected or first)
        else:
            self.data_shown("events")

    def show_event(self, ref: str | tuple[str, str]) -> None:
        """Highlight an event (or a programme) in the tree and show its detail (once the tree is loaded)."""
        tree = self.query_one(Tree)

        def find(node):
            if node.data == ref:
                return node
            for child in node.children:
                found = find(child)
                if found is not None:
                    return found
            return None

        node = find(tree.root)
        if node is None:
            self.wanted = ref
            return
        tree.move_cursor(node)
        if tree.cursor_node is not node:
            # Tree.move_cursor reads the node's line before it numbers the lines of a tree just rebuilt
            # (it does so while checking the new line): the first move numbers them, this one lands.
            tree.move_cursor(node)
        tree.focus()
        self._show(ref)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        # A rebuilt tree highlights its first line before the cursor is moved to the node shown: only
        # the node under the cursor counts.
        if event.node.data and event.node.data != self.current and event.node is event.control.cursor_node:
            self._show(event.node.data)

    def _show(self, data: str | tuple[str, str]) -> None:
        self.current = data
        if isinstance(data, str):
            self._load(data)
            return
        programme = self._programme(data[1])
        if programme is None:
            return
        self.detail = None
        self.query_one("#event-info", Static).update(self._programme_info(programme))
        self.query_one("#event-projects", DataTable).display = False
        self.refresh_bindings()
        self.data_shown("events")

    def _load(self, ref: str) -> None:
        as_of = self.app.today
        self.run_db("event", lambda session: load_event(session, ref, as_of), self._show_detail)

    def _show_detail(self, loaded: tuple[EventDetail, dict[str, Step]]) -> None:
        detail, reported = loaded
        if detail.ref != self.current:
            return  # another node was highlighted meanwhile
        if self.detail is None or self.detail.ref != detail.ref:  # another event: its detail from the top
            self.query_one("#event-detail").scroll_home(animate=False)
        self.detail = detail
        self.reported = reported
        self.query_one("#event-info", Static).update(self._info(detail, reported))
        table = self.query_one("#event-projects", DataTable)
        fill(table, [pick("编号", "ref"), pick("签约项目", "signed project"), pick("金额(万元)", "万元"),
                     pick("签约日期", "signed on"), pick("阶段", "stage"), pick("状态", "status")],
             [(Text(p.ref), Text(p.name), text.wan(p.amount), text.day(p.signed_on), text.stage(p.stage),
               text.labelled("status", p.status.value)) for p in detail.signed_projects],
             [p.ref for p in detail.signed_projects])
        table.display = bool(detail.signed_projects)
        self.refresh_bindings()
        self.data_shown("events")

    @staticmethod
    def _info(d: EventDetail, reported: dict[str, Step] | None = None) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.title = Text.assemble((d.ref, "bold"), " ", (d.title, "bold"))
        grid.title_justify = "left"

        def names(values: list[str]) -> Text:
            return text.plain(text.joined(values) if values else None)

        def deadline(value: Deadline | None, kind: str) -> Text:
            if value is None:
                return Text(pick("按会议分别报送", "filed per meeting"), style="dim")
            line = Text.assemble(f"{value.due} ", (word("deadline", value.status), text.DEADLINE_STYLE[value.status]))
            if value.submitted_on:
                line.append(pick(f"（{value.submitted_on} 报送）", f" (submitted {value.submitted_on})"))
            line.append_text(reported_words((reported or {}).get(kind)))
            return line

        scale = pick(f"约 {d.planned_scale} 人", f"about {d.planned_scale} people") if d.planned_scale else None
        quotas = [
            pick(f"{industry or '每个产业'} {low}–{high} 个项目", f"{industry or 'each industry'}: {low}–{high} projects")
            for industry, low, high in d.quotas
        ]
        invitations = Text(" · ".join(f"{word('invitation', status)} {count}"
                                      for status, count in d.invitations_by_status.items()))
        categories = Text(" · ".join(f"{name} {count}" for name, count in by_kind(d.invitations_by_category)) or "—")
        signed_amount = sum(p.amount or 0 for p in d.signed_projects)
        rows = [
            (pick("级别 / 类型", "level / kind"), Text(f"{word('level', d.level)} · {word('event_kind', d.kind)}")),
            (pick("时间", "when"), text.when(d.starts_on, d.ends_on, d.date_precision)),
            (pick("地点", "where"), text.plain(" ".join(x for x in (d.city, d.venue) if x) or None)),
            (pick("规模", "scale"), text.plain(scale)),
            *((word("role", role), names(units)) for role, units in d.organizers.items()),
            (pick("产业", "industries"), names(d.industries)),
            (pick("邀请对象", "invitees"), names(d.invitee_types)),
            (pick("项目配额", "quotas"), names(quotas)),
            (pick("工作方案截止", "plan due"), deadline(d.plan, "plan")),
            (pick("工作总结截止", "summary due"), deadline(d.summary, "summary")),
            (pick("邀请（按状态）", "invitations"), invitations),
            (pick("邀请（按类别）", "by category"), categories),
            (pick("签约项目", "signed"), Text(pick(f"{projects_in(d.signed_projects)} 个，{text.yi(signed_amount)} 亿元",
                                                  f"{projects_in(d.signed_projects)}, {text.yi(signed_amount)} 亿元"))),
        ]
        if d.meetings:
            rows.insert(1, (pick("包含会议", "meetings"), names(d.meetings)))
        for label, value in rows:
            grid.add_row(Text(label), value)
        return grid

    @staticmethod
    def _programme_info(p: dict) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.title = Text.assemble((p["ref"], "bold"), " ", (p["title"], "bold"))
        grid.title_justify = "left"
        for label, value in (
            (pick("年度", "year"), text.plain(p["year"])),
            (pick("文号", "document number"), text.plain(p["document_no"])),
            (pick("印发单位", "issued by"), text.plain(p["issuing_unit"])),
            (pick("活动/会议", "events"), text.plain(p["events"])),
            (pick("备注", "notes"), text.plain(p["notes"])),
        ):
            grid.add_row(Text(label), value)
        grid.add_row(Text(""), Text(""))
        grid.add_row(Text(""), Text(pick("Ctrl+N 在本方案新建活动 · E 编辑方案 · C 复制为新年度方案 · P 新建方案",
                                          "Ctrl+N new event here · E edit · C copy into a new year · P new programme"),
                                     style="dim"))
        return grid

    @on(DataTable.RowSelected, "#event-projects")
    def _open_project(self, event: DataTable.RowSelected) -> None:
        self.app.open_project(event.row_key.value)

    # -- actions ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("fix_date", "mark", "sign", "invitations", "edit_event") and self.detail is None:
            return None
        if action == "mark" and self.detail is not None and self.detail.meetings:
            return None  # plans and summaries are filed per meeting
        if action in ("new_event", "copy_programme") and not (self.loaded and self.loaded.programmes):
            return None
        if action == "programme" and parameters and self._cursor_programme() is None:
            return None
        return True

    def action_fix_date(self) -> None:
        if self.detail is not None:
            self.app.push_screen(forms.FixDateForm(self.detail), self.form_closed)

    def action_mark(self, which: str) -> None:
        """上报 the plan or the summary (again, after it was returned)."""
        if self.detail is None or self.detail.meetings:
            return
        from crm.i18n import t
        from tui.forms.reporting import SubmitForm

        latest = self.reported.get(which)
        returned = latest is not None and latest.action == "returned"
        form = SubmitForm(which, self.detail.ref, self.detail.title, self.app.today, again=returned,
                          returned_because=latest.note if returned else None)
        if latest is not None and latest.action == "submitted":
            form.unavailable = t("submission_pending", ref=self.detail.ref, on=latest.on.isoformat())
        elif latest is not None and latest.action == "accepted":
            form.unavailable = t("submission_accepted", ref=self.detail.ref)
        if form.unavailable:
            self.notify(form.unavailable, markup=False, severity="warning")
        else:
            self.app.push_screen(form, self.form_closed)

    def action_sign(self) -> None:
        if self.detail is None:
            return
        detail, today = self.detail, self.app.today
        self.run_db("sign-choices", filter_choices,
                    lambda choices: self.app.push_screen(forms.SignProjectForm(detail, choices, today),
                                                         self.form_closed))

    def action_invitations(self) -> None:
        if self.detail is not None:
            from tui.screens.invitations import open_invitations

            open_invitations(self.app, self.detail.ref)

    # -- programmes and events by hand --------------------------------------------------------------

    def _programme(self, ref: str | None) -> dict | None:
        return next((p for p in (self.loaded.programmes if self.loaded else []) if p["ref"] == ref), None)

    def _cursor_programme(self) -> str | None:
        """The programme of the highlighted node (the one it is, or the one it sits in)."""
        if isinstance(self.current, tuple):
            return self.current[1]
        return self.loaded.owner.get(self.current) if self.loaded and self.current else None

    def _event_choices(self) -> forms.EventChoices:
        loaded = self.loaded
        activities: dict[str, list[tuple[str, str]]] = {}
        for _group, nodes in loaded.tree.groups:
            for node in nodes:
                activities.setdefault(loaded.owner.get(node.ref) or "", []).append((node.ref, node.title))
        return forms.EventChoices([(p["ref"], p["title"]) for p in loaded.programmes], activities,
                                  [group for group, _nodes in loaded.tree.groups if group])

    def _open(self, form) -> None:
        """Push a form that names what it saved (saved_key): the tree shows that once read again."""
        if form.unavailable:
            self.notify(form.unavailable, markup=False, severity="warning")
            return

        def closed(result) -> None:
            if result is not None and form.saved_key:
                self.wanted = form.saved_key
            self.form_closed(result)

        self.app.push_screen(form, closed)

    def action_programme(self, edit: bool = False) -> None:
        programme = self._programme(self._cursor_programme()) if edit else None
        if edit and programme is None:
            return
        self._open(programme_forms.ProgrammeForm(self.app.today, programme))

    def action_copy_programme(self) -> None:
        if self.loaded and self.loaded.programmes:
            self._open(programme_forms.CopyProgrammeForm(self.loaded.programmes, self._cursor_programme(),
                                                         self.app.today))

    def action_new_event(self) -> None:
        """A new event in the highlighted programme: a meeting under the highlighted activity (or under
        the activity of the highlighted meeting), else a top-level event beside the highlighted one."""
        if not (self.loaded and self.loaded.programmes):
            return
        detail = self.detail
        parent = None
        if detail is not None:
            parent = detail.parent or (detail.ref if detail.meetings else None)
        self._open(forms.EventForm(self._event_choices(), programme=self._cursor_programme(), parent=parent,
                                   level=detail.level if detail else None,
                                   group=self._group_of(detail.ref) if detail else None))

    def _group_of(self, ref: str) -> str | None:
        def walk(nodes):
            for node in nodes:
                yield node
                yield from walk(node.children)

        return next((node.group for _group, nodes in self.loaded.tree.groups for node in walk(nodes) if node.ref == ref),
                    None)

    def action_edit_event(self) -> None:
        if self.detail is None:
            return
        ref, choices = self.detail.ref, self._event_choices()
        self.run_db("edit-event", lambda session: load_event_for_edit(session, ref),
                    lambda event: self._open(forms.EventForm(choices, event=event)))
