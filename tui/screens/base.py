"""What every screen of the workbench shares: footer labels in the user's language, database calls
through the App's workers, and a reload after edits."""
from __future__ import annotations

import asyncio

from textual.screen import Screen

from crm.i18n import pick
from tui.db import DbClient
from tui.forms.base import STALE
from tui.i18n import translate_bindings
from tui.messages import DataShown


class WorkbenchScreen(DbClient, Screen):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.seen_version: int | None = None  # App.data_version when the screen last read its data

    def on_mount(self) -> None:
        self.seen_version = self.app.data_version

    def on_screen_resume(self) -> None:
        if self.seen_version is not None and self.seen_version != self.app.data_version:
            self.seen_version = self.app.data_version
            self.reload()

    def reload(self) -> None:
        """Read what the screen shows again (after an edit, on ctrl+r, after a reconnect)."""

    def data_shown(self, what: str) -> None:
        """Announce, once painted, that the data asked for is on screen."""
        # The widgets just filled tell the screen what to repaint when their own message queues next run. A
        # callback queued on the screen at once could run before that, and so before the paint (the dashboard
        # announced itself ahead of its slowest frame). Queued after those queues have run (call_soon follows
        # them), it waits for the paint that shows the data.
        asyncio.get_running_loop().call_soon(self.call_after_refresh, self.post_message, DataShown(what))

    def form_closed(self, result) -> None:
        """After a form: say what was saved (the screen reads again as it comes back into view), or show
        the record as it now is after an edit refused because it had changed."""
        if isinstance(result, str):
            self.notify(result, markup=False, title=pick("已保存", "saved"))
        elif result is STALE:
            self.reload()
