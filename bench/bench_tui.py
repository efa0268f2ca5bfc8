"""The workbench on `crm demo --size large` (10,000 projects, 200,000 follow-ups), headless at 120×40:

  * start → dashboard painted with its figures   (target ≤ 0.5 s)
  * start → project list painted with its rows   (target ≤ 0.5 s)
  * key → paint when moving through the list, p50 / p95 (target ≤ 50 ms), line by line and page by page

"start" is the App being constructed and run (Python, crm and Textual already imported, the database
already migrated); "painted" is the refresh after the screen applied the rows it asked for. Baselines
measured in the same run: an App with nothing in it (the floor for a first paint), and Textual's stock
DataTable filled with the same 10,000 rows (first paint, and key → paint). On a shorter list (`demo --size
small`) the cursor goes back to the top, untimed, whenever it reaches the last row.

    crm --db /tmp/large.sqlite3 demo --size large      # once, about a minute
    python bench/bench_tui.py --db /tmp/large.sqlite3
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import time

from rich.text import Text
from textual import events
from textual.app import App
from textual.widgets import DataTable, Static

from crm.services.project_query import ProjectFilter, ProjectOrder, count_projects, project_page
from db.session import Database
from tui.workbench import CrmApp
from tui.messages import DataShown

SIZE = (120, 40)
TARGET_START_S = 0.5
TARGET_KEY_S = 0.050
KEY_TIMEOUT_S = 10.0


async def painted(app: App) -> None:
    """Return once the screen has been refreshed after everything queued so far."""
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


async def start_to_shown(database: Database, screen: str, today: dt.date) -> tuple[float, float]:
    """Wall time and the process's CPU time (all threads) from start to the data painted."""
    shown = asyncio.Event()

    def hook(message) -> None:
        if isinstance(message, DataShown) and message.what == screen:
            shown.set()

    start, cpu = time.perf_counter(), time.process_time()
    app = CrmApp(database, screen=screen, login="bench", today=today)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await asyncio.wait_for(shown.wait(), 60)  # posted after the refresh that painted the data
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        await pilot.pause()
    return elapsed, used


async def key_to_paint(app: App, table, key: str) -> float:
    """Send one key as the terminal would (not through Pilot.press, which waits for the process to go
    idle) and time it until the moved cursor has been painted. On the last row of a short list the cursor
    first goes back to the top, untimed, as a person would: there a key down would move nothing."""
    if table.cursor_row >= table.row_count - 1:
        table.move_cursor(row=0)
        await painted(app)
    before = table.cursor_row
    start = time.perf_counter()
    app._driver.send_message(events.Key(key, None))
    while table.cursor_row == before:
        if time.perf_counter() - start > KEY_TIMEOUT_S:
            raise RuntimeError(f"the key {key!r} did not move the cursor from row {before + 1} in {KEY_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0)
    await painted(app)
    return time.perf_counter() - start


async def key_latencies(database: Database, today: dt.date, keys: list[str]) -> list[float]:
    shown = asyncio.Event()
    app = CrmApp(database, screen="projects", login="bench", today=today)
    hook = lambda message: isinstance(message, DataShown) and message.what == "projects" and shown.set()  # noqa: E731
    samples = []
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await asyncio.wait_for(shown.wait(), 60)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#projects")
        for key in keys:
            samples.append(await key_to_paint(app, table, key))
            # Rows of a page not read yet arrive from a worker: let them land before the next key, as
            # they would while a person reads the list.
            await app.workers.wait_for_complete()
    return samples


class EmptyApp(App):
    def compose(self):
        yield Static(Text("…"))


async def empty_start() -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    app = EmptyApp()
    async with app.run_test(size=SIZE) as pilot:
        await painted(app)
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        await pilot.pause()
    return elapsed, used


PROJECT_COLUMNS = ("编号", "项目名称", "投资方", "产业", "所在地", "金额(万元)", "签约日期", "阶段", "状态", "责任单位")


class StockTableApp(App):
    """The baseline: Textual's stock DataTable holding every row."""

    def __init__(self, rows, columns=PROJECT_COLUMNS) -> None:
        super().__init__()
        self.rows = rows
        self.columns = columns

    def compose(self):
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.columns)
        table.add_rows(self.rows)
        table.focus()


def all_rows(database: Database) -> list[tuple]:
    with database.unit_of_work(write=False) as session:
        flt = ProjectFilter()
        rows = project_page(session, flt, ProjectOrder("ref"), 0, count_projects(session, flt))
    return [tuple(Text(str(v)) if v is not None else Text("—") for v in (
        r.ref, r.name, r.investor, r.industry, r.city, r.amount, r.signed_on, r.stage.value, r.status.value, r.unit))
        for r in rows]


async def stock_table(rows, keys: list[str]) -> tuple[float, list[float]]:
    start = time.perf_counter()
    app = StockTableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await painted(app)
        first = time.perf_counter() - start
        table = app.query_one(DataTable)
        samples = [await key_to_paint(app, table, key) for key in keys]
    return first, samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


async def run(args) -> int:
    database = Database(args.db)
    today = dt.date.fromisoformat(args.today)
    with database.unit_of_work(write=False) as session:
        projects = count_projects(session, ProjectFilter())
    if projects < 2:
        print(f"database {database.display_url} has {projects} project(s): nothing to move through; "
              "make one with `crm --db FILE demo --size large`")
        return 2
    print(f"database {database.display_url}: {projects:,} projects; as of {today}; {args.runs} runs; terminal 120×40")
    if projects < args.keys:
        print("(a short list: at its last row the cursor goes back to the top, untimed; the figures are not those "
              "of `demo --size large`)")

    empty = [await empty_start() for _ in range(args.runs)]
    dashboard = [await start_to_shown(database, "dashboard", today) for _ in range(args.runs)]
    projects_list = [await start_to_shown(database, "projects", today) for _ in range(args.runs)]
    line_keys = ["down"] * args.keys
    page_keys = ["pagedown"] * (args.keys // 4)
    lines = await key_latencies(database, today, line_keys)
    pages = await key_latencies(database, today, page_keys)

    rows = all_rows(database)
    stock_first, stock_lines = await stock_table(rows, line_keys[: args.keys // 2])

    def median(samples, which: int) -> float:
        return statistics.median(sample[which] for sample in samples)

    load = os.getloadavg()[0]
    print()
    print(f"start → painted, median of runs (load average {load:.1f} on {os.cpu_count()} cores; CPU = all threads)")
    print("                                              wall        CPU")
    for name, samples in (("empty Textual app (baseline)", empty), ("dashboard with figures", dashboard),
                          ("project list with rows", projects_list)):
        print(f"  {name:<39}{ms(median(samples, 0))} {ms(median(samples, 1))}")
    print(f"  stock DataTable, all {len(rows):,} rows (baseline) {ms(stock_first)}")
    print("key → paint in the project list            p50        p95        max")
    for name, samples in (("down, line by line", lines), ("pagedown, page by page", pages),
                          ("stock DataTable down (baseline)", stock_lines)):
        print(f"  {name:<39}{ms(percentile(samples, 50))} {ms(percentile(samples, 95))} {ms(max(samples))}")

    for name, value, target in (
        ("dashboard painted", median(dashboard, 0), TARGET_START_S),
        ("project list painted", median(projects_list, 0), TARGET_START_S),
        ("down, p95", percentile(lines, 95), TARGET_KEY_S),
        ("pagedown, p95", percentile(pages, 95), TARGET_KEY_S),
    ):
        print(f"target {name} ≤ {target * 1000:.0f} ms: {'met' if value <= target else 'NOT met'} ({value * 1000:.0f} ms)")
    met = (median(dashboard, 0) <= TARGET_START_S and median(projects_list, 0) <= TARGET_START_S
           and percentile(lines, 95) <= TARGET_KEY_S and percentile(pages, 95) <= TARGET_KEY_S)
    database.dispose()
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/large.sqlite3", help="a database made by `crm demo --size large`")
    parser.add_argument("--today", default="2026-11-27", help="the as-of date the demo was made for")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=200, help="keys pressed line by line (a quarter as pages)")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
