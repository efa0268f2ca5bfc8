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


# How long a frame lasts, and how many of them a screen waits at most before it announces its data anyway.
FRAME_S = 1 / 60
ANNOUNCE_FRAMES = 30


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
        # The widgets just filled ask the screen for their repaint when their own message queues next run: a
        # callback queued on the screen at once could run before that. Queued after those queues have run
        # (call_soon follows them), it is run after the next paint, except when Textual runs it without
        # waiting (during a batch update, or with a run of callbacks due from an earlier frame): then it looks
        # again a frame later, as long as the screen still has a paint to make.
        loop = asyncio.get_running_loop()
        message = DataShown(what)

        def announce(frames_left: int = ANNOUNCE_FRAMES) -> None:
            if frames_left and self._paint_pending():
                loop.call_later(FRAME_S, self.call_after_refresh, announce, frames_left - 1)
            else:
                self.post_message(message)

        loop.call_soon(self.call_after_refresh, announce)

    def _paint_pending(self) -> bool:
        """Whether the screen has changes it has not painted yet (Textual's own flags)."""
        return self.is_current and bool(self.app._batch_count or self._layout_required or self._repaint_required
                                        or self._dirty_widgets)

    def form_closed(self, result) -> None:
        """After a form: say what was saved (the screen reads again as it comes back into view), or show
        the record as it now is after an edit refused because it had changed."""
        if isinstance(result, str):
            self.notify(result, markup=False, title=pick("已保存", "saved"))
        elif result is STALE:
            self.reload()
