"""Annual targets of cities and parks, what each has done against them as of a day, and the ranking of the
cities (晾晒). Actuals are read from the projects as they stood that day (crm.services.snapshot): a unit's
figures are those of its own projects and of the units under it (a city counts its parks'), overall or for
one industry:
- signed_projects, signed_amount (万元): projects first signed in the year up to the day (a capital
  increase, 增资, adds its amount and is not a project of its own);
- started: projects that began construction (开工) in the year up to the day (capital increases aside);
- funds (万元, 到位资金): funds in place reported by the day less those reported by the end of last year."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit import annotate
from db.models import Target, Unit, UnitKind

from crm.errors import CrmError, RuleViolation
from crm.rules import targets as rules
from crm.rules.scope import city_unit, province_unit, unit_tree, who
from crm.services.reference import find_industry, find_region
from crm.services.snapshot import ProjectState, project_states
from crm.services.values import parse_amount, parse_integer

_ZERO = Decimal(0)


@dataclass(frozen=True)
class ProgressRow:
    unit: str
    industry: str | None
    indicator: str
    target: Decimal
    actual: Decimal
    completion: Decimal | None  # 完成率, %
    share_of_year: Decimal  # 序时进度, %
    points_ahead: Decimal | None  # 超序时进度, percentage points

    def as_dict(self) -> dict:
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class RankRow:
    rank: int
    unit: str
    score: Decimal
    completion: dict[str, Decimal | None]  # 完成率 % by indicator
    scores: dict[str, Decimal]

    def as_dict(self) -> dict:
        return {"rank": self.rank, "unit": self.unit, "score": float(self.score),
                "completion": {k: None if v is None else float(v) for k, v in self.completion.items()},
                "scores": {k: float(v) for k, v in self.scores.items()}}


def parse_indicator(value: str) -> str:
    if value not in rules.INDICATORS:
        raise CrmError("unknown_indicator", value=value, choices=", ".join(rules.INDICATORS))
    return value


def require_province(session: Session) -> None:
    """Targets are the province's to set (set_target asks it of every target; an import asks it first,
    so a city's login is refused in one line before any row is looked at)."""
    if who(session).visible is not None:
        raise RuleViolation("targets_provincial")


def target_holder(session: Session, unit: str | None, industry: str | None) -> Unit:
    """Whose target: a city (by its unit's name or the city's: 南昌 → its unit) or a park; without a unit, an
    industry's target for the whole province."""
    if not unit:
        if not industry:
            raise CrmError("target_needs_holder")
        return province_unit(session)
    holder = session.scalar(select(Unit).where(Unit.name == unit.strip()))
    if holder is None:
        holder = city_unit(session, find_region(session, unit).id)
    if holder.kind not in (UnitKind.CITY, UnitKind.PARK):
        raise RuleViolation("target_unit_kind", unit=holder.name)
    return holder


def set_target(session: Session, *, year: int | str, unit: str | None, indicator: str, value: str,
               industry: str | None = None, note: str | None = None) -> Target:
    """Set (or replace) a unit's target for the year: the province's to set. `note` goes with the
    change into the audit trail (the import batch that set it)."""
    require_province(session)
    year = parse_integer(str(year), low=2000, high=2100)
    indicator = parse_indicator(indicator)
    holder = target_holder(session, unit, industry)
    amount = (parse_integer(value) if indicator in ("signed_projects", "started")
              else parse_amount(value, positive=True))
    industry_id = find_industry(session, industry).id if industry else None
    target = session.scalar(select(Target).where(
        Target.year == year, Target.unit_id == holder.id, Target.indicator == indicator,
        Target.industry_id.is_(None) if industry_id is None else Target.industry_id == industry_id))
    if target is None:
        target = Target(year=year, unit=holder, indicator=indicator, industry_id=industry_id)
        session.add(target)
    if note:
        annotate(target, note)
    target.value = Decimal(amount)
    session.flush()
    return target


def progress(session: Session, year: int, as_of: dt.date, *, by: str = "months") -> list[ProgressRow]:
    """Every target of the year against what was done by `as_of`."""
    found = session.scalars(select(Target).where(Target.year == year)).all()
    if not found:
        return []
    actual = _actuals(session, year, as_of)
    share = rules.share_of_year(as_of, by=by, year=year)
    rows = []
    for t in sorted(found, key=lambda t: (t.unit.name, t.industry.name if t.industry else "", rules.INDICATORS.index(t.indicator))):
        done = actual(t.unit_id, t.industry.name if t.industry else None)[t.indicator]
        completed = rules.completion(done, t.value)
        rows.append(ProgressRow(t.unit.name, t.industry.name if t.industry else None, t.indicator, t.value, done,
                                rules.percent(completed), rules.percent(share), rules.points_ahead(completed, share)))
    return rows


def ranking(session: Session, year: int, as_of: dt.date, *, weights: dict[str, Decimal],
            rule: str = rules.EFFICACY, rows: list[ProgressRow] | None = None) -> list[RankRow]:
    """The cities with targets for the year, ranked by their weighted score over the indicators (ties share a
    rank); each indicator's completion scored over the cohort of cities assessed. `rows`: the year's progress
    as of the day, when the caller has read it already (monthly sheets)."""
    rows = [r for r in (progress(session, year, as_of) if rows is None else rows) if r.industry is None]
    cities = {u.name for u in session.scalars(select(Unit).where(Unit.kind == UnitKind.CITY))}
    completion: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for r in rows:
        if r.unit in cities:
            completion[r.unit][r.indicator] = None if r.completion is None else r.completion / 100
    if not completion:
        return []
    indicators = [i for i in rules.INDICATORS if any(i in c for c in completion.values())]
    per_indicator = {i: rules.scores({u: c.get(i) for u, c in completion.items()}, weights.get(i, _ZERO), rule)
                     for i in indicators}
    totals = {u: sum((per_indicator[i][u] for i in indicators), _ZERO) for u in completion}
    ranks = rules.positions(totals)
    return [RankRow(ranks[unit], unit, totals[unit], {i: rules.percent(completion[unit].get(i)) for i in indicators},
                    {i: per_indicator[i][unit] for i in indicators})
            for unit in sorted(totals, key=lambda u: (ranks[u], u))]


def report(session: Session, year: int, as_of: dt.date) -> list[dict]:
    """`crm report targets`: each target with rates as fractions, and its rank among the targets of the same
    indicator held by cities and parks (or among the province's industry targets)."""
    rows = progress(session, year, as_of)
    province = {u.name for u in session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE))}

    def group(r: ProgressRow) -> tuple:
        return (r.indicator, r.unit in province, r.industry if r.unit not in province else None)

    ranks: dict = {}
    for r in rows:
        ranks.setdefault(group(r), {})[id(r)] = r.completion
    ranked = {key: rules.positions(values) for key, values in ranks.items()}
    result = []
    for r in rows:
        holder = {"industry": r.industry} if r.unit in province else {"city": r.unit, **(
            {"industry": r.industry} if r.industry else {})}
        result.append({
            **holder, "indicator": r.indicator, "target": float(r.target), "actual": float(r.actual),
            "completion_rate": None if r.completion is None else float(r.completion / 100),
            "schedule_rate": float(r.share_of_year / 100),
            "ahead_points": None if r.points_ahead is None else float(r.points_ahead),
            "rank": ranked[group(r)][id(r)],
        })
    return result


def _actuals(session: Session, year: int, as_of: dt.date):
    """A function (unit id, industry name or None) → {indicator: actual}, over the unit and those under it."""
    start = dt.date(year, 1, 1)
    now = project_states(session, as_of)
    before = {s.id: s.funds_in_place for s in project_states(session, start - dt.timedelta(days=1))}
    by_unit: dict[int | None, list[ProjectState]] = defaultdict(list)
    for state in now:
        by_unit[state.owner_unit_id].append(state)

    provincial = set(session.scalars(select(Unit.id).where(Unit.kind == UnitKind.PROVINCE)))

    def actual(unit_id: int, industry: str | None) -> dict[str, Decimal]:
        """The province's own targets (an industry's, province-wide) count every project."""
        pool = now if unit_id in provincial else [s for u in unit_tree(session, unit_id) for s in by_unit.get(u, ())]
        states = [s for s in pool if industry is None or s.industry == industry]
        signed = [s for s in states if s.signed_on is not None and start <= s.signed_on <= as_of]
        return {
            "signed_projects": Decimal(sum(1 for s in signed if s.increase_of_id is None)),  # 增资: money only
            "signed_amount": sum((s.amount for s in signed), _ZERO),
            "started": Decimal(sum(1 for s in states if s.started_on is not None and start <= s.started_on <= as_of
                                   and s.increase_of_id is None)),
            "funds": sum((s.funds_in_place - before.get(s.id, _ZERO) for s in states), _ZERO),
        }

    return actual
