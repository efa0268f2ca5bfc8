"""Targets and how leaders read them (DOMAIN.md "Targets, assessment and indicators"): 完成率 = actual ÷
target; 序时进度 = the share of the year gone — in months as the reports count them (as of 31 May: 5/12),
or in days; "超序时进度 x 个百分点" = 完成率 − 序时进度. Rankings (晾晒) score each indicator by the
功效系数法, W × (0.6 + 0.4 × (x − min) ÷ (max − min)) over the units assessed, or cap a completion score
(完成率 × W, at most W); weights and the rule live in config.toml."""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

INDICATORS = ("signed_projects", "signed_amount", "funds", "started")
EFFICACY, CAPPED = "efficacy", "capped"
DEFAULT_WEIGHTS = {"signed_projects": 30, "signed_amount": 30, "funds": 25, "started": 15}
_CENT = Decimal("0.01")


def share_of_year(as_of: dt.date, *, by: str = "months", year: int | None = None) -> Decimal:
    """序时进度 as a fraction of `year` (the as-of date's by default): whole months gone (the month counts once
    its last day is reached), or days; a year already over is all gone, one not begun none."""
    if year is not None and year != as_of.year:
        return Decimal(1) if as_of.year > year else Decimal(0)
    if by == "days":
        days_in_year = 366 if calendar.isleap(as_of.year) else 365
        return Decimal(as_of.timetuple().tm_yday) / Decimal(days_in_year)
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    months = as_of.month if as_of.day == last_day else as_of.month - 1
    return Decimal(months) / Decimal(12)


def completion(actual: Decimal, target: Decimal) -> Decimal | None:
    """完成率 as a fraction; None for a target of zero (nothing to complete)."""
    return actual / target if target else None


def points_ahead(completed: Decimal | None, share: Decimal) -> Decimal | None:
    """超序时进度: percentage points, rounded to two decimals (negative: behind)."""
    if completed is None:
        return None
    return ((completed - share) * 100).quantize(_CENT, rounding=ROUND_HALF_UP)


def percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).quantize(_CENT, rounding=ROUND_HALF_UP)


def scores(values: dict[str, Decimal | None], weight: Decimal, rule: str = EFFICACY) -> dict[str, Decimal]:
    """Each unit's score on one indicator (values: 完成率 by unit; None counts as 0). With every unit equal,
    the 功效系数法 gives each the full weight."""
    xs = {unit: value or Decimal(0) for unit, value in values.items()}
    if rule == CAPPED:
        return {unit: min(x * weight, weight).quantize(_CENT, rounding=ROUND_HALF_UP) for unit, x in xs.items()}
    low, high = min(xs.values(), default=Decimal(0)), max(xs.values(), default=Decimal(0))
    result = {}
    for unit, x in xs.items():
        share = (x - low) / (high - low) if high > low else Decimal(1)
        result[unit] = (weight * (Decimal("0.6") + Decimal("0.4") * share)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return result


def positions(values: dict, *, higher_first: bool = True) -> dict:
    """Rank of each key by its value (None last); equal values share a rank (1, 2, 2, 4)."""
    def key(item):
        value = item[1]
        return (value is None, -(value or 0) if higher_first else (value or 0), str(item[0]))

    result, rank, previous = {}, 0, object()
    for position, (name, value) in enumerate(sorted(values.items(), key=key), start=1):
        if value != previous:
            rank, previous = position, value
        result[name] = rank
    return result


def ranking_settings(config: dict) -> tuple[dict[str, Decimal], str]:
    """`[ranking] rule = "efficacy" | "capped"` and `[ranking.weights] signed_projects = 30 …`."""
    section = config.get("ranking") or {}
    rule = section.get("rule", EFFICACY)
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (section.get("weights") or {}).items():
        if name in weights and isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            weights[name] = value
    return {k: Decimal(str(v)) for k, v in weights.items()}, rule if rule in (EFFICACY, CAPPED) else EFFICACY
