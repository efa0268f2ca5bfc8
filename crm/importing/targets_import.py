"""A target table into the database as one unit of work, every cell through crm.services.targets.set_target
(the one rule: only the province sets targets, to cities and parks, a count or an amount in 万元), so an
imported target is what `crm targets set` makes of the same values.

A target is the same by year, unit, industry and indicator: a cell that gives a known target another value
changes it (its old value kept in the batch, for undo), a cell that gives it the same value changes
nothing. Each row is written in a savepoint: a row whose cell set_target refuses is rejected alone, naming
that cell's column. A dry run, and --strict with rejected rows, write everything and roll it back, so they
report exactly what the real run writes; a run that changes nothing (the same table again) is rolled back
too, and records no batch. `crm import undo BATCH` removes the targets a batch created and sets those it
changed back to their old values, refused when any of them was set again since."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.errors import CrmError, NotFound
from crm.importing.batch import TARGETS, BatchResult, new_batch, note_changes, settle
from crm.importing.parse import Progress, parse_file
from crm.importing.reader import ReadAhead
from crm.importing.targets import COUNTS, WAN, AmountColumn, TargetRow, TargetRules, WatchedRead
from crm.importing.trail import Trail, import_note
from crm.importing.undo import Entity, UndoRules
from crm.services.reference import find_industry, find_region, find_unit
from crm.services.targets import require_province, set_target
from db.audit import actor_id, set_actor
from db.models import Target, Unit, UnitKind

TARGET = "target"  # ImportChange.entity
# set_target's refusals that concern the unit or the industry, not the value: the column they name.
_UNIT_ERRORS = frozenset({"unknown_unit", "target_unit_kind"})
_INDUSTRY_ERRORS = frozenset({"unknown_industry"})


@dataclass
class TargetOptions:
    year: int | None = None  # --year: rows without a 年度 of their own
    sheets: list[str] | None = None
    mapping: dict[str, str] | None = None  # header key → field (targets.TARGET_TABLE.parse_mapping)
    dry_run: bool = False
    strict: bool = False


@dataclass
class TargetResult(BatchResult):
    amount_columns: list[AmountColumn] = field(default_factory=list)

    def as_json(self) -> dict:
        return {**super().as_json(), "amounts": [c.as_dict() for c in self.amount_columns]}


def import_targets(database, path: str | Path, options: TargetOptions, *, login: str,
                   progress: Progress | None = None, ahead: ReadAhead | None = None) -> TargetResult:
    """Read and write one table in one transaction, kept unless a dry run or --strict with rejected rows.
    Refused before any row is looked at for a login not the province's; raises FileRefused for files
    that are not usable tables: then nothing is written."""
    from crm.services.actor import staff_for

    with database.unit_of_work(write=False) as session:
        require_province(session)
    rules = TargetRules(options.year)
    parsed = parse_file(path, sheets=options.sheets, overrides=options.mapping, progress=progress,
                        ahead=WatchedRead(path, ahead, rules), rules=rules)
    with database.unit_of_work() as session:
        staff = staff_for(session, login)
        if actor_id(session) is None:
            set_actor(session, staff)  # the targets' trail names the importer
        batch = new_batch(session, parsed, kind=TARGETS, staff_id=staff.id, counts={})
        writer = _Writer(session, batch.id, import_note(batch.file_name, batch.id, TARGETS))
        total = len(parsed.rows)
        for number, row in enumerate(parsed.rows, start=1):
            writer.write(row)
            if progress:
                progress("write", number, total)
        writer.finish()
        errors = parsed.errors  # the rows set_target refused are among them now
        result = TargetResult(
            file=parsed.path.name, format=parsed.format, dry_run=options.dry_run, rows=total,
            created={"targets": len(writer.created)}, updated={"targets": len(writer.changes)}, errors=errors,
            batch=None, sheets=parsed.sheets, skipped_sheets=parsed.skipped_sheets, parsed=parsed,
            amount_columns=rules.amount_columns,
        )
        settle(session, batch, result, dry_run=options.dry_run, strict=options.strict)
    return result


class _Writer:
    """Sets each row's targets; keeps what undo needs: the targets created, and the old value (and
    version) of each target changed."""

    def __init__(self, session: Session, batch_id: int, note: str) -> None:
        self.session = session
        self.batch_id = batch_id
        self.note = note
        self.created: list[Target] = []
        self.changes: list[tuple[int, dict]] = []  # (target id, {"version": before, "value": old 万元 or count})
        self.seen: dict[tuple, TargetRow] = {}  # (year, unit, industry) → the row that gave them

    def write(self, row: TargetRow) -> None:
        if row.error is not None:
            return
        try:
            holder = unit_named(self.session, row.unit)
        except NotFound as error:
            row.reject("unit", error.key, **error.params)
            return
        industry = None
        if row.industry:
            try:
                industry = find_industry(self.session, row.industry)
            except NotFound as error:
                row.reject("industry", error.key, **error.params)
                return
        first = self.seen.setdefault((row.year, holder.id, industry.id if industry else None), row)
        if first is not row:
            row.reject("unit", "import_targets_same_unit", sheet=first.sheet, row=first.row, unit=holder.name)
            return
        created, changes = [], []
        name = None
        try:
            with self.session.begin_nested():
                for name, (value, _typed, _unit) in row.values.items():
                    self._set(row, holder, industry, name, value, created, changes)
        except CrmError as error:
            row.reject(_column(name, error.key), error.key, **_shown(row, name, error))
            return
        self.created += created
        self.changes += changes

    def _set(self, row: TargetRow, holder: Unit, industry, indicator: str, value: str, created: list,
             changes: list) -> None:
        known = self.session.scalar(select(Target).where(
            Target.year == row.year, Target.unit_id == holder.id, Target.indicator == indicator,
            Target.industry_id.is_(None) if industry is None else Target.industry_id == industry.id))
        before = None if known is None else (known.value, known.version)
        target = set_target(self.session, year=row.year, unit=holder.name, indicator=indicator, value=value,
                            industry=industry.name if industry else None, note=self.note)
        if before is None:
            created.append(target)
        elif target.value != before[0]:
            changes.append((target.id, {"version": before[1], "value": str(before[0])}))

    def finish(self) -> None:
        note_changes(self.session, self.batch_id, TARGET, self.created, self.changes)


def unit_named(session: Session, text: str) -> Unit:
    """The unit a table names: by its name (南昌市政府, 南昌高新区), else the city unit of the city it names
    (南昌, 南昌市: a commission writes the city, the unit list may hold 南昌市政府); an unknown one is
    refused as find_unit refuses it (set_target refuses what is neither a city nor a park)."""
    try:
        return find_unit(session, text)
    except NotFound as unknown:
        try:
            region = find_region(session, text)
        except NotFound:
            raise unknown from None
        unit = session.scalars(select(Unit).where(Unit.kind == UnitKind.CITY, Unit.region_id == region.id)
                               .order_by(Unit.id)).first()
        if unit is None:
            raise unknown from None
        return unit


def _column(indicator: str | None, key: str) -> str | None:
    if key in _UNIT_ERRORS:
        return "unit"
    if key in _INDUSTRY_ERRORS:
        return "industry"
    return indicator


def _shown(row: TargetRow, indicator: str | None, error: CrmError) -> dict:
    """The refusal's values with the cell as typed (十个, not the 十 set_target was given), an amount read
    in 亿元 also in 万元 (5.123456亿元 → 51234.56万元)."""
    params = dict(error.params)
    if indicator in row.values and "value" in params and error.key not in _UNIT_ERRORS | _INDUSTRY_ERRORS:
        value, typed, unit = row.values[indicator]
        if value != typed:
            params["value"] = f"{typed}（{unit}，{value}万元）" if unit not in (None, WAN) else typed
    return params


# --- undo ---------------------------------------------------------------------------------------


def _restore(session: Session, _entity: Entity, items: list[tuple[int, dict]], trail: Trail,
             _gone: list[int]) -> None:
    """Each changed target set back to its old value, through set_target."""
    for target_id, before in items:
        target = session.get(Target, target_id)
        old = Decimal(before["value"])
        set_target(session, year=target.year, unit=target.unit.name, indicator=target.indicator,
                   value=str(int(old)) if target.indicator in COUNTS else str(old),
                   industry=target.industry.name if target.industry else None, note=trail.note)


UNDO = UndoRules(
    entities=(Entity(TARGET, Target.__table__, "targets"),),
    delete_order=(TARGET,),
    restore=_restore,
    restored_columns=lambda _entity, _before: [],
    undone="import_targets_undone",
    check=require_province,
)
