"""`crm tui` from a terminal (tui/app.py, tui/first.py Start): the database is opened, checked and the
first screen read in a child forked once the database code is imported and before Textual is, and
whatever keeps the database from opening is still reported exactly as every other command reports it
(same line, same exit code), before the workbench takes the terminal.

The commands run in new interpreters: a pytest worker has threads of its own, and the child is forked
only where nothing else runs yet."""
from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crm.cli.main import main
from db.migrate import head_revision, script_directory, stored_revisions, upgrade
from db.session import Database

linux = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")

# `crm ARGS` in a new interpreter; prints, after the command, whether SQLAlchemy and Textual were imported
# at each fork.
CRM = """
import os, sys
forks = []
real_fork = os.fork
def fork():
    forks.append(("sqlalchemy" in sys.modules, "textual" in sys.modules))
    return real_fork()
os.fork = fork
from crm.cli.main import main
code = main(sys.argv[1:])
print("forks:", forks)
sys.exit(code)
"""


def crm(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRM, *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def behind(tmp_path: Path, sqlite_template: Path) -> Path:
    """A crm database one migration behind the program."""
    head = script_directory().get_revision(head_revision())
    path = tmp_path / "behind.sqlite3"
    database = Database(str(path))
    upgrade(database, head.down_revision, backup=False)
    database.dispose()
    return path


def not_sqlite(tmp_path: Path, _template: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    path.write_text("not a database\n")
    return path


def newer(tmp_path: Path, template: Path) -> Path:
    path = tmp_path / "newer.sqlite3"
    shutil.copy(template, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_a_newer_crm'")
    conn.close()
    return path


def not_there(tmp_path: Path, _template: Path) -> Path:
    return tmp_path / "no such folder" / "crm.sqlite3"


def foreign(tmp_path: Path, _template: Path) -> Path:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.close()
    return path


@linux
@pytest.mark.parametrize("make", [not_sqlite, newer, not_there, foreign])
def test_a_database_that_cannot_be_opened_is_reported_as_by_every_command(tmp_path, sqlite_template, make):
    path = make(tmp_path, sqlite_template)
    tui = crm("--db", path, "tui")
    other = crm("--db", path, "deadlines")
    assert tui.returncode == other.returncode == 5
    assert tui.stderr == other.stderr and tui.stderr.startswith("crm: ")
    assert tui.stdout == "forks: [(True, False)]\n"  # one child, forked after SQLAlchemy, before Textual


@linux
def test_a_locked_database_is_reported_as_by_every_command(tmp_path, sqlite_template):
    """Behind, so that opening it migrates it, and another connection holds the write lock."""
    path = behind(tmp_path, sqlite_template)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        env = {"CRM_SQLITE_BUSY_TIMEOUT": "0.2"}
        tui = crm("--db", path, "tui", env=env)
        other = crm("--db", path, "deadlines", env=env)
    finally:
        holder.rollback()
        holder.close()
    assert tui.returncode == other.returncode == 5
    assert tui.stderr == other.stderr and "0.2" in tui.stderr
    assert tui.stdout == "forks: [(True, False)]\n"


def test_without_a_child_the_database_is_opened_here_and_reported_the_same(tmp_path, monkeypatch, capsys):
    """Where the system cannot fork, `crm tui` opens the database before anything else, as before."""
    from tui.first import Start

    monkeypatch.setattr(Start, "fork", classmethod(lambda cls, *args, **kwargs: None))
    path = not_sqlite(tmp_path, None)
    assert main(["--db", str(path), "tui"]) == 5
    tui = capsys.readouterr()
    assert main(["--db", str(path), "deadlines"]) == 5
    assert capsys.readouterr().err == tui.err


# -- the child itself -------------------------------------------------------------------------------

START = """
import datetime as dt, os, sys
from tui.first import Start, FIRST_QUESTIONS

path, section, how, *red_after = sys.argv[1:]
today = dt.date(2026, 11, 27)
config = {"supervision": {"red_after_days": int(red_after[0])}} if red_after else {}  # config.toml's settings

def open_database():
    from db.session import Database
    if how == "silent":
        os._exit(3)  # the child ends without a word
    if how == "refused":
        raise RuntimeError("cannot")
    return Database(path)

def report(error):
    print("reported:", error, file=sys.stderr)
    return 7

start = Start.fork(open_database, section, today, report, config)
checked = start.ready()
print("ready:", checked, "exit code:", start.exit_code)
if start.exit_code is None:
    from db.session import Database
    database = Database(path)
    answer = start.answer(database).result(timeout=60)
    with database.unit_of_work(write=False) as session:
        print("same:", answer == FIRST_QUESTIONS[section](session, today, config))
    if red_after:
        print("orders:", *(order.state for order in answer.orders))
start.close()
"""


def start(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(START), *map(str, args)], capture_output=True,
                          text=True, timeout=120, check=True)


@linux
@pytest.mark.parametrize("section", ["dashboard", "projects"])
def test_the_child_reads_what_the_screen_would_read(demo_sqlite, section):
    done = start(demo_sqlite.url.database, section, "ok")
    assert done.stdout.splitlines() == ["ready: True exit code: None", "same: True"]


@linux
def test_the_child_reads_the_dashboard_with_the_settings_the_app_is_given(demo_sqlite):
    """An order 10 days late: red with red_after_days = 5 in config.toml, yellow by default (15)."""
    from tests.tui.test_first_screen import RED_AFTER, add_late_order

    add_late_order(demo_sqlite)
    for red_after, state in ((RED_AFTER, "red"), (15, "yellow")):
        done = start(demo_sqlite.url.database, "dashboard", "ok", red_after)
        assert done.stdout.splitlines() == ["ready: True exit code: None", "same: True", f"orders: {state}"]


@linux
def test_a_child_that_ends_without_a_word_leaves_the_database_and_the_question_to_the_parent(demo_sqlite):
    done = start(demo_sqlite.url.database, "dashboard", "silent")
    assert done.stdout.splitlines() == ["ready: False exit code: None", "same: True"]


@linux
def test_what_the_child_reports_is_said_once_with_its_exit_code(demo_sqlite):
    done = start(demo_sqlite.url.database, "dashboard", "refused")
    assert done.stdout.splitlines() == ["ready: False exit code: 7"]
    assert done.stderr == "reported: cannot\n"


# -- in a terminal ----------------------------------------------------------------------------------

def in_a_terminal(argv: list[str], env: dict, until: bytes, timeout: float = 60) -> bytes:
    """Runs argv in a pseudo-terminal until its output holds `until`, then quits it (Ctrl+Q); all it wrote."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while until not in output and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    output += os.read(fd, 1 << 16)
                except OSError:
                    break
        os.write(fd, b"\x11")
        quit_by = time.monotonic() + 10
        while time.monotonic() < quit_by and not os.waitpid(pid, os.WNOHANG)[0]:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    output += os.read(fd, 1 << 16)
                except OSError:
                    os.waitpid(pid, 0)
                    break
        else:
            if time.monotonic() >= quit_by:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return output


@linux
def test_a_database_behind_is_migrated_once_said_so_and_the_workbench_opens(tmp_path, sqlite_template):
    path = behind(tmp_path, sqlite_template)
    env = {**os.environ, "TERM": "xterm-256color", "CRM_LANG": "en"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    output = in_a_terminal([sys.executable, "-m", "crm.cli.main", "--lang", "en", "--db", str(path), "tui",
                            "--screen", "events"], env, until="events".encode())
    text = output.decode("utf-8", "replace")
    before_the_workbench = text.split("\x1b[?1049h", 1)[0]  # Textual's alternate screen
    assert "backup" in before_the_workbench.lower() and str(path.name) in before_the_workbench
    assert "\x1b[?1049h" in text  # the workbench opened
    database = Database(str(path))
    assert stored_revisions(database) == [head_revision()]
    database.dispose()
    assert len(list(tmp_path.glob("behind.sqlite3.before-migration-*"))) == 1


@linux
def test_the_dashboard_first_painted_by_crm_tui_colours_orders_by_config_toml(demo_sqlite, tmp_path):
    """The whole start (crm.cli → tui/app.py run_workbench → the child of tui/first.py Start): an order 10 days
    late is red on the first paint when config.toml says red after 5 days (yellow by the default, 15)."""
    from tests.tui.test_first_screen import RED_AFTER, add_late_order

    add_late_order(demo_sqlite)
    config = tmp_path / "config.toml"
    config.write_text(f"[supervision]\nred_after_days = {RED_AFTER}\n", encoding="utf-8")
    env = {**os.environ, "TERM": "xterm-256color", "CRM_CONFIG": str(config)}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    output = in_a_terminal([sys.executable, "-m", "crm.cli.main", "--lang", "en", "--db", demo_sqlite.url.database,
                            "tui"], env, until=b"orders 1:")
    assert " orders 1: 1 red · 0 yellow " in output.decode("utf-8", "replace")  # the 督办 card's title


# -- the workbench's arguments ----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    [], ["tui"], ["--db", "x.sqlite3"], ["--db=x.sqlite3", "tui", "--screen", "projects"],
    ["--lang", "en", "--user", "bob", "tui", "--screen=events"], ["--d", "x", "tui", "--scr", "contacts"],
    ["--db", "x", "--db", "y"], ["--db", ""],
])
def test_the_workbench_s_arguments_are_read_as_the_whole_parser_reads_them(argv):
    from crm.cli.main import argparse_language, build_parser, workbench_args

    with argparse_language():
        fast = workbench_args(argv)
        parser = build_parser()
        whole = parser.parse_args(argv)
        if whole.command is None:
            whole = parser.parse_args([*argv, "tui"])
    assert fast is not None and vars(fast) == vars(whole)


@pytest.mark.parametrize("argv", [
    ["--help"], ["--he"], ["-h"], ["tui", "-h"], ["--lang", "fr"], ["tui", "--screen", "nope"], ["projects", "list"],
    ["tui", "--db", "x"], ["--", "tui"], ["tui", "extra"], ["--db", "-x"],
])
def test_anything_else_is_left_to_the_whole_parser(argv):
    from crm.cli.main import argparse_language, workbench_args

    with argparse_language():
        assert workbench_args(argv) is None
