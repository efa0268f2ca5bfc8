"""One `crm remind` run: from the settings to who gets what by which channel, then (unless a dry run)
claimed, sent and recorded (crm.services.reminders)."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crm.errors import CrmError
from crm.remind.config import CHANNELS, ROBOTS, RemindSettings, plain_address, remind_settings, smtp_password
from crm.services import reminders as service
from crm.services.reminders import Outcome, Target

CHOICES = ("email", "webhook", *ROBOTS, "stdout")  # webhook: every group robot configured


@dataclass
class Report:
    as_of: dt.date
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)  # i18n keys and their values
    without_address: list[str] = field(default_factory=list)  # staff with items and no address, listed or configured

    @property
    def sent(self) -> int:
        return sum(len(o.sent) for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(len(o.failed) for o in self.outcomes)

    @property
    def skipped(self) -> int:
        return sum(o.skipped for o in self.outcomes)

    @property
    def would_send(self) -> int:
        return sum(len(o.pending) for o in self.outcomes) if self.dry_run else 0

    def recipients(self) -> list[Outcome]:
        """The targets something was (or would be) sent to, was skipped for, or failed for."""
        return [o for o in self.outcomes if o.pending or o.sent or o.failed or o.skipped]

    def as_dict(self) -> dict:
        data = {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run, "sent": self.sent,
                "skipped_already_sent": self.skipped, "failed": self.failed}
        if self.dry_run:
            data["would_send"] = self.would_send
        data["recipients"] = [o.as_dict() for o in self.recipients()]
        data["without_address"] = self.without_address
        return data


def channels_for(requested: Sequence[str] | None, settings: RemindSettings) -> list[str]:
    """The channels of the run: those asked for (webhook: every robot configured), else every channel
    config.toml sets up, else standard output. A channel asked for that is not set up is refused."""
    if not requested:
        return settings.configured() or ["stdout"]
    wanted = set()
    configured = set(settings.configured())
    for name in requested:
        if name == "webhook":
            robots = [k for k in ROBOTS if k in configured]
            if not robots:
                raise CrmError("remind_channel_not_configured", channel=name, section="[[remind.webhooks]]")
            wanted.update(robots)
        elif name == "stdout" or name in configured:
            wanted.add(name)
        else:
            section = "[remind.email]" if name == "email" else f'[[remind.webhooks]] kind = "{name}"'
            raise CrmError("remind_channel_not_configured", channel=name, section=section)
    return [c for c in CHANNELS if c in wanted]


def run(db, config: dict, *, as_of: dt.date, channels: Sequence[str] | None = None, dry_run: bool = False,
        echo: bool = True, on_failure: Callable[[Outcome, str], None] | None = None,
        now: Callable[[], dt.datetime] | None = None) -> Report:
    """`db`: a db.session.Database. `echo`: the stdout channel prints its digests (not under --json)."""
    from crm.rules.leads import lead_limits
    from crm.rules.supervision import red_after_days

    settings = remind_settings(config)
    chosen = channels_for(channels, settings)
    senders: dict[str, object] = {}
    if "email" in chosen:
        from crm.remind.mail import EmailChannel

        # Refused (no password, a file others may read) before anything is read or claimed.
        senders["email"] = EmailChannel(settings.email, None if dry_run else smtp_password(settings.email))
    if "stdout" in chosen:
        from crm.remind.stdout import StdoutChannel

        senders["stdout"] = StdoutChannel(echo=echo)
    robots = [hook for hook in settings.webhooks if hook.kind in chosen]
    now = now or service.utcnow
    stale_before = now() - service.STALE_CLAIM
    limits, red_after = lead_limits(config), red_after_days(config)
    report = Report(as_of, dry_run)
    covered: dict = {}
    try:
        with db.unit_of_work(write=False) as session:
            work = service.due_work(session, as_of, limits=limits, red_after=red_after)
            targets = _targets(session, work, settings, chosen, senders, robots, as_of, report)
            rows = service.delivery_rows(session, as_of - dt.timedelta(days=settings.retry_days), as_of)
            owed = service.owed(rows, as_of, stale_before)
            retries = []
            earlier: dict[dt.date, service.DueWork] = {}
            for target in targets:
                for day, keys in sorted(owed.get((target.recipient, target.channel), {}).items()):
                    today = {i.key for i in target.items}
                    again = [k for k in keys if k in today]
                    if again:
                        covered.setdefault((target.recipient, target.channel), {})[day] = again
                    rest = [k for k in keys if k not in today]
                    if rest:
                        if day not in earlier:
                            earlier[day] = service.due_work(session, day, limits=limits, red_after=red_after)
                        items = [earlier[day].item(k) or service.key_item(k) for k in rest]
                        retries.append(Target(target.whose, target.channel, target.address, target.sender, day,
                                              sorted(items, key=service.item_order), retry=True,
                                              recipient_key=target.recipient_key))
            report.outcomes = service.plan(retries + targets, rows, stale_before)
        if not dry_run:
            service.deliver(db.engine, report.outcomes, covered=covered, now=now, on_failure=on_failure)
    finally:
        for sender in senders.values():
            sender.close()
    return report


def _targets(session, work: service.DueWork, settings: RemindSettings, chosen: list[str], senders: dict,
             robots: list, as_of: dt.date, report: Report) -> list[Target]:
    targets: list[Target] = []
    staff = units = None
    if "email" in chosen or robots:
        staff, units = service.staff_by_login(session), service.units_by_name(session)
    if "email" in chosen:
        # A person's digest goes to their address on the staff list (Staff.email), else to the one
        # [remind.addresses] gives for their login.
        for login in settings.addresses:
            if login not in staff:
                report.notes.append(("remind_unknown_staff", {"login": login}))
        listed = service.staff_addresses(session)
        addressed = set()
        for login, whose in sorted(staff.items()):
            address = listed.get(login)
            if address is not None and plain_address(address) is None:
                report.notes.append(("remind_bad_staff_address", {"login": login}))
                address = None
            address = plain_address(address) or settings.addresses.get(login)
            if address is None:
                continue
            addressed.add(whose.id)
            targets.append(Target(whose, "email", address, senders["email"], as_of, whose.items(work)))
        for name, address in settings.unit_addresses.items():
            whose = units.get(name)
            if whose is None:
                report.notes.append(("remind_unknown_unit", {"unit": name}))
                continue
            targets.append(Target(whose, "email", address, senders["email"], as_of, whose.items(work)))
        logins = {w.id: w.key for w in staff.values()}
        report.without_address = sorted(logins[sid] for sid in work.staff_with_items()
                                        if sid not in addressed and sid in logins)
    for hook in robots:
        whose = units.get(hook.unit)
        if whose is None:
            report.notes.append(("remind_unknown_unit", {"unit": hook.unit}))
            continue
        # One unit may have several groups of one platform: each robot is a recipient of its own.
        tag = hashlib.sha256(hook.url.encode("utf-8")).hexdigest()[:10]
        targets.append(Target(whose, hook.kind, hook.host, _robot(hook), as_of, whose.items(work),
                              recipient_key=f"{whose.key[:116]}#{tag}"))
    if "stdout" in chosen:
        for whose in service.everyone_with_items(session, work):
            targets.append(Target(whose, "stdout", "", senders["stdout"], as_of, whose.items(work)))
    return targets


def _robot(hook):
    if hook.kind == "wecom":
        from crm.remind.wecom import WecomRobot

        return WecomRobot(hook)
    if hook.kind == "dingtalk":
        from crm.remind.dingtalk import DingtalkRobot

        return DingtalkRobot(hook)
    from crm.remind.feishu import FeishuRobot

    return FeishuRobot(hook)
