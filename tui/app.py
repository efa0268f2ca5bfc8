"""`crm tui`: the workbench started from a terminal.

The first screen's data is asked for before Textual is imported and the App built (tui/first.py), so
the query runs while they are. This module imports neither Textual nor the database code itself, and
`crm tui` imports it before it opens the database: from here until the first screen is painted, Python's
cyclic collector is paused (the start makes a great many objects and keeps nearly all of them; CrmApp
resumes the collector, freezing them out of its way)."""
from __future__ import annotations

import datetime as dt
import gc

gc.disable()


def run_app(database, *, screen: str = "dashboard", login: str = "", lang: str = "zh",
            today: dt.date | None = None) -> int:
    from crm.config import load_config
    from crm.dates import today as todays_date
    from crm.i18n import pick
    from tui.first import ask_first

    today = today or todays_date()
    first = ask_first(database, screen, today)
    try:
        config = load_config()
    except Exception as error:  # a broken config.toml must not keep the workbench from opening
        config = {}
        print(pick(f"config.toml 无法读取，已忽略：{error}", f"config.toml ignored, cannot read it: {error}"))
    from tui.workbench import CrmApp

    app = CrmApp(database, screen=screen, login=login, lang=lang, today=today, config=config, first=first)
    app.run()
    return app.return_code or 0  # 1 after a crash: Textual has shown the traceback
