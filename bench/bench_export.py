"""`crm export weekly` on `crm demo --size large` (10,000 projects), end to end (a new process: start-up,
queries, five sheets, the file), against a baseline measured in the same run: XlsxWriter in
constant_memory mode writing the same grid of values (read back from our workbook, every sheet), and
for comparison the same grid in XlsxWriter's normal mode. Target: ours <= 1.5 x the baseline.

Ours runs as an installed program runs: with Python's bytecode cache (pip compiles it at install time; a
first run writes it otherwise). Where PYTHONDONTWRITEBYTECODE is set, as in this sandbox, every run would
compile the project's modules again (~0.06 s), so the cache is kept in the temporary folder
(PYTHONPYCACHEPREFIX, never in the checkout), and that slower figure is printed as well.

    python bench/bench_export.py [--db PATH]    (default: a fresh large demo in a temporary folder)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
TARGET_RATIO = 1.5
TODAY = "2026-11-27"

# Runs one command and reports its wall time and the peak memory of that process alone.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
if done.returncode:
    sys.exit(done.stderr)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}))
"""


def measure(cmd: list[str], env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout)


def crm_script() -> str | None:
    """The installed `crm` script beside this interpreter: a version manager's shim found first on PATH
    (pyenv's is a shell script running `pyenv exec`) would add its own start-up to every run."""
    beside = Path(sys.executable).with_name("crm")
    return str(beside) if beside.exists() else shutil.which("crm")


def read_grid(path: Path) -> list[tuple[str, list[list]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def write_grid(grid: list[tuple[str, list[list]]], path: Path, *, constant_memory: bool) -> dict:
    """The same values, each with the natural XlsxWriter call for its type; empty cells are skipped."""
    import xlsxwriter

    start, cpu = time.perf_counter(), time.process_time()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in grid:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value:
                        sheet.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing large demo database (SQLite file or URL)")
    parser.add_argument("--month", help="the monthly form (e.g. 2026-11) instead of the week of today")
    args = parser.parse_args()
    crm = crm_script()
    if crm is None:
        print("crm is not installed (pip install -e .)")
        return 1
    env = {**os.environ, "CRM_TODAY": TODAY, "CRM_CONFIG": "/nonexistent/crm-config.toml"}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        work = Path(folder)
        database = args.db or str(work / "large.sqlite3")
        if not args.db:
            loaded = measure([crm, "--db", database, "demo", "--size", "large"], env)
            print(f"crm demo --size large: {loaded['seconds']:.1f} s")
        ours_path = work / "weekly.xlsx"
        period = ["--month", args.month] if args.month else ["--as-of", TODAY]
        export = [crm, "--db", database, "export", "weekly", *period, "--out", str(ours_path)]
        installed = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
        installed["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        measure(export, installed)  # warm the file and bytecode caches (and migrate an older database)
        grid = read_grid(ours_path)
        ours, compiling, constant, normal = [], [], [], []
        for _ in range(RUNS):  # interleaved, so that a busy moment weighs on both sides alike
            ours.append(measure(export, installed))
            if env.get("PYTHONDONTWRITEBYTECODE"):
                compiling.append(measure(export, env))
            constant.append(write_grid(grid, work / "cm.xlsx", constant_memory=True))
            normal.append(write_grid(grid, work / "normal.xlsx", constant_memory=False))

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    cells = sum(1 for _, rows in grid for row in rows for v in row if v != "")
    print(f"{len(grid[0][1]) - 3:,} projects on 项目推进表; {cells:,} non-empty cells on {len(grid)} sheets; "
          f"median of {RUNS} runs; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rows = [
        ("xlsxwriter constant_memory, same grid (baseline)", constant),
        ("xlsxwriter normal mode, same grid", normal),
        ("crm export weekly, end to end", ours),
    ]
    if compiling:
        rows.append(("  the same, compiling its modules on every run", compiling))
    width = max(len(name) for name, _ in rows)
    print(f"{'':<{width}}  {'wall':>7}  {'cpu':>7}")
    for name, runs in rows:
        print(f"{name:<{width}}  {median(runs, 'seconds'):6.2f}s  {median(runs, 'cpu'):6.2f}s")
    print(f"peak memory of crm export weekly: {max(r['rss_mb'] for r in ours):.0f} MB")
    ratio = median(ours, "seconds") / median(constant, "seconds")
    cpu_ratio = median(ours, "cpu") / median(constant, "cpu")
    print(f"ours / baseline: wall {ratio:.2f}, cpu {cpu_ratio:.2f} (target <= {TARGET_RATIO}): "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    if compiling:
        print(f"  compiling on every run: wall {median(compiling, 'seconds') / median(constant, 'seconds'):.2f}, "
              f"cpu {median(compiling, 'cpu') / median(constant, 'cpu'):.2f}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
