"""What every screen of the workbench shares: footer labels in the user's language, database calls
through the App's workers, and a reload after edits."""
from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from crm.i18n import pick
from tui.db import DbClient
from tui.i18n import translate_bindings
from tui.messages import DataShown


class WorkbenchScreen(DbClient, Screen):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def reload(self) -> None:
        """Read what the screen shows again (after an edit, on ctrl+r, after a reconnect)."""

    def data_shown(self, what: str) -> None:
        """Announce, once painted, that the data asked for is on screen."""
        self.call_after_refresh(self.post_message, DataShown(what))

    def form_closed(self, result) -> None:
        """After a form: say what was saved, and show the record as it now is (also after a refused edit)."""
        if isinstance(result, str):
            self.notify(Text(result), title=pick("已保存", "saved"))
        if result is not None:
            self.reload()
