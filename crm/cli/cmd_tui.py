"""crm tui [--screen …] (also what plain `crm` runs)."""
from __future__ import annotations

from crm.i18n import language, pick

SCREENS = ("dashboard", "projects", "events", "contacts", "organizations")


def register(commands) -> None:
    p = commands.add_parser("tui", help=pick("打开终端工作台", "open the terminal workbench"))
    p.add_argument("--screen", choices=SCREENS, default="dashboard")
    p.set_defaults(handler=run)


def run(ctx) -> int:
    from tui.app import run_app

    return run_app(ctx.db, screen=ctx.args.screen, login=ctx.login, lang=language(), today=ctx.today) or 0
