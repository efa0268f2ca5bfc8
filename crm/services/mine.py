"""我的待办: everything due for one login as of a day. What is theirs is what `crm remind` would send them
(crm.services.reminders decides whose an item is: the projects they are responsible for, and the items of
their unit — its projects, its events' plans and summaries, supervision orders addressed to it, what was
returned to it); a provincial reviewer also has what awaits their decision: submissions to accept or return
and replies to supervision orders to accept or not."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Staff, SubmissionKind, Unit

from crm.rules import supervision as order_rules
from crm.rules.deadlines import DUE, OVERDUE
from crm.rules.leads import DEFAULT_LIMITS, LeadLimits
from crm.services import reminders
from crm.services.submissions import queue
from crm.services.supervision import list_orders

# What a reviewer decides on: a submission (上报) awaiting 认定, a reply to an order awaiting review.
REVIEW, ORDER_REVIEW = "review", "order_review"
SUBMITTED = "submitted"
_RANK = {order_rules.RED: 0, OVERDUE: 1, order_rules.YELLOW: 2, DUE: 3, SUBMITTED: 4, order_rules.AWAITING_REVIEW: 4,
         reminders.RETURNED: 4, reminders.OPEN: 5}
_KINDS = {kind.value for kind in SubmissionKind}


@dataclass(frozen=True)
class MineItem:
    kind: str  # crm.services.warnings kinds | problem | order | resubmit | review | order_review
    ref: str  # the project (P00012), the event (A5) or the order (D0003)
    title: str
    due: str | None  # the day it falls due (None: an open problem, something returned or awaiting review)
    state: str  # overdue | due | red | yellow | open | returned | submitted | replied
    since: str | None = None  # raised, returned, submitted or replied on
    detail: str | None = None  # the problem, the order's note, why it was returned, the reply
    submission: str | None = None  # resubmit and review: plan | summary | project

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MyWork:
    login: str
    name: str | None  # None: the login is no staff member (nothing is theirs)
    unit: str | None
    reviewer: bool
    items: list[MineItem]

    @property
    def staff(self) -> bool:
        return self.name is not None

    def as_dict(self) -> dict:
        return {"login": self.login, "name": self.name, "unit": self.unit, "reviewer": self.reviewer,
                "items": [item.as_dict() for item in self.items]}


def my_work(session: Session, login: str, as_of: dt.date, *, limits: LeadLimits = DEFAULT_LIMITS,
            red_after: int = order_rules.RED_AFTER_DAYS) -> MyWork:
    """What is due for `login` as of the day, the most urgent first (as the session's scope shows it)."""
    row = session.execute(
        select(Staff.id, Staff.name, Staff.reviewer, Unit.id, Unit.name)
        .outerjoin(Unit, Unit.id == Staff.unit_id).where(Staff.login == login)
    ).first()
    if row is None:
        return MyWork(login, None, None, False, [])
    staff_id, name, reviewer, unit_id, unit_name = row
    work = reminders.due_work(session, as_of, limits=limits, red_after=red_after)
    found = {item.key: item for item in work.for_staff(staff_id)}
    if unit_id is not None:
        found.update((item.key, item) for item in work.for_unit(unit_id))
    returned = {(r.kind, r.ref): r for r in queue(session, status="returned")} if any(
        item.kind == "resubmit" for item in found.values()) else {}
    items = [_mine(item, returned) for item in found.values()]
    if reviewer:
        items += [MineItem(REVIEW, r.ref, r.title, None, SUBMITTED, since=r.submitted_at,
                           detail=r.duplicate_of, submission=r.kind)
                  for r in queue(session, status=SUBMITTED)]
        for order in list_orders(session, as_of, red_after=red_after, states={order_rules.AWAITING_REVIEW}):
            latest = order.replies[-1] if order.replies else {}
            items.append(MineItem(ORDER_REVIEW, order.ref, f"{order.project} {order.project_name}", None,
                                  order_rules.AWAITING_REVIEW, since=latest.get("on"), detail=latest.get("note")))
    items.sort(key=lambda i: (_RANK.get(i.state, 9), i.due or i.since or "", i.kind, i.ref))
    return MyWork(login, name or login, unit_name, bool(reviewer), items)


def _mine(item: reminders.Item, returned: dict) -> MineItem:
    submission = None
    detail = item.detail
    if item.kind == "resubmit":
        # The key names the kind (resubmit:REF:KIND:ID); the reason is the returned submission's own.
        parts = item.key.split(":")
        submission = parts[2] if len(parts) > 2 and parts[2] in _KINDS else None
        row = returned.get((submission, item.ref))
        if row is not None:
            detail = row.reason
    return MineItem(item.kind, item.ref, item.title, item.due, item.state, since=item.since, detail=detail,
                    submission=submission)
