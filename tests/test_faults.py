"""Faults: a locked SQLite database, a lost or unreachable PostgreSQL, passwords kept out of every
message and log, and an export killed midway."""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from db.session import Database
from tests.conftest import TODAY, pg_admin_url
from tests.killing import kill_while_writing

PASSWORD = "Zs-s3cret-pw"


def add_project(cli, url, name="锁测试项目"):
    return cli("--db", url, "projects", "add", "--name", name, "--investor", "某集团", "--industry", "pv",
               "--city", "南昌", "--signed-on", "2026-01-05")


def test_locked_sqlite_waits_then_says_so_and_works_once_free(cli, tmp_path, monkeypatch):
    url = str(tmp_path / "office.sqlite3")
    assert cli("--db", url, "demo").code == 0
    monkeypatch.setenv("CRM_SQLITE_BUSY_TIMEOUT", "1.5")
    other = sqlite3.connect(url, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        started = time.monotonic()
        result = add_project(cli, url)
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.code == 5
    assert "占用" in result.err and "1.5" in result.err and result.err.count("\n") == 1
    assert waited >= 1.4  # it waited out the busy timeout before giving up
    assert add_project(cli, url).code == 0  # and works once the other writer is done


def test_reads_are_not_blocked_by_a_writer(cli, tmp_path, monkeypatch):
    url = str(tmp_path / "office.sqlite3")
    assert cli("--db", url, "demo").code == 0
    monkeypatch.setenv("CRM_SQLITE_BUSY_TIMEOUT", "0.5")
    other = sqlite3.connect(url, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert cli("--db", url, "events", "list", "--json").code == 0  # WAL: readers go on
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_unreachable_postgresql_is_exit_5_and_never_shows_the_password(cli, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    url = f"postgresql://crm_app:{PASSWORD}@127.0.0.1:1/crm"
    for args in (("projects", "list"), ("db", "upgrade"), ("backup", str(tmp_path / "b.zip")),
                 ("restore", str(tmp_path / "missing.zip")), ("history", "P00001")):
        result = cli("--db", url, *args)
        assert result.code in (3, 5), (args, result)
        assert PASSWORD not in result.err + result.out, args
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
    result = cli("--db", url, "projects", "list")
    assert "无法连接数据库" in result.err and "127.0.0.1:1" in result.err
    assert PASSWORD not in caplog.text
    env_result = subprocess.run([sys.executable, "-m", "crm.cli.main", "projects", "list"], capture_output=True,
                                text=True, env={**os.environ, "CRM_DATABASE_URL": url})
    assert env_result.returncode == 5 and PASSWORD not in env_result.stderr + env_result.stdout


def test_the_next_command_works_once_the_database_is_back(cli, backend):
    """Unreachable, then reachable: nothing is cached between commands (e.g. a failed first migration)."""
    if backend.name != "postgresql":
        pytest.skip("PostgreSQL connection faults")
    down = make_url(backend.url).set(port=1).render_as_string(hide_password=False)
    assert cli("--db", down, "events", "list").code == 5
    assert cli("--db", backend.url, "demo").code == 0
    assert cli("--db", backend.url, "events", "list", "--json").code == 0


def _terminate(pid: int) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    engine.dispose()


def test_connection_killed_mid_session_is_a_clear_failure_then_work_goes_on(backend):
    """The TUI keeps one Database for hours: an administrator (or a network fault) kills its connection
    in the middle of a unit of work, and again while it sits idle in the pool."""
    if backend.name != "postgresql":
        pytest.skip("PostgreSQL connection faults")
    from crm.cli.main import describe_failure
    from crm.demo.loader import load_demo

    db = Database(backend.url)
    try:
        with db.unit_of_work() as session:
            load_demo(session, size=None, force=False, today=TODAY)
        with pytest.raises(OperationalError) as lost:
            with db.unit_of_work() as session:
                _terminate(session.execute(text("SELECT pg_backend_pid()")).scalar())
                session.execute(text("SELECT count(*) FROM events")).scalar()

        class Context:
            args = type("Args", (), {"db": backend.url})()

        code, message = describe_failure(lost.value, Context())
        assert code == 5 and "无法连接数据库" in message and "\n" not in message
        with db.unit_of_work(write=False) as session:  # a fresh connection: works again
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
            assert session.execute(text("SELECT count(*) FROM events")).scalar() == 16
        _terminate(pid)  # killed while idle in the pool: the pre-ping replaces it unnoticed
        with db.unit_of_work(write=False) as session:
            assert session.execute(text("SELECT count(*) FROM events")).scalar() == 16
    finally:
        db.dispose()


def _many_projects(path: Path, copies: int) -> None:
    """Clone the demo's projects (with their stage steps) `copies` times, straight in SQL: a database
    large enough for an export to take a few seconds."""
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        projects = [dict(r) for r in conn.execute("SELECT * FROM projects ORDER BY id")]
        steps = [dict(r) for r in conn.execute("SELECT * FROM stage_steps WHERE corrects_id IS NULL AND NOT superseded")]
        next_id = max(p["id"] for p in projects) + 1
        new_projects, new_steps = [], []
        for n in range(copies):
            for p in projects:
                new_id = next_id
                next_id += 1
                new_projects.append({**p, "id": new_id, "ref": f"X{n:03d}{p['ref']}", "name": f"{p['name']}-{n}"})
                new_steps.extend({**s, "id": None, "project_id": new_id} for s in steps if s["project_id"] == p["id"])
        for table, rows in (("projects", new_projects), ("stage_steps", new_steps)):
            columns = list(rows[0])
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             [tuple(r[c] for c in columns) for r in rows])


def test_killed_export_leaves_the_existing_file_as_it_was(tmp_path, sqlite_demo_template):
    openpyxl = pytest.importorskip("openpyxl")
    live = tmp_path / "big.sqlite3"
    shutil.copy(sqlite_demo_template, live)
    _many_projects(live, 150)
    target = tmp_path / "weekly.xlsx"
    target.write_bytes(b"last week's sheet")
    outcomes = kill_while_writing(
        ["--db", str(live), "export", "weekly", "--out", str(target)], target, tries=4, window=(0.5, 2.5), seed=11,
        is_whole=lambda path: openpyxl.load_workbook(path, read_only=True).close() is None,
    )
    assert "kept" in outcomes, outcomes


def test_a_connection_lost_after_the_read_does_not_fail_a_finished_export(cli, demo_backend, tmp_path, monkeypatch):
    """The export's read transaction has ended before the workbook is written: the server dropping the
    connection meanwhile (the real thing, by pg_terminate_backend) changes nothing for the user."""
    if demo_backend.name != "postgresql":
        pytest.skip("a server that drops connections: PostgreSQL")
    import crm.exporting.weekly as weekly

    database = make_url(demo_backend.url).database
    real_write = weekly.write_weekly

    def drop_connections_then_write(report, path):
        admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": database}).scalar()
        admin.dispose()
        assert dropped >= 1  # the command's pooled connection was still there to drop
        real_write(report, path)

    monkeypatch.setattr(weekly, "write_weekly", drop_connections_then_write)
    out = tmp_path / "weekly.xlsx"
    result = cli("--db", demo_backend.url, "export", "weekly", "--out", out)
    assert result.code == 0, result.err
    assert out.stat().st_size > 0 and "已导出" in result.out
