"""What happened to a record: its audit trail (db.audit) as readable rows, and the REF forms that name
any tracked record — a project (P00012), an event (A2-PV), a contact (C#12), an organization (O#3),
an invitation (I#5) or a problem (#7). Deleted records are found too: they can be looked at and restored."""
from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from db.audit import UNTRACKED_FIELDS, as_text
from db.base import Base
from db.models import (
    AuditEntry, Contact, Event, ImportBatch, Invitation, Organization, Problem, Programme, Project,
    PromotionTrip, Staff, SupervisionOrder,
)

from crm.errors import NotFound
from crm.i18n import pick
from crm.importing.trail import import_note
from crm.services.values import row_id, shown

ENTITY_LABELS = {
    "projects": ("项目", "project"),
    "events": ("活动", "event"),
    "programmes": ("活动方案", "programme"),
    "contacts": ("客商", "contact"),
    "organizations": ("单位", "organization"),
    "invitations": ("邀请", "invitation"),
    "problems": ("问题", "problem"),
    "promotion_trips": ("招商小分队", "trip"),
    "supervision_orders": ("督办单", "supervision order"),
}
# Records numbered with a letter of their own, found when no project or event has the ref (T0001, D0001).
NUMBERED = {"T": PromotionTrip, "D": SupervisionOrder}
_NUMBERED_REF = re.compile(r"^([TD])(\d+)$", re.IGNORECASE)
# Records without a reference of their own are named by id with a prefix; `#7` is how problems are
# already named on the command line.
ID_PREFIXES = {"C#": Contact, "O#": Organization, "I#": Invitation, "#": Problem}
_ID_REF = re.compile(r"^(C#|O#|I#|#)(\d+)$", re.IGNORECASE)
# Which column names a referenced record in history (region_id 3 → 南昌市).
LABEL_COLUMNS = ("ref", "name", "title", "login")


def model_for(entity: str):
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == entity:
            return mapper.class_
    raise KeyError(entity)


def record_ref(record) -> str:
    if isinstance(record, (Project, Event)):
        return record.ref
    if isinstance(record, Programme):
        return record.code
    letter = next((k for k, model in NUMBERED.items() if isinstance(record, model)), None)
    if letter is not None:
        return f"{letter}{record.id:04d}"
    prefix = next(p for p, model in ID_PREFIXES.items() if isinstance(record, model))
    return f"{prefix}{record.id}"


def record_label(record) -> str:
    """How a record is named in a message: 项目 P00012 / project P00012."""
    zh, en = ENTITY_LABELS[record.__tablename__]
    return f"{pick(zh, en)} {record_ref(record)}"


def find_record(session: Session, ref: str, *, entity: str | None = None):
    """The tracked record a REF names, deleted or not; `entity` restricts it to one kind (e.g. projects),
    and then a bare number is an id of that kind (`crm contacts delete 12`)."""
    text = (ref or "").strip()
    match = _ID_REF.match(text)
    record = None
    by_id = {model.__tablename__: model for model in ID_PREFIXES.values()}
    if match:
        model = ID_PREFIXES[match.group(1).upper()]
        record = session.get(model, row_id(match.group(2), "unknown_record", ref=shown(ref)))
    elif entity in by_id and text.isdigit():
        record = session.get(by_id[entity], row_id(text, "unknown_record", ref=shown(ref)))
    elif entity == "programmes":
        record = session.scalar(select(Programme).where(Programme.code == text))
    else:
        record = session.scalar(select(Project).where(Project.ref == text.upper()))
        if record is None or entity not in (None, "projects"):
            record = session.scalar(select(Event).where(Event.ref == text))
        if record is None and entity is None:
            record = session.scalar(select(Programme).where(Programme.code == text))
        numbered = _NUMBERED_REF.match(text)
        if record is None and numbered and entity in (None, NUMBERED[numbered.group(1).upper()].__tablename__):
            record = session.get(NUMBERED[numbered.group(1).upper()],
                                 row_id(numbered.group(2), "unknown_record", ref=shown(ref)))
    if record is None or (entity is not None and record.__tablename__ != entity):
        raise NotFound("unknown_record", ref=shown(ref))
    return record


def history(session: Session, record) -> list[dict]:
    """Every recorded change, oldest first; a creation is shown field by field."""
    entries = session.execute(
        select(AuditEntry, Staff)
        .outerjoin(Staff, Staff.id == AuditEntry.staff_id)
        .where(AuditEntry.entity == record.__tablename__, AuditEntry.entity_id == record.id)
        .order_by(AuditEntry.id)
    ).all()
    # A purge ends a record: entries up to the last one belong to an earlier record under the same id
    # (SQLite gives the highest id again once its row is gone).
    purges = [i for i, (entry, _staff) in enumerate(entries) if entry.action == "purge"]
    if purges:
        entries = entries[purges[-1] + 1 :]
    labels = _Labels(session, model_for(record.__tablename__))
    rows = _imported_creation(session, record, [entry for entry, _staff in entries], labels)
    for entry, staff in entries:
        base = {"at": _aware(entry.at).isoformat(), "who": staff.name if staff else None,
                "login": staff.login if staff else None, "action": entry.action, "version": entry.version,
                "note": entry.note}
        if entry.action in ("create", "purge"):
            snapshot = json.loads(entry.new_value if entry.action == "create" else entry.old_value)
            for field, value in snapshot.items():
                old, new = (None, value) if entry.action == "create" else (value, None)
                rows.append({**base, "field": field, "old": labels.show(field, old), "new": labels.show(field, new)})
        else:
            rows.append({**base, "field": entry.field, "old": labels.show(entry.field, entry.old_value),
                         "new": labels.show(entry.field, entry.new_value)})
    return rows


def _imported_creation(session: Session, record, entries: list[AuditEntry], labels: _Labels) -> list[dict]:
    """A row an import created has no entry of its own (crm.importing.trail): its creation is told from
    its batch, with the values it had then — each field's oldest recorded old value, else today's."""
    batch_id = getattr(record, "import_batch_id", None)
    if batch_id is None or any(entry.action == "create" for entry in entries):
        return []
    batch, staff = session.execute(
        select(ImportBatch, Staff).outerjoin(Staff, Staff.id == ImportBatch.staff_id).where(ImportBatch.id == batch_id)
    ).one()
    first_old: dict[str, str | None] = {}
    for entry in entries:
        if entry.field is not None:
            first_old.setdefault(entry.field, entry.old_value)
    values = {}
    for attr in inspect(record).mapper.column_attrs:
        if attr.key not in UNTRACKED_FIELDS:
            value = first_old[attr.key] if attr.key in first_old else as_text(getattr(record, attr.key))
            if value is not None:
                values[attr.key] = value
    base = {"at": _aware(batch.created_at).isoformat(), "who": staff.name if staff else None,
            "login": staff.login if staff else None, "action": "create", "version": 1,
            "note": import_note(batch.file_name, batch.id)}
    return [{**base, "field": field, "old": None, "new": labels.show(field, value)}
            for field, value in sorted(values.items())]


def last_change(session: Session, entity: str, entity_id: int, after_version: int | None = None) -> dict | None:
    """Who made the record's latest change (after `after_version`, when given), and when."""
    query = (
        select(AuditEntry, Staff)
        .outerjoin(Staff, Staff.id == AuditEntry.staff_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if after_version is not None:
        query = query.where(AuditEntry.version > after_version)
    row = session.execute(query).first()
    if row is None:
        return None
    entry, staff = row
    return {"who": staff.name if staff else None, "at": _aware(entry.at), "version": entry.version,
            "action": entry.action}


def local_time(moment: dt.datetime | str) -> str:
    """A stamp of the trail (a datetime or its ISO text) on this computer's clock."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return _aware(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class _Labels:
    """Shows a referenced record by its name instead of its id, looking each one up once."""

    def __init__(self, session: Session, model) -> None:
        self.session = session
        self.targets = {}
        for column in model.__table__.columns:
            for fk in column.foreign_keys:
                self.targets[column.key] = fk.column.table
        self.cache: dict[tuple[str, str], str] = {}

    def show(self, field: str | None, value: str | None) -> str | None:
        table = self.targets.get(field or "")
        if value is None or table is None:
            return value
        key = (table.name, value)
        if key not in self.cache:
            column = next((table.c[c] for c in LABEL_COLUMNS if c in table.c), None)
            label = None
            if column is not None:
                label = self.session.scalar(select(column).where(table.c.id == int(value)))
            self.cache[key] = f"{label} (#{value})" if label is not None else f"#{value}"
        return self.cache[key]
