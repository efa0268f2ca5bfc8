"""The first screen's data, asked for as `crm tui` starts, read while the main process imports Textual
and builds the App; the screen takes the answer instead of asking again (CrmApp.first_answer). No
Textual here, and no database code at import.

`Start` (where the system can fork: Linux): the database code (SQLAlchemy, the models, the module of
the first screen's question) is imported once, then a child is forked that opens the database as every
command does (creates or migrates it: crm.cli.context.Context.db) and reads the first screen's data on
another core, while the parent imports Textual and the screens and builds the App. The parent starts
the App only once the child has said the database is ready; a database the child could not open, the
child has reported as the command reports any failure (the same line on stderr) and the parent exits
with its exit code, the terminal untouched. A child that ends without a word leaves the parent to open
the database itself, and a first screen the child could not read is read here after all, so that a
failure is reported the way every other one is. The child uses connections of its own and sends the
answer back pickled; it is unpickled only when the screen takes it, in the worker that asks.

Why not fork before SQLAlchemy is imported: the screens import the models, so the parent would import
them as well, in parallel with the child: on an idle machine no sooner painted (its own path, Textual
after SQLAlchemy, is as long as the child's), and a quarter more work for two busy cores (slower as
soon as anything else runs; bench/bench_start.py measured both).

`ask_first` (the same question in a process whose database is already open, where `Start` cannot fork):
a child reads the dashboard where the system can fork and nothing else runs yet, a thread the project
list (a few index reads); the others ask once they are built."""
from __future__ import annotations

import datetime as dt
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# A question: (session, today, the user's settings: config.toml as the App has it) → the screen's data.
Question = Callable[["Session", dt.date, dict], Any]
_FAILED = object()  # what a child gives back when it could not answer


def read_dashboard(session: Session, as_of: dt.date, config: dict):
    """The dashboard as of a day with the user's settings (`[supervision] red_after_days`): the first
    screen's question and DashboardScreen.reload's alike, so that the first paint and a reload agree."""
    from crm.rules.supervision import red_after_days
    from crm.services.dashboard import dashboard

    return dashboard(session, as_of, red_after=red_after_days(config))


def _projects(session: Session, today: dt.date, config: dict):
    from tui.project_list import first_projects

    return first_projects(session, today)


FIRST_QUESTIONS: dict[str, Question] = {"dashboard": read_dashboard, "projects": _projects}
IN_A_CHILD = {"dashboard"}
# What both processes of `Start` need, imported before the fork: the database handle and each question's
# module (the screen that shows the answer imports it too).
SHARED_MODULES = ("db.session",)
QUESTION_MODULES = {"dashboard": ("crm.services.dashboard",), "projects": ("tui.project_list",)}


def ask_first(database, section: str, today: dt.date, config: dict) -> Future | None:
    """Start reading what the section shows first, with the settings the App is given (`config`); its
    answer (or its error) arrives in the Future."""
    question = FIRST_QUESTIONS.get(section)
    if question is None:
        return None
    answer: Future = Future()
    child = _in_child(database, question, today, config) if section in IN_A_CHILD else None

    def read() -> None:
        try:
            if child is not None:
                result = child()
                if result is not _FAILED:
                    answer.set_result(result)
                    return
            with database.unit_of_work(write=False) as session:
                answer.set_result(question(session, today, config))
        except BaseException as error:  # given to the screen, which reports it as it reports any failure
            answer.set_exception(error)

    threading.Thread(target=read, name="crm-first-screen", daemon=True).start()
    return answer


def _in_child(database, question: Question, today: dt.date, config: dict) -> Callable[[], Any] | None:
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
                data = pickle.dumps(question(session, today, config), protocol=pickle.HIGHEST_PROTOCOL)
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


# What the child says first: the database is ready, or it could not be opened (the exit code follows).
_READY, _REFUSED = b"R", b"F"
_CODE = struct.Struct("!i")


class Start:
    """The child that opens the database and reads the first screen's data while `crm tui` imports
    Textual (see the module's docstring). `ready()` before the App takes the terminal, `answer()` for
    the App, `close()` when the workbench has ended."""

    def __init__(self, pid: int, read_end: int, question: Question | None, today: dt.date, config: dict) -> None:
        self.pid = pid
        self._question = question
        self._today = today
        self._config = config
        self._said = threading.Event()
        self._word = b""  # _READY, _REFUSED + exit code, or b"" when the child ended without a word
        self._data: Future = Future()  # the pickled answer, b"" when the child could not read it
        self._exited = False  # reaped: its pid is no longer its own
        self._reaping = threading.Lock()
        threading.Thread(target=self._listen, args=(read_end,), name="crm-first-screen", daemon=True).start()

    @classmethod
    def fork(cls, open_database: Callable[[], Any], section: str, today: dt.date,
             report: Callable[[BaseException], int], config: dict) -> Start | None:
        """Fork the child, or None where that is not safe (not Linux, threads already running: a fork
        copies only the thread that calls it). In the child, `open_database()` opens and checks the
        database; `report(error)` tells the user why it could not, and gives the exit code. `config`: the
        settings the App will be given, which the first screen's question reads with."""
        if sys.platform != "linux" or threading.active_count() > 1:
            return None
        question = FIRST_QUESTIONS.get(section)
        for module in (*SHARED_MODULES, *QUESTION_MODULES.get(section, ())):
            importlib.import_module(module)
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            stream.flush()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: whatever happens, it ends here without running the parent's exit handlers
            try:
                os.close(read_end)
                _child(write_end, open_database, question, today, config, report)
            finally:
                os._exit(0)
        os.close(write_end)
        return cls(pid, read_end, question, today, config)

    def _listen(self, read_end: int) -> None:
        """Reads what the child says (the pickled answer may not fit in a pipe's buffer: read as it comes).
        Whatever happens, both waits end: a word not read is no word, an answer not read is read here."""
        data = b""
        try:
            with os.fdopen(read_end, "rb") as pipe:
                try:
                    word = pipe.read(1)
                    if word == _REFUSED:
                        word += pipe.read(_CODE.size)
                    self._word = word
                finally:
                    self._said.set()
                if word == _READY:
                    data = pipe.read()
        except OSError:
            data = b""
        finally:
            self._data.set_result(data)
            self._wait_child()

    def _wait_child(self, stop: bool = False) -> None:
        with self._reaping:
            if self._exited:
                return
            if stop:
                os.kill(self.pid, signal.SIGTERM)
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self._exited = True

    def ready(self) -> bool:
        """Waits for the child's first word: True once it has made the database ready; False when it could
        not (`exit_code` then says whether it has reported why) or ended without a word (this process
        then opens the database itself)."""
        self._said.wait()
        return self._word == _READY

    @property
    def exit_code(self) -> int | None:
        """The command's exit code when the child has reported why the database could not be opened."""
        word = self._word
        if word[:1] == _REFUSED and len(word) == 1 + _CODE.size:
            return _CODE.unpack(word[1:])[0]
        return None

    def answer(self, database) -> Answer | None:
        """The first screen's data for the App (None for a section without a first question); what the
        child could not read is read with `database` (this process's, checked) when the screen asks."""
        if self._question is None:
            return None
        return Answer(self._data, self._question, database, self._today, self._config)

    def close(self) -> None:
        """The workbench has ended (or never started): a child still at work is stopped."""
        self._wait_child(stop=True)


class Answer:
    """The first screen's data as a Future gives it (`result()`, for tui.db.DbClient.run_db): unpickled
    when asked, in the thread that asks, or read with this process's database when the child did not
    give it."""

    def __init__(self, data: Future, question: Question, database, today: dt.date, config: dict) -> None:
        self._data = data
        self._question = question
        self._database = database
        self._today = today
        self._config = config

    def result(self, timeout: float | None = None) -> Any:
        data = self._data.result(timeout)
        if data:
            try:
                return pickle.loads(data)
            except Exception:  # not what the child meant to send: read it here
                pass
        with self._database.unit_of_work(write=False) as session:
            return self._question(session, self._today, self._config)


def _child(write_end: int, open_database: Callable[[], Any], question: Question | None, today: dt.date,
           config: dict, report: Callable[[BaseException], int]) -> None:
    """The child's work: open the database, say whether it could, then read the first screen's data.
    After its first word it prints nothing: what fails then is read again, and reported, by the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C while the workbench starts is the parent's to report
    with os.fdopen(write_end, "wb") as pipe:
        try:
            database = open_database()
        except (Exception, KeyboardInterrupt) as error:  # what the command reports (SystemExit: the parent's)
            code = report(error)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            pipe.write(_REFUSED + _CODE.pack(code))
            return
        pipe.write(_READY)
        pipe.flush()
        if question is None:
            return
        try:
            with database.unit_of_work(write=False) as session:
                data = pickle.dumps(question(session, today, config), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent reads it again and reports what fails
            return
        try:
            pipe.write(data)
        except BrokenPipeError:  # the parent has gone
            pass
