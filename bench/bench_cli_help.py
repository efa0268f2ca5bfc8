"""`crm --help` must answer in under 0.3 s. Prints the median of repeated runs beside two baselines
measured in the same run: a bare interpreter, and one that imports what the full CLI would need."""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

RUNS = 15
TARGET_S = 0.3


def median_seconds(cmd: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    crm = shutil.which("crm")
    if crm is None:
        print("crm is not installed (pip install -e .)")
        return 1
    rows = [
        ("python -c pass (baseline)", median_seconds([sys.executable, "-c", "pass"])),
        ("crm --help", median_seconds([crm, "--help"])),
        ("python -m crm.cli.main --help", median_seconds([sys.executable, "-m", "crm.cli.main", "--help"])),
        ("eager imports (sqlalchemy, pandas, textual)",
         median_seconds([sys.executable, "-c", "import sqlalchemy, pandas, openpyxl, textual.app"])),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"median of {RUNS} runs")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:7.1f} ms")
    ok = rows[1][1] < TARGET_S
    print(f"target crm --help < {TARGET_S * 1000:.0f} ms: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
