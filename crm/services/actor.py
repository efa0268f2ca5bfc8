"""Who is recording: --user, else CRM_USER, else `user` in config.toml, else the OS login."""
from __future__ import annotations

import getpass
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Staff

from crm.services.values import text_for


def current_login(explicit: str | None = None, config: dict | None = None) -> str:
    for candidate in (explicit, os.environ.get("CRM_USER"), (config or {}).get("user")):
        if candidate:
            return candidate.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def staff_for(session: Session, login: str) -> Staff:
    """The colleague recording, added on their first use (the login as the system gives it: only a length
    the column cannot keep is refused)."""
    login = text_for(Staff.__table__.c.login, login, "login", required=True)
    staff = session.scalar(select(Staff).where(Staff.login == login))
    if staff is None:
        staff = Staff(login=login, name=login)
        session.add(staff)
        session.flush()
    return staff
