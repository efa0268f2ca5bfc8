"""The Database handle and the unit of work: one user action, one import, one CLI command."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from db import audit
from db.engine import display_url, make_engine, resolve_url
from db.scope import set_scope


class Database:
    def __init__(
        self, url: URL | str | None = None, *, engine: Engine | None = None, actor: Callable[[Session], object] | None = None,
        scope: Callable[[Session], object] | None = None,
    ) -> None:
        self.url = url if isinstance(url, URL) else resolve_url(url)
        # Who acts in a write unit of work when the caller does not say: session -> Staff (the CLI's login).
        self.actor = actor
        # Whose records every unit of work keeps to (db.scope): session -> an object with `visible`, asked
        # once (a process works for one login).
        self.scope = scope
        self._scope_answer = None
        self.engine = engine or make_engine(self.url)
        # Objects stay readable after commit: the TUI shows them while the next action is prepared.
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(crm_write=True), expire_on_commit=False
        )

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @contextmanager
    def unit_of_work(self, *, write: bool = True, actor=None) -> Iterator[Session]:
        """Commit when the block succeeds, roll back everything when it raises. Changes are recorded in
        the audit trail as made by `actor` (a Staff or staff id), else by `self.actor(session)`."""
        session = (self._writer if write else self._reader)()
        try:
            if self.scope is not None:
                if self._scope_answer is None:
                    self._scope_answer = self.scope(session)
                set_scope(session, self._scope_answer)
            if write and (actor is not None or self.actor is not None):
                audit.set_actor(session, actor if actor is not None else self.actor(session))
            yield session
            if write:
                session.commit()
            else:
                # Ends the read transaction without expiring what was read: a report built in it is
                # written out afterwards, with no transaction (or connection) left to fail meanwhile.
                session.close()
        except BaseException as error:
            audit.note_stale_rows(error, session)
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
