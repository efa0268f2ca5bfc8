"""The Database handle and the unit of work: one user action, one import, one CLI command."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from db.engine import display_url, make_engine, resolve_url


class Database:
    def __init__(self, url: URL | str | None = None, *, engine: Engine | None = None) -> None:
        self.url = url if isinstance(url, URL) else resolve_url(url)
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
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """Commit when the block succeeds, roll back everything when it raises."""
        session = (self._writer if write else self._reader)()
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
