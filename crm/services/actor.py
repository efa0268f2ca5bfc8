"""Who is recording: --user, else CRM_USER, else `user` in config.toml, else the OS login."""
from __future__ import annotations

import getpass
import os

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.models import Staff

from crm.errors import CrmError
from crm.services.values import text_for


def current_login(explicit: str | None = None, config: dict | None = None) -> str:
    for candidate in (explicit, os.environ.get("CRM_USER"), (config or {}).get("user")):
        if candidate:
            return candidate.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def connected_login(session: Session, login: str, *, explicit: bool) -> str:
    """Who acts on a team database: a staff member connected as their own PostgreSQL login acts as that login,
    whatever --user or CRM_USER says (row-level security already answers to it); naming someone else is
    refused. On SQLite, or through the owner's or a shared role, the login given acts."""
    if session.get_bind().dialect.name != "postgresql":
        return login
    connected = session.scalar(text("SELECT current_user"))
    if connected == login or session.scalar(select(Staff.id).where(Staff.login == connected)) is None:
        return login
    if explicit:
        raise CrmError("login_not_connected", login=login, connected=connected)
    return connected


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
