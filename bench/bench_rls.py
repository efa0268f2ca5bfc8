"""The workbench and the contact search under PostgreSQL row-level security (issue 14), owner beside city login.

On `crm demo --size large`: makes (or with --reuse keeps) a database crm_rls_bench owned by
crm_rls_bench_owner (CREATEROLE), loads the large demo as the owner, adds a park under 南昌市政府 and the
staff member nc_bench of 南昌市政府 with a login of their own (`crm db create-login`), then runs, once as
the owner and once as nc_bench (connected as nc_bench, CRM_USER=nc_bench):

  * bench/bench_tui.py       start → dashboard / project list painted, key → paint in the project list
  * bench/bench_contacts.py  contacts first paint, End → last row, keystroke → search results painted
  * crm projects list --json, crm report kpi --json, crm export weekly (wall time, median of --cli-runs)
  * EXPLAIN ANALYZE of the dashboard's slowest statement as each login, with the server's settings and
    with jit off (the planner's cost, execution and JIT compile times)

and prints the figures side by side (owner | city login | target | met?) with how many projects each sees.

The two bench scripts build their Database without a scope (they were written for one user); here they run
in a child process whose Database asks for the scope of CRM_USER as the CLI does (crm.cli.context), so the
city login is measured as `crm tui` runs for it: the app's own filter (db.scope) and the database's policies
together. --rls-only leaves the app's filter out (policies alone).

    python bench/bench_rls.py                 # first run: setup and demo load, about a minute
    python bench/bench_rls.py --reuse         # later runs keep the database (left in place for them)

Only 127.0.0.1; the cluster's superuser `postgres` (trust) creates and drops only crm_rls_bench,
crm_rls_bench_owner and nc_bench.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HOST, PORT = "127.0.0.1", 5432
DATABASE = "crm_rls_bench"
OWNER = "crm_rls_bench_owner"
CITY_LOGIN = "nc_bench"
CITY_UNIT = "南昌市政府"
PARK_UNIT = "南昌高新区"
OWNER_PASSWORD = "owner-bench-password"  # trust on 127.0.0.1: sent all the same, as a deployment would
CITY_PASSWORD = "nc-bench-password"
TODAY = "2026-11-27"  # the as-of date the demo is made for (bench_tui.py, bench_contacts.py)
HERE = Path(__file__).resolve().parent
LOGS = Path(tempfile.gettempdir()) / "crm_rls_bench_logs"
PGOPTIONS = ""  # --pgoptions: server settings for every measured connection (e.g. "-c jit=off")


def url(login: str, database: str = DATABASE) -> str:
    return f"postgresql://{login}@{HOST}:{PORT}/{database}"


# --- setting up ------------------------------------------------------------------------------------------

def admin():
    from sqlalchemy import create_engine

    return create_engine(f"postgresql+psycopg://postgres@{HOST}:{PORT}/postgres", isolation_level="AUTOCOMMIT")


def sql_as(login: str, statement: str, params: dict | None = None):
    """One scalar, read as `login` on the bench database (what its policies let it see)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"postgresql+psycopg://{login}@{HOST}:{PORT}/{DATABASE}",
                           connect_args={"password": OWNER_PASSWORD if login == OWNER else CITY_PASSWORD})
    try:
        with engine.connect() as conn:
            return conn.scalar(text(statement), params or {})
    finally:
        engine.dispose()


def env_for(login: str, **extra) -> dict:
    env = dict(os.environ, CRM_TODAY=TODAY, CRM_USER=login, CRM_LANG="en",
               PGPASSWORD=OWNER_PASSWORD if login == OWNER else CITY_PASSWORD)
    env.pop("CRM_DATABASE_URL", None)
    if PGOPTIONS:
        env["PGOPTIONS"] = PGOPTIONS
    env.update(extra)
    return env


def crm(login: str, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "crm"), "--db", url(login), *args]
    done = subprocess.run(command, env=env or env_for(login), capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}{done.stderr}")
    return done


def setup(reuse: bool) -> None:
    from sqlalchemy import text

    engine = admin()
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE})
        if exists and not reuse:
            print(f"dropping {DATABASE} (no --reuse)")
            conn.exec_driver_sql(f'DROP DATABASE {DATABASE} WITH (FORCE)')
            exists = False
        if not exists:
            # The city login belongs to the old bench database only (its grants went with it).
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {CITY_LOGIN}")
            if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": OWNER}):
                conn.exec_driver_sql(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")
            conn.exec_driver_sql(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
            print(f"created database {DATABASE} owned by {OWNER} (CREATEROLE)")
    engine.dispose()

    step("crm db upgrade", lambda: crm(OWNER, "db", "upgrade"))
    projects = sql_as(OWNER, "SELECT count(*) FROM projects")
    if projects < 10_000:
        step("crm demo --size large (under a minute here)",
             lambda: crm(OWNER, "demo", "--size", "large", *(["--force"] if projects else [])))
    if not sql_as(OWNER, "SELECT 1 FROM units WHERE name = :n", {"n": PARK_UNIT}):
        step(f"crm units add {PARK_UNIT} --kind park --parent {CITY_UNIT}",
             lambda: crm(OWNER, "units", "add", PARK_UNIT, "--kind", "park", "--parent", CITY_UNIT))
    if not sql_as(OWNER, "SELECT 1 FROM staff WHERE login = :l", {"l": CITY_LOGIN}):
        step(f"crm staff add {CITY_LOGIN} --unit {CITY_UNIT}",
             lambda: crm(OWNER, "staff", "add", CITY_LOGIN, "--unit", CITY_UNIT))
    if not sql_as(OWNER, "SELECT 1 FROM pg_roles WHERE rolname = :r", {"r": CITY_LOGIN}):
        step(f"CRM_NEW_PASSWORD=… crm db create-login {CITY_LOGIN}",
             lambda: crm(OWNER, "db", "create-login", CITY_LOGIN,
                         env=env_for(OWNER, CRM_NEW_PASSWORD=CITY_PASSWORD)))
    # Fresh statistics for the planner, as autovacuum would have them on a database in use.
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", DATABASE, "-qc", "ANALYZE"], check=True)


def step(name: str, action) -> None:
    start = time.perf_counter()
    print(f"  {name} …", end="", flush=True)
    action()
    print(f" {time.perf_counter() - start:.1f} s")


# --- the child: a bench script with the CLI's scope -------------------------------------------------------

def child(script: str, argv: list[str], rls_only: bool) -> None:
    """Run a bench script as __main__, its Database asking for CRM_USER's scope as crm.cli.context does."""
    import runpy

    import db.session
    from crm.services.actor import current_login

    login = current_login()
    plain = db.session.Database

    class Scoped(plain):
        def __init__(self, url=None, **kw):
            if kw.get("scope") is None and not rls_only:
                from crm.rules.scope import scope_of

                kw["scope"] = lambda session: scope_of(session, login)
            super().__init__(url, **kw)

    db.session.Database = Scoped
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *argv]
    runpy.run_path(script, run_name="__main__")


# --- measuring --------------------------------------------------------------------------------------------

class LoadSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def run_bench(who: str, login: str, script: str, argv: list[str], rls_only: bool) -> tuple[str, float]:
    command = [sys.executable, str(HERE / "bench_rls.py"), "--child", str(HERE / script),
               *(["--rls-only"] if rls_only else []), "--", "--db", url(login), *argv]
    start = time.perf_counter()
    done = subprocess.run(command, env=env_for(login), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    LOGS.mkdir(exist_ok=True)
    (LOGS / f"{Path(script).stem}.{who}.log").write_text(done.stdout + done.stderr)
    if done.returncode not in (0, 1):  # 1: a target missed, still figures to read
        raise SystemExit(f"{script} as {who} failed ({done.returncode}):\n{done.stdout}{done.stderr[-3000:]}")
    return done.stdout, elapsed


NUMBER = r"([\d,]+(?:\.\d+)?)"


def parse_tui(out: str) -> dict:
    f = {"projects": int(re.search(r"([\d,]+) projects;", out).group(1).replace(",", "")),
         "load": float(re.search(r"load average ([\d.]+)", out).group(1))}
    for key, label in (("empty", "empty Textual app (baseline)"), ("dashboard", "dashboard with figures"),
                       ("projects_list", "project list with rows")):
        m = re.search(re.escape(label) + r"\s+" + NUMBER + r" ms\s+" + NUMBER + " ms", out)
        f[key], f[key + "_cpu"] = float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
    for key, label in (("down", "down, line by line"), ("pagedown", "pagedown, page by page"),
                       ("stock_down", "stock DataTable down (baseline)")):
        m = re.search(re.escape(label) + r"\s+" + NUMBER + r" ms\s+" + NUMBER + r" ms\s+" + NUMBER + " ms", out)
        f[key + "_p50"], f[key + "_p95"], f[key + "_max"] = (float(m.group(i).replace(",", "")) for i in (1, 2, 3))
    return f


SEARCHES = ("1-character Chinese", "2-character Chinese", "3-character Chinese", "pinyin initials")


def parse_contacts(out: str) -> dict:
    f = {"contacts": int(re.search(r"([\d,]+) contacts;", out).group(1).replace(",", "")),
         "load": float(re.search(r"load average ([\d.]+)", out).group(1))}
    f["first"] = float(re.search(r"contacts screen, [\d,]+ rows\s+" + NUMBER + " ms", out).group(1).replace(",", ""))
    last = re.search(r"End → last row painted \(median\)\s+" + NUMBER + " ms", out)
    f["last"] = float(last.group(1).replace(",", ""))
    section = None
    for raw in out.splitlines():
        if raw.startswith("key → search results painted"):
            section = "key"
        elif "the same, CPU time" in raw:
            section = "key_cpu"
        elif raw.startswith("search service alone"):
            section = "service"
        elif section:
            for i, name in enumerate(SEARCHES):
                m = re.match(r"\s+" + re.escape(name) + r"\s+" + NUMBER + r" ms\s+" + NUMBER + " ms", raw)
                if m:
                    f[f"{section}{i}_p50"] = float(m.group(1).replace(",", ""))
                    f[f"{section}{i}_p95"] = float(m.group(2).replace(",", ""))
    return f


def time_cli(login: str, runs: int, out_dir: Path) -> dict:
    """Wall time of the three commands (median of runs) and what they return."""
    f: dict = {}
    for key, args in (("list", ("projects", "list", "--json")), ("kpi", ("report", "kpi", "--json")),
                      ("weekly", ("export", "weekly", "--out", str(out_dir / f"weekly.{login}.xlsx")))):
        walls, done = [], None
        for _ in range(runs):
            start = time.perf_counter()
            done = crm(login, *args)
            walls.append(time.perf_counter() - start)
        f[key] = statistics.median(walls) * 1000
        if key == "list":
            f["list_count"] = len(json.loads(done.stdout))
        elif key == "kpi":
            f["kpi_signed"] = json.loads(done.stdout).get("signed")
    return f


def dashboard_statement(login: str) -> str:
    """The dashboard's slowest statement as `login` runs it (crm.services.dashboard, with the CLI's scope),
    its parameters inlined."""
    import datetime as dt

    import psycopg
    from sqlalchemy import event

    from crm.rules.scope import scope_of
    from crm.services.dashboard import dashboard
    from db.session import Database

    password = OWNER_PASSWORD if login == OWNER else CITY_PASSWORD
    database = Database(f"postgresql://{login}:{password}@{HOST}:{PORT}/{DATABASE}",
                        scope=lambda session: scope_of(session, login))
    seen: list[tuple[float, str, object]] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, many):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(database.engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, many):
        seen.append((time.perf_counter() - conn.info["bench_started"], statement, parameters))

    with database.unit_of_work(write=False) as session:
        dashboard(session, dt.date.fromisoformat(TODAY))
    database.dispose()
    _, statement, parameters = max(seen, key=lambda s: s[0])
    with psycopg.connect(host=HOST, port=PORT, dbname=DATABASE, user=login, password=password) as conn:
        return psycopg.ClientCursor(conn).mogrify(statement, parameters)


def explain(login: str, statement: str, runs: int, pgoptions: str = "") -> dict:
    """EXPLAIN ANALYZE of `statement` as `login`, `runs` times: planner's cost, execution and JIT times."""
    import psycopg

    password = OWNER_PASSWORD if login == OWNER else CITY_PASSWORD
    executions, jits, cost, rows = [], [], None, None
    with psycopg.connect(host=HOST, port=PORT, dbname=DATABASE, user=login, password=password,
                         options=pgoptions or None) as conn:
        for _ in range(runs):
            plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement).fetchone()[0][0]
            executions.append(plan["Execution Time"])
            jits.append(plan.get("JIT", {}).get("Timing", {}).get("Total", 0.0))
            cost, rows = plan["Plan"]["Total Cost"], plan["Plan"]["Actual Rows"]
    return {"cost": cost, "rows": rows, "execution": statistics.median(executions), "best": min(executions),
            "jit": statistics.median(jits)}


# --- printing ---------------------------------------------------------------------------------------------

def figure(value, unit="ms") -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"
    return f"{value:,}"


def row(name: str, owner, city, target: float | None = None, unit: str = "ms") -> str:
    verdict = ""
    if target is not None:
        verdict = ("met" if owner <= target else "NOT met") + " | " + ("met" if city <= target else "NOT met")
    target_text = f"≤ {target:.0f} ms" if target is not None else ""
    return f"{name:<46}{figure(owner, unit):>11}  {figure(city, unit):>11}  {target_text:>9}  {verdict}"


def report(results: dict, args, loads: list[float], elapsed: float, rls_only: bool) -> None:
    o, c = results["owner"], results["city"]
    print()
    print(f"PostgreSQL, {DATABASE} (`crm demo --size large`), terminal 120×40; owner = {OWNER}, city login = "
          f"{CITY_LOGIN} of {CITY_UNIT} (connected as itself, CRM_USER={CITY_LOGIN}"
          f"{', policies only, no app filter' if rls_only else ', app filter and policies'})")
    if PGOPTIONS:
        print(f"every measured connection with PGOPTIONS={PGOPTIONS!r}")
    print(f"bench_tui --runs {args.runs} --keys {args.keys}; bench_contacts --runs {args.runs} --rounds {args.rounds}"
          f"{' --no-stock' if not args.stock else ''}; CLI median of {args.cli_runs}")
    print(f"load average (1 min) during the run: min {min(loads):.1f}, median {statistics.median(loads):.1f}, "
          f"max {max(loads):.1f} on {os.cpu_count()} cores; {elapsed / 60:.1f} min in all")
    print()
    print(f"{'':<46}{'owner':>11}  {'city login':>11}  {'target':>9}  met? (owner | city)")
    print(row("projects seen: workbench count", o["tui"]["projects"], c["tui"]["projects"], unit="n"))
    print(row("projects seen: crm projects list --json", o["cli"]["list_count"], c["cli"]["list_count"], unit="n"))
    print(row("projects seen: SELECT count(*) (policies alone)", o["sql_projects"], c["sql_projects"], unit="n"))
    print(row("contacts seen (shared 客商库)", o["contacts"]["contacts"], c["contacts"]["contacts"], unit="n"))
    print("workbench (bench_tui.py), wall")
    print(row("  empty Textual app (baseline)", o["tui"]["empty"], c["tui"]["empty"]))
    print(row("  start → dashboard painted (median)", o["tui"]["dashboard"], c["tui"]["dashboard"], 500))
    print(row("  start → project list painted (median)", o["tui"]["projects_list"], c["tui"]["projects_list"], 500))
    print(row("  key → paint, down p50", o["tui"]["down_p50"], c["tui"]["down_p50"]))
    print(row("  key → paint, down p95", o["tui"]["down_p95"], c["tui"]["down_p95"], 50))
    print(row("  key → paint, page down p50", o["tui"]["pagedown_p50"], c["tui"]["pagedown_p50"]))
    print(row("  key → paint, page down p95", o["tui"]["pagedown_p95"], c["tui"]["pagedown_p95"], 50))
    print("contacts (bench_contacts.py), wall")
    print(row("  contacts screen first paint (median)", o["contacts"]["first"], c["contacts"]["first"], 300))
    print(row("  End → last row painted (median)", o["contacts"]["last"], c["contacts"]["last"], 100))
    for i, name in enumerate(SEARCHES):
        print(row(f"  keystroke → results p95, {name}", o["contacts"][f"key{i}_p95"],
                  c["contacts"][f"key{i}_p95"], 100))
    for i, name in enumerate(SEARCHES):
        print(row(f"  search service alone p95, {name}", o["contacts"][f"service{i}_p95"],
                  c["contacts"][f"service{i}_p95"]))
    if "explain" in o:
        print(f"the dashboard's project-state query (crm.services.snapshot), EXPLAIN ANALYZE as each login, "
              f"median of {args.explain_runs} (best)")
        for label, key in (("server defaults", "explain"), ("SET jit = off", "explain_nojit")):
            eo, ec = o[key], c[key]
            print(f"  {label:<44}{figure(eo['execution']):>11}  {figure(ec['execution']):>11}   "
                  f"best {figure(eo['best'])} | {figure(ec['best'])}")
            print(f"    {'planner cost | JIT compile':<42}{eo['cost']:>11,.0f}  {ec['cost']:>11,.0f}   "
                  f"JIT {figure(eo['jit'])} | {figure(ec['jit'])}")
        print(f"    {'rows':<42}{eo['rows']:>11,}  {ec['rows']:>11,}   (jit_above_cost {o['jit_above_cost']})")
    print(f"command line (new process each, median of {args.cli_runs}), wall")
    print(row("  crm projects list --json", o["cli"]["list"], c["cli"]["list"]))
    print(row("  crm report kpi --json", o["cli"]["kpi"], c["cli"]["kpi"]))
    print(row("  crm export weekly --out …xlsx", o["cli"]["weekly"], c["cli"]["weekly"]))
    print(row("  (kpi: signed projects counted)", o["cli"]["kpi_signed"], c["cli"]["kpi_signed"], unit="n"))
    print()
    print(f"raw outputs of the bench scripts: {LOGS}/  (the database {DATABASE} is left in place: --reuse)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help=f"keep {DATABASE} and its data if it is there")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--runs", type=int, default=5, help="first paints per screen (both bench scripts)")
    parser.add_argument("--keys", type=int, default=200, help="bench_tui.py keys line by line")
    parser.add_argument("--rounds", type=int, default=3, help="bench_contacts.py: times every query is typed")
    parser.add_argument("--stock", action="store_true", help="bench_contacts.py's stock DataTable baseline too")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--explain-runs", type=int, default=5,
                        help="EXPLAIN ANALYZE the dashboard's slowest statement as each login (0: not)")
    parser.add_argument("--rls-only", action="store_true", help="the bench scripts without the app's own filter")
    parser.add_argument("--pgoptions", default="", help="PGOPTIONS for the measured connections of both logins, "
                        "e.g. '-c jit=off' (the server's settings otherwise)")
    parser.add_argument("--only", choices=("owner", "city"), help="measure one login only (no table)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, [a for a in args.rest if a != "--"], args.rls_only)
        return 0

    global PGOPTIONS
    PGOPTIONS = args.pgoptions
    started = time.perf_counter()
    sampler = LoadSampler()
    sampler.start()
    print(f"setting up {DATABASE}{' (reusing)' if args.reuse else ''}")
    setup(args.reuse)
    if args.setup_only:
        return 0
    tui_args = ["--today", TODAY, "--runs", str(args.runs), "--keys", str(args.keys)]
    contact_args = ["--today", TODAY, "--runs", str(args.runs), "--rounds", str(args.rounds),
                    *([] if args.stock else ["--no-stock"])]
    results: dict = {}
    out_dir = Path(tempfile.mkdtemp(prefix="crm_rls_bench_"))
    whos = [("owner", OWNER), ("city", CITY_LOGIN)]
    if args.only:
        whos = [w for w in whos if w[0] == args.only]
    for who, login in whos:
        results[who] = {"sql_projects": sql_as(login, "SELECT count(*) FROM projects")}
    for script, key, argv, parse in (("bench_tui.py", "tui", tui_args, parse_tui),
                                     ("bench_contacts.py", "contacts", contact_args, parse_contacts)):
        for who, login in whos:
            out, seconds = run_bench(who, login, script, argv, args.rls_only)
            results[who][key] = parse(out)
            print(f"  {script} as {who}: {seconds:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    if args.explain_runs:
        for who, login in whos:
            statement = dashboard_statement(login)
            results[who]["explain"] = explain(login, statement, args.explain_runs, PGOPTIONS)
            results[who]["explain_nojit"] = explain(login, statement, args.explain_runs, "-c jit=off")
            results[who]["jit_above_cost"] = sql_as(login, "SELECT current_setting('jit_above_cost')")
    for who, login in whos:
        results[who]["cli"] = time_cli(login, args.cli_runs, out_dir)
        print(f"  command line as {who} done (load {os.getloadavg()[0]:.1f})", flush=True)
    shutil.rmtree(out_dir, ignore_errors=True)  # the weekly workbooks written
    sampler.stop.set()
    loads = sampler.samples or [os.getloadavg()[0]]
    if args.only:
        print(json.dumps(results, indent=1, ensure_ascii=False))
        return 0
    report(results, args, loads, time.perf_counter() - started, args.rls_only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
