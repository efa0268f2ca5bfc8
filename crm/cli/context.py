"""What every command gets: the database (created/migrated on first use), who acts, what day it is."""
from __future__ import annotations

import argparse
import atexit
import datetime as dt
import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from crm import dates


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    @cached_property
    def config(self) -> dict:
        from crm.config import load_config

        return load_config()

    @cached_property
    def db(self):
        from db.migrate import ensure_ready

        database = self._open_db()
        backup = ensure_ready(database)
        if backup is not None:
            from crm.i18n import t

            print(t("db_backup_taken", path=backup), file=sys.stderr)
        return database

    def _open_db(self):
        from db.session import Database

        # Changes are recorded as made by the login, and every command keeps to the login's units.
        return Database(self.args.db, actor=self.actor, scope=self.scope)

    def ready_db(self):
        """`db` when another process of this command has just made the database ready (`crm tui`'s child,
        tui/first.py): opened without creating or migrating it again."""
        if "db" not in self.__dict__:
            self.__dict__["db"] = self._open_db()
        return self.db

    @cached_property
    def login(self) -> str:
        from crm.services.actor import current_login

        return current_login(self.args.user, self.config)

    def actor(self, session):
        from crm.services.actor import staff_for

        return staff_for(session, self.login)

    def scope(self, session):
        """Asked once per command, before anyone acts: on a team database the connected login is who acts."""
        import os

        from crm.rules.scope import scope_of
        from crm.services.actor import connected_login

        explicit = bool(self.args.user or os.environ.get("CRM_USER") or self.config.get("user"))
        self.__dict__["login"] = connected_login(session, self.login, explicit=explicit)
        return scope_of(session, self.login)

    @cached_property
    def today(self) -> dt.date:
        return dates.today()

    def as_of(self, value: str | None) -> dt.date:
        return dates.parse_date(value) if value else self.today

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()


@contextmanager
def batch() -> Iterator[None]:
    """A one-shot batch command (an export). Python's cyclic collector is paused while it runs: otherwise
    it re-scans the ORM's and the report's long-lived objects again and again, a tenth of the command's
    time (reference counting still frees whatever is dropped). And at exit the heap is frozen first:
    the process is ending, and the collection Python makes while shutting down would traverse every
    object still alive only for the operating system to reclaim the memory anyway (another tenth)."""
    was_enabled = gc.isenabled()
    gc.disable()
    atexit.unregister(gc.freeze)  # once, however many batches a process runs
    atexit.register(gc.freeze)
    try:
        yield
    finally:
        # What the batch left goes to the oldest generation in one step (freeze, then unfreeze), to be
        # looked at by the next full collection, instead of all at once by the first young collection.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(columns: list[str], rows: list[list]) -> None:
    """A readable table on a terminal; user text is printed as text (Rich markup off)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*columns, show_lines=False, highlight=False)
    for row in rows:
        # Text, not str: a name like "[VIP]客户" is data, never Rich markup.
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    Console(highlight=False, emoji=False).print(table)
