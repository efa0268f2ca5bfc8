"""Reporting up and supervision, one form each: submit (上报) a plan, a summary or a project, or submit again
what was returned; accept (认定) or return (退回, with a reason) a submission; issue a supervision order
(督办单), reply to it, accept the reply or not (with a reason). Every save calls one crm service, which
decides; a refusal stays in the form, beside its field or under the fields, and is also said in a
notification — nothing typed is lost."""
from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.widgets import Select

from crm.i18n import pick, t
from crm.labels import order_state_label, submission_kind_label
from crm.services import submissions, supervision
from crm.services.project_query import FilterChoices
from tui.db import Failure
from tui.forms.base import Field, FormScreen, Recorder

DATE_ERRORS = ("stage_date_in_future", "date_before", "bad_date")
# Days a new order gives the unit to reply, as the form proposes it.
REPLY_DAYS = 7


class ReportingForm(FormScreen):
    def _refused(self, failure: Failure) -> None:
        super()._refused(failure)
        if not failure.stale and not failure.connection and self.refused_field(failure) is None:
            self.app.notify(failure.message, markup=False, title=pick("未能完成", "not done"), severity="error")


def item_about(kind: str, ref: str, title: str) -> Text:
    return Text.assemble((submission_kind_label(kind), "bold"), " ", (ref, "bold"), " ", title)


class SubmitForm(ReportingForm):
    """上报 (or 再次上报 after a return): the item's unit reports it on a day, with a note."""

    ERROR_FIELDS = dict.fromkeys(DATE_ERRORS, "on")

    def __init__(self, kind: str, ref: str, title: str, today: dt.date, *, again: bool = False,
                 returned_because: str | None = None) -> None:
        label = submission_kind_label(kind)
        about = item_about(kind, ref, title)
        if returned_because:
            about.append(pick("\n退回原因：", "\nreturned because: "), style="bold red")
            about.append(returned_because)
        super().__init__(
            pick(f"再次上报{label}", f"Submit the {label} again") if again else pick(f"上报{label}", f"Submit the {label}"),
            [Field("on", pick("上报日期", "submission date"), "date", required=True, value=today),
             Field("note", pick("说明", "note"),
                   placeholder=pick("如：按退回意见补充了什么", "e.g. what was added as asked") if again else "")],
            about=about,
        )
        self.kind, self.ref = kind, ref

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        done = submissions.submit(session, self.kind, self.ref, on=values["on"], note=values["note"], actor=who.actor,
                                  today=who.today)
        said = t("submitted", ref=f"{submission_kind_label(self.kind)} {self.ref}", on=done.submitted_on.isoformat())
        if done.duplicate_hint:
            said += "\n" + t("submitted_twice", ref=self.ref, other=done.duplicate_hint)
        return said


class ReviewForm(ReportingForm):
    """认定, or 退回 with the reason the unit will read."""

    ERROR_FIELDS = dict.fromkeys(DATE_ERRORS, "on")

    def __init__(self, kind: str, ref: str, title: str, today: dt.date, *, accept: bool,
                 duplicate_of: str | None = None) -> None:
        label = submission_kind_label(kind)
        fields = [] if accept else [Field("reason", pick("退回原因", "reason"), required=True)]
        fields.append(Field("on", pick("审核日期", "decision date"), "date", required=True, value=today))
        about = item_about(kind, ref, title)
        if duplicate_of:
            about.append(pick(f"\n疑似重复上报：{duplicate_of}", f"\nlooks reported twice: {duplicate_of}"),
                         style="bold yellow")
        super().__init__(pick(f"认定{label}", f"Accept the {label}") if accept
                         else pick(f"退回{label}", f"Return the {label}"), fields, about=about)
        self.kind, self.ref, self.accept = kind, ref, accept

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        done = submissions.decide(session, self.kind, self.ref, accept=self.accept, reason=values.get("reason"),
                                  on=values["on"], actor=who.actor, today=who.today)
        ref = f"{submission_kind_label(self.kind)} {self.ref}"
        return t("review_accepted", ref=ref) if self.accept else t("review_returned", ref=ref, reason=done.reason)


class OrderForm(ReportingForm):
    """A new 督办单 about a project or one of its open problems, to the unit that must reply by a day."""

    ERROR_FIELDS = {"unknown_project": "target", "unknown_problem": "target", "order_problem_resolved": "target",
                    "unknown_unit": "unit", "stage_date_in_future": "on", "bad_date": "on"}

    def __init__(self, choices: FilterChoices, today: dt.date, *, targets: list[tuple[str, str]] | None = None,
                 target: str | None = None, unit: str | None = None, about: Text | None = None) -> None:
        target_field = (
            Field("target", pick("督办对象", "about"), "choice", required=True, value=target, choices=targets)
            if targets else
            Field("target", pick("督办对象", "about"), required=True, value=target or "",
                  placeholder=pick("项目编号 P00012，或问题号 #7", "project P00012, or problem #7"))
        )
        units = [(c.name, c.name) for c in choices.units]
        super().__init__(
            pick("下发督办单", "Issue a supervision order"),
            [
                target_field,
                Field("unit", pick("责任单位", "unit to reply"), "choice", required=True,
                      value=unit if unit in {name for name, _ in units} else None, choices=units),
                # The labels are the services' own: a refused date is placed beside its field.
                Field("due_on", pick("回复期限", "reply due"), "date", required=True,
                      value=today + dt.timedelta(days=REPLY_DAYS)),
                Field("note", pick("督办事项", "what is ordered"), required=True),
                Field("on", pick("督办日期", "order date"), "date", required=True, value=today),
            ],
            about=about,
        )
        self.saved_ref: str | None = None  # the new order's ref, once saved

    def _control(self, spec: Field):
        if spec.name != "unit":
            return super()._control(spec)
        # The unit is chosen, never taken from the top of the list: a required Select without a blank would
        # propose the first unit of the province to every order.
        return Select([(Text(label), value) for label, value in spec.choices],
                      value=spec.value if spec.value not in (None, "") else Select.NULL, allow_blank=True,
                      prompt=pick("（请选择）", "(choose)"), id=f"field-{spec.name}", compact=True)

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        order = supervision.add_order(session, values["target"], unit=values["unit"], due_on=values["due_on"],
                                      note=values["note"], on=values["on"], actor=who.actor, today=who.today)
        self.saved_ref = supervision.order_ref(order.id)
        return t("order_added", ref=self.saved_ref, unit=order.unit.name, due=order.due_on.isoformat())


def order_about(order) -> Text:
    """The order a form acts on: its ref, state, project and what was ordered (crm.services.supervision.OrderRow)."""
    return Text.assemble((order.ref, "bold"), f" {order_state_label(order.state)} · ", (order.project, "bold"), " ",
                         order.project_name, "\n", order.note)


class ReplyForm(ReportingForm):
    ERROR_FIELDS = {"stage_date_in_future": "on", "bad_date": "on"}

    def __init__(self, order, today: dt.date) -> None:
        super().__init__(
            pick("回复督办单", "Reply to the order"),
            [Field("note", pick("回复", "reply"), required=True),
             Field("on", pick("回复日期", "reply date"), "date", required=True, value=today)],
            about=order_about(order),
        )
        self.order = order

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        supervision.reply(session, self.order.ref, on=values["on"], note=values["note"], actor=who.actor,
                          today=who.today)
        return t("order_replied", ref=self.order.ref)


class OrderDecisionForm(ReportingForm):
    """A reviewer accepts the pending reply (the order closes) or not, saying why (the unit replies again)."""

    ERROR_FIELDS = {"stage_date_in_future": "on", "bad_date": "on"}

    def __init__(self, order, today: dt.date, *, accept: bool) -> None:
        fields = [] if accept else [Field("reason", pick("不予认可的原因", "reason"), required=True)]
        fields.append(Field("on", pick("审核日期", "decision date"), "date", required=True, value=today))
        about = order_about(order)
        pending = order.replies[-1] if order.replies else None
        if pending is not None:
            about.append(pick(f"\n回复（{pending['on']}）：", f"\nreply ({pending['on']}): "), style="bold")
            about.append(pending["note"])
        super().__init__(pick("认可回复，督办办结", "Accept the reply") if accept else pick("不认可回复", "Do not accept the reply"),
                         fields, about=about)
        self.order, self.accept = order, accept

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        supervision.decide(session, self.order.ref, accept=self.accept, reason=values.get("reason"), on=values["on"],
                           actor=who.actor, today=who.today)
        if self.accept:
            return t("order_accepted", ref=self.order.ref)
        return t("order_rejected", ref=self.order.ref, reason=values["reason"])
