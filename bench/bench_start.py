"""The workbench started from a terminal, as a person starts it: `crm` spawned in a pseudo-terminal of
120×40, everything it writes fed through a terminal emulator (pyte), the clock stopped when the emulated
screen shows

  * `crm tui`: the dashboard with its figures (the signed-projects tile shows its number), and
  * `crm tui --screen projects`: the project list with its first rows,

beside the floor measured the same way in the same run: an empty Textual app (an App with one Static)
started by the same interpreter, and that app again after importing the data layer (SQLAlchemy, the
models) — what no screen with data can start without. The clock runs from just before the process is forked; CPU is the
process's own (every thread, and the child it reads its first screen in) when the screen was seen. Runs
are interleaved, so the three share whatever else the machine is doing: the load average is printed
before and after, and a run on a busy machine says little (the workbench uses two cores as it starts,
the empty app one). The project's modules are compiled first, as installing a package does (with
PYTHONDONTWRITEBYTECODE set, every start would compile them again; the empty app's are compiled).
Target: each within 0.3 s of the empty app (medians).

    crm --db /tmp/large.sqlite3 demo --size large      # once, a few minutes
    python bench/bench_start.py --db /tmp/large.sqlite3
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import time

import pyte

COLUMNS, LINES = 120, 40
TARGET_OVER_EMPTY_S = 0.3
TIMEOUT_S = 60.0
QUIT_S = 5.0
EMPTY_MARK = "empty app painted"
EMPTY_APP = f"""
from textual.app import App
from textual.widgets import Static

class Empty(App):
    def compose(self):
        yield Static({EMPTY_MARK!r})

Empty().run()
"""
# The same empty app, after importing what any screen with data needs first (SQLAlchemy, the models,
# their mappers configured), one after the other as an app on one core would: not a target, the floor
# the data layer alone sets, measured in the same run.
DATA_LAYER_APP = """
import db.models
from sqlalchemy.orm import configure_mappers
configure_mappers()
""" + EMPTY_APP


def expected(database_url: str, today: dt.date) -> tuple[str, list[str]]:
    """What the screens must show: the signed-projects figure, the refs of the list's first rows."""
    from crm.services.dashboard import dashboard
    from crm.services.project_query import ProjectFilter, ProjectOrder, project_page
    from db.session import Database

    database = Database(database_url)
    with database.unit_of_work(write=False) as session:
        signed = dashboard(session, today).kpi["signed"]
        refs = [r.ref for r in project_page(session, ProjectFilter(), ProjectOrder("ref"), 0, 5)]
    database.dispose()
    return f"{signed:,}", refs


def compile_project() -> None:
    """The project's modules byte-compiled beside their sources, as pip does for an installed package."""
    import compileall
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    for package in ("crm", "db", "tui", "migrations"):
        compileall.compile_dir(root / package, quiet=1)


def cpu_seconds(pid: int) -> float:
    """User + system time of a running process, every thread, and of the children it has waited for
    (the workbench reads its first screen in one) (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


def spawn(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    """The command in a new pseudo-terminal (its controlling terminal), sized before the program starts."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            import fcntl
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, fd


def read(fd: int, timeout: float) -> bytes | None:
    """What the program wrote within `timeout` (b"" if nothing); None once the terminal has closed."""
    ready, _, _ = select.select([fd], [], [], max(timeout, 0))
    if not ready:
        return b""
    try:
        return os.read(fd, 1 << 16) or None
    except OSError:  # EIO: the program has exited and the terminal is gone
        return None


def stop(pid: int, fd: int) -> None:
    """Ctrl+Q as a person quits, reading what the program still writes; killed if it does not go."""
    try:
        os.write(fd, b"\x11")
    except OSError:
        pass
    deadline = time.monotonic() + QUIT_S
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        if read(fd, 0.05) is None:
            os.waitpid(pid, 0)
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def time_to_screen(argv: list[str], env: dict[str, str], shown) -> tuple[float, float]:
    """Wall time from the fork to the first moment the emulated screen satisfies `shown`, and the CPU the
    program had used by then."""
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    pid, fd = spawn(argv, env)
    try:
        while True:
            elapsed = time.perf_counter() - start
            if elapsed > TIMEOUT_S:
                raise RuntimeError(f"{' '.join(argv)}: not shown within {TIMEOUT_S:.0f} s:\n" + "\n".join(screen.display))
            data = read(fd, TIMEOUT_S - elapsed)
            if data is None:
                raise RuntimeError(f"{' '.join(argv)} exited before it was shown:\n" + "\n".join(screen.display))
            if data:
                stream.feed(data)
                if shown(screen.display):
                    return time.perf_counter() - start, cpu_seconds(pid)
    finally:
        stop(pid, fd)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/large.sqlite3", help="a database made by `crm demo --size large`")
    parser.add_argument("--today", default="2026-11-27", help="the as-of date the demo was made for")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    crm = shutil.which("crm")
    if crm is None:
        print("crm is not installed (pip install -e .)")
        return 2
    today = dt.date.fromisoformat(args.today)
    compile_project()
    signed, refs = expected(args.db, today)
    load_before = os.getloadavg()[0]
    env = {**os.environ, "TERM": "xterm-256color", "CRM_TODAY": today.isoformat(), "CRM_USER": "bench",
           "CRM_CONFIG": os.devnull + ".toml"}  # no user settings: the same start on any machine
    for name in ("COLUMNS", "LINES", "TEXTUAL", "CRM_LANG"):
        env.pop(name, None)

    def has(*words: str):
        return lambda lines: all(any(word in line for line in lines) for word in words)

    cases = [
        ("empty Textual app (baseline)", [sys.executable, "-c", EMPTY_APP], has(EMPTY_MARK)),
        ("  the same after SQLAlchemy and the models", [sys.executable, "-c", DATA_LAYER_APP], has(EMPTY_MARK)),
        ("crm tui → dashboard with its figures", [crm, "--db", args.db, "tui"], has(signed)),
        ("crm tui --screen projects → first rows", [crm, "--db", args.db, "tui", "--screen", "projects"], has(*refs)),
    ]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in cases}
    for run in range(args.runs):
        for name, argv, shown in cases[run % len(cases):] + cases[: run % len(cases)]:
            samples[name].append(time_to_screen(argv, env, shown))

    def median(name: str, which: int) -> float:
        return statistics.median(sample[which] for sample in samples[name])

    print(f"database {args.db} as of {today}: signed projects {signed}, first rows {', '.join(refs)}")
    print(f"process start → painted in a pseudo-terminal {COLUMNS}×{LINES}, median of {args.runs} interleaved runs "
          f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")
    print(f"  {'':<42}{'wall':>9}{'CPU':>10}{'wall − empty app':>19}{'wall min–max':>17}")
    floor = median(cases[0][0], 0)
    met = True
    for i, (name, _, _) in enumerate(cases):
        over = median(name, 0) - floor
        extra = f"{'+' if over >= 0 else ''}{over * 1000:.0f} ms" if i else ""
        walls = [sample[0] * 1000 for sample in samples[name]]
        spread = f"{min(walls):.0f}–{max(walls):.0f} ms"
        print(f"  {name:<42}{ms(median(name, 0))}  {ms(median(name, 1))}{extra:>19}{spread:>17}")
        met = met and (over <= TARGET_OVER_EMPTY_S or name.startswith(" "))  # the floor is no target
    print(f"target: within {TARGET_OVER_EMPTY_S * 1000:.0f} ms of the empty app: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
