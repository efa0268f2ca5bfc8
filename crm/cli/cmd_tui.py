"""crm tui [--screen …] (also what plain `crm` runs)."""
from __future__ import annotations

from crm.i18n import language, pick

SCREENS = ("dashboard", "projects", "events", "contacts", "organizations", "mine", "review", "supervision")


def register(commands) -> None:
    p = commands.add_parser("tui", help=pick("打开终端工作台", "open the terminal workbench"))
    p.add_argument("--screen", choices=SCREENS, default="dashboard")
    p.set_defaults(handler=run)


def run(ctx) -> int:
    # The database is opened in tui.app (by a child process where the system forks, while this one
    # imports Textual): what keeps it from opening is reported as by every command (crm.cli.main.report).
    from crm.cli.main import report
    from tui.app import run_workbench

    return run_workbench(ctx, screen=ctx.args.screen, lang=language(), report=lambda error: report(error, ctx)) or 0
