"""Real databases for every test: SQLite always, PostgreSQL when CRM_TEST_DATABASE_URL points at one.

SQLite tests copy a migrated template file; PostgreSQL tests share one database per xdist worker,
migrated once and truncated before each test."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from crm import i18n
from db.migrate import upgrade
from db.session import Database

TODAY = dt.date(2026, 11, 27)
PG_ENV = "CRM_TEST_DATABASE_URL"
# The sample lists live in the project (tests/fixtures/make_invitee_samples.py writes them); the corpus of
# files other programs wrote is shared beside the project, and the tests that read it skip without it.
SAMPLES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "foreign"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the foreign corpus is not beside this project (looked for {CORPUS})")


def pg_admin_url():
    raw = os.environ.get(PG_ENV)
    if not raw:
        return None
    url = make_url(raw)
    return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def _chinese_and_fixed_today(monkeypatch):
    """Every test starts in Chinese, with a fixed today, and no user config."""
    monkeypatch.setenv("CRM_TODAY", TODAY.isoformat())
    monkeypatch.setenv("CRM_USER", "tester")
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.setenv("CRM_CONFIG", "/nonexistent/crm-config.toml")
    i18n.set_language("zh")
    yield
    i18n.set_language("zh")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    db = Database(str(path))
    upgrade(db, backup=False)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory, sqlite_template) -> Path:
    from crm.demo.loader import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    with db.unit_of_work() as session:
        load_demo(session, size="small", force=False, today=TODAY)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url():
    """One migrated PostgreSQL database per xdist worker (None where no PostgreSQL is configured)."""
    admin = pg_admin_url()
    if admin is None:
        yield None
        return
    name = f"crm_test_{_worker()}_{os.getpid()}"  # several test runs may share one server
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = admin.set(database=name)
    db = Database(url)
    upgrade(db)
    db.dispose()
    yield url
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def truncate_all(db: Database) -> None:
    """Empty every table but the migration stamp, hand-made ones (search keys) included; then put back
    what migrations give every database (the province's cities), as a fresh one has it."""
    from crm.seed import JIANGXI_CITIES
    from db.models import Region

    with db.engine.begin() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
        conn.execute(text(f"TRUNCATE {', '.join(chr(34) + n + chr(34) for n in names)} RESTART IDENTITY CASCADE"))
        conn.execute(Region.__table__.insert(), [{"name": n, "short_name": s, "in_province": True}
                                                 for n, s in JIANGXI_CITIES])


@dataclass
class Backend:
    name: str
    url: str  # what `crm --db` takes


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, sqlite_template, pg_database_url) -> Backend:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "crm.sqlite3"
        shutil.copy(sqlite_template, path)
        return Backend("sqlite", str(path))
    if pg_database_url is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} to run this case")
    db = Database(pg_database_url)
    truncate_all(db)
    db.dispose()
    return Backend("postgresql", pg_database_url.render_as_string(hide_password=False))


@pytest.fixture
def database(backend):
    db = Database(backend.url)
    yield db
    db.dispose()


@pytest.fixture
def demo_backend(request, tmp_path, sqlite_demo_template, backend) -> Backend:
    """The small demo (2011 programme + fictional sample) as of TODAY, on each backend."""
    if backend.name == "sqlite":
        shutil.copy(sqlite_demo_template, backend.url)
        return backend
    from crm.demo.loader import load_demo

    db = Database(backend.url)
    with db.unit_of_work() as session:
        load_demo(session, size="small", force=False, today=TODAY)
    db.dispose()
    return backend


@pytest.fixture
def demo_database(demo_backend):
    db = Database(demo_backend.url)
    yield db
    db.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


@pytest.fixture
def cli(capsys):
    """Run `crm ARGS…` in-process; returns exit code, stdout and stderr."""
    from crm.cli.main import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse usage errors and --help
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        i18n.set_language("zh")
        return CliResult(code, captured.out, captured.err)

    return run
