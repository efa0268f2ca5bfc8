"""One project: the stage timeline, its fields and figures, and tabs with the stage history, follow-ups,
problems, figures and status changes."""
from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from crm.i18n import pick
from crm.rules.stages import PIPELINE_STAGES, rank, stage_label
from db.models import Stage
from tui import text
from tui.forms import project_forms as forms
from tui.i18n import word
from tui.project_view import ProjectView, load_project_view
from tui.screens.base import TAB_BINDINGS, switch_tab
from tui.screens.project_base import ProjectScreen
from tui.widgets import tables
from tui.widgets.key_bar import KeyBar

TABS = ("steps", "followups", "problems", "figures", "supervision", "statuses")


def latest_first(records: list[dict]) -> list[dict]:
    """Follow-ups and figures by their date, the latest first (several on one day: the last recorded first)."""
    return sorted(records, key=lambda r: (r["on"], r["id"]), reverse=True)


class Timeline:
    """The stages side by side, each over its date; one under the other where that does not fit (80
    columns), so a date is never cut."""

    def __init__(self, heading: str, stages: list[tuple[Text, Text]]) -> None:
        self.heading, self.stages = heading, stages

    def _grid(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.title, grid.title_style, grid.title_justify = self.heading, "bold", "left"
        return grid

    def __rich_console__(self, console, options):
        across = self._grid()
        row = []
        for i, (name, when) in enumerate(self.stages):
            across.add_column(no_wrap=True)
            row.append(Text.assemble(name, "\n", when))
            if i < len(self.stages) - 1:
                across.add_column(no_wrap=True)
                row.append(Text("──", style="dim"))
        across.add_row(*row)
        if console.measure(across, options=options.update_width(1_000)).maximum <= options.max_width:
            yield across
            return
        down = self._grid()
        down.add_column(no_wrap=True)
        down.add_column(no_wrap=True)
        for name, when in self.stages:
            down.add_row(name, when)
        yield down


class ProjectDetailScreen(ProjectScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back", id="app.back"),
        # Rarer than the others, left to F1 and Ctrl+P so that the footer holds at 80 columns.
        Binding("x", "status", "status", show=False, id="project.status"),
        Binding("c", "correct", "correct", show=False, id="project.correct"),
        # On the highlighted row of the tab shown (follow-ups, problems, figures).
        Binding("k", "correct_record", "correct record", show=False, id="project.correct_record"),
        Binding("w", "retract_record", "retract record", show=False, id="project.retract_record"),
        Binding("o", "reopen", "reopen", show=False, id="project.reopen"),
        # Reporting the project up (上报) and ordering a unit to act on it (督办); the page says "u 上报" beside
        # where its reporting stands (the footer is full at 80 columns in English).
        Binding("u", "submit", "submit", show=False, id="project.submit"),
        Binding("D", "order", "order", show=False, id="project.order"),
        *TAB_BINDINGS,
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.view: ProjectView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.ref, style="bold"), id="project-title")
        with Horizontal(id="project-top"):
            yield Static(id="project-fields")
            yield Static(id="project-timeline")
        with TabbedContent(id="project-tabs"):
            for tab, zh, en in (
                ("steps", "阶段记录", "stage history"), ("followups", "跟踪服务", "follow-ups"),
                ("problems", "困难问题", "problems"), ("figures", "资金与投资", "funds & investment"),
                ("supervision", "督办", "orders"), ("statuses", "状态变更", "status changes"),
            ):
                with TabPane(pick(zh, en), id=f"tab-{tab}"):
                    yield DataTable(id=f"table-{tab}", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = pick("项目详情", "project")
        self.reload()

    def reload(self) -> None:
        as_of = self.app.today
        self.run_db("project", lambda session: load_project_view(session, self.ref, as_of), self.show,
                    on_failure=self._not_loaded)

    def _not_loaded(self, failure) -> None:
        self.app.report_failure(failure)
        if self.view is None:
            self.close()

    def current_ref(self) -> str | None:
        return self.ref

    def current_view(self) -> ProjectView | None:
        return self.view

    def action_tab(self, step: int) -> None:
        switch_tab(self, step)

    def selected_problem(self) -> int | None:
        return self._selected("problems")

    def _selected(self, tab: str) -> int | None:
        table = self.query_one(f"#table-{tab}", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def _highlighted(self, tabs, missing: str) -> tuple[str, dict] | None:
        """The record highlighted on the tab shown, if that is one of `tabs` (as loaded); else say `missing`."""
        tab = (self.query_one(TabbedContent).active or "").removeprefix("tab-")
        record_id = self._selected(tab) if tab in tabs and self.view is not None else None
        if record_id is None:
            self.notify(missing, severity="warning")
            return None
        return tab, next(r for r in self.view.detail[tab] if r["id"] == record_id)

    def _highlighted_record(self) -> tuple[str, dict] | None:
        return self._highlighted(forms.CORRECTABLE, pick("请先在跟踪服务、困难问题或资金与投资页中选中一条记录",
                                                         "highlight a follow-up, a problem or a figure first"))

    def action_correct_record(self) -> None:
        found = self._highlighted_record()
        if found is not None:
            tab, record = found
            self._push(forms.CORRECTABLE[tab][1](self.view, record))

    def action_retract_record(self) -> None:
        found = self._highlighted_record()
        if found is not None:
            self._push(forms.RetractForm(self.view, *found))

    def action_reopen(self) -> None:
        found = self._highlighted(("problems",), pick("请先在困难问题页中选中一个已办结的问题",
                                                      "highlight a resolved problem first"))
        if found is not None:
            self._push(forms.ReopenProblemForm(self.view, found[1], self.app.today))

    def show(self, view: ProjectView) -> None:
        self.view = view
        d = view.detail
        title = Text.assemble((d["ref"], "bold"), "  ", (d["name"], "bold"), "  ")
        if view.alert is not None:
            title.append_text(text.colour_dot(view.alert.colour))
            title.append(f" {word('colour', view.alert.colour)}{pick('：', ': ')}" + text.joined(
                word("alert", r) for r in view.alert.reasons), style=text.COLOUR_STYLE[view.alert.colour])
        else:
            title.append_text(text.colour_dot("green"))
            title.append(f" {word('colour', 'green')}", style="green")
        self.query_one("#project-title", Static).update(title)
        self.query_one("#project-fields", Static).update(self._fields(d))
        self.query_one("#project-timeline", Static).update(Group(self._timeline(view), Text(""), self._service(d),
                                                                 self._reporting(view)))
        self._fill_tables(d)
        self.data_shown("project")

    @staticmethod
    def _fields(d: dict) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        amount = d["amount"]
        funds = d["funds_in_place"]
        rows = (
            (pick("投资方", "investor"), text.plain(d["investor"])),
            (pick("产业 / 所在地", "industry / city"), text.plain(" / ".join(x or "—" for x in (d["industry"], d["city"], d["park"])))),
            (pick("签约", "signed"), Text.assemble(text.day(d["signed_on"]), " ",
                                                   text.labelled("signing_form", d["signing_form"]), " ",
                                                   text.plain(d["event"]))),
            (pick("转合同", "contract on"), text.day(d["contract_on"])),
            (pick("合同引资额", "contracted"), Text.assemble(text.wan(amount), pick(" 万元", " 万元"))),
            (pick("到位资金", "funds in place"), Text.assemble(
                text.wan(funds), pick(" 万元", " 万元"),
                text.parenthesized(f"{funds / amount:.1%}") if amount else "")),
            (pick("累计完成投资", "invested"), Text.assemble(text.wan(d["investment_completed"]), " 万元")),
            (pick("就业", "jobs"), text.plain(d["jobs"])),
            (pick("责任单位 / 责任人", "responsible"), text.plain(" / ".join(x or "—" for x in (d["responsible_unit"], d["responsible_staff"])))),
            (pick("状态", "status"), Text.assemble(text.labelled("status", d["status"]),
                                                   f"  {d['status_reason']}" if d["status_reason"] else "")),
            (pick("备注", "notes"), text.plain(d["notes"])),
        )
        # A capital increase (增资扩产) and the project it adds to name each other.
        if d["increase_of"]:
            rows += ((pick("增资原项目", "increase of"), text.plain(d["increase_of"])),)
        if d["increases"]:
            rows += ((pick("其增资扩产", "its increases"), text.plain("、".join(d["increases"]))),)
        for label, value in rows:
            grid.add_row(Text(label), value)
        return grid

    @staticmethod
    def _timeline(view: ProjectView) -> Timeline:
        """签约 ── 开工 ── 投产 ── 见效, with the date each was reached or the date it is planned for."""
        reached = {stage: on for _, stage, on in view.steps}
        current = Stage(view.detail["stage"])
        planned = {Stage.CONSTRUCTION: view.detail["planned_construction_on"],
                   Stage.PRODUCTION: view.detail["planned_production_on"]}
        heading = pick("阶段进度", "stages")
        if current not in PIPELINE_STAGES:
            heading += text.parenthesized(stage_label(current))
        cells = []
        for stage in PIPELINE_STAGES:
            done = stage in reached or rank(current) >= rank(stage)
            name = Text(f"{'●' if done else '○'} {stage_label(stage)}", style="bold green" if done else "dim")
            if stage in reached:
                when = Text(reached[stage].isoformat())
            elif planned.get(stage):
                when = Text(pick(f"计划 {planned[stage]}", f"plan {planned[stage]}"), style="yellow")
            else:
                when = Text("")
            cells.append((name, when))
        return Timeline(heading, cells)

    @staticmethod
    def _service(d: dict) -> Table:
        """The follow-up service at a glance: the latest visit, what comes next, what is still open."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        latest = max(d["followups"], key=lambda f: (f["on"], f["id"]), default=None)
        if latest is None:
            grid.add_row(Text(pick("最近跟进", "last follow-up")), Text(pick("尚无跟进记录", "none yet"), style="yellow"))
        else:
            grid.add_row(Text(pick("最近跟进", "last follow-up")), Text.assemble(
                f"{latest['on']} ", text.labelled("followup_kind", latest["kind"]), " ", text.plain(latest["content"])))
            if latest["next_step"] or latest["next_on"]:
                grid.add_row(Text(pick("下步计划", "next")), Text.assemble(
                    text.plain(latest["next_step"]), " ", text.day(latest["next_on"])))
        open_count = sum(1 for p in d["problems"] if p["resolved_on"] is None)
        grid.add_row(Text(pick("未办结问题", "open problems")),
                     Text(str(open_count), style="bold yellow" if open_count else "green"))
        return grid

    @staticmethod
    def _reporting(view: ProjectView) -> Table:
        """Where its reporting up stands (the latest step, and why it was returned), and its open orders."""
        from crm.labels import submission_status_label

        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        latest = view.submission[-1] if view.submission else None
        if latest is None:
            signed = view.detail["signed_on"] is not None  # only a signed project is reported
            shown = Text(pick("未上报（u 上报）", "not yet (u submits)") if signed else pick("未签约", "not signed"),
                         style="dim")
        else:
            style = {"submitted": "yellow", "returned": "bold red", "accepted": "green"}[latest.action]
            shown = Text.assemble((submission_status_label(latest.action), style), f" {latest.on}")
            if latest.action == "returned":
                if latest.note:
                    shown.append(pick(f" 退回原因：{latest.note}", f" because: {latest.note}"))
                shown.append(pick("（u 再次上报）", " (u submits again)"), style="dim")
        grid.add_row(Text(pick("上报", "reported")), shown)
        orders = [o for o in view.detail.get("supervision", []) if o["state"] != "closed"]
        if orders:
            red = sum(1 for o in orders if o["state"] == "red")
            grid.add_row(Text(pick("督办", "orders")), Text(
                pick(f"{len(orders)} 张未办结", f"{len(orders)} open") + (pick(f"，{red} 张严重逾期", f", {red} red") if red else ""),
                style="bold red" if red else "yellow"))
        return grid

    def action_submit(self) -> None:
        from crm.i18n import t
        from tui.forms.reporting import SubmitForm

        view = self.view
        if view is None:
            return
        latest = view.submission[-1] if view.submission else None
        form = SubmitForm("project", view.ref, view.detail["name"], self.app.today,
                          again=latest is not None and latest.action == "returned",
                          returned_because=latest.note if latest is not None and latest.action == "returned" else None)
        if latest is not None and latest.action == "submitted":
            form.unavailable = t("submission_pending", ref=view.ref, on=latest.on.isoformat())
        elif latest is not None and latest.action == "accepted":
            form.unavailable = t("submission_accepted", ref=view.ref)
        self._push(form)

    def action_order(self) -> None:
        from crm.services.project_query import filter_choices
        from tui.forms.reporting import OrderForm

        view, today = self.view, self.app.today
        if view is None:
            return
        d = view.detail
        targets = [(f"{d['ref']} {d['name']}", d["ref"])] + [
            (f"#{p['id']} {p['description']}", f"#{p['id']}") for p in d["problems"] if p["resolved_on"] is None]
        problem = self.selected_problem() if (self.query_one(TabbedContent).active or "") == "tab-problems" else None
        target = f"#{problem}" if problem is not None and f"#{problem}" in {v for _, v in targets} else d["ref"]

        def chosen(choices) -> None:
            self._push(OrderForm(choices, today, targets=targets, target=target, unit=d["responsible_unit"],
                                 about=Text.assemble((d["ref"], "bold"), " ", d["name"])))

        self.run_db("order-choices", filter_choices, chosen)

    def _fill_tables(self, d: dict) -> None:
        def fill(tab: str, columns: list[str], rows: list[tuple[str, list[Text]]]) -> None:
            tables.fill(self.query_one(f"#table-{tab}", DataTable), columns, [cells for _, cells in rows],
                        [key for key, _ in rows], keep_cursor=True)

        fill("steps", ["#", pick("阶段", "stage"), pick("日期", "date"), pick("说明", "note"), pick("类型", "kind"),
                       pick("记录人", "by")], [
            (str(s["id"]), [
                Text(str(s["id"])), text.stage(s["stage"]), text.day(s["on"]), text.plain(s["note"]),
                self._step_kind(s), text.plain(s["recorded_by"]),
            ]) for s in d["stage_history"]
        ])
        fill("followups", [pick("日期", "date"), pick("方式", "kind"), pick("内容", "content"), pick("下步", "next step"),
                           pick("下次", "next")], [
            (str(f["id"]), [text.day(f["on"]), text.labelled("followup_kind", f["kind"]), text.plain(f["content"]),
                            text.plain(f["next_step"]), text.day(f["next_on"])])
            for f in latest_first(d["followups"])
        ])
        open_first = sorted(d["problems"], key=lambda p: (p["resolved_on"] is not None, p["raised_on"]))
        fill("problems", ["#", pick("问题", "problem"), pick("提出", "raised"), pick("责任单位", "unit"),
                          pick("办结", "resolved"), pick("办结情况", "resolution")], [
            (str(p["id"]), [Text(f"#{p['id']}"), text.plain(p["description"]), text.day(p["raised_on"]),
                            text.plain(p["responsible_unit"]),
                            text.day(p["resolved_on"]) if p["resolved_on"] else Text(pick("未办结", "open"), style="bold yellow"),
                            text.plain(p["resolution"])])
            for p in open_first
        ])
        fill("figures", [pick("截至", "as of"), pick("数据", "figure"), pick("金额(万元)", "万元"), pick("说明", "note")], [
            (str(f["id"]), [text.day(f["on"]), Text(word("figure_kind", f["kind"])), text.wan(f["amount"]),
                            text.plain(f["note"])])
            for f in latest_first(d["figures"])
        ])
        fill("statuses", [pick("日期", "date"), pick("状态", "status"), pick("原因", "reason")], [
            (str(i), [text.day(c["on"]), text.labelled("status", c["status"]), text.plain(c["reason"])])
            for i, c in enumerate(d["status_history"])
        ])
        self._fill_orders(d)
        open_count = sum(1 for p in d["problems"] if p["resolved_on"] is None)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-followups").label = pick(f"跟踪服务 ({len(d['followups'])})", f"follow-ups ({len(d['followups'])})")
        tabs.get_tab("tab-problems").label = pick(f"困难问题 ({open_count} 未办结)", f"problems ({open_count} open)")

    def _fill_orders(self, d: dict) -> None:
        from crm.services.supervision import OrderRow
        from tui.screens.supervision import order_rows, reply_line

        orders = [OrderRow(**o) for o in d.get("supervision", [])]
        headers, rows = order_rows(orders, with_project=False)
        headers.append(pick("最近回复", "latest reply"))
        for order, cells in zip(orders, rows):
            cells.append(reply_line(order.replies[-1]) if order.replies else text.plain(None))
        tables.fill(self.query_one("#table-supervision", DataTable), headers, rows, [o.ref for o in orders],
                    keep_cursor=True)
        open_orders = sum(1 for o in orders if o.state != "closed")
        # The open ones counted (a closed order is history); the tabs keep within 80 columns.
        self.query_one(TabbedContent).get_tab("tab-supervision").label = (
            f"{pick('督办', 'orders')} ({open_orders})" if open_orders else pick("督办", "orders"))

    @staticmethod
    def _step_kind(step: dict) -> Text:
        if step["retracted"]:
            return Text(pick("撤销", "retraction"), style="italic red")
        if step["kind"] == "correction":
            return Text(pick("更正", "correction"), style="italic yellow")
        if step["superseded"]:
            return Text(pick("已被更正", "superseded"), style="strike dim")
        return Text(pick("推进", "advance"))
