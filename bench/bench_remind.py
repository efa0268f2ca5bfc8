"""`crm remind --dry-run` on `crm demo --size large` (10,000 projects) with 200 staff responsible for
them (projects spread over the 200 by id, 60 supervision orders), every one with an e-mail address in
config.toml, the cities' shared inboxes and a group robot of each platform: end to end in a new process
(start-up, every digest, the text printed). Target: under 3 s.

    python bench/bench_remind.py [--db PATH]    (default: a fresh large demo in a temporary folder; a
                                                 database given is changed: staff and orders added once)
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
TARGET_S = 3.0
TODAY = "2026-11-27"
STAFF = 200
ORDERS = 60


def crm_script() -> str | None:
    beside = Path(sys.executable).with_name("crm")
    return str(beside) if beside.exists() else shutil.which("crm")


def add_staff_and_orders(database: str) -> None:
    """200 staff of the offices and cities, each responsible for every 200th project; 60 orders."""
    from sqlalchemy import func, select, update

    from db.models import Project, Staff, SupervisionOrder, Unit, UnitKind
    from db.session import Database

    from crm.services.supervision import add_order

    db = Database(database)
    try:
        with db.unit_of_work(actor=None) as session:
            if session.scalar(select(Staff.id).where(Staff.login == "zs000")) is not None:
                return
            units = list(session.scalars(select(Unit).where(Unit.kind.in_((UnitKind.OFFICE, UnitKind.CITY)))
                                         .order_by(Unit.id)))
            people = [Staff(login=f"zs{n:03d}", name=f"测试人员{n:03d}", unit_id=units[n % len(units)].id)
                      for n in range(STAFF)]
            session.add_all(people)
            session.flush()
            first = people[0].id
            session.execute(update(Project).values(responsible_staff_id=first + Project.id % STAFF)
                            .execution_options(crm_unaudited=True))
            today = dt.date.fromisoformat(TODAY)
            refs = session.scalars(select(Project.ref).where(Project.signed_on <= today - dt.timedelta(days=40)).order_by(Project.id)
                                   .limit(ORDERS)).all()
            if not session.scalar(select(func.count()).select_from(SupervisionOrder)):
                for n, ref in enumerate(refs):
                    add_order(session, ref, unit=units[n % len(units)].name, note="请于期限前回复推进情况",
                              on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=n % 30),
                              today=today)
    finally:
        db.dispose()


def write_config(path: Path, database: str) -> None:
    from sqlalchemy import select

    from db.models import Staff, Unit, UnitKind
    from db.session import Database

    db = Database(database)
    try:
        with db.unit_of_work(write=False) as session:
            logins = session.scalars(select(Staff.login).where(Staff.login.like("zs%")).order_by(Staff.login)).all()
            cities = session.scalars(select(Unit.name).where(Unit.kind == UnitKind.CITY).order_by(Unit.id)).all()
            offices = session.scalars(select(Unit.name).where(Unit.kind == UnitKind.OFFICE).order_by(Unit.id)).all()
    finally:
        db.dispose()
    lines = ['[remind.email]', 'host = "smtp.example.gov.cn"', 'port = 465', 'security = "ssl"', 'user = "crm"',
             'sender = "crm@example.gov.cn"', '', '[remind.addresses]']
    lines += [f'{login} = "{login}@example.gov.cn"' for login in logins]
    lines += ['', '[remind.unit_addresses]']
    lines += [f'"{name}" = "city{n}@example.gov.cn"' for n, name in enumerate(cities)]
    for kind, office in zip(("wecom", "dingtalk", "feishu"), offices):
        lines += ['', '[[remind.webhooks]]', f'kind = "{kind}"', f'url = "https://robot.example.invalid/{kind}?key=k"',
                  f'unit = "{office}"', 'secret = "s"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(cmd: list[str], env: dict) -> float:
    return measure(cmd, env)[0]


def measure(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the CPU time is the figure a busy machine leaves alone)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing large demo database (SQLite file or URL)")
    args = parser.parse_args()
    crm = crm_script()
    if crm is None:
        print("crm is not installed (pip install -e .)")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-remind-") as folder:
        work = Path(folder)
        config = work / "config.toml"
        env = {**os.environ, "CRM_TODAY": TODAY, "CRM_CONFIG": str(config), "CRM_USER": "bench"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")  # as installed: with its bytecode cache
        database = args.db or str(work / "large.sqlite3")
        if not args.db:
            seconds = timed([crm, "--db", database, "demo", "--size", "large"], {**env, "CRM_CONFIG": "/nonexistent"})
            print(f"crm demo --size large: {seconds:.1f} s")
        os.environ["CRM_TODAY"] = TODAY
        add_staff_and_orders(database)
        write_config(config, database)
        command = [crm, "--db", database, "remind", "--dry-run"]
        timed(command, env)  # warm the file and bytecode caches (and migrate an older database)
        measured = [measure(command, env) for _ in range(RUNS)]
        runs, cpu = [m[0] for m in measured], [m[1] for m in measured]
        report = json.loads(subprocess.run([*command, "--json"], env=env, capture_output=True, text=True).stdout)
    recipients = report["recipients"]
    figure = statistics.median(runs)
    print(f"{len(recipients)} recipients ({sum(1 for r in recipients if r['channel'] == 'email')} by e-mail), "
          f"{report['would_send']:,} items; median of {RUNS} runs; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"crm remind --dry-run: {figure:.2f} s wall, {statistics.median(cpu):.2f} s CPU (wall min {min(runs):.2f}, "
          f"max {max(runs):.2f}; target < {TARGET_S:g} s): {'met' if figure < TARGET_S else 'NOT met'}")
    return 0 if figure < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
