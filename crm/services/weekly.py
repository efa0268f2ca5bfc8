"""The weekly progress report (周报 / 项目推进表) as data: every signed project still alive as it stood on
the as-of date, what happened to it in the week, open problems, event deadlines and the KPIs. Shared by
`crm export weekly` and the TUI's export dialog."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Event, FollowUp, FollowUpKind, Industry, ProjectStatus, Region, Stage, StageStep, Unit

from crm.dates import FIRST_YEAR, LAST_YEAR, month_span, parse_week, quarter_span, week_of
from crm.errors import CrmError
from crm.labels import event_period_label
from crm.rules import deadlines, kpi
from crm.rules import targets as target_rules
from crm.rules.scope import who
from crm.rules.supervision import CLOSED, RED_AFTER_DAYS
from crm.rules.stages import PIPELINE_STAGES, rank
from crm.services import events as event_service
from crm.services.followups import open_problems
from crm.services.in_effect import rows_in_effect
from crm.services.kpi import Cohort
from crm.services.reference import find_industry, find_region
from crm.services.snapshot import ProjectState, project_states
from crm.services.submissions import counted
from crm.services.supervision import OrderRow, list_orders
from crm.services.targets import ProgressRow as TargetRow, RankRow
from crm.services.targets import progress as target_progress, ranking as target_ranking
from crm.services.warnings import STATUS_ORDER, event_deadlines


WEEK, MONTH, QUARTER = "week", "month", "quarter"


@dataclass(frozen=True)
class ReportPeriod:
    """The period reported on — an ISO week, a month or a quarter — and the as-of date (never later than
    today for a period chosen by name; the period's last day once it is over)."""

    as_of: dt.date
    first: dt.date
    last: dt.date
    kind: str = WEEK

    @property
    def monday(self) -> dt.date:  # the names of the weekly form
        return self.first

    @property
    def sunday(self) -> dt.date:
        return self.last

    @property
    def last_day(self) -> dt.date:
        """The period's days counted: up to the as-of date."""
        return min(self.last, self.as_of)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind == QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        year, week, _ = self.first.isocalendar()
        return f"{year}-W{week:02d}"


ReportWeek = ReportPeriod  # the name it had while there were only weeks

_MONTH = (re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月$"))
_QUARTER = (re.compile(r"^(\d{4})-?Q(\d)$", re.IGNORECASE), re.compile(r"^(\d{4})年第?([1-4一二三四])季度?$"))
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _year_and_part(value: str, forms, high: int, error: str) -> tuple[int, int]:
    text = (value or "").strip()
    for form in forms:
        match = form.match(text)
        if match:
            year, part = int(match.group(1)), match.group(2)
            part = _CHINESE_DIGITS[part] if part in _CHINESE_DIGITS else int(part)
            if FIRST_YEAR <= year <= LAST_YEAR and 1 <= part <= high:
                return year, part
            break
    raise CrmError(error, value=value)


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """YYYY-MM (or 2026年11月) → (its first day, its last day)."""
    return month_span(*_year_and_part(value, _MONTH, 12, "bad_month"))


def parse_quarter(value: str) -> tuple[dt.date, dt.date]:
    """YYYY-Qn (or 2026Q4, 2026年第四季度) → (its first day, its last day)."""
    return quarter_span(*_year_and_part(value, _QUARTER, 4, "bad_quarter"))


def report_week(*, as_of: dt.date | None, week: str | None, today: dt.date, month: str | None = None,
                quarter: str | None = None) -> ReportPeriod:
    """The period a report covers: the ISO week, month or quarter named (as of its last day, or today
    while it runs; one not yet begun is refused), else the week `as_of` (default today) falls in."""
    for value, parse, kind, error in ((week, parse_week, WEEK, "week_in_future"),
                                      (month, parse_month, MONTH, "month_in_future"),
                                      (quarter, parse_quarter, QUARTER, "quarter_in_future")):
        if value:
            first, last = parse(value)
            if first > today:
                raise CrmError(error, value=value, today=today.isoformat())
            return ReportPeriod(min(last, today), first, last, kind)
    day = as_of or today
    monday, sunday = week_of(day)
    return ReportPeriod(day, monday, sunday)



@dataclass(frozen=True)
class WeekItem:
    """One thing that happened to a project in the week: a follow-up or a stage step."""

    happened_on: dt.date
    stage: Stage | None  # set for a stage step
    followup_kind: FollowUpKind | None  # set for a follow-up
    text: str | None


@dataclass(frozen=True)
class OpenProblem:
    id: int
    project: ProjectState
    description: str
    raised_on: dt.date
    age_days: int
    unit: str | None


@dataclass
class ProgressRow:
    project: ProjectState
    colour: str  # green | yellow | red
    event_title: str | None
    week_items: list[WeekItem] = field(default_factory=list)
    problems: list[OpenProblem] = field(default_factory=list)


@dataclass(frozen=True)
class WeekChange:
    """A new signing or a stage reached in the week."""

    project: ProjectState
    event_title: str | None
    stage: Stage
    happened_on: dt.date
    note: str | None


@dataclass(frozen=True)
class EventDeadline:
    ref: str
    title: str
    when: str  # 2011年11月（日期未定） …
    place: str
    coordinators: list[str]
    kind: str  # plan | summary
    due: dt.date
    status: str  # due | overdue


@dataclass(frozen=True)
class StageCount:
    projects: int
    amount: Decimal  # 万元


@dataclass(frozen=True)
class KpiRow:
    label: str
    total: kpi.Kpi
    by_stage: dict[Stage, StageCount]  # live projects at each stage on the as-of date (industries, overall)


@dataclass(frozen=True)
class TargetsSummary:
    """The year's targets as of the report's day (crm.services.targets): every target row in the report's
    scope, and the ranking of the cities with targets (the cohort), by the configured rule and weights."""

    year: int
    as_of: dt.date
    share_of_year: Decimal  # 序时进度, %
    progress: list[TargetRow]
    ranking: list[RankRow]
    indicators: list[str]  # the ranking's, in INDICATORS order
    rule: str
    weights: dict[str, Decimal]


@dataclass
class WeeklyReport:
    week: ReportPeriod  # a week, month or quarter (see period)
    city: str | None
    industry: str | None
    confirmed: bool  # only projects the province confirmed (认定) count, else every reported one
    projects: list[ProgressRow]
    changes: list[WeekChange]
    problems: list[OpenProblem]
    orders: list[OrderRow]  # supervision orders not closed as of the day (and those closed that week)
    deadlines: list[EventDeadline]
    by_industry: list[KpiRow]
    by_city: list[KpiRow]
    overall: KpiRow
    targets: TargetsSummary | None = None  # None when the year has no targets

    @property
    def period(self) -> ReportPeriod:
        return self.week


def weekly_report(
    session: Session, week: ReportPeriod, *, city: str | None = None, industry: str | None = None,
    confirmed: bool | None = None, red_after: int = RED_AFTER_DAYS,
    ranking: tuple[dict[str, Decimal], str] | None = None,
) -> WeeklyReport:
    """city and industry as users type them (南昌, 光伏, pv); unknown ones are refused. `confirmed`: count
    only confirmed projects; by default the province's staff get those, units what they reported.
    `ranking`: (weights, rule) of crm.rules.targets.ranking_settings (default: its defaults)."""
    city_name = find_region(session, city).name if city else None
    industry_name = find_industry(session, industry).name if industry else None
    confirmed = who(session).provincial_staff if confirmed is None else confirmed
    cohort = Cohort(industry=industry_name, city=city_name, confirmed=confirmed)
    as_of = week.as_of

    industry_order = {name: i for i, name in enumerate(session.scalars(select(Industry.name).order_by(Industry.id)))}
    city_order = {name: i for i, name in enumerate(session.scalars(select(Region.name).order_by(Region.id)))}

    def order(state: ProjectState) -> tuple:
        return (industry_order.get(state.industry, len(industry_order)), city_order.get(state.city, len(city_order)),
                state.signed_on, state.ref)

    counts = counted(session, as_of, confirmed=confirmed)
    in_scope = [s for s in project_states(session, as_of) if cohort.includes(s)]
    cohort_states = sorted((s for s in in_scope if counts(s.id)), key=order)
    live = [s for s in cohort_states if s.status != ProjectStatus.TERMINATED]
    events = event_service.list_events(session)
    titles = {e.id: e.title for e in events}

    rows = {s.id: ProgressRow(s, s.colour(as_of), titles.get(s.signing_event_id)) for s in live}
    steps = _week_steps(session, week)
    for project_id, item in _week_items(session, week, steps):
        if project_id in rows:
            rows[project_id].week_items.append(item)
    problems = []
    for problem in open_problems(session, as_of):
        row = rows.get(problem.project_id)
        if row is None:
            continue
        found = OpenProblem(
            problem.id, row.project, problem.description, problem.raised_on, (as_of - problem.raised_on).days,
            problem.responsible_unit.name if problem.responsible_unit else None,
        )
        row.problems.append(found)
        problems.append(found)
    problems.sort(key=lambda p: (-p.age_days, order(p.project), p.id))

    by_id = {s.id: s for s in cohort_states}
    refs = {s.ref for s in in_scope}  # orders are listed whichever projects the figures count
    changes = [
        WeekChange(by_id[pid], titles.get(by_id[pid].signing_event_id), stage, on, note)
        for pid, stage, on, note in steps
        if pid in by_id
    ]
    changes.sort(key=lambda c: (c.happened_on, rank(c.stage), order(c.project)))

    industries = [name for name in industry_order if industry_name in (None, name)]
    # Every city of the province, with or without projects; other places only where projects are.
    cities = [name for name in session.scalars(select(Region.name).where(Region.in_province.is_(True))
                                               .order_by(Region.id)) if city_name in (None, name)]
    return WeeklyReport(
        week=week,
        city=city_name,
        industry=industry_name,
        confirmed=confirmed,
        projects=list(rows.values()),
        changes=changes,
        problems=problems,
        orders=[o for o in list_orders(session, as_of, red_after=red_after)
                if o.project in refs and (o.state != CLOSED or o.closed_on >= week.monday.isoformat())],
        deadlines=_event_deadlines(session, as_of, events, city_name, industry_name),
        **_kpi_tables(cohort_states, industries, cities),
        targets=_targets(session, as_of, city_name, industry_name, ranking or target_rules.ranking_settings({})),
    )


def _targets(session: Session, as_of: dt.date, city: str | None, industry: str | None,
             settings: tuple[dict[str, Decimal], str]) -> TargetsSummary | None:
    """The targets of the as-of year. With a city or industry filter the target rows are that city's
    (its own and its parks') or that industry's; the ranking is always the province's."""
    year = as_of.year
    rows = target_progress(session, year, as_of)
    if not rows:
        return None
    weights, rule = settings
    ranked = target_ranking(session, year, as_of, weights=weights, rule=rule, rows=rows)
    if city:
        regions = _unit_regions(session)
        rows = [r for r in rows if regions.get(r.unit) == city]
    if industry:
        rows = [r for r in rows if r.industry == industry]
    return TargetsSummary(year, as_of, target_rules.percent(target_rules.share_of_year(as_of)), rows, ranked,
                          list(ranked[0].completion) if ranked else [], rule, weights)


def _unit_regions(session: Session) -> dict[str, str]:
    """Each unit's city (region) by name: its own, else the nearest one above it."""
    units = {uid: (name, parent, region) for uid, name, parent, region in session.execute(
        select(Unit.id, Unit.name, Unit.parent_id, Region.name).outerjoin(Region, Unit.region_id == Region.id))}
    found = {}
    for name, parent, region in units.values():
        seen = set()
        while region is None and parent in units and parent not in seen:
            seen.add(parent)
            _, parent, region = units[parent]
        if region is not None:
            found[name] = region
    return found


def _week_items(session: Session, week: ReportPeriod, steps: list) -> list[tuple[int, WeekItem]]:
    """Follow-ups and stage steps of the period, oldest first, as (project id, item)."""
    items = [
        (pid, WeekItem(on, None, kind, content))
        for pid, on, kind, content in session.execute(
            select(FollowUp.project_id, FollowUp.happened_on, FollowUp.kind, FollowUp.content)
            .where(FollowUp.happened_on.between(week.monday, week.last_day), rows_in_effect(FollowUp, week.as_of))
            .order_by(FollowUp.project_id, FollowUp.happened_on, FollowUp.id)
        )
    ]
    items += [(pid, WeekItem(on, stage, None, note)) for pid, stage, on, note in steps]
    items.sort(key=lambda pair: (pair[0], pair[1].happened_on, pair[1].stage is not None))
    return items


def _week_steps(session: Session, week: ReportPeriod) -> list[tuple[int, Stage, dt.date, str | None]]:
    """Signings and stage steps that happened in the period (the effective history, corrections applied)."""
    return list(
        session.execute(
            select(StageStep.project_id, StageStep.stage, StageStep.happened_on, StageStep.note)
            .where(
                StageStep.superseded.is_(False),
                StageStep.retracted.is_(False),
                StageStep.stage.in_(PIPELINE_STAGES),
                StageStep.happened_on.between(week.monday, week.last_day),
            )
            .order_by(StageStep.happened_on, StageStep.id)
        )
    )


def _event_deadlines(
    session: Session, as_of: dt.date, events: list[Event], city: str | None, industry: str | None
) -> list[EventDeadline]:
    """Plans and summaries due or overdue. With a filter: the events held in that city, and those of that
    industry or of no industry in particular."""
    by_ref = {e.ref: e for e in events}
    found = []
    for warning in event_deadlines(session, as_of):
        event = by_ref[warning.ref]
        if warning.status in deadlines.FILED:
            continue
        if city and (event.region is None or event.region.name != city):
            continue
        if industry and event.industries and industry not in {i.name for i in event.industries}:
            continue
        found.append(EventDeadline(
            event.ref, event.title, event_period_label(event.starts_on, event.ends_on, event.date_precision),
            " ".join(x for x in (event.region.name if event.region else None, event.venue) if x),
            event_service.units_by_role(event)["coordinators"],
            warning.kind, dt.date.fromisoformat(warning.due), warning.status,
        ))
    position = {e.ref: e.position for e in events}
    found.sort(key=lambda d: (STATUS_ORDER[d.status], d.due, d.kind, position[d.ref], d.ref))
    return found


def _kpi_cell(rows: list[kpi.Facts]) -> KpiRow:
    """A group's KPIs (terminated projects included, as every rate's denominator wants) and the live
    pipeline: projects not terminated, by the stage they had reached (a capital increase adds its amount,
    not a project)."""
    counts: dict[Stage, list] = {stage: [0, Decimal(0)] for stage in PIPELINE_STAGES}
    for p in rows:
        if not p.terminated:
            counts[p.stage][0] += p.increase_of_id is None
            counts[p.stage][1] += p.amount
    return KpiRow("", kpi.compute(rows), {stage: StageCount(n, amount) for stage, (n, amount) in counts.items()})


def _kpi_tables(rows: list[ProjectState], industries: list[str], cities: list[str]) -> dict:
    """KPIs by industry (with the live pipeline by stage), by city and overall. Each project is counted
    once, into its (industry, city) cell; the rows and the total add cells up. Rows: one per label in
    the given order, then any other value met in the data."""
    cells: dict[tuple[str, str], list[ProjectState]] = defaultdict(list)
    for p in rows:
        cells[(p.industry or "", p.city or "")].append(p)
    counted = {key: _kpi_cell(group) for key, group in cells.items()}

    def by(position: int, labels: list[str], *, stages: bool) -> list[KpiRow]:
        groups: dict[str, list[KpiRow]] = defaultdict(list)
        for key, part in counted.items():
            groups[key[position]].append(part)
        ordered = labels + sorted(set(groups) - set(labels))
        return [_merged(label, groups.get(label, []), stages=stages) for label in ordered]

    return {"by_industry": by(0, industries, stages=True), "by_city": by(1, cities, stages=False),
            "overall": _merged("", list(counted.values()), stages=True)}


def _merged(label: str, parts: list[KpiRow], *, stages: bool) -> KpiRow:
    total = kpi.Kpi()
    for part in parts:
        total.merge(part.total)
    by_stage = {
        stage: StageCount(sum(part.by_stage[stage].projects for part in parts),
                          sum((part.by_stage[stage].amount for part in parts), Decimal(0)))
        for stage in PIPELINE_STAGES
    } if stages else {}
    return KpiRow(label, total, by_stage)
