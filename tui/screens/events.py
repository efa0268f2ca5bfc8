"""活动: the programme as a tree (五/四/四 → activities → meetings) beside the highlighted event's detail:
organizers by role, date or possible span, scale, quotas, deadlines, invitations, signed projects."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Static, Tree

from crm.i18n import pick
from crm.services.event_detail import Deadline, EventDetail, EventNode, ProgrammeTree, event_detail, programme_tree
from crm.services.project_query import filter_choices
from tui import text
from tui.forms import event_forms as forms
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets.key_bar import KeyBar


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


def _node_label(node: EventNode) -> Text:
    span = node.starts_on.isoformat() if node.date_fixed else node.starts_on.strftime("%Y-%m")
    return Text.assemble(_deadline_mark(node), (node.ref, "bold"), (f" {span} ", "dim"), node.title)


class EventsScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("d", "fix_date", "fix date", id="event.fix_date"),
        Binding("p", "mark('plan')", "plan filed", id="event.plan"),
        Binding("s", "mark('summary')", "summary filed", id="event.summary"),
        Binding("n", "sign", "sign project", id="event.sign"),
    ]
    AUTO_FOCUS = "#event-tree"

    def __init__(self) -> None:
        super().__init__()
        self.detail: EventDetail | None = None
        self.wanted: str | None = None  # an event to show once the tree is there

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="events"):
            yield Tree(Text(pick("活动", "events")), id="event-tree")
            with VerticalScroll(id="event-detail"):
                yield Static(Text(pick("选择左侧的活动查看详情", "choose an event on the left")), id="event-info")
                yield DataTable(id="event-projects", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = pick("活动与会议", "events and meetings")
        self.reload()

    def reload(self) -> None:
        as_of = self.app.today
        self.run_db("tree", lambda session: programme_tree(session, as_of), self._show_tree)
        if self.detail is not None:
            self._load(self.detail.ref)

    def _show_tree(self, programme: ProgrammeTree) -> None:
        tree = self.query_one(Tree)
        selected = self.wanted or (self.detail.ref if self.detail else None)
        tree.clear()
        tree.root.set_label(Text(programme.title or pick("活动", "events"), style="bold"))
        tree.root.expand()

        def add(parent, node: EventNode):
            if node.children:
                branch = parent.add(_node_label(node), data=node.ref, expand=True)
                for child in node.children:
                    add(branch, child)
            else:
                parent.add_leaf(_node_label(node), data=node.ref)

        for group, nodes in programme.groups:
            branch = tree.root.add(Text(f"{word('group', group)}{text.parenthesized(str(len(nodes)))}", style="bold"), expand=True)
            for node in nodes:
                add(branch, node)
        self.wanted = None
        first = next((n.ref for _, nodes in programme.groups for n in nodes), None)
        if selected or first:
            self.show_event(selected or first)
        else:
            self.data_shown("events")

    def show_event(self, ref: str) -> None:
        """Highlight an event in the tree and show its detail (once the tree is loaded)."""
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
        tree.focus()
        self._load(ref)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data and (self.detail is None or self.detail.ref != event.node.data):
            self._load(event.node.data)

    def _load(self, ref: str) -> None:
        as_of = self.app.today
        self.run_db("event", lambda session: event_detail(session, ref, as_of), self._show_detail)

    def _show_detail(self, detail: EventDetail) -> None:
        self.detail = detail
        self.query_one("#event-info", Static).update(self._info(detail))
        table = self.query_one("#event-projects", DataTable)
        table.clear(columns=True)
        table.add_columns(*(Text(c) for c in (pick("编号", "ref"), pick("签约项目", "signed project"),
                                               pick("金额(万元)", "万元"), pick("签约日期", "signed on"),
                                               pick("阶段", "stage"), pick("状态", "status"))))
        for p in detail.signed_projects:
            table.add_row(Text(p.ref), Text(p.name), text.wan(p.amount), text.day(p.signed_on), text.stage(p.stage),
                          text.labelled("status", p.status.value), key=p.ref)
        table.display = bool(detail.signed_projects)
        self.refresh_bindings()
        self.data_shown("events")

    @staticmethod
    def _info(d: EventDetail) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.title = Text.assemble((d.ref, "bold"), " ", (d.title, "bold"))
        grid.title_justify = "left"

        def names(values: list[str]) -> Text:
            return text.plain(text.joined(values) if values else None)

        def deadline(value: Deadline | None) -> Text:
            if value is None:
                return Text(pick("按会议分别报送", "filed per meeting"), style="dim")
            line = Text.assemble(f"{value.due} ", (word("deadline", value.status), text.DEADLINE_STYLE[value.status]))
            if value.submitted_on:
                line.append(pick(f"（{value.submitted_on} 报送）", f" (submitted {value.submitted_on})"))
            return line

        scale = pick(f"约 {d.planned_scale} 人", f"about {d.planned_scale} people") if d.planned_scale else None
        quotas = [
            pick(f"{industry or '每个产业'} {low}–{high} 个项目", f"{industry or 'each industry'}: {low}–{high} projects")
            for industry, low, high in d.quotas
        ]
        invitations = Text(" · ".join(f"{word('invitation', status)} {count}"
                                      for status, count in d.invitations_by_status.items()))
        categories = Text(" · ".join(f"{word('org_kind', category)} {count}"
                                     for category, count in d.invitations_by_category.items()) or "—")
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
            (pick("工作方案截止", "plan due"), deadline(d.plan)),
            (pick("工作总结截止", "summary due"), deadline(d.summary)),
            (pick("邀请（按状态）", "invitations"), invitations),
            (pick("邀请（按类别）", "by category"), categories),
            (pick("签约项目", "signed"), Text(pick(f"{len(d.signed_projects)} 个，{text.yi(signed_amount)} 亿元",
                                                  f"{len(d.signed_projects)}, {text.yi(signed_amount)} 亿元"))),
        ]
        if d.meetings:
            rows.insert(1, (pick("包含会议", "meetings"), names(d.meetings)))
        for label, value in rows:
            grid.add_row(Text(label), value)
        return grid

    @on(DataTable.RowSelected, "#event-projects")
    def _open_project(self, event: DataTable.RowSelected) -> None:
        self.app.open_project(event.row_key.value)

    # -- actions ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("fix_date", "mark", "sign") and self.detail is None:
            return None
        if action == "mark" and self.detail is not None and self.detail.meetings:
            return None  # plans and summaries are filed per meeting
        return True

    def action_fix_date(self) -> None:
        if self.detail is not None:
            self.app.push_screen(forms.FixDateForm(self.detail), self.form_closed)

    def action_mark(self, which: str) -> None:
        if self.detail is not None and not self.detail.meetings:
            self.app.push_screen(forms.SubmittedForm(self.detail, which, self.app.today), self.form_closed)

    def action_sign(self) -> None:
        if self.detail is None:
            return
        detail, today = self.detail, self.app.today
        self.run_db("sign-choices", filter_choices,
                    lambda choices: self.app.push_screen(forms.SignProjectForm(detail, choices, today),
                                                         self.form_closed))
