"""Colleagues known to the program: every one who records work appears by their login (actor.staff_for);
a team lead adds the others, so that projects can name them as 责任人 before they have used crm."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Staff, Unit

from crm.errors import CrmError, RuleViolation
from crm.normalize import clean_text
from crm.services.reference import find_unit

LOGIN_LENGTH = Staff.__table__.c.login.type.length
NAME_LENGTH = Staff.__table__.c.name.type.length


@dataclass(frozen=True)
class StaffRow:
    login: str
    name: str
    unit: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def add_staff(session: Session, login: str, name: str | None = None, unit: str | None = None) -> Staff:
    login = (login or "").strip()
    if not login or len(login) > LOGIN_LENGTH or any(c.isspace() for c in login):
        raise CrmError("bad_login", value=login, limit=LOGIN_LENGTH)
    name = clean_text(name) or login
    if len(name) > NAME_LENGTH:
        raise CrmError("staff_name_too_long", limit=NAME_LENGTH)
    if session.scalar(select(Staff.id).where(func.lower(Staff.login) == login.lower())) is not None:
        raise RuleViolation("staff_exists", login=login)
    staff = Staff(login=login, name=name, unit_id=find_unit(session, unit).id if unit else None)
    session.add(staff)
    session.flush()
    return staff


def list_staff(session: Session) -> list[StaffRow]:
    rows = session.execute(
        select(Staff.login, Staff.name, Unit.name).outerjoin(Unit, Unit.id == Staff.unit_id).order_by(Staff.login)
    )
    return [StaffRow(*row) for row in rows]
