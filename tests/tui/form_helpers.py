"""Checking what the workbench's forms said and filling what Pilot cannot type."""
from __future__ import annotations

from tests.tui.conftest import settle

# How many times to wait for the workers and the paint before a screen is taken not to change any more.
ROUNDS = 50


def notified(app, words: str) -> bool:
    """Some notification of the app holds these words."""
    return any(words in str(n.message) for n in app._notifications)


async def put(pilot, field: str, value: str) -> None:
    """A form field set as pasting does (Pilot cannot type every CJK punctuation mark: 、 ；)."""
    pilot.app.screen.control(field).value = value
    await pilot.pause()


def refused_beside(form, field: str, words: str) -> bool:
    """The form shows a refusal holding these words beside the field, and the field has the focus."""
    return words in str(form.query_one(f"#error-{field}").render()) and form.focused is form.control(field)


async def until(pilot, condition) -> bool:
    """Whether the condition comes true once the screen has read again (a screen coming back into view
    after a form reads its data after the form's answer has been handled)."""
    for _ in range(ROUNDS):
        if condition():
            return True
        await settle(pilot)
    return condition()
