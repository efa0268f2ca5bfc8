"""The first screen's data, asked for as `crm tui` starts, read while the main thread imports Textual
and builds the App; the screen takes the answer instead of asking again (CrmApp.first_answer). No
Textual here.

The dashboard's figures are Python work over every project (a fifth of a second on the large demo),
which a thread of this process would only do by turns with Textual's start (one interpreter lock):
where the system can fork (Linux) and nothing else runs yet, a child process does it on another core.
The child uses connections of its own (the parent's stay untouched) and sends the answer back pickled;
if it fails in any way, the answer is read here after all, so that a failure is reported the way every
other one is. The project list's first page is a few index reads, less than a child costs to start:
a thread reads it.

The sections timed from process start have a first question: the dashboard and the project list; the
others ask once they are built."""
from __future__ import annotations

import datetime as dt
import os
import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy.orm import Session

Question = Callable[[Session, dt.date], Any]
_FAILED = object()  # what a child gives back when it could not answer


def _dashboard(session: Session, today: dt.date):
    from crm.services.dashboard import dashboard

    return dashboard(session, today)  # DashboardScreen.reload, as of today


def _projects(session: Session, today: dt.date):
    from tui.project_list import first_projects

    return first_projects(session, today)


FIRST_QUESTIONS: dict[str, Question] = {"dashboard": _dashboard, "projects": _projects}
IN_A_CHILD = {"dashboard"}


def ask_first(database, section: str, today: dt.date) -> Future | None:
    """Start reading what the section shows first; its answer (or its error) arrives in the Future."""
    question = FIRST_QUESTIONS.get(section)
    if question is None:
        return None
    answer: Future = Future()
    child = _in_child(database, question, today) if section in IN_A_CHILD else None

    def read() -> None:
        try:
            if child is not None:
                result = child()
                if result is not _FAILED:
                    answer.set_result(result)
                    return
            with database.unit_of_work(write=False) as session:
                answer.set_result(question(session, today))
        except BaseException as error:  # given to the screen, which reports it as it reports any failure
            answer.set_exception(error)

    threading.Thread(target=read, name="crm-first-screen", daemon=True).start()
    return answer


def _in_child(database, question: Question, today: dt.date) -> Callable[[], Any] | None:
    """Fork a child that reads the answer; returns what waits for it (_FAILED if the child did not give
    one), or None where forking is not safe: not Linux, or threads already running (a fork copies only
    the thread that calls it)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: whatever happens, it ends here without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            database.engine.dispose(close=False)  # new connections; the parent's are left alone
            with database.unit_of_work(write=False) as session:
                data = pickle.dumps(question(session, today), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def wait() -> Any:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        return pickle.loads(data) if status == 0 and data else _FAILED

    return wait
