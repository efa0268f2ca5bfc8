"""Where the database lives and how SQLite connections are set up."""
import os
import subprocess
import sys

from sqlalchemy import text

from db.engine import display_url, resolve_url
from db.session import Database


def test_bare_path_is_a_sqlite_file(tmp_path):
    url = resolve_url(str(tmp_path / "x.sqlite3"))
    assert url.get_backend_name() == "sqlite" and url.database == str(tmp_path / "x.sqlite3")


def test_environment_url_and_postgres_driver(monkeypatch):
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql://u:pw@db.example:5432/crm")
    url = resolve_url(None)
    assert url.drivername == "postgresql+psycopg"
    assert "pw" not in display_url(url) and "***" in display_url(url)
    assert resolve_url("/tmp/explicit.sqlite3").get_backend_name() == "sqlite"  # --db wins


def test_default_is_in_the_user_data_directory(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)}
    env.pop("CRM_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", "from db.engine import resolve_url; print(resolve_url(None).database)"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(tmp_path / "crm" / "crm.sqlite3")


def test_sqlite_connections_use_wal_and_foreign_keys(database, backend):
    if backend.name != "sqlite":
        return
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_unit_of_work_rolls_back_everything_on_error(database):
    from db.models import Industry

    try:
        with database.unit_of_work() as session:
            session.add(Industry(name="测试产业", code="test"))
            session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with database.unit_of_work(write=False) as session:
        assert session.query(Industry).count() == 0


def test_foreign_keys_are_enforced(database):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from db.models import Unit, UnitKind

    with pytest.raises(IntegrityError):
        with database.unit_of_work() as session:
            session.add(Unit(name="孤立单位", kind=UnitKind.OFFICE, region_id=999))
            session.flush()


def test_sqlite_is_backed_up_before_a_migration(tmp_path):
    import sqlite3

    from db import migrate

    path = tmp_path / "old.sqlite3"
    db = Database(str(path))
    migrate.upgrade(db, "0001", backup=False)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO industries (name, code) VALUES ('光伏', 'pv')"))
    backup = migrate.ensure_ready(db)
    db.dispose()
    assert backup is not None and backup.exists() and "before-migration-0001" in backup.name
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert conn.execute("SELECT name FROM industries").fetchall() == [("光伏",)]
    assert migrate.ensure_ready(Database(str(path))) is None  # at head now: no second copy


def test_a_database_at_head_starts_without_alembic(backend):
    """The usual start (already migrated) is one query: Alembic is not even imported."""
    code = ("import sys\nfrom db.migrate import ensure_ready\nfrom db.session import Database\n"
            f"assert ensure_ready(Database({backend.url!r})) is None\n"
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_database_from_a_newer_program_is_still_refused(database):
    from db import migrate

    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        migrate.ensure_ready(database)
    except migrate.MigrationError as error:
        assert error.key == "db_newer_than_app"
    else:
        raise AssertionError("a database of an unknown revision was accepted")
    finally:  # the PostgreSQL test database is shared by the tests that follow
        with database.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": migrate.head_revision()})
