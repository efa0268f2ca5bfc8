"""Entry point of `crm`. Imports stay light here so that `crm --help` answers at once."""
from __future__ import annotations

import argparse
import copy
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from crm import i18n
from crm.errors import EXIT_DATABASE, EXIT_INVALID, EXIT_USAGE, CrmError
from crm.i18n import pick, t
from crm.labels import choice_labels

COMMAND_MODULES = (
    "crm.cli.cmd_demo",
    "crm.cli.cmd_programmes",
    "crm.cli.cmd_events",
    "crm.cli.cmd_projects",
    "crm.cli.cmd_followups",
    "crm.cli.cmd_figures",
    "crm.cli.cmd_contacts",
    "crm.cli.cmd_import",
    "crm.cli.cmd_report",
    "crm.cli.cmd_staff",
    "crm.cli.cmd_review",
    "crm.cli.cmd_supervise",
    "crm.cli.cmd_targets",
    "crm.cli.cmd_milestones",
    "crm.cli.cmd_trips",
    "crm.cli.cmd_remind",
    "crm.cli.cmd_reference",
    "crm.cli.cmd_export",
    "crm.cli.cmd_history",
    "crm.cli.cmd_backup",
    "crm.cli.cmd_db",
    "crm.cli.cmd_tui",
)


# PostgreSQL's "the value does not fit": numeric out of range, string too long, invalid text for a type.
INVALID_VALUE_STATES = {"22003", "22001", "22P02", "22008", "22007"}


class HelpFormatter(argparse.HelpFormatter):
    """In Chinese, an option's help says what the codes it takes mean: --to {negotiating,signed,…} 在谈，签约 …
    (in English the codes are the words)."""

    def _format_action(self, action):
        if i18n.language() == "zh" and action.choices and not isinstance(action.choices, dict):  # dict: subcommands
            labels = choice_labels(list(action.choices))
            if labels:
                meanings = "，".join(f"{choice} {label}" for choice, label in zip(action.choices, labels))
                action = copy.copy(action)
                action.help = f"{action.help}（{meanings}）" if action.help else meanings
        return super()._format_action(action)


class Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs) -> None:
        super().__init__(**{"formatter_class": HelpFormatter, **kwargs})

    def add_argument(self, *names, **kwargs):
        # A positional is shown as a placeholder (REF, ID), like the options' DATE: never as a field's name.
        if len(names) == 1 and not names[0].startswith(self.prefix_chars) and "metavar" not in kwargs:
            kwargs["metavar"] = names[0].upper()
        return super().add_argument(*names, **kwargs)

    def error(self, message: str):  # noqa: D102 - one translated line, exit 2, as for every failure
        print(f"{self.prog}: {t('usage', detail=message)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


@contextmanager
def argparse_language() -> Iterator[None]:
    """argparse's own words (usage:, options, its usage errors) in the user's language. argparse looks them
    up through gettext as its module's `_` and `ngettext` at each use: crm's translations (the argparse_*
    messages, whose English is argparse's text) stand in while crm's parser is built and parses."""
    if i18n.language() == "en":
        yield
        return
    words = {en: zh for key, (zh, en) in i18n.MESSAGES.items() if key.startswith("argparse_")}
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: words.get(message, message)
    argparse.ngettext = lambda singular, plural, n: argparse._(singular if n == 1 else plural)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def build_parser(modules: tuple[str, ...] = COMMAND_MODULES, parser_class: type[Parser] = Parser) -> Parser:
    import importlib

    parser = parser_class(
        prog="crm",
        description=pick("招商项目跟踪：活动、客商邀请、签约项目与跟踪服务", "Investment-promotion pipeline tracker"),
        # The top level has no codes to explain (its choices are the languages): `crm --help` loads no
        # vocabulary, and with it no database code.
        formatter_class=argparse.HelpFormatter,
    )
    parser.add_argument("--db", metavar="URL", help=pick("数据库 URL 或 SQLite 文件路径（默认用户数据目录）",
                                                          "database URL or SQLite file (default: user data dir)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=pick("界面语言", "language"))
    parser.add_argument("--user", metavar="LOGIN", help=pick("记录人（默认 CRM_USER 或系统用户）",
                                                             "who records (default CRM_USER or the OS user)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in modules:
        importlib.import_module(name).register(commands)
    return parser


class _NotTheWorkbench(Exception):
    pass


class _WorkbenchParser(Parser):
    def error(self, message: str):
        raise _NotTheWorkbench(message)


def workbench_args(argv: list[str]) -> argparse.Namespace | None:
    """`crm [--db URL] [--lang L] [--user LOGIN] [tui [--screen S]]` read by a parser that knows no other
    command: the workbench starts without importing and building every command's parser (a hundredth of
    a second, spent before its database is opened). The same options, added by the same code: the same
    Namespace. Anything else (help, another command, anything the parser would refuse) returns None, for
    the whole parser to read and, where it must, refuse."""
    for arg in argv:
        if arg == "--" or (arg.startswith("-") and not arg.startswith("--")) or (
                len(arg) > 2 and "--help".startswith(arg.split("=")[0])):
            return None  # -h, --help and what argparse would take for them
    parser = build_parser(("crm.cli.cmd_tui",), _WorkbenchParser)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args([*argv, "tui"])
    except _NotTheWorkbench:
        return None
    return args if args.command == "tui" else None


def _preset_language(argv: list[str]) -> None:
    """Help texts are built before parsing: honour --lang early."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGUAGES:
            i18n.set_language(argv[i + 1])
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in i18n.LANGUAGES:
            i18n.set_language(arg.split("=", 1)[1])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _preset_language(argv)
    with argparse_language():
        args = workbench_args(argv)
        if args is None:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                args = parser.parse_args([*argv, "tui"])
    from crm.cli.context import Context

    context = Context(args)
    try:
        if not args.lang and context.config.get("lang") in i18n.LANGUAGES:
            i18n.set_language(context.config["lang"])
        return args.handler(context) or 0
    except (Exception, KeyboardInterrupt) as error:
        return report(error, context)
    finally:
        context.close()


def report(error: Exception | KeyboardInterrupt, context) -> int:
    """Tells the user why the command failed (one line on stderr, never a traceback) and gives its exit
    code. `crm tui`'s child that opens the database reports through here too (tui/first.py)."""
    if isinstance(error, CrmError):
        _fail(error.message)
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        _fail(t("interrupted"))
        return 130
    if isinstance(error, BrokenPipeError):  # `crm … | head`: the reader has gone, nothing to report
        sys.stderr.close()
        return 0
    # Database and file-system failures: one line, never a traceback.
    if os.environ.get("CRM_DEBUG"):
        import traceback

        # The cause, never a password.
        print(_scrub("".join(traceback.format_exception(error)), context), file=sys.stderr, end="")
    code, message = describe_failure(error, context)
    _fail(message)
    return code


def describe_failure(error: Exception, context) -> tuple[int, str]:
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from db.errors import DatabaseRefused

    url = _display_url(context)
    if isinstance(error, DatabaseRefused):
        return EXIT_DATABASE, t(error.key, **error.params)
    if isinstance(error, StaleDataError):
        return _stale(error, context)
    if isinstance(error, OperationalError):
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        if "locked" in reason:
            from db.engine import sqlite_busy_timeout

            return EXIT_DATABASE, t("db_locked", seconds=f"{sqlite_busy_timeout():g}", url=url)
        return EXIT_DATABASE, t("db_unreachable", url=url, reason=_scrub(reason, context))
    if isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", "") in INVALID_VALUE_STATES:
        return EXIT_INVALID, t("value_out_of_range")  # a value no check caught: still the user's input
    if isinstance(error, DBAPIError):
        reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
        if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient privilege: the app's role
            return EXIT_DATABASE, t("db_permission", reason=_scrub(reason, context))
        return EXIT_DATABASE, t("db_error", reason=_scrub(reason, context))
    if isinstance(error, OSError):
        from crm.outputs import os_reason

        return EXIT_INVALID, t("write_failed", path=error.filename or "", reason=os_reason(error))
    if isinstance(error, (OverflowError, ArithmeticError)):  # SQLite's 64-bit integers, decimal contexts
        return EXIT_INVALID, t("value_out_of_range")
    if isinstance(error, UnicodeError):
        return EXIT_INVALID, t("bad_text_encoding")
    return EXIT_INVALID, t("db_error", reason=f"{type(error).__name__}: {error}")


def _stale(error: Exception, context) -> tuple[int, str]:
    """A version check lost at flush: name the record, who changed it and when (audit trail)."""
    from crm.errors import StaleEdit
    from crm.services.editing import explain_stale

    try:
        stale = explain_stale(context.db.engine, getattr(error, "crm_rows", []))
    except Exception:  # the database is gone as well: still say what happened
        stale = StaleEdit("stale_edit", what=pick("该记录", "the record"), who=pick("他人", "someone else"))
    return stale.exit_code, stale.message


def _display_url(context) -> str:
    from db.engine import display_url, resolve_url

    try:
        return display_url(resolve_url(context.args.db))
    except Exception:
        return "?"


def _scrub(text: str, context) -> str:
    """Drivers sometimes quote the connection string: never let a password through."""
    from db.engine import resolve_url, scrub_secrets

    try:
        url = resolve_url(context.args.db)
    except Exception:
        url = None
    return scrub_secrets(text, url)


# An error echoes what the user typed: one line of readable length whatever that was (a 1 MB value,
# line breaks, terminal escapes).
MESSAGE_LIMIT = 500
_CONTROL = dict.fromkeys(range(0x20), " ") | {0x7F: " ", 0x9B: " "}


def _fail(message: str) -> None:
    from db.engine import scrub_secrets

    line = scrub_secrets(message).translate(_CONTROL)
    if len(line) > MESSAGE_LIMIT:
        line = line[:MESSAGE_LIMIT] + "…"
    print(f"crm: {t('error')}: {line}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
