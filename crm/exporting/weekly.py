"""The weekly progress workbook (周报 / 项目推进表): 项目推进表, 本周变化, 问题清单, 督办事项, 活动与时限, 汇总;
and its monthly and quarterly forms (月报, 季报: 本月变化, 本季度变化), whose 汇总 also shows the year's
targets against 序时进度, the ranking of the cities and a chart of both when the year has targets."""
from __future__ import annotations

import datetime as dt
import os

from sqlalchemy.orm import Session

from crm.exporting import columns as common
from crm.exporting.workbook import (
    CENTER,
    COUNT,
    DATE,
    DECIMAL,
    INTEGER,
    PERCENT,
    POINTS,
    SIGNAL_FILLS,
    STAGE_FILLS,
    TEXT,
    WRAP,
    YI,
    Column,
    ExportBook,
    Sheet,
    export_book,
    yi,
)
from crm.i18n import pick
from crm.labels import (
    deadline_label,
    followup_kind_label,
    indicator_label,
    order_state_label,
    signal_label,
    signing_name,
)
from crm.rules import deadlines
from crm.rules.targets import CAPPED
from crm.rules.stages import PIPELINE_STAGES, stage_label
from crm.services.weekly import (
    MONTH,
    QUARTER,
    KpiRow,
    OpenProblem,
    ReportPeriod,
    TargetsSummary,
    WeeklyReport,
    WeekItem,
    report_week,
    weekly_report,
)


def export_weekly(
    session: Session,
    path: str | os.PathLike,
    *,
    today: dt.date,
    as_of: dt.date | None = None,
    week: str | None = None,
    city: str | None = None,
    industry: str | None = None,
    confirmed: bool | None = None,
    month: str | None = None,
    quarter: str | None = None,
    ranking: tuple | None = None,
) -> WeeklyReport:
    """Write the weekly (monthly, quarterly) workbook to `path` (whole or not at all) and return the report
    it shows. `ranking`: (weights, rule) of crm.rules.targets.ranking_settings."""
    period = report_week(as_of=as_of, week=week, today=today, month=month, quarter=quarter)
    report = weekly_report(session, period, city=city, industry=industry, confirmed=confirmed, ranking=ranking)
    write_weekly(report, path)
    return report


def write_weekly(report: WeeklyReport, path: str | os.PathLike) -> None:
    with export_book(path, title=_week_title(report.week), as_of=report.week.as_of) as book:
        subtitle = _subtitle(report)
        _progress_sheet(book, report, subtitle)
        _changes_sheet(book, report, subtitle)
        _problems_sheet(book, report, subtitle)
        _orders_sheet(book, report, subtitle)
        _deadlines_sheet(book, report, subtitle)
        _summary_sheet(book, report, subtitle)


_QUARTER_NAMES = "一二三四"


def _week_title(period: ReportPeriod) -> str:
    if period.kind == MONTH:
        return pick(f"招商签约项目推进月报（{period.first.year}年{period.first.month}月）",
                    f"Monthly progress of signed projects ({period.label})")
    if period.kind == QUARTER:
        quarter = (period.first.month - 1) // 3
        return pick(f"招商签约项目推进季报（{period.first.year}年第{_QUARTER_NAMES[quarter]}季度）",
                    f"Quarterly progress of signed projects ({period.label})")
    year, number, _ = period.monday.isocalendar()
    return pick(f"招商签约项目推进周报（{year}年第{number}周）", f"Weekly progress of signed projects ({period.label})")


def _this(period: ReportPeriod) -> tuple[str, str]:
    """本周 / 本月 / 本季度, and the English word (week, month, quarter)."""
    return {MONTH: ("本月", "month"), QUARTER: ("本季度", "quarter")}.get(period.kind, ("本周", "week"))


def _subtitle(report: WeeklyReport) -> str:
    period = report.week
    this, word = _this(period)
    scope = "、".join(x for x in (report.city, report.industry) if x) or pick("全部", "all")
    counting = pick("已认定项目", "confirmed projects") if report.confirmed else pick("上报项目", "reported projects")
    return pick(
        f"截至 {period.as_of.isoformat()}　{this}：{period.first.isoformat()} 至 {period.last.isoformat()}　范围：{scope}"
        f"　口径：{counting}",
        f"As of {period.as_of.isoformat()}   {word}: {period.first.isoformat()} to {period.last.isoformat()}   "
        f"scope: {scope}   counting: {counting}",
    )


def _or_unknown(value: str | None) -> str:
    return value or pick("未填", "not given")


def _short(day: dt.date) -> str:
    return f"{day.month:02d}-{day.day:02d}"


def _week_line(item: WeekItem) -> str:
    if item.stage is not None:
        head = pick(f"{stage_label(item.stage)}（阶段）", f"reached {stage_label(item.stage)}")
    else:
        head = followup_kind_label(item.followup_kind)
    return f"{_short(item.happened_on)} {head}" + (f"：{item.text}" if item.text else "")


STAGE_COLUMN, SIGNAL_COLUMN = 8, 16  # of the progress sheet


def _progress_columns(period: ReportPeriod) -> list[Column]:
    this, word = _this(period)
    return [
        common.number(),
        common.project(),
        common.investor(),
        common.industry(),
        common.city(),
        common.investment(),
        common.signed_on(),
        common.signed_at(),
        common.stage(),
        common.stage_date(),
        Column(pick(f"{this}进展", f"This {word}"), WRAP, 30),
        Column(pick("存在问题", "Open problems"), WRAP, 24),
        Column(pick("下步计划", "Next step"), WRAP, 20),
        common.responsible_unit(),
        Column(pick("责任人", "Responsible"), CENTER, 8),
        Column(pick("最近跟进", "Last follow-up"), DATE),
        common.signal(),
    ]


def _stage_fill(stage) -> tuple[str, str | None] | None:
    return STAGE_FILLS.get(stage.value) if stage is not None else None


def _progress_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    columns = _progress_columns(report.week)
    increases = sum(1 for row in report.projects if row.project.increase_of_id is not None)
    count = pick(f"　共 {len(report.projects) - increases} 个项目", f"   {len(report.projects) - increases} projects")
    if increases:  # a capital increase is a row of its own, and counts only its amount
        count += pick(f"，另有增资扩产 {increases} 项", f", and {increases} capital increases")
    sheet = book.sheet(pick("项目推进表", "Progress"), title=pick("签约项目推进表", "Progress of signed projects"),
                       subtitle=subtitle + count, width=len(columns), freeze_columns=2)
    sheet.table(columns)
    # Labels and fills depend on a handful of (stage, colour, status) values: made once each, not per row.
    looks: dict[tuple, tuple[str, str, dict]] = {}
    for n, row in enumerate(report.projects, start=1):
        p = row.project
        key = (p.stage, row.colour, p.status)
        look = looks.get(key)
        if look is None:
            look = looks[key] = (stage_label(p.stage), signal_label(row.colour, p.status),
                                 {STAGE_COLUMN: _stage_fill(p.stage), SIGNAL_COLUMN: SIGNAL_FILLS[row.colour]})
        stage_text, signal_text, fills = look
        next_step = p.next_step
        if next_step and p.next_followup_on:
            next_step += pick(f"（{p.next_followup_on.isoformat()}）", f" ({p.next_followup_on.isoformat()})")
        sheet.row(
            (
                n, signing_name(p), p.investor, p.industry, p.city, yi(p.amount), p.signed_on, row.event_title,
                stage_text, p.stage_on,
                "\n".join(map(_week_line, row.week_items)) if row.week_items else None,
                "\n".join(map(_problem_line, row.problems)) if row.problems else None,
                next_step, p.responsible_unit, p.responsible_staff, p.last_followup_on, signal_text,
            ),
            fills=fills,
        )


def _problem_line(problem: OpenProblem) -> str:
    raised = problem.raised_on.isoformat()
    where = pick(f"（{raised} 提出", f" (raised {raised}") + (f"，{problem.unit}" if problem.unit else "") + pick("）", ")")
    return problem.description + where


def _changes_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    columns = [
        common.number(),
        Column(pick("日期", "Date"), DATE),
        Column(pick("变化", "Change"), CENTER),
        common.project(),
        common.investor(),
        common.industry(),
        common.city(),
        common.investment(),
        common.signed_at(),
        Column(pick("说明", "Note"), WRAP, 30),
    ]
    signings = sum(1 for c in report.changes if c.stage.value == "signed")
    this, word = _this(report.week)
    sheet = book.sheet(pick(f"{this}变化", "Changes"),
                       title=pick(f"{this}新签约与阶段变化", f"New signings and stage steps this {word}"),
                       subtitle=subtitle + pick(f"　新签约 {signings} 个，阶段变化 {len(report.changes) - signings} 个",
                                                f"   {signings} signed, {len(report.changes) - signings} stage steps"),
                       width=len(columns))
    sheet.table(columns)
    for n, change in enumerate(report.changes, start=1):
        p = change.project
        label = pick("新签约", "signed") if change.stage.value == "signed" else stage_label(change.stage)
        sheet.row(
            (n, change.happened_on, label, signing_name(p), p.investor, p.industry, p.city, yi(p.amount), change.event_title,
             change.note),
            fills={2: _stage_fill(change.stage)},
        )


def _problems_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    columns = [
        common.number(),
        Column(pick("问题", "Problem"), WRAP, 30),
        common.project(),
        common.city(),
        common.industry(),
        Column(pick("提出日期", "Raised on"), DATE),
        Column(pick("已历时\n（天）", "Open\n(days)"), COUNT),
        common.responsible_unit(),
        common.signal(("项目状态", "Signal")),
    ]
    sheet = book.sheet(pick("问题清单", "Problems"), title=pick("项目存在问题清单", "Open problems of signed projects"),
                       subtitle=subtitle + pick(f"　未办结 {len(report.problems)} 个", f"   {len(report.problems)} open"),
                       width=len(columns))
    sheet.table(columns)
    colours = {row.project.id: row.colour for row in report.projects}
    for n, problem in enumerate(report.problems, start=1):
        p = problem.project
        colour = colours[p.id]
        sheet.row(
            (n, problem.description, p.name, p.city, p.industry, problem.raised_on, problem.age_days, problem.unit,
             signal_label(colour, p.status)),
            fills={8: SIGNAL_FILLS[colour]},
        )


_ORDER_FILLS = {"yellow": SIGNAL_FILLS["yellow"], "red": SIGNAL_FILLS["red"], "closed": SIGNAL_FILLS["green"]}


def _orders_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    columns = [
        common.number(),
        Column(pick("督办单", "Order"), TEXT, 8),
        common.project(),
        Column(pick("督办事项", "Ordered"), WRAP, 30),
        common.responsible_unit(),
        Column(pick("回复期限", "Reply due"), DATE),
        Column(pick("逾期\n（天）", "Overdue\n(days)"), COUNT),
        Column(pick("状态", "State"), TEXT, 12),
        Column(pick("最近回复", "Latest reply"), WRAP, 30),
    ]
    late = sum(1 for o in report.orders if o.state in ("yellow", "red"))
    sheet = book.sheet(pick("督办事项", "Supervision"), title=pick("督办事项", "Supervision orders"),
                       subtitle=subtitle + pick(f"　共 {len(report.orders)} 件，逾期 {late} 件",
                                                f"   {len(report.orders)} orders, {late} overdue"),
                       width=len(columns))
    sheet.table(columns)
    for n, order in enumerate(report.orders, start=1):
        latest = order.replies[-1]["note"] if order.replies else None
        sheet.row(
            (n, order.ref, f"{order.project} {order.project_name}", order.note, order.unit,
             dt.date.fromisoformat(order.due_on), order.days_overdue or None, order_state_label(order.state), latest),
            fills={7: _ORDER_FILLS[order.state]} if order.state in _ORDER_FILLS else None,
        )


def _deadlines_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    columns = [
        common.number(),
        Column(pick("活动名称", "Event"), TEXT, 30),
        common.when(),
        common.place(),
        Column(pick("事项", "Document"), CENTER),
        Column(pick("截止日期", "Due"), DATE),
        Column(pick("状态", "State"), CENTER, 12),
        common.coordinators(),
    ]
    sheet = book.sheet(pick("活动与时限", "Deadlines"), title=pick("活动工作方案与总结报送时限", "Event plans and summaries due"),
                       subtitle=subtitle + pick(f"　到期或超期 {len(report.deadlines)} 项", f"   {len(report.deadlines)} due or overdue"),
                       width=len(columns))
    sheet.table(columns)
    as_of = report.week.as_of
    for n, item in enumerate(report.deadlines, start=1):
        days = abs((as_of - item.due).days)
        if item.status == deadlines.OVERDUE:
            state, fill = pick(f"已超期 {days} 天", f"{days} days overdue"), SIGNAL_FILLS["red"]
        else:
            state, fill = pick(f"{deadline_label(item.status)}（还剩 {days} 天）", f"due in {days} days"), SIGNAL_FILLS["yellow"]
        sheet.row(
            (n, item.title, item.when, item.place,
             pick("工作方案", "work plan") if item.kind == "plan" else pick("工作总结", "summary"), item.due, state,
             "、".join(item.coordinators)),
            fills={6: fill},
        )


def _summary_sheet(book: ExportBook, report: WeeklyReport, subtitle: str) -> None:
    stage_columns = []
    for stage in PIPELINE_STAGES:
        label = stage_label(stage)
        stage_columns += [Column(pick(f"处于{label}\n（个）", f"at {label}\n(count)"), COUNT),
                          Column(pick(f"处于{label}\n（亿元）", f"at {label}\n(亿元)"), YI)]
    rates = [
        Column(pick("开工率", "Started"), PERCENT), Column(pick("投产率", "In production"), PERCENT),
        Column(pick("见效率", "With results"), PERCENT), Column(pick("资金到位率", "Funds in place"), PERCENT),
        Column(pick("问题办结率", "Problems resolved"), PERCENT),
    ]
    signed = [Column(pick("签约项目\n（个）", "Signed\n(count)"), COUNT),
              Column(pick("签约投资\n（亿元）", "Signed\n(亿元)"), YI)]
    by_industry = [Column(pick("产业", "Industry"), TEXT, 22), *signed, *stage_columns,
                   Column(pick("已终止\n（个）", "Terminated\n(count)"), COUNT), *rates]
    by_city = [Column(pick("设区市", "City"), TEXT, 22), *signed, *rates]
    # The tables and the charts fill one page: leaders read the summary at a glance.
    targets = report.targets
    if targets is not None:
        subtitle += pick(f"　目标：{targets.year} 年度，截至 {targets.as_of.isoformat()}，排名参评设区市 {len(targets.ranking)} 个",
                         f"   targets: {targets.year}, as of {targets.as_of.isoformat()}, {len(targets.ranking)} cities ranked")
    sheet = book.sheet(pick("汇总", "Summary"), title=pick("签约项目推进情况汇总", "Signed projects: summary"),
                       subtitle=subtitle, width=len(by_industry), one_page=True)

    sheet.table(by_industry)
    first_row = sheet.next_row
    for row in report.by_industry:
        sheet.row(_industry_values(row, _or_unknown(row.label)))
    last_row = sheet.next_row - 1
    sheet.row(_industry_values(report.overall, pick("合计", "Total")), total=True)

    sheet.skip()
    chart_row, chart_column = sheet.next_row, len(by_city) + 1
    sheet.caption(pick("各产业项目推进情况（个，不含已终止）", "Pipeline by industry (projects not terminated)"),
                  column=chart_column, advance=False)
    sheet.caption(pick("按设区市", "By city"))
    sheet.table(by_city)
    for row in report.by_city:
        sheet.row(_city_values(row, _or_unknown(row.label)))
    sheet.row(_city_values(report.overall, pick("合计", "Total")), total=True)
    if report.by_industry:
        rows = max(sheet.next_row - chart_row - 1, len(report.by_industry) + 4)
        sheet.chart(_pipeline_chart(book, sheet, first_row, last_row), row=chart_row + 1, column=chart_column,
                    rows=rows)
        sheet.skip(max(0, chart_row + 1 + rows - sheet.next_row))

    if targets is not None:
        _targets_tables(book, sheet, targets)

    sheet.skip()
    sheet.note(pick(
        f"统计口径：截至 {report.week.as_of.isoformat()} 已签约的全部项目（含已终止），按首次签约计一次；"
        "各比率的分母为同口径签约项目数（资金到位率为到位资金 ÷ 签约投资，问题办结率为已办结 ÷ 已提出）；"
        "“处于某阶段”只计未终止的项目。",
        f"Cohort: every project signed by {report.week.as_of.isoformat()} (terminated ones included), counted once "
        "at its first signing; each rate's denominator is the signed projects of the cohort (funds in place ÷ "
        "signed investment; problems resolved ÷ raised). 'At a stage' counts projects not terminated.",
    ))
    if targets is not None:
        sheet.note(_targets_note(targets))


def _rate_values(row: KpiRow) -> list:
    k = row.total.as_dict()
    return [
        "—" if k[key] is None else k[key]
        for key in ("started_rate", "production_rate", "results_rate", "funds_in_place_rate", "problems_resolved_rate")
    ]


def _industry_values(row: KpiRow, label: str) -> list:
    stages = []
    for stage in PIPELINE_STAGES:
        at = row.by_stage[stage]
        stages += [at.projects, yi(at.amount)]
    return [label, row.total.signed, yi(row.total.signed_amount), *stages,
            row.total.signed - row.total.not_terminated, *_rate_values(row)]


def _city_values(row: KpiRow, label: str) -> list:
    return [label, row.total.signed, yi(row.total.signed_amount), *_rate_values(row)]


def _pipeline_chart(book: ExportBook, sheet: Sheet, first_row: int, last_row: int):
    chart = book.chart({"type": "bar", "subtype": "stacked"})
    for i, stage in enumerate(PIPELINE_STAGES):
        column = 3 + 2 * i  # the count column of the stage
        chart.add_series({
            "name": stage_label(stage),
            "categories": [sheet.name, first_row, 0, last_row, 0],
            "values": [sheet.name, first_row, column, last_row, column],
            "fill": {"color": STAGE_FILLS[stage.value][0]},
            "border": {"color": "#5B7FA6"},
            "gap": 60,
        })
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
    chart.set_x_axis({"num_font": {"name": "宋体", "size": 9}, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "top", "font": {"name": "宋体", "size": 9}})
    chart.set_title({"none": True})
    return chart


# --- targets, 序时进度 and the ranking of the cities -------------------------------------------------------
_COUNTED = ("signed_projects", "started")  # indicators that count projects; the others are amounts (万元)
_SERIES_COLOURS = ("#5B9BD5", "#ED7D31", "#A5A5A5", "#FFC000")
_SCHEDULE_COLOUR = "#C00000"


def _indicator_heading(indicator: str) -> str:
    return indicator_label(indicator) + (pick("（个）", " (count)") if indicator in _COUNTED else pick("（亿元）", " (亿元)"))


def _measured(indicator: str, value):
    """A count as it is, an amount (万元) in 亿元 as the workbook shows amounts."""
    return value if indicator in _COUNTED else yi(value)


def _fraction(percent):
    """The services' percentages (41.67) as the fractions a percent cell shows (0.4167 → 41.67%)."""
    return "—" if percent is None else percent / 100


def _targets_tables(book: ExportBook, sheet: Sheet, targets: TargetsSummary) -> None:
    """目标完成情况 (every target row in scope) and 设区市排名 with a chart of the cities' 完成率 by
    indicator against the 序时进度 line. Numbers are numbers: rates as fractions in percent cells, points
    ahead as signed numbers."""
    as_of, share = targets.as_of.isoformat(), targets.share_of_year
    if targets.progress:
        sheet.skip()
        sheet.caption(pick(f"{targets.year}年度目标任务完成情况（截至 {as_of}，序时进度 {share}%）",
                           f"Targets {targets.year} as of {as_of} (share of the year gone {share}%)"))
        sheet.table([
            Column(pick("单位", "Unit"), TEXT, 22), Column(pick("产业", "Industry"), TEXT),
            Column(pick("指标", "Indicator"), TEXT), Column(pick("目标", "Target"), YI),
            Column(pick("完成", "Actual"), YI), Column(pick("完成率", "Done"), PERCENT),
            Column(pick("序时进度", "Year gone"), PERCENT), Column(pick("超序时进度\n（百分点）", "Ahead\n(points)"), POINTS),
        ], main=False)
        for r in targets.progress:
            ahead = r.points_ahead
            sheet.row(
                (r.unit, r.industry or pick("全部", "all"), _indicator_heading(r.indicator),
                 _measured(r.indicator, r.target), _measured(r.indicator, r.actual), _fraction(r.completion),
                 _fraction(r.share_of_year), "—" if ahead is None else ahead),
                kinds={3: COUNT, 4: COUNT} if r.indicator in _COUNTED else None,
                fills=None if ahead is None else {7: SIGNAL_FILLS["green" if ahead >= 0 else "red"]},
            )
    if not targets.ranking:
        return
    sheet.skip()
    columns = [Column(pick("名次", "Rank"), INTEGER), Column(pick("单位", "Unit"), TEXT, 22),
               Column(pick("得分", "Score"), DECIMAL),
               *(Column(indicator_label(i) + pick("\n完成率", "\ndone"), PERCENT) for i in targets.indicators),
               Column(pick("序时进度", "Year gone"), PERCENT)]
    chart_row, chart_column = sheet.next_row, len(columns) + 1
    sheet.caption(pick("各设区市目标完成率与序时进度", "Cities: completion against the share of the year"),
                  column=chart_column, advance=False)
    sheet.caption(pick(f"设区市排名（截至 {as_of}，参评 {len(targets.ranking)} 个设区市）",
                       f"Ranking of the cities as of {as_of} ({len(targets.ranking)} cities)"))
    sheet.table(columns, main=False)
    first = sheet.next_row
    for r in targets.ranking:
        sheet.row((r.rank, r.unit, r.score, *(_fraction(r.completion[i]) for i in targets.indicators), _fraction(share)))
    last = sheet.next_row - 1
    rows = max(sheet.next_row - chart_row - 1, 16)
    sheet.chart(_targets_chart(book, sheet, targets, first, last), row=chart_row + 1, column=chart_column, rows=rows)
    sheet.skip(max(0, chart_row + 1 + rows - sheet.next_row))


def _targets_chart(book: ExportBook, sheet: Sheet, targets: TargetsSummary, first: int, last: int):
    """Columns: each city's 完成率 by indicator (the ranking table's cells); a line: 序时进度 (its last column)."""
    chart = book.chart({"type": "column"})
    categories = [sheet.name, first, 1, last, 1]
    for i, indicator in enumerate(targets.indicators):
        column = 3 + i
        chart.add_series({
            "name": indicator_label(indicator),
            "categories": categories,
            "values": [sheet.name, first, column, last, column],
            "fill": {"color": _SERIES_COLOURS[i % len(_SERIES_COLOURS)]},
            "gap": 80,
        })
    schedule = 3 + len(targets.indicators)
    line = book.chart({"type": "line"})
    line.add_series({
        "name": pick("序时进度", "Share of the year"),
        "categories": categories,
        "values": [sheet.name, first, schedule, last, schedule],
        "line": {"color": _SCHEDULE_COLOUR, "width": 1.5, "dash_type": "dash"},
        "marker": {"type": "diamond", "size": 6, "fill": {"color": _SCHEDULE_COLOUR},
                   "border": {"color": _SCHEDULE_COLOUR}},
    })
    chart.combine(line)
    font = {"name": "宋体", "size": 9}
    chart.set_y_axis({"num_format": "0%", "num_font": font, "major_gridlines": {"visible": True}})
    chart.set_x_axis({"num_font": font})
    chart.set_legend({"position": "top", "font": font})
    chart.set_title({"none": True})
    return chart


def _targets_note(targets: TargetsSummary) -> str:
    weights = "、".join(f"{indicator_label(i)} {targets.weights[i]:g}" for i in targets.indicators)
    weights_en = ", ".join(f"{indicator_label(i)} {targets.weights[i]:g}" for i in targets.indicators)
    cohort = "、".join(r.unit for r in targets.ranking)
    if targets.rule == CAPPED:
        rule = pick("完成率 × 权重，至多为权重", "completion × weight, at most the weight")
    else:
        rule = pick("功效系数法，权重 ×（0.6 + 0.4 ×（完成率 − 最低）÷（最高 − 最低））",
                    "efficacy coefficient, weight × (0.6 + 0.4 × (x − min) ÷ (max − min))")
    return pick(
        f"目标任务：{targets.year} 年度，截至 {targets.as_of.isoformat()}；各单位的完成数含所属园区的项目，签约项目数与签约金额"
        "按年内首次签约计，到位资金为年内新增，开工项目数为年内开工；完成率 = 完成 ÷ 目标；序时进度按月计；"
        "超序时进度 = 完成率 − 序时进度（百分点）。"
        + (f"排名：参评设区市为有 {targets.year} 年度目标的 {len(targets.ranking)} 个（{cohort}），"
           f"得分按{rule}计，权重：{weights}。" if targets.ranking else ""),
        f"Targets: {targets.year}, as of {targets.as_of.isoformat()}; a unit's figures include its parks' projects; "
        "projects and amounts signed count first signings in the year, funds in place the year's gain, projects "
        "started those started in the year; done = actual ÷ target; the share of the year gone counts months; "
        "ahead = done − share, in percentage points."
        + (f" Ranking: the {len(targets.ranking)} cities with {targets.year} targets ({cohort}), scored by "
           f"{rule}; weights: {weights_en}." if targets.ranking else ""),
    )
