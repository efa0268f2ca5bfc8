"""签约 → 开工 → 投产 → 见效: stages move forward only, each step dated no earlier than the one before."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from db.models.enums import Stage

from crm.errors import RuleViolation
from crm.i18n import pick
from crm.rules.dates import check_not_future

STAGE_ORDER: tuple[Stage, ...] = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.CONSTRUCTION,
    Stage.PRODUCTION,
    Stage.RESULTS,
)
PIPELINE_STAGES: tuple[Stage, ...] = STAGE_ORDER[2:]
PRE_SIGNING_STAGES: tuple[Stage, ...] = STAGE_ORDER[:2]

_LABELS = {
    Stage.LEAD: ("线索", "lead"),
    Stage.NEGOTIATING: ("在谈", "negotiating"),
    Stage.SIGNED: ("签约", "signed"),
    Stage.CONSTRUCTION: ("开工", "construction"),
    Stage.PRODUCTION: ("投产", "production"),
    Stage.RESULTS: ("见效", "results"),
}


_RANKS = {stage: position for position, stage in enumerate(STAGE_ORDER)}


def rank(stage: Stage) -> int:
    # A dict, not STAGE_ORDER.index: called for every step of every project in the reports.
    return _RANKS[stage]


def stage_label(stage: Stage) -> str:
    return pick(*_LABELS[Stage(stage)])


def parse_stage(value: str) -> Stage:
    text = (value or "").strip().lower()
    for stage, (zh, en) in _LABELS.items():
        if text in (stage.value, zh, en):
            return stage
    raise RuleViolation("unknown_stage", value=value)


@dataclass(frozen=True)
class Step:
    stage: Stage
    happened_on: dt.date


def check_advance(ref: str, steps: Sequence[Step], target: Stage, on: dt.date, today: dt.date) -> None:
    """steps: the project's effective history, in order. Raises RuleViolation when target may not follow."""
    check_not_future(on, today)
    if not steps:
        return
    last = steps[-1]
    if rank(target) <= rank(last.stage):
        raise RuleViolation("stage_backwards", ref=ref, current=stage_label(last.stage), target=stage_label(target))
    # Within the pipeline nothing is skipped: production needs a construction date, and so on.
    if target in PIPELINE_STAGES and target != Stage.SIGNED:
        expected = STAGE_ORDER[rank(target) - 1]
        if last.stage != expected:
            raise RuleViolation("stage_skip_needs_dates", ref=ref, missing=stage_label(expected))
    if on < last.happened_on:
        raise RuleViolation(
            "stage_date_before_previous",
            date=on.isoformat(),
            previous=stage_label(last.stage),
            previous_date=last.happened_on.isoformat(),
        )


def check_redate(steps: Sequence[Step], index: int, on: dt.date, today: dt.date) -> None:
    """A corrected date must still lie between its neighbours in the effective history."""
    check_not_future(on, today)
    if index > 0 and on < steps[index - 1].happened_on:
        prev = steps[index - 1]
        raise RuleViolation(
            "stage_date_before_previous",
            date=on.isoformat(),
            previous=stage_label(prev.stage),
            previous_date=prev.happened_on.isoformat(),
        )
    if index + 1 < len(steps) and on > steps[index + 1].happened_on:
        nxt = steps[index + 1]
        raise RuleViolation(
            "stage_date_after_next", date=on.isoformat(), next=stage_label(nxt.stage), next_date=nxt.happened_on.isoformat()
        )


def stage_as_of(steps: Sequence[Step], as_of: dt.date) -> Stage | None:
    """The furthest stage reached on or before as_of (None when nothing had happened yet)."""
    return furthest(s.stage for s in steps if s.happened_on <= as_of)


def furthest(reached: Iterable[Stage]) -> Stage | None:
    """The furthest of the stages a project has reached (None for none)."""
    return max(reached, key=rank, default=None)
