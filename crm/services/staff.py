"""Colleagues known to the program: every one who records work appears by their login (actor.staff_for);
a team lead adds the others, so that projects can name them as 责任人 before they have used crm."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Staff, Unit

from crm.errors import RuleViolation
from crm.i18n import pick
from crm.rules.scope import PROVINCIAL_KINDS, SCOPED_KINDS
from crm.services.directory import checked_email
from crm.services.reference import find_unit
from crm.services.values import check_login, text_for


@dataclass(frozen=True)
class StaffRow:
    login: str
    name: str
    unit: str | None
    email: str | None
    reviewer: bool

    def as_dict(self) -> dict:
        return asdict(self)


def add_staff(session: Session, login: str, name: str | None = None, unit: str | None = None, *,
              reviewer: bool = False, email: str | None = None) -> Staff:
    """A colleague of a unit; reviewers (认定) belong to a provincial unit."""
    login = check_login(login)
    name = text_for(Staff.__table__.c.name, name, pick("姓名", "name")) or login
    if session.scalar(select(Staff.id).where(func.lower(Staff.login) == login.lower())) is not None:
        raise RuleViolation("staff_exists", login=login)
    home = find_unit(session, unit) if unit else None
    if reviewer and (home is None or home.kind not in PROVINCIAL_KINDS):
        raise RuleViolation("reviewer_not_provincial", login=login)
    staff = Staff(login=login, name=name, unit_id=home.id if home else None, reviewer=reviewer,
                  email=staff_email(email))
    session.add(staff)
    session.flush()
    return staff


def edit_staff(session: Session, login: str, *, name: str | None = None, email: str | None = None,
               unit: str | None = None, reviewer: bool | None = None) -> Staff:
    """A colleague's name, e-mail address ("" clears it), unit or reviewer flag. On a team database the unit
    and the flag decide what a login sees: PostgreSQL lets only the owner change them (migration 0007)."""
    staff = session.scalar(select(Staff).where(func.lower(Staff.login) == (login or "").strip().lower()))
    if staff is None:
        raise RuleViolation("login_not_staff", login=login)
    if name is not None:
        staff.name = text_for(Staff.__table__.c.name, name, pick("姓名", "name"), required=True)
    if email is not None:
        staff.email = staff_email(email)
    if unit is not None:
        staff.unit_id = find_unit(session, unit).id if unit.strip() else None
    if reviewer is not None:
        staff.reviewer = reviewer
    if staff.reviewer and (staff.unit_id is None or session.get(Unit, staff.unit_id).kind not in PROVINCIAL_KINDS):
        raise RuleViolation("reviewer_not_provincial", login=staff.login)
    session.flush()
    return staff


def staff_email(text: str | None) -> str | None:
    """An address as typed, checked like a contact's (None or "" for none)."""
    if text is None or not text.strip():
        return None
    checked_email(text)  # refuses what is not an address, with the contacts' message
    return text_for(Staff.__table__.c.email, text.strip(), pick("邮箱", "email"))


def list_staff(session: Session) -> list[StaffRow]:
    rows = session.execute(
        select(Staff.login, Staff.name, Unit.name, Staff.email, Staff.reviewer)
        .outerjoin(Unit, Unit.id == Staff.unit_id).order_by(Staff.login)
    )
    return [StaffRow(*row) for row in rows]


def staff_unit(session: Session, login: str) -> tuple[str, bool]:
    """The unit of a staff member who is to get a login of their own (both must exist), and whether it is
    the province's (which sees every unit's records)."""
    row = session.execute(select(Staff.id, Unit.name, Unit.kind).outerjoin(Unit, Unit.id == Staff.unit_id)
                          .where(Staff.login == login)).first()
    if row is None:
        raise RuleViolation("login_not_staff", login=login)
    if row[1] is None:
        raise RuleViolation("login_without_unit", login=login)
    return row[1], row[2] not in SCOPED_KINDS
