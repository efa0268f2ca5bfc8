"""Several processes editing one database at once through crm/services, as a team does: version-checked
edits of projects and contacts, follow-ups, figures and stage steps. Each worker logs what it was told;
`verify` then checks the database against the logs. Used by tests/test_concurrency.py and
bench/bench_concurrency.py."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from crm.demo.loader import load_demo
from crm.errors import RuleViolation, StaleEdit
from crm.services.actor import staff_for
from crm.services.editing import update_fields
from crm.services.followups import add_followup
from crm.services.projects import (
    NewProject,
    add_project,
    advance,
    correct_step,
    effective_steps,
    get_project,
    record_figure,
)
from db.base import Base
from db.models import (
    AuditEntry,
    Contact,
    FigureKind,
    FollowUp,
    Organization,
    Project,
    ProjectFigure,
    Stage,
    StageStep,
    Staff,
)
from db.session import Database

TODAY = dt.date(2026, 11, 27)
NEXT_STAGE = {Stage.SIGNED: Stage.CONSTRUCTION, Stage.CONSTRUCTION: Stage.PRODUCTION, Stage.PRODUCTION: Stage.RESULTS}
OPERATIONS = ("edit_project", "edit_contact", "followup", "figure", "stage_step")
WEIGHTS = (30, 10, 25, 10, 25)


@dataclass
class WorkerLog:
    worker: int
    seconds: float = 0.0
    acked_edits: list[tuple] = field(default_factory=list)  # (entity, id, field, value, new_version)
    refused_edits: list[tuple] = field(default_factory=list)  # (entity, id, field, value, loaded_version)
    followups: list[tuple] = field(default_factory=list)  # (id, project_id, content)
    figures: list[tuple] = field(default_factory=list)  # (id, project_id, note)
    steps: list[tuple] = field(default_factory=list)  # (id, project_id, note)
    rule_refusals: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return len(self.acked_edits) + len(self.followups) + len(self.figures) + len(self.steps)


def prepare(url: str, *, projects: int = 12, contacts: int = 12) -> None:
    """Reference data and a few records for everyone to fight over."""
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            load_demo(session, size=None, force=False, today=TODAY)
            actor = staff_for(session, "setup")
            for n in range(projects):
                add_project(session, NewProject(name=f"并发项目{n}", investor=f"并发投资方{n % 4}", industry="pv",
                                                city="南昌", signed_on=dt.date(2026, 1, 5)), actor=actor, today=TODAY)
            org = Organization(name="并发单位", name_key="并发单位")
            session.add_all([Contact(name=f"客商{n}", name_key=f"客商{n}", organization=org) for n in range(contacts)])
    finally:
        db.dispose()


def run_worker(url: str, worker: int, seconds: float, seed: int) -> WorkerLog:
    db = Database(url)
    log = WorkerLog(worker)
    rng = random.Random(seed)
    try:
        with db.unit_of_work() as session:
            staff_id = staff_for(session, f"worker{worker}").id
        with db.unit_of_work(write=False) as session:
            projects = list(session.scalars(select(Project.id).order_by(Project.id)))
            contacts = list(session.scalars(select(Contact.id).order_by(Contact.id)))
        started = time.monotonic()
        sequence = 0
        while time.monotonic() - started < seconds:
            sequence += 1
            value = f"w{worker}-{sequence}"
            operation = rng.choices(OPERATIONS, WEIGHTS)[0]
            try:
                if operation == "edit_project":
                    _edit(db, log, rng, Project, rng.choice(projects), rng.choice(("notes", "park")), value, staff_id)
                elif operation == "edit_contact":
                    _edit(db, log, rng, Contact, rng.choice(contacts), rng.choice(("title", "notes")), value, staff_id)
                else:
                    _append(db, log, operation, rng.choice(projects), value, staff_id, rng)
            except StaleEdit:
                pass  # logged by _edit, which is the only place a refusal may come from
            except RuleViolation:
                log.rule_refusals += 1
            except Exception as error:  # noqa: BLE001 - anything else is a failure the verifier reports
                log.errors.append(f"{operation}: {type(error).__name__}: {error}")
        log.seconds = time.monotonic() - started
    finally:
        db.dispose()
    return log


def _edit(db: Database, log: WorkerLog, rng: random.Random, model, record_id: int, name: str, value: str,
          staff_id: int) -> None:
    with db.unit_of_work(write=False) as session:  # the form is opened...
        loaded = session.get(model, record_id).version
    time.sleep(rng.uniform(0, 0.005))  # ...looked at...
    entity = model.__tablename__
    try:
        with db.unit_of_work(actor=staff_id) as session:  # ...and saved
            record = update_fields(session, session.get(model, record_id), loaded, {name: value})
            new_version = record.version
    except StaleEdit:
        log.refused_edits.append((entity, record_id, name, value, loaded))
        raise
    log.acked_edits.append((entity, record_id, name, value, new_version))


def _append(db: Database, log: WorkerLog, operation: str, project_id: int, value: str, staff_id: int,
            rng: random.Random) -> None:
    with db.unit_of_work(actor=staff_id) as session:
        actor = session.get(Staff, staff_id)
        ref = session.get(Project, project_id).ref
        if operation == "followup":
            row = add_followup(session, ref, on=TODAY, content=value, actor=actor, today=TODAY)
            target = log.followups
        elif operation == "figure":
            row = record_figure(session, ref, FigureKind.FUNDS_IN_PLACE, rng.randint(1, 10_000), TODAY, note=value,
                                actor=actor)
            target = log.figures
        else:
            project = get_project(session, ref, for_update=True)
            if project.stage == Stage.RESULTS:  # at the end: take the last step back, so steps go on
                row = correct_step(session, ref, retract=True, note=value, actor=actor, today=TODAY)
            else:
                row = advance(session, ref, NEXT_STAGE[project.stage], TODAY, note=value, actor=actor, today=TODAY)
            target = log.steps
        session.flush()
        entry = (row.id, project_id, value)
    target.append(entry)


def run(url: str, *, processes: int = 8, seconds: float = 6.0, seed: int = 1) -> list[WorkerLog]:
    """`processes` workers for `seconds`, each in a process of its own (spawned: no shared connections)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        return pool.starmap(run_worker, [(url, n, seconds, seed * 1000 + n) for n in range(processes)])


def verify(url: str, logs: list[WorkerLog]) -> list[str]:
    """Everything that is wrong with the database given what the workers were told; empty when all is well."""
    problems = [f"worker {log.worker}: {error}" for log in logs for error in log.errors]
    db = Database(url)
    try:
        with db.unit_of_work(write=False) as session:
            problems += _check_appends(session, logs)
            problems += _check_edits(session, logs)
            problems += _check_history(session)
            problems += _check_stage_caches(session)
            problems += _check_integrity(session)
    finally:
        db.dispose()
    return problems


def _check_appends(session, logs) -> list[str]:
    problems = []
    for attr, model, column in (("followups", FollowUp, FollowUp.content), ("figures", ProjectFigure, ProjectFigure.note),
                                ("steps", StageStep, StageStep.note)):
        stored = {row.id: (row.project_id, row.value)
                  for row in session.execute(select(model.id, model.project_id, column.label("value")))}
        for log in logs:
            for row_id, project_id, value in getattr(log, attr):
                if stored.get(row_id) != (project_id, value):
                    problems.append(f"acknowledged {attr} row {row_id} ({value}) is missing or different")
    return problems


def _check_edits(session, logs) -> list[str]:
    problems = []
    entries = {(e.entity, e.entity_id, e.field, e.new_value): e for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action == "update"))}
    versions = {(e.entity, e.entity_id, e.version) for e in session.scalars(select(AuditEntry))}
    logins = dict(session.execute(select(Staff.id, Staff.login)).all())
    latest: dict[tuple, tuple[int, str]] = {}
    for log in logs:
        for entity, record_id, name, value, new_version in log.acked_edits:
            entry = entries.get((entity, record_id, name, value))
            if entry is None or entry.version != new_version or logins.get(entry.staff_id) != f"worker{log.worker}":
                problems.append(f"acknowledged edit {value} of {entity} {record_id}.{name} has no matching history")
            key = (entity, record_id, name)
            if key not in latest or latest[key][0] < new_version:
                latest[key] = (new_version, value)
        for entity, record_id, name, value, loaded in log.refused_edits:
            if (entity, record_id, name, value) in entries:
                problems.append(f"refused edit {value} of {entity} {record_id} was written after all")
            if (entity, record_id, loaded + 1) not in versions:
                problems.append(f"edit {value} of {entity} {record_id} was refused but nobody changed version {loaded}")
    models = {m.__tablename__: m for m in (Project, Contact)}
    for (entity, record_id, name), (_, value) in latest.items():
        current = getattr(session.get(models[entity], record_id), name)
        if current != value:
            problems.append(f"{entity} {record_id}.{name} is {current!r}, the last acknowledged edit wrote {value!r}")
    return problems


def _check_history(session) -> list[str]:
    """Every version of every tracked record has its entries: no change went unrecorded."""
    problems = []
    recorded: dict[tuple, set[int]] = {}
    for entity, entity_id, version in session.execute(select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.version)):
        recorded.setdefault((entity, entity_id), set()).add(version)
    for model in (Project, Contact, Organization):
        for record_id, version in session.execute(select(model.id, model.version)):
            missing = set(range(1, version + 1)) - recorded.get((model.__tablename__, record_id), set())
            if missing:
                problems.append(f"{model.__tablename__} {record_id}: versions {sorted(missing)} have no history")
    return problems


def _check_stage_caches(session) -> list[str]:
    problems = []
    for project in session.scalars(select(Project)):
        steps = effective_steps(project)
        if steps and project.stage != steps[-1].stage:
            problems.append(f"{project.ref}: cached stage {project.stage} but the history ends at {steps[-1].stage}")
    return problems


def _check_integrity(session) -> list[str]:
    problems = []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if connection.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
            problems.append("PRAGMA integrity_check failed")
        problems += [f"foreign_key_check: {row}" for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]
    for table in Base.metadata.sorted_tables:  # the same orphan check on both backends
        for fk in table.foreign_keys:
            parent = fk.column.table.alias()  # an alias: a table may point at itself
            key = parent.c[fk.column.name]
            orphans = connection.execute(
                select(func.count()).select_from(table.outerjoin(parent, fk.parent == key))
                .where(fk.parent.is_not(None), key.is_(None))
            ).scalar()
            if orphans:
                problems.append(f"{table.name}.{fk.parent.name}: {orphans} rows point nowhere")
    if connection.dialect.name == "postgresql":
        invalid = connection.execute(text("SELECT conname FROM pg_constraint WHERE NOT convalidated")).scalars().all()
        problems += [f"constraint {name} not validated" for name in invalid]
    return problems
