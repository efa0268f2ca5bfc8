"""Refusing hostile files: for each file of tests/hostile_files.py (and the issue's 470 MB sheet that
inflates 142:1), `crm import invitees FILE` as a new process, its wall time and peak memory, beside the
same command on a valid invitee list of about the same file size. Target: each hostile file refused
(exit 3) within 1 s and under 100 MB.

    python bench/bench_hostile.py [--runs 3] [--only TEXT]

Times are medians of the runs, peak memory the largest; a valid list imports into a fresh migrated
SQLite database each run."""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import import make_list, migrated  # noqa: E402
from tests.hostile_files import FAT_ROW, HOSTILE, bomb  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_MB = 100
BYTES_PER_ROW = 52  # of bench_import's lists as xlsx
CASES = HOSTILE | {"bomb 158,000 rows 142:1 (470 MB), the issue's": bomb("bomb-issue", rows=158_000, text=FAT_ROW)}


def run(url: str, path: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one `crm import invitees` process. Its peak is read by
    GNU time: a process forked from this one would report this one's peak as its own (Linux keeps the
    high-water mark across exec), and this one grows while it writes the files."""
    crm = shutil.which("crm") or sys.exit("crm is not installed (pip install -e .)")
    timer = shutil.which("time", path="/usr/bin:/bin") or sys.exit("GNU time (/usr/bin/time) is needed")
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        process = subprocess.run([timer, "-q", "-f", "%M", "-o", peak.name, crm, "--db", url, "import", "invitees",
                                  str(path), "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        return seconds, int(peak.read().split()[-1]) / 1024, process.returncode


def measure(path: Path, work: Path, runs: int, *, fresh: bool) -> tuple[float, float, set[int]]:
    samples = []
    for n in range(runs):
        url = str(work / (f"valid-{n}-{path.stem}.sqlite3" if fresh else "hostile.sqlite3"))
        if fresh or not Path(url).exists():
            migrated(url)
        samples.append(run(url, path))
        if fresh:
            Path(url).unlink()
    return (statistics.median(s[0] for s in samples), max(s[1] for s in samples), {s[2] for s in samples})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="the cases whose name contains this")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crm-bench-hostile-"))
    valid: dict[int, tuple[Path, float, float]] = {}
    failed = 0
    try:
        print(f"{'hostile file':<52} {'size':>9} {'refused':>8} {'peak':>7}   {'valid list':>10} {'import':>7} {'peak':>7}"
              f"  ≤ {TARGET_SECONDS:.0f} s, < {TARGET_MB} MB")
        for name, build in CASES.items():
            if args.only not in name:
                continue
            folder = work / f"case-{len(valid)}-{abs(hash(name))}"
            folder.mkdir()
            path = build(folder)
            size = path.stat().st_size
            seconds, peak, codes = measure(path, work, args.runs, fresh=False)
            rows = max(10, int(round(size / BYTES_PER_ROW, -1)))
            if rows not in valid:
                listed = work / f"valid-{rows}.xlsx"
                make_list(listed, rows)
                valid[rows] = (listed, *measure(listed, work, args.runs, fresh=True)[:2])
            listed, valid_seconds, valid_peak = valid[rows]
            met = codes == {3} and seconds <= TARGET_SECONDS and peak < TARGET_MB
            failed += not met
            print(f"{name:<52} {_size(size):>9} {seconds:7.2f}s {peak:5.0f} MB   {_size(listed.stat().st_size):>10}"
                  f" {valid_seconds:6.2f}s {valid_peak:5.0f} MB  {'met' if met else 'NOT met'}"
                  f"{'' if codes == {3} else f' (exit {sorted(codes)})'}", flush=True)
            shutil.rmtree(folder)
        print(f"target (refused with exit 3 within {TARGET_SECONDS:.0f} s, under {TARGET_MB} MB): "
              f"{'met' if not failed else f'NOT met by {failed}'}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} KB"


if __name__ == "__main__":
    raise SystemExit(main())
