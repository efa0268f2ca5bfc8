"""The numbers leaders read (DOMAIN.md). Every rate's denominator is the signed projects of the cohort,
and everything is evaluated as of one date."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Protocol

from db.models.enums import InvestorOrigin, MilestoneKind, SigningForm, Stage

from crm.rules.stages import rank

# 万元 thresholds of the size tiers leaders ask for: 亿元以上, 5亿元以上, 10亿元以上, 50亿元以上, 100亿元以上.
SIZE_TIERS_WAN: tuple[int, ...] = (10_000, 50_000, 100_000, 500_000, 1_000_000)
_CONSTRUCTION, _PRODUCTION, _RESULTS = rank(Stage.CONSTRUCTION), rank(Stage.PRODUCTION), rank(Stage.RESULTS)
OUTSIDE, ABROAD = InvestorOrigin.OUTSIDE.value, InvestorOrigin.ABROAD.value
IN_STATISTICS, ABOVE_SIZE, FULL_CAPACITY = MilestoneKind


@dataclass(frozen=True)
class ProjectFacts:
    """A project as it stood on the as-of date (prepared by crm.services.kpi)."""

    signed_on: dt.date
    signing_form: SigningForm | None
    converted_on: dt.date | None  # agreement → contract
    amount: Decimal  # 万元
    stage: Stage  # furthest stage reached by the as-of date
    terminated: bool
    funds_in_place: Decimal
    problems_raised: int
    problems_resolved: int
    industry: str | None = None
    city: str | None = None
    origin: str | None = None  # the investor's: inside | outside | abroad
    amount_usd: Decimal | None = None  # 万美元, for a project signed in dollars
    milestones: frozenset = frozenset()  # MilestoneKind values reached
    increase_of_id: int | None = None  # a capital increase (增资) of that project


class Facts(Protocol):
    """What the KPIs read of a project: a ProjectFacts, or any record of the project as it stood that
    reads the same (the dashboard passes its ten thousand project states as they are, not copies)."""

    signing_form: SigningForm | None
    converted_on: dt.date | None
    amount: Decimal
    stage: Stage
    terminated: bool
    funds_in_place: Decimal
    problems_raised: int
    problems_resolved: int
    origin: str | None
    amount_usd: Decimal | None
    milestones: frozenset
    increase_of_id: int | None


def _rate(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    if not denominator:
        return None
    return round(float(Decimal(numerator) / Decimal(denominator)), 4)


@dataclass
class Kpi:
    signed: int = 0
    signed_amount: Decimal = Decimal(0)
    started: int = 0
    in_production: int = 0
    with_results: int = 0
    funds_in_place: Decimal = Decimal(0)
    not_terminated: int = 0
    agreements: int = 0
    agreements_converted: int = 0
    problems_raised: int = 0
    problems_resolved: int = 0
    # Foreign investment as assessed: 万美元 of the projects signed in dollars.
    signed_amount_usd: Decimal = Decimal(0)
    # 省外资金 and 境外资金: amounts signed and funds in place by investors from other provinces and abroad.
    amount_outside: Decimal = Decimal(0)
    amount_abroad: Decimal = Decimal(0)
    funds_outside: Decimal = Decimal(0)
    funds_abroad: Decimal = Decimal(0)
    # Post-landing milestones reached by the as-of date.
    in_statistics: int = 0
    above_size: int = 0
    full_capacity: int = 0
    tiers: dict[int, list] = field(default_factory=lambda: {t: [0, Decimal(0)] for t in SIZE_TIERS_WAN})

    def add(self, p: Facts) -> None:
        """A project counts once, at its first signing; a capital increase (增资) is a signing of its own
        that counts only its money (DOMAIN.md): the amount, dollars and funds, never a second project in
        the counts, stages, rates' denominators, milestones or size tiers."""
        self._add_money(p)
        self.problems_raised += p.problems_raised
        self.problems_resolved += p.problems_resolved
        if p.increase_of_id is not None:
            return
        reached = rank(p.stage)  # once: reports add every project of a cohort several times over
        self.signed += 1
        self.started += reached >= _CONSTRUCTION
        self.in_production += reached >= _PRODUCTION
        self.with_results += reached >= _RESULTS
        self.not_terminated += not p.terminated
        if p.signing_form == SigningForm.AGREEMENT:
            self.agreements += 1
            self.agreements_converted += p.converted_on is not None
        if p.milestones:
            self.in_statistics += IN_STATISTICS in p.milestones
            self.above_size += ABOVE_SIZE in p.milestones
            self.full_capacity += FULL_CAPACITY in p.milestones
        for threshold in SIZE_TIERS_WAN:  # ascending: the first tier not reached ends the search
            if p.amount < threshold:
                break
            self.tiers[threshold][0] += 1
            self.tiers[threshold][1] += p.amount

    def _add_money(self, p: Facts) -> None:
        self.signed_amount += p.amount
        self.funds_in_place += p.funds_in_place
        if p.amount_usd is not None:
            self.signed_amount_usd += p.amount_usd
        if p.origin == OUTSIDE:
            self.amount_outside += p.amount
            self.funds_outside += p.funds_in_place
        elif p.origin == ABROAD:
            self.amount_abroad += p.amount
            self.funds_abroad += p.funds_in_place

    def merge(self, other: Kpi) -> None:
        """Add another group's counts, the two groups having no project in common: the KPIs of their union
        (every rate follows from the counts)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for threshold, (count, amount) in other.tiers.items():
            self.tiers[threshold][0] += count
            self.tiers[threshold][1] += amount

    def as_dict(self) -> dict:
        return {
            "signed": self.signed,
            "signed_amount": float(self.signed_amount),
            "started": self.started,
            "in_production": self.in_production,
            "with_results": self.with_results,
            "started_rate": _rate(self.started, self.signed),
            "production_rate": _rate(self.in_production, self.signed),
            "results_rate": _rate(self.with_results, self.signed),
            "funds_in_place": float(self.funds_in_place),
            "funds_in_place_rate": _rate(self.funds_in_place, self.signed_amount),
            "performance_rate": _rate(self.not_terminated, self.signed),
            "agreements": self.agreements,
            "agreement_conversion_rate": _rate(self.agreements_converted, self.agreements),
            "problems_raised": self.problems_raised,
            "problems_resolved": self.problems_resolved,
            "problems_resolved_rate": _rate(self.problems_resolved, self.problems_raised),
            "signed_amount_usd": float(self.signed_amount_usd),
            "amount_outside_province": float(self.amount_outside),
            "amount_abroad": float(self.amount_abroad),
            "funds_outside_province": float(self.funds_outside),
            "funds_abroad": float(self.funds_abroad),
            "in_statistics": self.in_statistics,
            "above_size": self.above_size,
            "full_capacity": self.full_capacity,
            "size_tiers": [
                {"min_wan": threshold, "count": count, "amount": float(amount)}
                for threshold, (count, amount) in self.tiers.items()
            ],
        }


_COUNTS = tuple(f.name for f in fields(Kpi) if f.name != "tiers")


def projects_in(signings: Iterable) -> int:
    """How many projects a list of signings is: a capital increase (增资) is none (see Kpi.add). Every count
    of projects signed that is not a Kpi (an event's, the dashboard's pipeline) takes it from here."""
    return sum(1 for s in signings if s.increase_of_id is None)


def compute(facts: Iterable[Facts]) -> Kpi:
    kpi = Kpi()
    for p in facts:
        kpi.add(p)
    return kpi


def compute_by(facts: Iterable[ProjectFacts], key: Callable[[ProjectFacts], str | None]) -> dict[str, Kpi]:
    groups: dict[str, Kpi] = {}
    for p in facts:
        groups.setdefault(key(p) or "", Kpi()).add(p)
    return dict(sorted(groups.items()))
