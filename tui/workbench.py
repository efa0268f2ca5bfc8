"""The workbench: sections as App modes (tui/sections.py), keys from config.toml, one place that tells
the user what went wrong, and a watch on the database connection. `crm tui` starts it through
tui/app.py."""
from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from concurrent.futures import Future

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from crm import i18n
from crm.i18n import pick
from tui.db import DbClient, Failure
from tui.i18n import BINDINGS as BINDING_TEXTS
from tui.i18n import palette_title, translate_bindings
from tui.sections import SECTIONS, screen_factory

# Seconds between attempts to reach the database again after the connection was lost.
RECONNECT_SECONDS = 3.0
# Objects made (less those freed) between two collections of the youngest generation (Python's default: 700).
YOUNG_OBJECTS = 10_000
# Seconds after which the collector paused for the start resumes even if the first screen showed nothing
# (its data could not be read).
START_SECONDS = 10.0


class CrmApp(DbClient, App):
    CSS_PATH = "app.tcss"
    MODES = {section.name: screen_factory(section) for section in SECTIONS}
    BINDINGS = [
        Binding("f1", "help", "help", id="app.help"),
        *(Binding(s.key, f"app.switch_mode('{s.name}')", s.name, id=f"app.{s.name}") for s in SECTIONS),
        Binding("ctrl+r", "refresh", "refresh", show=False, id="app.refresh"),
        Binding("ctrl+p", "command_palette", "commands", show=False, priority=True, id="app.palette"),
        Binding("ctrl+q", "quit", "quit", priority=True, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("f7", "import_list", "import", id="app.import"),
        Binding("f8", "export", "export", id="app.export"),
    ]
    ENABLE_COMMAND_PALETTE = True
    # Screen classes that app.tcss lays out for: 80 columns are "-narrow" (fewer columns, no card frames).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, database, *, screen: str = "dashboard", login: str = "", lang: str = "zh",
                 today: dt.date | None = None, config: dict | None = None, first: Future | None = None) -> None:
        i18n.set_language(lang)
        # The first mode is the screen asked for on the command line: no other screen is built first.
        self.DEFAULT_MODE = screen
        super().__init__()
        translate_bindings(self)
        self.database = database
        self.today = today or dt.date.today()
        if database.actor is None:  # the audit trail names who made each change
            from crm.services.actor import staff_for

            database.actor = lambda session: staff_for(session, login)
        if database.scope is None:  # whose records every screen keeps to (the CLI's Database already says)
            from crm.rules.scope import scope_of

            database.scope = lambda session: scope_of(session, login)
        self.login = login
        self.config = config if config is not None else {}
        self.offline = False
        self._reconnect_timer = None
        # Counts the changes saved through the workbench: a screen coming back into view reads again
        # only when something was saved since it last did.
        self.data_version = 0
        self._first = first  # the first screen's data, asked for before the App was made (tui/first.py)
        self._gc_threshold = gc.get_threshold()  # Python's, until the App is mounted (see on_mount)
        # tui/app.py pauses the cyclic collector for the start; it resumes once the first screen is painted.
        self._collector_paused = not gc.isenabled()
        self.title = pick("招商项目跟踪", "Investment promotion tracker")

    def on_mount(self) -> None:
        # What exists by now (modules, stylesheets, the first screen) lives as long as the App: frozen,
        # a full collection no longer walks it (that took some 50 ms here, half a keystroke's budget).
        gc.freeze()
        # What comes later comes in bursts (a page of rows, the lines of a frame) and much of it stays while
        # its page is cached. A young generation of 10,000 objects rather than 700 makes the full collections,
        # which walk every cached row in the middle of a keystroke, some ten times rarer.
        gc.set_threshold(YOUNG_OBJECTS, *self._gc_threshold[1:])
        if self._collector_paused:
            self.set_timer(START_SECONDS, self._resume_collector)
        self._apply_settings()

    def on_data_shown(self) -> None:
        self._resume_collector()

    def _resume_collector(self) -> None:
        """After the start: what it made, it keeps nearly all of (modules, mappers, the first screen's
        data): frozen, no collection walks it again."""
        if self._collector_paused:
            self._collector_paused = False
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        self._resume_collector()  # if the first screen never showed its data
        gc.set_threshold(*self._gc_threshold)  # the process goes on as it was (tests and benchmarks run many apps)

    def _apply_settings(self) -> None:
        keymap = self.config.get("keymap") or {}
        unknown = sorted(k for k in keymap if k not in BINDING_TEXTS)
        self.set_keymap({k: str(v) for k, v in keymap.items() if isinstance(v, str)})
        if unknown:
            self.notify(", ".join(unknown), markup=False, title=pick("config.toml 中未知的快捷键编号", "unknown binding ids in config.toml"),
                        severity="warning")
        theme = self.config.get("theme")
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(str(theme), markup=False, title=pick("未知的主题", "unknown theme"), severity="warning")

    def first_answer(self, section: str) -> Future | None:
        """The answer to the first question of the section the workbench opened on, once (a screen made
        later, or made again, asks again)."""
        if section != self.DEFAULT_MODE or self._first is None:
            return None
        first, self._first = self._first, None
        return first

    # -- sections and records -----------------------------------------------------------------------

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_refresh(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def open_project(self, ref: str) -> None:
        """The project's detail on top of the current section (escape returns to it)."""
        from tui.screens.project_detail import ProjectDetailScreen

        self.push_screen(ProjectDetailScreen(ref))

    def action_import_list(self) -> None:
        from tui.screens.import_wizard import ImportWizardScreen

        if not isinstance(self.screen, ImportWizardScreen):
            self.push_screen(ImportWizardScreen())

    def action_export(self) -> None:
        from tui.forms.export_dialogs import open_export

        open_export(self)

    async def show_section(self, name: str) -> Screen:
        """A section's own screen (its list or tree), whatever was opened over it in its mode: a record
        reached from elsewhere is shown there, not on a page someone left open over it (that page is
        closed, as the section's key followed by Esc would)."""
        await self.switch_mode(name)
        section = self.screen_stack[0]
        section.pop_until_active()
        return section

    async def open_event(self, ref: str) -> None:
        (await self.show_section("events")).show_event(ref)

    # -- failures -----------------------------------------------------------------------------------

    def report_failure(self, failure: Failure) -> None:
        """The one place that tells the user a call failed (messages may quote user data: no markup)."""
        self.notify(failure.message, markup=False, title=pick("未能完成", "not done"), severity="error", timeout=8)
        if failure.connection and not self.offline:
            self.offline = True
            self.sub_title = pick("数据库连接中断，正在重试…", "database connection lost, retrying…")
            self._reconnect_timer = self.set_interval(RECONNECT_SECONDS, self._try_reconnect)

    def _try_reconnect(self) -> None:
        from db.models import Staff

        # A read of a table, not just a connection: SQLite "connects" to a missing file by creating it.
        self.run_db("reconnect", lambda session: session.get(Staff, 1) and None, self._reconnected,
                    on_failure=lambda failure: None)

    def _reconnected(self, _result) -> None:
        self.offline = False
        self.sub_title = ""
        if self._reconnect_timer is not None:
            self._reconnect_timer.stop()
            self._reconnect_timer = None
        self.notify(pick("数据库连接已恢复", "database connection is back"))
        self.action_refresh()

    def on_worker_state_changed(self, event) -> None:
        # Database calls report their own failures; this catches anything else a worker raised.
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            from tui.db import describe

            self.report_failure(describe(event.worker.error, self.database))

    # -- command palette ----------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(
                placeholder=pick("搜索命令（中文或英文）…", "Search for commands (English or Chinese)…"),
                id="--command-palette",
            ))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action that has a key is also a command, titled in both languages."""
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            title = palette_title(binding.id) if binding.id else None
            if title is None or binding.id in seen or not active.enabled or binding.id == "app.palette":
                continue
            seen.add(binding.id)
            yield SystemCommand(title, binding.key_display or binding.key, self._runner(active.node, binding.action))
        yield SystemCommand(pick("外观: 切换主题 / view: theme", "view: theme / 外观: 切换主题"),
                            pick("选择界面配色", "choose the colours"), self.action_change_theme)

    def _runner(self, node, action: str):
        async def run() -> None:
            await self.run_action(action, node)

        return run

