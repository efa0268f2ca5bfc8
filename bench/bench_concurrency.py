"""Writes per second with 8 processes editing one database at once (tests/concurrency_workload.py: version-
checked edits, follow-ups, figures, stage steps through crm/services), on SQLite and on PostgreSQL, beside
a baseline measured in the same run: one process alone. Every run is verified (nothing lost, history
complete, data consistent).

    python bench/bench_concurrency.py [--seconds 30] [--processes 8] [--pg postgresql://postgres@127.0.0.1/postgres]

PostgreSQL: --pg or CRM_TEST_DATABASE_URL names a server where a scratch database may be created."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db import migrate  # noqa: E402
from db.session import Database  # noqa: E402
from tests.concurrency_workload import prepare, run, verify  # noqa: E402


def scratch_sqlite(folder: str, name: str) -> str:
    return str(Path(folder) / f"{name}.sqlite3")


def scratch_pg(admin: str, name: str) -> str:
    url = make_url(admin).set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_pg(admin: str, name: str) -> None:
    engine = create_engine(make_url(admin).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def measure(url: str, processes: int, seconds: float) -> dict:
    database = Database(url)
    migrate.upgrade(database, backup=False)
    database.dispose()
    prepare(url)
    logs = run(url, processes=processes, seconds=seconds)
    problems = verify(url, logs)
    elapsed = max(log.seconds for log in logs)
    writes = sum(log.writes for log in logs)
    return {
        "processes": processes, "seconds": elapsed, "writes": writes, "per_second": writes / elapsed,
        "edits": sum(len(log.acked_edits) for log in logs), "stale": sum(len(log.refused_edits) for log in logs),
        "followups": sum(len(log.followups) for log in logs), "figures": sum(len(log.figures) for log in logs),
        "steps": sum(len(log.steps) for log in logs), "rules": sum(log.rule_refusals for log in logs),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--pg", default=os.environ.get("CRM_TEST_DATABASE_URL"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for processes in (1, args.processes):
            results.append(("sqlite", measure(scratch_sqlite(folder, f"bench{processes}"), processes, args.seconds)))
            if args.pg:
                name = f"crm_bench_{os.getpid()}_{processes}"
                try:
                    results.append(("postgresql", measure(scratch_pg(args.pg, name), processes, args.seconds)))
                finally:
                    drop_pg(args.pg, name)
    print(f"{'backend':<11} {'procs':>5} {'seconds':>7} {'writes':>7} {'writes/s':>9} {'edits':>6} {'stale':>6} "
          f"{'follow-ups':>10} {'figures':>7} {'steps':>6} {'rule':>5}  verified")
    failed = False
    for backend, r in results:
        print(f"{backend:<11} {r['processes']:>5} {r['seconds']:>7.1f} {r['writes']:>7} {r['per_second']:>9.1f} "
              f"{r['edits']:>6} {r['stale']:>6} {r['followups']:>10} {r['figures']:>7} {r['steps']:>6} {r['rules']:>5}  "
              + ("ok" if not r["problems"] else f"{len(r['problems'])} PROBLEMS"))
        for problem in r["problems"][:10]:
            print("   ", problem)
        failed |= bool(r["problems"])
    if not args.pg:
        print("PostgreSQL skipped: pass --pg URL or set CRM_TEST_DATABASE_URL")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
