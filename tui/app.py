"""Stub workbench: starts, shows which database is open, quits with q. The full app has its own issue."""
from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static


class CrmApp(App):
    TITLE = "招商项目跟踪"
    BINDINGS = [Binding("q", "quit", "退出 / quit", id="quit")]

    def __init__(self, database, *, screen: str = "dashboard", login: str = "", lang: str = "zh",
                 today: dt.date | None = None) -> None:
        super().__init__()
        self.database = database
        self.start_screen = screen
        self.login = login
        self.lang = lang
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.database.display_url, markup=False, id="database")
        yield Footer()


def run_app(database, **options) -> int:
    CrmApp(database, **options).run()
    return 0
