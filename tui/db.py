"""Every database call of the workbench: a thread worker with its own unit of work, whose answer comes
back as a message to the widget that asked. Only the latest answer per topic is applied; older ones are
dropped, so a slow query can never overwrite what a newer one showed."""
from __future__ import annotations

import contextvars
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from textual.dom import DOMNode
from textual.message import Message

from crm.errors import CrmError, StaleEdit
from crm.i18n import pick, t

log = logging.getLogger(__name__)

Job = Callable[[Session], Any]


@dataclass(frozen=True)
class Failure:
    """A failed call, described for the user."""

    message: str
    key: str | None = None  # the CrmError key when a service refused
    # The refusal's values (the unknown industry's name…): a form can offer to add what was missing.
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    field_name: str | None = None  # the input field a refusal names (crm.services.directory.FieldRefused)
    stale: bool = False  # the record changed since it was loaded
    connection: bool = False  # the database could not be reached


@dataclass(frozen=True)
class Request:
    topic: str
    id: int
    on_result: Callable[[Any], None]
    on_failure: Callable[[Failure], None] | None
    write: bool = False


class DbDone(Message, bubble=False):
    """A database call finished (posted from the worker thread to the node that asked)."""

    def __init__(self, request: Request, result: Any = None, failure: Failure | None = None) -> None:
        super().__init__()
        self.request = request
        self.result = result
        self.failure = failure


_ids = itertools.count(1)


def describe(error: BaseException, database) -> Failure:
    """One line in the user's language, never a traceback, never a password (the same wording as the
    CLI's): what a driver or a server says may quote the connection string."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from db.engine import scrub_secrets

    url = database.display_url

    def scrubbed(reason: str) -> str:
        return scrub_secrets(reason, database.url)

    if isinstance(error, StaleEdit):
        return Failure(error.message, error.key, stale=True)
    if isinstance(error, CrmError):
        return Failure(error.message, error.key, dict(error.params),
                       field_name=getattr(error, "field", None))
    if isinstance(error, StaleDataError):
        return Failure(t("stale_edit", what=pick("该记录", "the record"), who=pick("他人", "someone else")),
                       "stale_edit", stale=True)
    if isinstance(error, OperationalError):
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        if "locked" in reason:
            from db.engine import SQLITE_BUSY_TIMEOUT_S

            return Failure(t("db_locked", seconds=int(SQLITE_BUSY_TIMEOUT_S), url=url), "db_locked")
        return Failure(t("db_unreachable", url=url, reason=scrubbed(reason)), "db_unreachable", connection=True)
    if isinstance(error, DBAPIError):
        reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
        return Failure(t("db_error", reason=scrubbed(reason)), "db_error", connection=error.connection_invalidated)
    log.exception("unexpected error in a database call", exc_info=error)
    return Failure(t("db_error", reason=scrubbed(f"{type(error).__name__}: {error}")), "db_error")


class DbClient:
    """Mixin for widgets and screens that ask the database for something."""

    def run_db(
        self,
        topic: str,
        job: Job,
        on_result: Callable[[Any], None],
        *,
        on_failure: Callable[[Failure], None] | None = None,
        write: bool = False,
        answer: Future | None = None,
    ) -> Request:
        """Run job(session) in a thread worker of the App (so a closing dialog cannot cancel a save).
        `answer`: the job's result already asked for elsewhere (tui/first.py): the worker waits for it."""
        node: DOMNode = self  # type: ignore[assignment]
        request = Request(topic, next(_ids), on_result, on_failure, write)
        self._latest_requests()[topic] = request.id
        app = node.app
        database = app.database
        # The worker thread runs in the App's context: a node not mounted yet (a table built in its
        # screen's __init__) finds its App through that context, not through parents it lacks.
        context = contextvars.copy_context()

        def work() -> None:
            try:
                if answer is not None:
                    result = answer.result()
                else:
                    with database.unit_of_work(write=write) as session:
                        result = job(session)
            except Exception as error:  # reported to the user, never raised into the UI
                node.post_message(DbDone(request, failure=describe(error, database)))
            else:
                node.post_message(DbDone(request, result=result))

        app.run_worker(lambda: context.run(work), name=f"db:{topic}", group="db", thread=True, exit_on_error=False)
        return request

    def _latest_requests(self) -> dict[str, int]:
        latest = self.__dict__.get("_db_latest")
        if latest is None:
            latest = self.__dict__["_db_latest"] = {}
        return latest

    def on_db_done(self, message: DbDone) -> None:
        message.stop()
        request = message.request
        if self._latest_requests().get(request.topic) != request.id:
            return  # a newer request on the same topic was made: this answer is stale
        if message.failure is None:
            if request.write:
                self.app.data_version += 1  # type: ignore[attr-defined]  # screens shown later read again
            request.on_result(message.result)
        elif request.on_failure is not None:
            request.on_failure(message.failure)
        else:
            self.app.report_failure(message.failure)  # type: ignore[attr-defined]
