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


# How long a frame lasts, and how many times a screen waits for a paint before it announces its data anyway.
FRAME_S = 1 / 60
ANNOUNCE_FRAMES = 30


class WorkbenchScreen(DbClient, Screen):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.seen_version: int | None = None  # App.data_version when the screen last read its data
        self._paints = 0  # frames painted (for data_shown)

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
        # The widgets just filled ask the screen for their repaint when their own message queues next run, so
        # a callback queued on the screen at once could run before the paint; and Textual may run after-refresh
        # callbacks early (those due from an earlier frame, or during a batch update). So: once the screen has
        # taken in the widgets' requests (call_soon comes after their queues, call_later after their messages
        # in the screen's), wait for the first paint that follows.
        asyncio.get_running_loop().call_soon(self.call_later, self._announce_after_next_paint, DataShown(what))

    def _announce_after_next_paint(self, message: DataShown) -> None:
        loop, painted = asyncio.get_running_loop(), self._paints

        def announce(frames_left: int = ANNOUNCE_FRAMES) -> None:
            if self._paints > painted or not frames_left:
                self.post_message(message)
            elif self.app._batch_count:  # paints are held, and callbacks would run again at once
                loop.call_later(FRAME_S, self.call_after_refresh, announce, frames_left - 1)
            else:
                self.call_after_refresh(announce, frames_left - 1)

        self.call_after_refresh(announce)

    def _compositor_refresh(self) -> None:  # Textual's one way to paint a screen
        super()._compositor_refresh()
        self._paints += 1

    def form_closed(self, result) -> None:
        """After a form: say what was saved (the screen reads again as it comes back into view), or show
        the record as it now is after an edit refused because it had changed."""
        if isinstance(result, str):
            self.notify(result, markup=False, title=pick("已保存", "saved"))
        elif result is STALE:
            self.reload()
