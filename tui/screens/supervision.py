"""督办事项: supervision orders, the most urgent first, each with its colour as of today (red: overdue by
more than the configured days, on the leaders' list; yellow: reply overdue) and the days overdue. `n`
issues a new order, `r` the unit replies, and a provincial reviewer accepts the reply (`a`, the order
closes) or not (`x`, with a reason). Under the list, the highlighted order: what was ordered and every
reply with its decision. Enter opens the project."""
from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from crm.i18n import pick, t
from crm.labels import order_state_label
from crm.rules import supervision as rules
from crm.rules.scope import who
from crm.services.project_query import filter_choices
from crm.services.supervision import OrderRow, list_orders
from tui import text
from tui.forms.reporting import OrderDecisionForm, OrderForm, ReplyForm
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets import tables
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_line import StatusLine

STATE_STYLE = {rules.RED: "bold red", rules.YELLOW: "bold yellow", rules.OPEN: "", rules.AWAITING_REVIEW: "cyan",
               rules.CLOSED: "green"}


def state_cell(state: str, *, short: bool = True) -> Text:
    """The order's colour as a dot and its state in words (the colour is never the only sign); short in a
    list, where the columns of text give way first at 80 columns."""
    style = STATE_STYLE[state]
    dot = "●" if state in (rules.RED, rules.YELLOW) else "○" if state == rules.OPEN else "✓" if state == rules.CLOSED else "…"
    words = word("order_state_short", state) if short else order_state_label(state)
    return Text.assemble((dot, style), " ", (words, style))


def overdue_cell(order: OrderRow) -> Text:
    if not order.days_overdue:
        return text.plain(None)
    return Text(pick(f"{order.days_overdue} 天", f"{order.days_overdue} d"), style=STATE_STYLE[order.state])


def reply_line(reply: dict) -> Text:
    """A reply and what the reviewer said of it."""
    line = Text.assemble(f"{reply['on']} ", reply["note"] or "")
    if reply["accepted"] is True:
        line.append(pick("  ✓ 已认可", "  ✓ accepted"), style="green")
    elif reply["accepted"] is False:
        line.append(pick("  ✗ 不认可：", "  ✗ not accepted: "), style="bold red")
        line.append(reply["reason"] or "")
    else:
        line.append(pick("  待审核", "  awaiting review"), style="cyan")
    return line


def order_rows(orders: list[OrderRow], *, with_project: bool = True) -> tuple[list[str], list[list[Text]]]:
    """Headers and cells of a list of orders (this section's, and a project's tab without the project)."""
    headers = [pick("督办单", "order"), pick("状态", "state"), pick("逾期", "overdue"), pick("回复期限", "reply due"),
               pick("责任单位", "unit")]
    if with_project:
        headers.append(pick("项目", "project"))
    headers.append(pick("督办事项", "ordered"))
    rows = []
    for o in orders:
        cells = [Text(o.ref, style="bold"), state_cell(o.state), overdue_cell(o), Text(o.due_on), Text(o.unit)]
        if with_project:
            cells.append(Text.assemble((o.project, "bold"), " ", o.project_name))
        cells.append(Text(o.note))
        rows.append(cells)
    return headers, rows


@dataclass(frozen=True)
class Orders:
    rows: list[OrderRow]  # crm.services.supervision.list_orders, the most urgent first
    reviewer: bool


def load_orders(session, as_of, red_after: int) -> Orders:
    return Orders(list_orders(session, as_of, red_after=red_after), who(session).reviewer)


class SupervisionScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("n", "new_order", "new order", id="order.new"),
        Binding("r", "reply", "reply", id="order.reply"),
        Binding("a", "decide(True)", "accept", id="order.accept"),
        Binding("x", "decide(False)", "reject", id="order.reject"),
    ]
    AUTO_FOCUS = "#orders"

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Orders | None = None
        self.wanted: str | None = None  # an order to highlight once the list is read

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="order-detail", classes="panel"):
            yield Static(Text(pick("选择一张督办单查看回复", "highlight an order to see its replies"), style="dim"),
                         id="order-info")
        yield StatusLine(id="orders-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = pick("督办事项", "orders")
        self.query_one("#order-detail").border_title = pick("督办单", "order")
        self.reload()

    def red_after(self) -> int:
        return rules.red_after_days(self.app.config)

    def reload(self) -> None:
        as_of, red_after = self.app.today, self.red_after()
        self.run_db("orders", lambda session: load_orders(session, as_of, red_after), self._show)

    def show_order(self, ref: str) -> None:
        self.wanted = ref
        if self.loaded is not None:
            self._show(self.loaded)

    def _show(self, loaded: Orders) -> None:
        self.loaded = loaded
        table = self.query_one("#orders", DataTable)
        keep = self.wanted or self.current_key()
        headers, cells = order_rows(loaded.rows)
        keys = [o.ref for o in loaded.rows]
        tables.fill(table, headers, cells, keys)
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        self.wanted = None
        counts = {state: sum(1 for o in loaded.rows if o.state == state) for state in rules.STATES}
        line = Text(pick(f" 共 {len(loaded.rows)} 张", f" {len(loaded.rows)} orders"))
        for state in (rules.RED, rules.YELLOW, rules.AWAITING_REVIEW):
            line.append(" · ")
            line.append(f"{word('order_state_short', state)} {counts[state]}",
                        style=STATE_STYLE[state] if counts[state] else "dim")
        line.append(pick(f"  （逾期超过 {self.red_after()} 天为红）", f"  (red: over {self.red_after()} days late)"),
                    style="dim")
        self.query_one("#orders-status", StatusLine).text = line
        self.refresh_bindings()
        self._show_detail()
        self.data_shown("supervision")

    def current_key(self) -> str | None:
        table = self.query_one("#orders", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current(self) -> OrderRow | None:
        key = self.current_key()
        return next((o for o in self.loaded.rows if o.ref == key), None) if self.loaded and key else None

    @on(DataTable.RowHighlighted, "#orders")
    def _moved(self) -> None:
        self.refresh_bindings()
        self._show_detail()

    @on(DataTable.RowSelected, "#orders")
    def _open(self) -> None:
        order = self.current()
        if order is not None:
            self.app.open_project(order.project)

    def _show_detail(self) -> None:
        order = self.current()
        info = self.query_one("#order-info", Static)
        if order is None:
            info.update(Text(pick("没有督办单（n 新建）", "no orders (n issues one)"), style="dim"))
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        heading = Text.assemble((order.ref, "bold"), " ", state_cell(order.state, short=False))
        subject = Text.assemble((order.project, "bold"), " ", order.project_name)
        if order.problem is not None:
            subject.append(pick(f"（问题 #{order.problem}）", f" (problem #{order.problem})"))
        rows = [
            (pick("项目", "project"), subject),
            (pick("责任单位", "unit"), Text(order.unit)),
            (pick("下发 / 期限", "issued / due"), Text.assemble(f"{order.issued_on} → {order.due_on}", "  ",
                                                               overdue_cell(order) if order.days_overdue else "")),
            (pick("督办事项", "ordered"), Text(order.note)),
        ]
        if order.closed_on:
            rows.append((pick("办结", "closed"), Text(order.closed_on, style="green")))
        for i, reply in enumerate(order.replies):
            rows.append((pick("回复", "reply") if i == 0 else "", reply_line(reply)))
        if not order.replies:
            rows.append((pick("回复", "reply"), Text(pick("尚未回复", "none yet"), style="yellow")))
        for label, value in rows:
            grid.add_row(Text(label), value)
        info.update(Group(heading, grid))

    # -- actions ------------------------------------------------------------------------------------
    # A key pressed where it does not apply says why, in the words crm.services.supervision refuses with
    # (reply: order_closed, order_reply_pending; decide: order_closed, order_no_reply), rather than nothing.

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "decide" and not (self.loaded and self.loaded.reviewer):
            return False  # only a provincial reviewer accepts a reply: the keys are not a city's
        return True

    def action_new_order(self) -> None:
        today = self.app.today

        def chosen(choices) -> None:
            form = OrderForm(choices, today)
            self.app.push_screen(form, lambda result: self._form_done(result, form.saved_ref))

        self.run_db("order-choices", filter_choices, chosen)

    def action_reply(self) -> None:
        order = self.current()
        if order is None:
            self._nothing_highlighted()
            return
        form = ReplyForm(order, self.app.today)
        if order.state == rules.CLOSED:
            form.unavailable = t("order_closed", ref=order.ref, on=order.closed_on)
        elif order.state == rules.AWAITING_REVIEW:
            pending = next(r["on"] for r in reversed(order.replies) if r["accepted"] is None)
            form.unavailable = t("order_reply_pending", ref=order.ref, on=pending)
        self._open_form(order, form)

    def action_decide(self, accept: bool) -> None:
        order = self.current()
        if order is None:
            self._nothing_highlighted()
            return
        form = OrderDecisionForm(order, self.app.today, accept=accept)
        if order.state == rules.CLOSED:
            form.unavailable = t("order_closed", ref=order.ref, on=order.closed_on)
        elif order.state != rules.AWAITING_REVIEW:
            form.unavailable = t("order_no_reply", ref=order.ref)
        self._open_form(order, form)

    def _nothing_highlighted(self) -> None:
        self.notify(pick("没有选中的督办单", "no order is highlighted"), severity="warning")

    def _open_form(self, order: OrderRow, form) -> None:
        if form.unavailable:
            self.notify(form.unavailable, markup=False, severity="warning")
        else:
            self.app.push_screen(form, lambda result: self._form_done(result, order.ref))

    def _form_done(self, result, ref: str | None) -> None:
        if result is not None and ref:
            self.wanted = ref
        self.form_closed(result)
