"""What every screen of the workbench shares: footer labels in the user's language, database calls
through the App's workers, and a reload after edits."""
from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from textual.binding import Binding
from textual.screen import Screen

from crm.i18n import pick
from tui.db import DbClient
from tui.i18n import translate_bindings
from tui.messages import DataShown


# A record's page switches its tabs by key: ] the next, [ the previous (round), as Tab would not (it
# moves the focus). The footer shows both as one entry, "[ ] 页签".
TABS = Binding.Group("tabs")
TAB_BINDINGS = [
    Binding("left_square_bracket", "tab(-1)", "previous tab", id="tabs.previous", group=TABS),
    Binding("right_square_bracket", "tab(1)", "next tab", id="tabs.next", group=TABS),
]


def switch_tab(screen: Screen, step: int) -> None:
    """The next (step 1) or previous (-1) tab of the screen's tabs, its table focused."""
    from textual.widgets import DataTable, TabbedContent, TabPane  # record pages only: not at the first screen's import

    tabbed = screen.query_one(TabbedContent)
    panes = [pane.id for pane in tabbed.query(TabPane)]
    shown = panes[(panes.index(tabbed.active) + step) % len(panes)]
    tabbed.active = shown
    tabbed.get_pane(shown).query_one(DataTable).focus()


# App → the header's title naming the user's scope (read once, after the first screen has shown its data).
_SCOPE_TITLES: WeakKeyDictionary = WeakKeyDictionary()


def scope_words(scope) -> str | None:
    """The user's scope as the header names it: their unit, with 全省 where they see every unit's records (the
    province's own staff), and 审核人 for a provincial reviewer. None where there is no unit to name: no scope
    applies (the database was opened without one), or the login is no staff member of a unit, who sees
    everything as a team database did before units."""
    from crm.i18n import pick

    if scope is None or scope.login is None or not scope.unit_name:
        return None
    words = scope.unit_name
    if scope.visible is None:
        words += pick("（全省）", " (province)")
    if scope.reviewer:
        words += pick("· 审核人", " · reviewer")
    return words


def _read_scope(session):
    from crm.rules.scope import who  # not at import: the first screen is shown before this is asked

    return scope_words(who(session))


# How long a frame lasts, and how many times a screen waits for a paint before it announces its data anyway.
FRAME_S = 1 / 60
ANNOUNCE_FRAMES = 30


class WorkbenchScreen(DbClient, Screen):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.seen_version: int | None = None  # App.data_version when the screen last read its data
        self._paints = 0  # frames painted (for data_shown)
        self._closing = False  # close() was asked while another screen was in view

    def on_mount(self) -> None:
        self.seen_version = self.app.data_version
        self._show_scope()

    def on_screen_resume(self) -> None:
        self._show_scope()
        if self._closing:
            self.dismiss()
            return
        if self.seen_version is not None and self.seen_version != self.app.data_version:
            self.seen_version = self.app.data_version
            self.reload()

    def close(self) -> None:
        """Leave this screen (a record's page whose record could not be read). dismiss() closes whatever is
        on top, and by the time the answer came the user may be on another screen or in another section:
        then this one closes as it next comes into view."""
        if self.is_active:
            self.dismiss()
        else:
            self._closing = True

    def reload(self) -> None:
        """Read what the screen shows again (after an edit, on ctrl+r, after a reconnect)."""

    def _show_scope(self) -> None:
        """Once it is known, the header's title is the user's scope (in place of the workbench's name, so that
        the screen's sub-title — the dashboard's as-of date — keeps its room at 80 columns)."""
        words = _SCOPE_TITLES.get(self.app)
        if words:
            self.title = words

    def _ask_scope(self) -> None:
        if self.app in _SCOPE_TITLES:
            return
        _SCOPE_TITLES[self.app] = None  # asked (once per App)

        def known(words: str | None) -> None:
            _SCOPE_TITLES[self.app] = words
            self._show_scope()

        self.run_db("scope", _read_scope, known, on_failure=lambda failure: _SCOPE_TITLES.pop(self.app, None))

    def data_shown(self, what: str) -> None:
        """Announce, once painted, that the data asked for is on screen."""
        self._ask_scope()  # after the first screen's data: the start is not held up by it
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
        from tui.forms.base import STALE  # not at import: the first screen is shown before any form

        if isinstance(result, str):
            self.notify(result, markup=False, title=pick("已保存", "saved"))
        elif result is STALE:
            self.reload()
