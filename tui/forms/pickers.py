"""Small modal choices: an event from the programme, and yes or no."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from crm.i18n import pick
from crm.services.events import list_events
from tui.db import DbClient
from tui.i18n import translate_bindings

PICKER_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90; max-width: 100%; height: auto; max-height: 80%; border: thick $primary; background: $surface;
                     padding: 0 1; }}
{name} .picker-title {{ text-style: bold; padding-bottom: 1; }}
{name} OptionList {{ height: auto; max-height: 24; }}
"""


class EventPicker(DbClient, ModalScreen[str | None]):
    """Returns the chosen event's ref (meetings and activities, in programme order)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="form.cancel")]
    DEFAULT_CSS = PICKER_CSS.format(name="EventPicker")

    def __init__(self, title: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.picker_title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.picker_title), classes="picker-title")
            yield OptionList(id="events")

    def on_mount(self) -> None:
        def job(session):
            return [(e.ref, e.title, "  " if e.parent_id else "") for e in list_events(session)]

        self.run_db("events", job, self._show)

    def _show(self, events) -> None:
        options = self.query_one("#events", OptionList)
        options.add_options([Option(Text(f"{indent}{ref}  {title}"), id=ref) for ref, title, indent in events])
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A question with 是/否 (y/n), or buttons that say what each answer does ("仍然添加 (Y)")."""

    BINDINGS = [
        Binding("y", "answer(True)", "yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "no", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%; border: thick $warning;
                               background: $surface; padding: 1 2; }
    ConfirmScreen Horizontal { height: 3; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal():
                yield Button(self.yes or pick("是 (Y)", "Yes (Y)"), variant="primary", id="yes")
                yield Button(self.no or pick("否 (N)", "No (N)"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
