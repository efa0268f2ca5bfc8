"""Edits made from what a user saw, deleting and restoring: one way for the CLI and the TUI.

An edit carries the version of the record the user loaded. A record changed since then is refused
(StaleEdit) with the name of who changed it and when, read from the audit trail — never silently
overwritten. The `version` column (db.base.Versioned) also makes an UPDATE racing another one fail at
flush (StaleDataError); that is turned into the same refusal."""
from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from db.audit import annotate, set_actor, versioned_in_flush
from db.base import Base, utcnow
from db.models import AuditEntry, Project

from crm.errors import CrmError, RuleViolation, StaleEdit
from crm.i18n import pick
from crm.services.history import last_change, local_time, model_for, record_label
from crm.services.values import text_for

# Never edited directly: identity and bookkeeping, deletion (soft_delete/restore), and the project's
# columns cached from its recorded stage steps and status changes.
PROTECTED_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "deleted_at"})
DERIVED_FIELDS = {"projects": frozenset({"stage", "stage_on", "signed_on", "status", "status_reason"})}
# Why a record was deleted or restored: kept with its audit entries.
_NOTE = AuditEntry.__table__.c.note


def check_version(record, expected_version: int | None, what: str | None = None) -> None:
    """Raise StaleEdit when `record` is no longer at the version the user's edit was based on."""
    if expected_version is None or record.version == expected_version:
        return
    what = what or record_label(record)
    session = object_session(record)
    if session is None:  # a detached record: nobody to ask who changed it
        raise StaleEdit("stale_edit", what=what, who=pick("他人", "someone else"))
    raise stale_edit(session, record.__tablename__, record.id, expected_version, what)


def update_fields(session: Session, record, expected_version: int | None, changes: dict, actor=None):
    """Set fields of a loaded record (values already validated by the caller's service), refusing a
    stale edit. Returns the record at its new version."""
    if actor is not None:
        set_actor(session, actor)
    columns = {a.key for a in inspect(record).mapper.column_attrs}
    for field in changes:
        if field not in columns or field in PROTECTED_FIELDS or field in DERIVED_FIELDS.get(record.__tablename__, ()):
            raise CrmError("field_not_editable", field=field)
    check_version(record, expected_version)
    for field, value in changes.items():
        setattr(record, field, value)
    flush_checked(session)
    return record


def soft_delete(session: Session, record, *, reason: str | None, actor=None, expected_version: int | None = None):
    """Mark the record deleted (it leaves every list) and keep why; `restore` undoes it."""
    reason = text_for(_NOTE, reason, pick("删除原因", "the reason for deleting"), required=True)
    if record.deleted_at is not None:
        raise RuleViolation("record_already_deleted", what=record_label(record))
    if isinstance(record, Project):
        _check_no_increases(session, record)
    if actor is not None:
        set_actor(session, actor)
    check_version(record, expected_version)
    record.deleted_at = utcnow()
    annotate(record, reason)
    flush_checked(session)
    return record


def _check_no_increases(session: Session, project: Project) -> None:
    """A project its capital increases (增资) still name stays: they would count money of a project gone."""
    increases = list(session.scalars(select(Project.ref).where(Project.increase_of_id == project.id,
                                                               Project.deleted_at.is_(None)).order_by(Project.id)))
    if increases:
        raise RuleViolation("project_has_increases", ref=project.ref, increases="、".join(increases))


def restore(session: Session, record, *, note: str | None = None, actor=None):
    if record.deleted_at is None:
        raise RuleViolation("record_not_deleted", what=record_label(record))
    if actor is not None:
        set_actor(session, actor)
    record.deleted_at = None
    annotate(record, text_for(_NOTE, note, pick("说明", "note")))
    flush_checked(session)
    return record


def flush_checked(session: Session) -> None:
    """Flush, turning a lost race on a version check into the user's StaleEdit."""
    try:
        session.flush()
    except StaleDataError:
        raise explain_stale(session.get_bind(), versioned_in_flush(session)) from None


def explain_stale(bind, rows: list[tuple[str, int, int]]) -> StaleEdit:
    """Which of the rows a failed flush tried to update had changed underneath it, by whom and when.
    Looked up on a connection of its own: the failed session's transaction is gone."""
    with Session(bind) as lookup:
        for entity, entity_id, version in rows:
            table = Base.metadata.tables[entity]
            current = lookup.scalar(select(table.c.version).where(table.c.id == entity_id))
            if current != version:
                record = lookup.get(model_for(entity), entity_id)
                what = record_label(record) if record is not None else f"{entity} #{entity_id}"
                return stale_edit(lookup, entity, entity_id, version, what)
    return StaleEdit("stale_edit", what=pick("该记录", "the record"), who=pick("他人", "someone else"))


def stale_edit(session: Session, entity: str, entity_id: int, loaded_version: int, what: str) -> StaleEdit:
    change = last_change(session, entity, entity_id, after_version=loaded_version)
    who = (change or {}).get("who") or pick("他人", "someone else")
    when = local_time(change["at"]) if change else "?"
    return StaleEdit("stale_edit_at", what=what, who=who, when=when)
