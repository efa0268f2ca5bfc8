"""One line of status under a list. Unlike Static.update, which asks the whole screen to lay itself out
again, setting `text` repaints this line only: the status changes with every keystroke of a search."""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; }"

    text: reactive[Text] = reactive(Text, layout=False)

    def render(self) -> Text:
        return self.text
