"""总览: what is due and what is late, as of today or a chosen day. Every item opens its record."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import Future

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from crm.i18n import pick
from crm.labels import order_state_label
from crm.services.dashboard import Dashboard
from tui import text
from tui.first import read_dashboard
from tui.i18n import word
from tui.screens.base import WorkbenchScreen
from tui.widgets.pipeline_chart import PipelineChart
from tui.widgets.key_bar import KeyBar

KPI_TILES = (
    ("signed", "签约项目", "signed"),
    ("signed_amount", "签约额", "amount"),
    ("started_rate", "开工率", "started"),
    ("production_rate", "投产率", "producing"),
    ("results_rate", "见效率", "results"),
    ("funds_in_place_rate", "资金到位率", "funds in"),
    ("problems_resolved_rate", "问题办结率", "resolved"),
)


def ratio(part: int, whole: int) -> str:
    return f"{part:,} / {whole:,}"


def _line(*parts: Text | str) -> Text:
    line = Text.assemble(*parts)
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


class DashboardScreen(WorkbenchScreen):
    BINDINGS = [Binding("d", "choose_date", "as of", id="dashboard.as_of")]
    AUTO_FOCUS = "#deadlines"

    def __init__(self) -> None:
        super().__init__()
        self.as_of: dt.date | None = None
        # The figures are read while the screen is being composed (or were, while Textual started).
        self.reload(answer=self.app.first_answer("dashboard"))

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="kpis"):
            for key, zh, en in KPI_TILES:
                yield Static(self._tile(pick(zh, en), "…"), id=f"kpi-{key}", classes="kpi")
        with Horizontal(id="dashboard-middle"):
            chart = Vertical(PipelineChart(id="pipeline"), id="pipeline-panel", classes="panel")
            chart.border_title = pick("项目分布（产业 × 阶段）", "pipeline (industry × stage)")
            yield chart
            with Vertical(id="dashboard-due"):
                yield OptionList(id="deadlines", classes="panel")
                yield OptionList(id="orders", classes="panel")
        with Horizontal(id="dashboard-bottom"):
            yield OptionList(id="alerts", classes="panel")
            yield OptionList(id="followups", classes="panel")
        yield KeyBar()

    def reload(self, answer: Future | None = None) -> None:
        as_of = self.as_of or self.app.today
        self.sub_title = pick(f"总览 · 统计截至 {as_of}", f"dashboard · as of {as_of}")
        config = self.app.config  # the settings the first answer was read with (tui/app.py)
        self.run_db("dashboard", lambda session: read_dashboard(session, as_of, config), self.show, answer=answer)

    def show(self, data: Dashboard) -> None:
        kpi = data.kpi
        signed = kpi["signed"]
        values = {
            "signed": (f"{signed:,}", pick("个项目", "projects")),
            "signed_amount": (text.yi(kpi["signed_amount"]), "亿元"),
            "started_rate": (text.pct(kpi["started_rate"]), ratio(kpi['started'], signed)),
            "production_rate": (text.pct(kpi["production_rate"]), ratio(kpi['in_production'], signed)),
            "results_rate": (text.pct(kpi["results_rate"]), ratio(kpi['with_results'], signed)),
            "funds_in_place_rate": (text.pct(kpi["funds_in_place_rate"]),
                                    f"{text.yi(kpi['funds_in_place'])} / {text.yi(kpi['signed_amount'])}"),
            "problems_resolved_rate": (text.pct(kpi["problems_resolved_rate"]),
                                       ratio(kpi['problems_resolved'], kpi['problems_raised'])),
        }
        titles = {key: pick(zh, en) for key, zh, en in KPI_TILES}
        for key, (value, basis) in values.items():
            self.query_one(f"#kpi-{key}", Static).update(self._tile(titles[key], value, basis))
        self.query_one(PipelineChart).show(data.pipeline)
        self._fill_deadlines(data)
        self._fill_alerts(data)
        self._fill_followups(data)
        self._fill_orders(data)
        self.data_shown("dashboard")

    @staticmethod
    def _tile(title: str, value: str, basis: str = "") -> Text:
        """A KPI card: its title inside it (a border title is cut first on a narrow terminal), the figure, its
        basis (which wraps at " / " in a narrow card rather than losing its end)."""
        tile = Text(title, style="dim")
        tile.append(f"\n{value}", style="bold")
        tile.append(f"\n{basis}", style="dim")
        return tile

    def _fill_deadlines(self, data: Dashboard) -> None:
        deadlines = self.query_one("#deadlines", OptionList)
        deadlines.border_title = pick(f"活动时限：到期与超期（{len(data.deadlines)}）",
                                      f"deadlines due or overdue ({len(data.deadlines)})")
        # The day and the event's ref before the kind and the title: in the narrow panel at 80 columns the
        # line is cut from its end, and the day (never cut in two) and the ref still say what is due.
        options = [
            Option(_line(
                (f"{word('deadline', w.status)} ", text.DEADLINE_STYLE[w.status]),
                f"{w.due} ", (w.ref, "bold"), f" {word('deadline_kind_short', w.kind)} ", w.title,
            ), id=f"event:{w.ref}:{w.kind}")
            for w in data.deadlines
        ]
        self._replace(deadlines, options, pick("没有到期或超期的时限", "nothing due or overdue"))

    def _fill_alerts(self, data: Dashboard) -> None:
        alerts = self.query_one("#alerts", OptionList)
        alerts.border_title = pick(f"红灯 {data.red} · 黄灯 {data.yellow} 个项目",
                                   f"projects: {data.red} red · {data.yellow} yellow")
        options = [
            Option(_line(
                text.colour_dot(a.colour), " ", (a.ref, "bold"), " ", a.name, "  ",
                text.joined(word("alert", r) for r in a.reasons),
                f"  {a.due}" if a.due else "",
            ), id=f"project:{a.ref}")
            for a in data.alerts
        ]
        self._replace(alerts, options, pick("没有红灯或黄灯项目", "no project in red or yellow"))

    def _fill_followups(self, data: Dashboard) -> None:
        followups = self.query_one("#followups", OptionList)
        followups.border_title = pick(
            f"本周应跟进（{len(data.followups_due)}）· 已逾期 {data.followups_overdue}",
            f"follow-ups this week ({len(data.followups_due)}), {data.followups_overdue} late",
        )
        options = [
            Option(_line(f"{f.next_on:%m-%d} ", (f.ref, "bold"), " ", f.name, "  ", (f.next_step or "", "dim")),
                   id=f"project:{f.ref}")
            for f in data.followups_due
        ]
        self._replace(followups, options, pick("本周没有应跟进的项目", "no follow-up due this week"))

    def _fill_orders(self, data: Dashboard) -> None:
        """督办单 not closed, the red ones (overdue past the configured days, on the leaders' list) first."""
        orders = self.query_one("#orders", OptionList)
        red = sum(1 for o in data.orders if o.state == "red")
        yellow = sum(1 for o in data.orders if o.state == "yellow")
        orders.border_title = pick(f"督办 {len(data.orders)} · 红 {red} · 黄 {yellow}",
                                   f"orders {len(data.orders)}: {red} red · {yellow} yellow")
        options = []
        for o in data.orders:
            style = text.COLOUR_STYLE.get(o.state, "cyan" if o.state == "replied" else "")
            late = pick(f"逾期{o.days_overdue}天 ", f"{o.days_overdue}d late ") if o.days_overdue else \
                f"{order_state_label(o.state)} "
            options.append(Option(_line(
                text.colour_dot(o.state) if o.state in ("red", "yellow") else Text("○", style=style), " ",
                (o.ref, "bold"), " ", (late, style), (o.project, "bold"), " ", o.project_name, "  ", (o.unit, "dim"),
            ), id=f"order:{o.ref}"))
        self._replace(orders, options, pick("没有未办结的督办单", "no open supervision order"))

    @staticmethod
    def _replace(options_list: OptionList, options: list[Option], empty: str) -> None:
        highlighted = options_list.highlighted
        options_list.clear_options()
        if options:
            options_list.add_options(options)
            options_list.highlighted = min(highlighted or 0, len(options) - 1)
        else:
            options_list.add_option(Option(Text(empty, style="dim"), disabled=True))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, ref, *_ = (event.option.id or "").split(":")
        if kind == "project":
            self.app.open_project(ref)
        elif kind == "event":
            await self.app.open_event(ref)
        elif kind == "order":
            (await self.app.show_section("supervision")).show_order(ref)

    def action_choose_date(self) -> None:
        from tui.forms.common import AsOfForm

        def chosen(as_of: dt.date | None) -> None:
            if as_of is not None:
                self.as_of = as_of
                self.reload()

        self.app.push_screen(AsOfForm(self.as_of or self.app.today), chosen)

