"""A modal form: labelled fields, each with its validation message beside it; save runs in a worker of
the App and the form closes only once the database has accepted the change.

The user's input is read with crm's own parsers (dates, amounts), so the form accepts exactly what the
command line accepts; what only the services can check comes back as a message placed beside the field
it concerns, and that field gets the focus. An edit refused because the record changed meanwhile closes
the form and reloads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from crm.dates import parse_date
from crm.errors import CrmError
from crm.i18n import pick
from crm.services.actor import staff_for
from crm.services.projects import parse_amount
from db.models import Staff
from tui.db import DbClient, Failure
from tui.i18n import translate_bindings

class FieldList(VerticalScroll, can_focus=False):
    """The fields, scrolling when they outgrow the screen; Tab goes straight to the first field."""


# What a form returns when the record it edited had changed: the caller reloads it.
STALE = object()


@dataclass
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | amount | integer | choice
    required: bool = False
    value: Any = ""
    choices: list[tuple[str, Any]] = field(default_factory=list)  # (label, value) for kind "choice"
    placeholder: str = ""


@dataclass(frozen=True)
class Recorder:
    """Who records the change, and the day the workbench takes as today."""

    actor: Staff
    today: dt.date


def _parse(spec: Field, raw: Any) -> Any:
    """The field's value as the services take it; CrmError with a message for the user otherwise."""
    if spec.kind == "choice":
        value = None if raw is Select.NULL else raw
        if value is None and spec.required:
            raise CrmError("empty_field", field=spec.label)
        return value
    text = (raw or "").strip()
    if not text:
        if spec.required:
            raise CrmError("empty_field", field=spec.label)
        return None
    if spec.kind == "date":
        return parse_date(text)
    if spec.kind == "amount":
        return parse_amount(text)
    if spec.kind == "integer":
        if not text.isdigit():
            raise CrmError("bad_integer", value=text)
        return int(text)
    return text


class FormScreen(DbClient, ModalScreen[Any]):
    BINDINGS = [
        Binding("ctrl+s", "save", "save", id="form.save"),
        Binding("escape", "cancel", "cancel", id="form.cancel"),
    ]
    # CrmError key from a service → the field its message belongs beside.
    ERROR_FIELDS: dict[str, str] = {}

    def __init__(self, title: str, fields: list[Field], *, about: Text | str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.form_title = title
        self.fields = fields
        self.about = about
        self.saving = False
        # Why the form cannot be used for this record (nothing to resolve, no stage left...): the caller
        # says so instead of opening it.
        self.unavailable: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            if self.about is not None:
                yield Static(self.about if isinstance(self.about, Text) else Text(self.about), id="form-about")
            with FieldList(id="form-fields"):
                for spec in self.fields:
                    with Horizontal(classes="form-field"):
                        yield Label(Text(spec.label + (" *" if spec.required else "")), classes="form-label")
                        yield self._control(spec)
                    yield Static("", id=f"error-{spec.name}", classes="form-error")
            yield Static("", id="form-message", classes="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(pick("保存 (Ctrl+S)", "Save (Ctrl+S)"), variant="primary", id="save")
                yield Button(pick("取消 (Esc)", "Cancel (Esc)"), id="cancel")

    def _control(self, spec: Field):
        if spec.kind == "choice":
            return Select(
                [(Text(label), value) for label, value in spec.choices],
                value=spec.value if spec.value not in (None, "") else Select.NULL,
                allow_blank=not (spec.required and spec.choices),
                prompt=pick("（请选择）", "(choose)"),
                id=f"field-{spec.name}",
                compact=True,
            )
        placeholder = spec.placeholder or ("YYYY-MM-DD" if spec.kind == "date" else "")
        value = spec.value.isoformat() if hasattr(spec.value, "isoformat") else str(spec.value or "")
        return Input(value, placeholder=placeholder, id=f"field-{spec.name}", compact=True)

    def control(self, name: str):
        return self.query_one(f"#field-{name}")

    def set_error(self, name: str | None, message: str) -> None:
        target = self.query_one(f"#error-{name}" if name else "#form-message", Static)
        target.update(Text(message))
        target.set_class(bool(message), "-shown")

    def clear_errors(self) -> None:
        for error in self.query(".form-error").results(Static):
            error.update("")
            error.remove_class("-shown")

    def values(self) -> dict[str, Any] | None:
        """The parsed values, or None after putting each problem beside its field (the first such field
        gets the focus)."""
        self.clear_errors()
        parsed, refused = {}, []
        for spec in self.fields:
            try:
                parsed[spec.name] = _parse(spec, self.control(spec.name).value)
            except CrmError as error:
                self.set_error(spec.name, error.message)
                refused.append(spec.name)
        if not refused:
            try:
                self.check(parsed)
            except CrmError as error:
                name = self.ERROR_FIELDS.get(error.key)
                self.set_error(name, error.message)
                refused.append(name)
        if refused:
            self._focus(refused[0])
            return None
        return parsed

    def check(self, values: dict[str, Any]) -> None:
        """Checks across fields that need no database (raise CrmError)."""

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> Any:
        """Record the change through the services (runs in a worker, inside one unit of work)."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving:
            return
        values = self.values()
        if values is None:
            return
        self.saving = True
        self.set_error(None, pick("保存中…", "saving…"))
        self.query_one("#save", Button).disabled = True
        login, today = self.app.login, self.app.today

        def job(session: Session) -> Any:
            return self.save(session, values, Recorder(staff_for(session, login), today))

        self.run_db("save", job, self._saved, on_failure=self._refused, write=True)

    def _saved(self, result: Any) -> None:
        self.dismiss(result if result is not None else True)

    def _refused(self, failure: Failure) -> None:
        self.saving = False
        self.query_one("#save", Button).disabled = False
        self.set_error(None, "")
        if failure.stale:
            self.app.report_failure(failure)
            self.dismiss(STALE)
        elif failure.connection:
            self.app.report_failure(failure)
            self.set_error(None, failure.message)
        else:
            name = self.refused_field(failure)
            self.set_error(name, failure.message)
            self._focus(name)

    def refused_field(self, failure: Failure) -> str | None:
        """The field a refusal concerns: the one the service names, else by its key, else by the label
        its message quotes (None: the form as a whole)."""
        names = {spec.name for spec in self.fields}
        if failure.field_name in names:
            return failure.field_name
        name = self.ERROR_FIELDS.get(failure.key or "")
        label = failure.params.get("field")
        if name is None and label:
            name = next((spec.name for spec in self.fields if spec.label == label), None)
        return name

    def _focus(self, name: str | None) -> None:
        if name is not None:
            self.control(name).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves."""
        event.stop()
        inputs = [self.control(spec.name) for spec in self.fields]
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

