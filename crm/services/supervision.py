"""Supervision orders (督办单): issued about a project or one of its open problems to the unit that must act,
replied to by that unit, closed when a reviewer accepts a reply (crm.rules.supervision gives the colours).
Orders are numbered D0001…; their changes are audited like every versioned record."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from db.models import Problem, Project, Staff, SupervisionOrder, SupervisionReply

from crm import dates
from crm.errors import NotFound, RuleViolation
from crm.i18n import pick
from crm.rules import supervision as rules
from crm.rules.dates import check_dated, check_not_before
from crm.rules.scope import who
from crm.services.followups import get_problem
from crm.services.projects import get_project
from crm.services.reference import find_unit
from crm.services.values import row_id, text_for

_ORDERS = SupervisionOrder.__table__.c
_REPLIES = SupervisionReply.__table__.c


@dataclass(frozen=True)
class OrderRow:
    id: int  # the number of the ref (D0001 is 1): `crm supervise reply|close` take either
    ref: str
    project: str
    project_name: str
    problem: int | None
    unit: str
    issued_on: str
    due_on: str
    note: str
    state: str  # crm.rules.supervision: open | yellow | red | replied | closed
    days_overdue: int
    closed_on: str | None
    replies: list[dict]

    def as_dict(self) -> dict:
        return asdict(self)


def order_ref(order_id: int) -> str:
    return f"D{order_id:04d}"


def get_order(session: Session, ref: str | int) -> SupervisionOrder:
    text = str(ref).strip()
    number = row_id(text[1:] if text[:1] in ("D", "d") else text, "unknown_order", ref=ref)
    order = session.get(SupervisionOrder, number)
    if order is None:
        raise NotFound("unknown_order", ref=ref)
    return order


def add_order(session: Session, target: str, *, unit: str, due_on: dt.date, note: str, on: dt.date | None = None,
              actor: Staff | None = None, today: dt.date | None = None) -> SupervisionOrder:
    """督办 a project (its ref, P00012) or an open problem (#7) to `unit`, the reply due by `due_on`."""
    today = today or dates.today()
    on = on or today
    problem = _problem(session, target)
    project = problem.project if problem is not None else get_project(session, target)
    if problem is not None and problem.resolved_on is not None:
        raise RuleViolation("order_problem_resolved", ref=problem.id)
    check_dated(on, today, pick("督办日期", "order date"), project.signed_on or project.stage_on,
                pick("签约日期", "signing date"))
    check_not_before(due_on, pick("回复期限", "reply due"), on, pick("督办日期", "order date"))
    order = SupervisionOrder(
        project=project, problem=problem, unit=find_unit(session, unit), issued_on=on, due_on=due_on,
        note=text_for(_ORDERS.note, note, pick("督办事项", "what is ordered"), required=True), issued_by=actor,
    )
    session.add(order)
    session.flush()
    return order


def reply(session: Session, ref: str, *, on: dt.date | None = None, note: str, actor: Staff | None = None,
          today: dt.date | None = None) -> SupervisionReply:
    """The responsible unit's reply; one at a time (the reviewer decides before the next)."""
    today = today or dates.today()
    on = on or today
    order = get_order(session, ref)
    _check_open(order)
    latest = order.replies[-1] if order.replies else None
    if latest is not None and latest.accepted is None:
        raise RuleViolation("order_reply_pending", ref=order_ref(order.id), on=latest.replied_on.isoformat())
    field = pick("回复日期", "reply date")
    check_dated(on, today, field, order.issued_on, pick("督办日期", "order date"))
    if latest is not None:
        check_not_before(on, field, latest.decided_on, pick("上次回复审核日期", "last decision"))
    answer = SupervisionReply(replied_on=on, note=text_for(_REPLIES.note, note, pick("回复", "reply"), required=True),
                              replied_by=actor)
    order.replies.append(answer)
    session.flush()
    return answer


def decide(session: Session, ref: str, *, accept: bool, reason: str | None = None, on: dt.date | None = None,
           actor: Staff | None = None, today: dt.date | None = None) -> SupervisionOrder:
    """A reviewer accepts the pending reply (the order closes: `crm supervise close|accept`) or not (the unit
    replies again). `ref`: the order's id (1) or ref (D0001)."""
    scope = who(session)
    if not scope.reviewer:
        raise RuleViolation("not_a_reviewer", login=scope.login or "")
    today = today or dates.today()
    on = on or today
    order = get_order(session, ref)
    _check_open(order)
    latest = order.replies[-1] if order.replies else None
    if latest is None or latest.accepted is not None:
        raise RuleViolation("order_no_reply", ref=order_ref(order.id))
    check_dated(on, today, pick("审核日期", "decision date"), latest.replied_on, pick("回复日期", "reply date"))
    latest.accepted, latest.decided_on, latest.decided_by = accept, on, actor
    latest.reason = text_for(_REPLIES.reason, reason, pick("不予认可的原因", "reason"), required=not accept)
    if accept:
        order.closed_on, order.closed_by = on, actor
    session.flush()
    return order


def list_orders(session: Session, as_of: dt.date, *, red_after: int = rules.RED_AFTER_DAYS,
                states: set[str] | None = None) -> list[OrderRow]:
    """Orders issued by `as_of`, as they stood that day, the most urgent first."""
    orders = session.scalars(
        select(SupervisionOrder).where(SupervisionOrder.issued_on <= as_of)
        .options(selectinload(SupervisionOrder.replies), selectinload(SupervisionOrder.project),
                 selectinload(SupervisionOrder.unit))
        .order_by(SupervisionOrder.due_on, SupervisionOrder.id)
    ).all()
    rows = [order_row(o, as_of, red_after) for o in orders]
    if states:
        rows = [r for r in rows if r.state in states]
    rank = {state: i for i, state in enumerate(rules.STATES)}
    return sorted(rows, key=lambda r: (rank[r.state], r.due_on, r.ref))


def order_row(order: SupervisionOrder, as_of: dt.date, red_after: int = rules.RED_AFTER_DAYS) -> OrderRow:
    replies = [r for r in order.replies if r.replied_on <= as_of]
    pending = next((r.replied_on for r in reversed(replies) if r.decided_on is None or r.decided_on > as_of), None)
    state = rules.order_state(order.due_on, order.closed_on, pending, as_of, red_after)
    overdue = (as_of - order.due_on).days if state in (rules.YELLOW, rules.RED) else 0
    return OrderRow(
        id=order.id, ref=order_ref(order.id), project=order.project.ref, project_name=order.project.name,
        problem=order.problem_id, unit=order.unit.name, issued_on=order.issued_on.isoformat(),
        due_on=order.due_on.isoformat(), note=order.note, state=state, days_overdue=overdue,
        closed_on=order.closed_on.isoformat() if state == rules.CLOSED else None,
        replies=[{"on": r.replied_on.isoformat(), "note": r.note,
                  "accepted": r.accepted if r.decided_on is not None and r.decided_on <= as_of else None,
                  "reason": r.reason if r.decided_on is not None and r.decided_on <= as_of else None}
                 for r in replies],
    )


def _problem(session: Session, target: str) -> Problem | None:
    text = (target or "").strip()
    return get_problem(session, text[1:]) if text.startswith("#") else None


def _check_open(order: SupervisionOrder) -> None:
    if order.closed_on is not None:
        raise RuleViolation("order_closed", ref=order_ref(order.id), on=order.closed_on.isoformat())


def project_orders(project: Project, as_of: dt.date, red_after: int = rules.RED_AFTER_DAYS) -> list[OrderRow]:
    """The orders about one project, issued by `as_of`, the latest first."""
    session = object_session(project)
    orders = session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.project_id == project.id, SupervisionOrder.issued_on <= as_of)
        .options(selectinload(SupervisionOrder.replies)).order_by(SupervisionOrder.id.desc())).all()
    return [order_row(o, as_of, red_after) for o in orders]
