"""`crm tui`: the workbench started from a terminal.

The database code is imported, then a child process is forked that opens the database and reads the
first screen's data (tui/first.py Start) while this one imports Textual and the screens and builds the
App: the two run on two cores. The App takes the terminal only once the child has said the database is
ready; when it could not be opened, the child has said why as every command does, and `crm tui` ends
with its exit code. Where the system cannot fork, the database is opened here first and the first
screen's data read while Textual is imported, as before.

This module imports neither Textual nor the database code itself, and `crm tui` imports it before it
opens the database. From run_workbench until the first screen is painted, Python's cyclic collector is
paused (the start makes a great many objects and keeps nearly all of them; CrmApp resumes the collector,
freezing them out of its way); importing the module changes nothing (tests import it beside others)."""
from __future__ import annotations

import datetime as dt
import gc
import importlib
from collections.abc import Callable

_ASK = object()  # run_app: ask for the first screen's data here


def run_workbench(context, *, screen: str = "dashboard", lang: str = "zh",
                  report: Callable[[BaseException], int]) -> int:
    """`crm tui`. `context` is the command's crm.cli.context.Context (db, ready_db(), login, today);
    `report(error)` tells the user why the database could not be opened and gives the exit code."""
    gc.disable()  # until CrmApp has painted its first screen (see the module's docstring)
    from tui.first import Start

    today = context.today
    config = read_config()  # before the fork: the child reads the first screen with the App's settings
    start = Start.fork(lambda: context.db, screen, today, report, config)
    if start is None:  # no child: the database is opened here before anything else
        return run_app(context.db, screen=screen, login=context.login, lang=lang, today=today, config=config)
    try:
        # Textual and the first screen's module while the child opens the database and reads what the
        # screen shows.
        import tui.workbench  # noqa: F401
        from tui.sections import SECTIONS

        for section in SECTIONS:
            if section.name == screen:
                importlib.import_module(section.screen.split(":")[0])
        checked = start.ready()
        if start.exit_code is not None:
            return start.exit_code  # the child could not open the database and has said why
        # Opened here without a check when the child made it ready; checked here when it said nothing.
        database = context.ready_db() if checked else context.db
        return run_app(database, screen=screen, login=context.login, lang=lang, today=today,
                       first=start.answer(database), config=config)
    finally:
        start.close()


def run_app(database, *, screen: str = "dashboard", login: str = "", lang: str = "zh",
            today: dt.date | None = None, first=_ASK, config: dict | None = None) -> int:
    app = build_app(database, screen=screen, login=login, lang=lang, today=today, first=first, config=config)
    app.run()
    return app.return_code or 0  # 1 after a crash: Textual has shown the traceback


def build_app(database, *, screen: str = "dashboard", login: str = "", lang: str = "zh",
              today: dt.date | None = None, first=_ASK, config: dict | None = None):
    """The workbench as run_app runs it: `config` (config.toml, read here when not given) is the App's
    settings, and the first screen's data, when asked for here, is read with the same."""
    from crm.dates import today as todays_date

    today = today or todays_date()
    if config is None:
        config = read_config()
    if first is _ASK:
        from tui.first import ask_first

        first = ask_first(database, screen, today, config)
    from tui.workbench import CrmApp

    return CrmApp(database, screen=screen, login=login, lang=lang, today=today, config=config, first=first)


def read_config() -> dict:
    """config.toml's settings; a broken file is said and ignored: it must not keep the workbench from opening."""
    from crm.config import load_config
    from crm.i18n import pick

    try:
        return load_config()
    except Exception as error:
        print(pick(f"config.toml 无法读取，已忽略：{error}", f"config.toml ignored, cannot read it: {error}"))
        return {}
