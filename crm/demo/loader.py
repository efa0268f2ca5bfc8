"""`crm demo`: refuse to overwrite data unless forced; then reference data, programme, samples."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.audit import UNAUDITED, set_actor
from db.base import Base
from db.models import Contact, Event, Project

from crm.demo import programme, sample
from crm.errors import RuleViolation


def has_data(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Event)) > 0


def erase_everything(session: Session) -> None:
    # The audit trail goes too: a wiped database starts a new history, with no staff to name yet.
    # Rows name the import batch that made them while batches name their event or programme: the
    # first references go before anything is deleted.
    for table in Base.metadata.sorted_tables:
        if "import_batch_id" in table.c:
            session.execute(update(table).values(import_batch_id=None).execution_options(**UNAUDITED))
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table).execution_options(**UNAUDITED))
    set_actor(session, None)


def load_demo(session: Session, *, size: str | None, force: bool, today: dt.date, progress=None) -> dict:
    if has_data(session):
        if not force:
            raise RuleViolation("demo_exists")
        erase_everything(session)
    programme.load_reference(session)
    programme.load_programme(session)
    if size in ("small", "large"):
        sample.load_small(session, today)
    if size == "large":
        sample.load_large(session, today, progress=progress)
    return {
        "events": session.scalar(select(func.count()).select_from(Event)),
        "projects": session.scalar(select(func.count()).select_from(Project)),
        "contacts": session.scalar(select(func.count()).select_from(Contact)),
    }
