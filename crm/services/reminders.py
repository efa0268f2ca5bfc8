"""Reminders (DOMAIN.md "Reminders and supervision orders"): what is due or overdue as of a day, whose it
is, and the record of what was sent to whom (db.models.ReminderDelivery).

Whose an item is:
- a person's: the projects they are responsible for (Project.responsible_staff) — their planned dates,
  follow-ups, silence, lead time limits (crm.rules.leads), open problems, supervision orders awaiting a
  reply and project submissions returned to be reported again;
- a unit's (its shared inbox, its group robot): the same items of the projects it is responsible for or
  owns, open problems it must solve, the plans and summaries of its events, supervision orders addressed to
  it, and what was returned to it. A city's digest also holds those of the parks and counties under it;
  a provincial unit's only its own.

Sending: each item goes to each recipient by each channel once a day at most. A delivery row is claimed
(inserted, or taken over from a failed or long-abandoned claim) in its own transaction before the message
goes out, then marked sent or failed; a row another run holds is left to it (two runs at once send each
item once). A failed row is sent again by the next run — that day's digest carries it while the item is
still due; an item of an earlier day no longer due is sent again as that day's item, for `retry_days`.

No channel code here: a channel (crm.remind) splits a digest into messages and sends each one, raising
SendFailed with a reason that is safe to show."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, selectinload

from db.base import utcnow
from db.models import (
    Project,
    ReminderDelivery,
    Staff,
    Submission,
    SubmissionKind,
    SubmissionOutcome,
    SupervisionOrder,
    Unit,
)

from crm.rules import supervision as order_rules
from crm.rules.deadlines import DUE, OVERDUE
from crm.rules.leads import DEFAULT_LIMITS, LeadLimits
from crm.rules.scope import SCOPED_KINDS
from crm.services import events as event_service
from crm.services.followups import open_problems
from crm.services.snapshot import project_states
from crm.services.supervision import order_row
from crm.services.warnings import event_warnings, state_warnings

# Item states, the most urgent first: deadlines (crm.rules.deadlines), supervision orders
# (crm.rules.supervision), submissions returned (退回) and problems still open.
RETURNED, OPEN = "returned", "open"
STATE_RANK = {order_rules.RED: 0, OVERDUE: 1, order_rules.YELLOW: 2, DUE: 3, RETURNED: 4, OPEN: 5}
ORDER_AWAITING = (order_rules.RED, order_rules.YELLOW, order_rules.OPEN)

# A claim this old belongs to a run that died: the next run takes it over (a send takes seconds).
STALE_CLAIM = dt.timedelta(minutes=10)
# Failed deliveries of the days before are sent again for this many days (`[remind] retry_days`).
RETRY_DAYS = 7
CLAIMED, SENT, FAILED = "claimed", "sent", "failed"
# Rows per statement: well under SQLite's limit on bound parameters.
_CHUNK = 500
_ERROR_LIMIT = 1000

_T = ReminderDelivery.__table__
_C = _T.c


@dataclass(frozen=True)
class Item:
    """One thing due: `key` names it stably (the same item has the same key on every run and in every
    channel; a new due date makes a new item)."""

    key: str
    kind: str  # crm.services.warnings kinds | problem | order | resubmit (its key: resubmit:REF:plan|summary|project:ID)
    ref: str  # the project (P00012), event (A5) or order (D0003)
    title: str
    due: str | None  # ISO date the item falls due (None for an open problem, a returned submission)
    state: str  # overdue | due | red | yellow | open | returned
    since: str | None = None  # an open problem: raised on; a returned submission: returned on
    detail: str | None = None  # the problem, the order's note, the reason for returning

    def as_dict(self) -> dict:
        return asdict(self)


def item_order(item: Item) -> tuple:
    return STATE_RANK.get(item.state, 9), item.due or item.since or "", item.kind, item.ref, item.key


@dataclass(frozen=True)
class _Owned:
    item: Item
    staff_id: int | None
    unit_ids: tuple[int, ...]


class DueWork:
    """Everything due as of a day and whose it is."""

    def __init__(self, as_of: dt.date, owned: Iterable[_Owned], units: Sequence[tuple[int, int | None, object]]):
        self.as_of = as_of
        self._by_staff: dict[int, list[Item]] = defaultdict(list)
        self._by_unit: dict[int, list[Item]] = defaultdict(list)
        self._items: dict[str, Item] = {}
        for entry in owned:
            self._items[entry.item.key] = entry.item
            if entry.staff_id is not None:
                self._by_staff[entry.staff_id].append(entry.item)
            for unit_id in entry.unit_ids:
                self._by_unit[unit_id].append(entry.item)
        self._children: dict[int | None, list[int]] = defaultdict(list)
        self._kinds = {}
        for unit_id, parent_id, kind in units:
            self._children[parent_id].append(unit_id)
            self._kinds[unit_id] = kind

    @property
    def items(self) -> list[Item]:
        return sorted(self._items.values(), key=item_order)

    def item(self, key: str) -> Item | None:
        return self._items.get(key)

    def staff_with_items(self) -> list[int]:
        return sorted(self._by_staff)

    def units_with_items(self) -> list[int]:
        """Units whose digest holds something (a city whose parks have items among them)."""
        found = set(self._by_unit)
        parent = {child: p for p, children in self._children.items() for child in children}
        for unit_id in list(found):
            up = parent.get(unit_id)
            while up is not None and up not in found:
                if self._kinds.get(up) in SCOPED_KINDS:
                    found.add(up)
                up = parent.get(up)
        return sorted(found)

    def for_staff(self, staff_id: int) -> list[Item]:
        return sorted(self._by_staff.get(staff_id, ()), key=item_order)

    def for_unit(self, unit_id: int) -> list[Item]:
        """The unit's items; a city's (or park's) with those of the units under it."""
        units = {unit_id}
        if self._kinds.get(unit_id) in SCOPED_KINDS:
            todo = [unit_id]
            while todo:
                for child in self._children.get(todo.pop(), ()):
                    if child not in units:
                        units.add(child)
                        todo.append(child)
        seen: dict[str, Item] = {}
        for unit in units:
            for item in self._by_unit.get(unit, ()):
                seen[item.key] = item
        return sorted(seen.values(), key=item_order)


def due_work(session: Session, as_of: dt.date, *, limits: LeadLimits = DEFAULT_LIMITS,
             red_after: int = order_rules.RED_AFTER_DAYS) -> DueWork:
    """Every item due or overdue as of `as_of` (as the session's scope shows them) with whose it is."""
    owned: list[_Owned] = []
    states = project_states(session, as_of)
    live = {s.id: s for s in states if s.status.value != "terminated"}
    owners = {pid: (staff, tuple(u for u in dict.fromkeys((unit, owner)) if u is not None))
              for pid, staff, unit, owner in session.execute(
                  select(Project.id, Project.responsible_staff_id, Project.responsible_unit_id, Project.owner_unit_id)
                  .where(Project.deleted_at.is_(None)))}
    no_one = (None, ())

    for state in live.values():
        warnings = state_warnings(state, as_of, limits)
        if warnings:
            staff_id, unit_ids = owners.get(state.id, no_one)
            for w in warnings:
                owned.append(_Owned(Item(f"{w.kind}:{w.ref}:{w.due}", w.kind, w.ref, w.title, w.due, w.status),
                                    staff_id, unit_ids))

    for event in event_service.list_events(session):
        unit_ids = (event.owner_unit_id,) if event.owner_unit_id is not None else ()
        for w in event_warnings(event, as_of):
            if w.status in (DUE, OVERDUE):
                owned.append(_Owned(Item(f"{w.kind}:{w.ref}:{w.due}", w.kind, w.ref, w.title, w.due, w.status),
                                    None, unit_ids))

    for problem in open_problems(session, as_of):
        state = live.get(problem.project_id)
        if state is None:
            continue
        staff_id, unit_ids = owners.get(problem.project_id, no_one)
        if problem.responsible_unit_id is not None:
            unit_ids = tuple(dict.fromkeys((problem.responsible_unit_id, *unit_ids)))
        owned.append(_Owned(
            Item(f"problem:{state.ref}:{problem.id}", "problem", state.ref, state.name, None, OPEN,
                 since=problem.raised_on.isoformat(), detail=problem.description),
            staff_id, unit_ids))

    orders = session.scalars(
        select(SupervisionOrder).where(SupervisionOrder.issued_on <= as_of, or_(
            SupervisionOrder.closed_on.is_(None), SupervisionOrder.closed_on > as_of))
        .options(selectinload(SupervisionOrder.replies), selectinload(SupervisionOrder.project),
                 selectinload(SupervisionOrder.unit))
    )
    for order in orders:
        row = order_row(order, as_of, red_after)
        if row.state not in ORDER_AWAITING:
            continue
        staff_id, _units = owners.get(order.project_id, no_one)
        owned.append(_Owned(
            Item(f"order:{row.ref}:{row.due_on}", "order", row.ref, f"{row.project} {row.project_name}", row.due_on,
                 row.state, since=row.issued_on, detail=row.note),
            staff_id, (order.unit_id,)))

    owned += _returned(session, as_of, live, owners)
    units = session.execute(select(Unit.id, Unit.parent_id, Unit.kind)).all()
    return DueWork(as_of, owned, units)


def _returned(session: Session, as_of: dt.date, live: dict, owners: dict) -> list[_Owned]:
    """Submissions whose latest one as of the day was returned (退回): the unit reports them again."""
    latest: dict[tuple, Submission] = {}
    for submission in session.scalars(
        select(Submission).where(Submission.submitted_on <= as_of)
        .options(selectinload(Submission.event), selectinload(Submission.project)).order_by(Submission.id)
    ):
        latest[(submission.kind, submission.event_id, submission.project_id)] = submission
    found = []
    for submission in latest.values():
        if submission.outcome != SubmissionOutcome.RETURNED or submission.decided_on is None or \
                submission.decided_on > as_of:
            continue
        if submission.kind == SubmissionKind.PROJECT:
            if submission.project_id not in live:
                continue
            record, title, staff_id = submission.project, submission.project.name, owners.get(
                submission.project_id, (None, ()))[0]
        else:
            if submission.event is None or submission.event.deleted_at is not None:
                continue
            record, title, staff_id = submission.event, submission.event.title, None
        found.append(_Owned(
            Item(f"resubmit:{record.ref}:{submission.kind.value}:{submission.id}", "resubmit",
                 record.ref, title, None, RETURNED, since=submission.decided_on.isoformat(), detail=submission.reason),
            staff_id, (submission.unit_id,)))
    return found


# --- recipients -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Whose:
    """A person (a staff member) or a unit: whose digest a recipient gets."""

    kind: str  # staff | unit
    id: int
    key: str  # recorded as the delivery's recipient: the login, or unit:<name>
    name: str  # shown: the person's name, the unit's

    def items(self, work: DueWork) -> list[Item]:
        return work.for_staff(self.id) if self.kind == "staff" else work.for_unit(self.id)


def unit_key(name: str) -> str:
    return f"unit:{name}"[:128]


def staff_by_login(session: Session) -> dict[str, Whose]:
    return {login: Whose("staff", sid, login, name or login)
            for sid, login, name in session.execute(select(Staff.id, Staff.login, Staff.name))}


def staff_addresses(session: Session) -> dict[str, str]:
    """login -> the e-mail address on the staff list (`crm staff add/edit LOGIN --email E`), for those who
    have one: where their digest goes first, before `[remind.addresses]` in config.toml."""
    return {login: address for login, address in session.execute(
        select(Staff.login, Staff.email).where(Staff.email.is_not(None))) if address and address.strip()}


def units_by_name(session: Session) -> dict[str, Whose]:
    return {name: Whose("unit", uid, unit_key(name), name) for uid, name in session.execute(select(Unit.id, Unit.name))}


def everyone_with_items(session: Session, work: DueWork) -> list[Whose]:
    """Each staff member with something due, then each unit: who a digest on standard output is for."""
    staff = {sid: (login, name) for sid, login, name in session.execute(select(Staff.id, Staff.login, Staff.name))}
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    found = [Whose("staff", sid, staff[sid][0], staff[sid][1] or staff[sid][0])
             for sid in work.staff_with_items() if sid in staff]
    found.sort(key=lambda w: w.key)
    by_unit = [Whose("unit", uid, unit_key(units[uid]), units[uid]) for uid in work.units_with_items() if uid in units]
    return found + sorted(by_unit, key=lambda w: w.key)


# --- deliveries -----------------------------------------------------------------------------------------


@dataclass
class Target:
    """One recipient by one channel: the items owed to it for `day`."""

    whose: Whose
    channel: str  # email | wecom | dingtalk | feishu | stdout
    address: str  # shown: an e-mail address, a robot's host ("" for standard output)
    sender: object  # the channel that sends (crm.remind): batches(target, items), send(target, items)
    day: dt.date
    items: list[Item] = field(default_factory=list)
    retry: bool = False  # items of an earlier day whose send failed
    recipient_key: str | None = None  # recorded instead of whose.key (a robot: the unit and which robot)

    @property
    def recipient(self) -> str:
        return self.recipient_key or self.whose.key


@dataclass
class Outcome:
    target: Target
    pending: list[Item] = field(default_factory=list)  # to send (a dry run: what would go)
    sent: list[Item] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)
    skipped: int = 0  # sent already that day, or being sent by another run
    errors: list[str] = field(default_factory=list)

    def as_dict(self, *, with_items: bool = True) -> dict:
        t = self.target
        data = {"recipient": t.recipient, "name": t.whose.name, "channel": t.channel, "address": t.address,
                "day": t.day.isoformat(), "retry": t.retry, "sent": len(self.sent),
                "skipped_already_sent": self.skipped, "failed": len(self.failed),
                "error": "; ".join(self.errors) or None}
        if with_items:
            data["items"] = [i.as_dict() for i in self.pending]
        return data


class SendFailed(Exception):
    """A message did not go: the reason, safe to show and record (no password, no token)."""


@dataclass(frozen=True)
class _Row:
    status: str
    claimed_at: dt.datetime | None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite gives back the naive UTC datetime it was given as aware.
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


def _taken(row: _Row | None, stale_before: dt.datetime) -> bool:
    """Sent already, or claimed by a run that may still be sending it."""
    if row is None:
        return False
    return row.status == SENT or (row.status == CLAIMED and (_aware(row.claimed_at) or stale_before) >= stale_before)


def delivery_rows(connection: Connection | Session, since: dt.date, until: dt.date) -> dict[tuple, _Row]:
    """(recipient, channel, item_key, day) -> its row, for the days from `since` to `until`."""
    rows = connection.execute(select(_C.recipient, _C.channel, _C.item_key, _C.day, _C.status, _C.claimed_at)
                              .where(_C.day >= since, _C.day <= until))
    return {(r, c, k, d): _Row(s, at) for r, c, k, d, s, at in rows}


def owed(rows: dict[tuple, _Row], as_of: dt.date, stale_before: dt.datetime) -> dict[tuple, dict[dt.date, list[str]]]:
    """Deliveries of days before `as_of` still owed (failed, or claimed by a run that died):
    (recipient, channel) -> day -> item keys."""
    found: dict[tuple, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (recipient, channel, key, day), row in rows.items():
        if day < as_of and row.status != SENT and not _taken(row, stale_before):
            found[(recipient, channel)][day].append(key)
    return found


def plan(targets: Sequence[Target], rows: dict[tuple, _Row], stale_before: dt.datetime) -> list[Outcome]:
    """What each target still owes: its items less those sent that day or held by another run."""
    outcomes = []
    for target in targets:
        outcome = Outcome(target)
        for item in target.items:
            if _taken(rows.get((target.recipient, target.channel, item.key, target.day)), stale_before):
                outcome.skipped += 1
            else:
                outcome.pending.append(item)
        outcomes.append(outcome)
    return outcomes


def deliver(engine: Engine, outcomes: Sequence[Outcome], *, covered: dict[tuple, dict[dt.date, list[str]]] | None = None,
            now: Callable[[], dt.datetime] = utcnow, stale_after: dt.timedelta = STALE_CLAIM,
            on_failure: Callable[[Outcome, str], None] | None = None) -> None:
    """Claims, sends and records each outcome's pending items. `covered`: (recipient, channel) -> earlier
    day -> keys whose failed delivery today's message carries again (recorded as sent with it)."""
    writer = engine.execution_options(crm_write=True)
    for outcome in outcomes:
        target = outcome.target
        if not outcome.pending:
            continue
        claimed = claim(writer, target, [i.key for i in outcome.pending], now(), now() - stale_after)
        mine = [i for i in outcome.pending if i.key in claimed]
        outcome.skipped += len(outcome.pending) - len(mine)
        outcome.pending = mine
        error: str | None = None
        for batch in target.sender.batches(target, mine) if mine else ():
            if error is None:
                try:
                    target.sender.send(target, batch)
                except SendFailed as failure:
                    error = str(failure)[:_ERROR_LIMIT]
                    outcome.errors.append(error)
                    if on_failure is not None:
                        on_failure(outcome, error)
            keys = [i.key for i in batch]
            if error is None:
                settle(writer, target.recipient, target.channel, target.day, keys, SENT, now())
                outcome.sent += batch
                for day, earlier in (covered or {}).get((target.recipient, target.channel), {}).items():
                    again = [k for k in earlier if k in set(keys)]
                    if again:
                        settle(writer, target.recipient, target.channel, day, again, SENT, now(), any_status=True)
            else:  # the batches after a failed one are not tried: the next run sends them
                settle(writer, target.recipient, target.channel, target.day, keys, FAILED, now(), error=error)
                outcome.failed += batch


def claim(engine: Engine, target: Target, keys: Sequence[str], now: dt.datetime, stale_before: dt.datetime) -> set[str]:
    """The keys this run may send: rows inserted now, or taken over from a failed send or a run that died.
    A row another run inserted (unique recipient, channel, item, day) or holds is not taken."""
    claimed: set[str] = set()
    with engine.begin() as connection:
        insert = _insert_for(connection)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            statement = insert(_T).values([
                {"recipient": target.recipient, "channel": target.channel, "item_key": key, "day": target.day,
                 "status": CLAIMED, "attempts": 0, "claimed_at": now} for key in chunk
            ]).on_conflict_do_nothing(index_elements=["recipient", "channel", "item_key", "day"]).returning(_C.item_key)
            claimed.update(connection.execute(statement).scalars())
            rest = [k for k in chunk if k not in claimed]
            if rest:
                claimed.update(connection.execute(
                    update(_T).where(_C.recipient == target.recipient, _C.channel == target.channel,
                                     _C.day == target.day, _C.item_key.in_(rest),
                                     or_(_C.status == FAILED, and_(_C.status == CLAIMED, _C.claimed_at < stale_before)))
                    .values(status=CLAIMED, claimed_at=now).returning(_C.item_key)
                ).scalars())
    return claimed


def settle(engine: Engine, recipient: str, channel: str, day: dt.date, keys: Sequence[str], status: str,
           now: dt.datetime, *, error: str | None = None, any_status: bool = False) -> None:
    """Marks claimed rows sent (or failed, with the reason). `any_status`: an earlier day's failed rows
    delivered with today's message."""
    with engine.begin() as connection:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            where = [_C.recipient == recipient, _C.channel == channel, _C.day == day, _C.item_key.in_(chunk)]
            where.append(_C.status != SENT if any_status else _C.status == CLAIMED)
            values = {"status": status, "attempts": _C.attempts + 1, "last_error": error}
            if status == SENT:
                values["sent_at"] = now
            connection.execute(update(_T).where(*where).values(**values))


def _insert_for(connection: Connection):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def key_item(key: str) -> Item:
    """An item known only by its key (an earlier day's item that cannot be found again): kind, ref, due."""
    parts = key.split(":")
    kind = parts[0]
    ref = parts[1] if len(parts) > 1 else ""
    if kind == "resubmit":
        return Item(key, kind, ref, "", None, RETURNED)
    due = parts[2] if len(parts) > 2 and len(parts[2]) == 10 and kind != "problem" else None
    return Item(key, kind, ref, "", due, OVERDUE if due else OPEN)
