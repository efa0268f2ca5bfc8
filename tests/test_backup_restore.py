"""crm backup / crm restore: round trips on both backends, SQLite → PostgreSQL, refusals, all or nothing,
a consistent SQLite copy while another process writes, and outputs that survive a killed backup."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from db.backup import read_manifest, sniff
from tests.dbcompare import snapshot
from tests.killing import kill_while_writing
from tests.pgscratch import scratch_database


@pytest.fixture
def fresh_pg():
    """An empty PostgreSQL database of this test's own (restores create and replace whole tables)."""
    with scratch_database("crm_restore") as url:
        yield url


def records(url: str) -> dict[str, list[tuple]]:
    """Every row of every table holding records (search keys are derived and rebuilt alike)."""
    return snapshot(url)


def test_portable_round_trip_into_both_backends(cli, demo_backend, tmp_path, fresh_pg):
    backup = tmp_path / "team.zip"
    result = cli("--db", demo_backend.url, "backup", str(backup), "--portable")
    assert result.code == 0, result.err
    manifest = read_manifest(backup)
    assert manifest["tables"]["projects"] == 42 and manifest["revision"]
    original = records(demo_backend.url)
    for target in (str(tmp_path / "restored.sqlite3"), fresh_pg):
        restored = cli("--db", target, "restore", str(backup))
        assert restored.code == 0, restored.err
        assert records(target) == original
        assert cli("--db", target, "db", "check").code == 0


def test_sqlite_backup_restores_into_postgresql_and_work_goes_on(cli, tmp_path, sqlite_demo_template, fresh_pg):
    live = tmp_path / "office.sqlite3"
    shutil.copy(sqlite_demo_template, live)
    backup = tmp_path / "office-backup.sqlite3"
    assert cli("--db", live, "backup", str(backup)).code == 0
    assert sniff(backup) == "sqlite"
    result = cli("--db", fresh_pg, "restore", str(backup))
    assert result.code == 0, result.err
    assert records(fresh_pg) == records(str(live))
    # Ids continue after the restored ones (sequences follow the data).
    added = cli("--db", fresh_pg, "projects", "add", "--name", "恢复后新项目", "--investor", "某集团", "--industry", "pv",
                "--city", "南昌", "--signed-on", "2026-01-05")
    assert added.code == 0, added.err
    assert added.out.strip() == "P00043"
    assert cli("--db", fresh_pg, "history", "P00043", "--json").json()["changes"]


def test_pg_dump_round_trip(cli, demo_backend, tmp_path):
    if demo_backend.name != "postgresql":
        pytest.skip("pg_dump/pg_restore are for PostgreSQL")
    backup = tmp_path / "team.dump"
    result = cli("--db", demo_backend.url, "backup", str(backup))
    assert result.code == 0, result.err
    assert sniff(backup) == "pg_dump" and "pg_dump" in result.out
    before = records(demo_backend.url)
    assert cli("--db", demo_backend.url, "projects", "delete", "P00001", "--reason", "误删").code == 0
    assert cli("--db", demo_backend.url, "restore", str(backup)).code == 1  # holds data: needs --force
    result = cli("--db", demo_backend.url, "restore", str(backup), "--force")
    assert result.code == 0, result.err
    assert records(demo_backend.url) == before
    assert cli("--db", demo_backend.url, "projects", "show", "P00001").code == 0


def test_pg_dump_is_refused_by_sqlite(cli, demo_backend, tmp_path):
    if demo_backend.name != "postgresql":
        pytest.skip("pg_dump/pg_restore are for PostgreSQL")
    backup = tmp_path / "team.dump"
    assert cli("--db", demo_backend.url, "backup", str(backup)).code == 0
    result = cli("--db", tmp_path / "x.sqlite3", "restore", str(backup))
    assert result.code == 3 and "PostgreSQL" in result.err


def test_restore_refuses_to_overwrite_data_without_force(cli, demo_backend, tmp_path):
    backup = tmp_path / "b.zip"
    assert cli("--db", demo_backend.url, "backup", "--portable", str(backup)).code == 0
    assert cli("--db", demo_backend.url, "projects", "delete", "P00002", "--reason", "测试").code == 0
    refused = cli("--db", demo_backend.url, "restore", str(backup))
    assert refused.code == 1 and "--force" in refused.err
    assert cli("--db", demo_backend.url, "projects", "show", "P00002").code == 1  # untouched
    assert cli("--db", demo_backend.url, "restore", str(backup), "--force").code == 0
    assert cli("--db", demo_backend.url, "projects", "show", "P00002").code == 0


def _rewrite(backup: Path, target: Path, table: str, change) -> None:
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == f"tables/{table}.jsonl":
                rows = [json.loads(line) for line in data.splitlines()]
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in change(rows)).encode()
            dst.writestr(item, data)


def test_restore_is_all_or_nothing(cli, demo_backend, tmp_path):
    backup = tmp_path / "good.zip"
    assert cli("--db", demo_backend.url, "backup", "--portable", str(backup)).code == 0
    before = records(demo_backend.url)

    orphan = tmp_path / "orphan.zip"  # the last follow-up points at a project that does not exist
    _rewrite(backup, orphan, "followups", lambda rows: rows[:-1] + [{**rows[-1], "project_id": 999_999}])
    result = cli("--db", demo_backend.url, "restore", str(orphan), "--force")
    assert result.code != 0 and "Traceback" not in result.err
    assert records(demo_backend.url) == before

    short = tmp_path / "short.zip"  # a table cut short: the manifest's count does not match
    _rewrite(backup, short, "contacts", lambda rows: rows[:-5])
    result = cli("--db", demo_backend.url, "restore", str(short), "--force")
    assert result.code == 3 and "contacts" in result.err
    assert records(demo_backend.url) == before


def test_files_that_are_not_backups(cli, tmp_path, backend):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("不是备份", encoding="utf-8")
    assert cli("--db", backend.url, "restore", str(text_file)).code == 3
    assert cli("--db", backend.url, "restore", str(tmp_path / "missing.zip")).code == 3
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert cli("--db", backend.url, "restore", str(foreign)).code == 3
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "zhaoshang-crm-portable", "format_version": 1,
                                                      "revision": "9999_future", "tables": {}}))
    result = cli("--db", backend.url, "restore", str(newer))
    assert result.code == 1 and "9999_future" in result.err


def test_backup_refuses_missing_folder_and_missing_database(cli, tmp_path):
    assert cli("--db", tmp_path / "none.sqlite3", "backup", str(tmp_path / "b.sqlite3")).code == 1
    assert cli("--db", tmp_path / "none.sqlite3", "demo").code == 0
    assert cli("--db", tmp_path / "none.sqlite3", "backup", str(tmp_path / "no" / "b.sqlite3")).code == 1


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
while True:
    conn.execute("BEGIN IMMEDIATE")
    for _ in range(50):
        conn.execute("INSERT INTO followups (project_id, happened_on, kind, content, recorded_at) "
                     "VALUES (1, '2026-11-01', 'call', 'writer', '2026-11-27 00:00:00')")
    conn.execute("COMMIT")
"""


def test_sqlite_backup_is_consistent_while_another_process_writes(cli, tmp_path, sqlite_demo_template):
    live = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_demo_template, live)
    with sqlite3.connect(live) as conn:
        base = conn.execute("SELECT count(*) FROM followups").fetchone()[0]
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(live)])
    try:
        time.sleep(0.5)
        counts = []
        for n in range(3):
            target = tmp_path / f"copy{n}.sqlite3"
            assert cli("--db", live, "backup", str(target)).code == 0
            with sqlite3.connect(target) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                count = conn.execute("SELECT count(*) FROM followups").fetchone()[0]
            assert (count - base) % 50 == 0  # whole transactions only
            counts.append(count)
            time.sleep(0.2)
    finally:
        writer.kill()
        writer.wait()
    assert counts[-1] > base  # the writer was really writing


def _grow(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO followups (project_id, happened_on, kind, content, recorded_at) VALUES (?, ?, 'call', ?, ?)",
            ((1 + i % 40, "2026-10-01", f"批量跟踪记录 {i} " * 4, "2026-11-27 00:00:00") for i in range(rows)),
        )


def test_killed_backup_leaves_the_existing_file_as_it_was(tmp_path, sqlite_demo_template):
    live = tmp_path / "big.sqlite3"
    shutil.copy(sqlite_demo_template, live)
    _grow(live, 150_000)
    target = tmp_path / "backup.zip"
    target.write_bytes(b"yesterday's backup")
    outcomes = kill_while_writing(
        ["--db", str(live), "backup", "--portable", str(target)], target, tries=4, window=(0.3, 2.0), seed=7,
        is_whole=lambda path: read_manifest(path)["tables"]["followups"] > 150_000,
    )
    assert "kept" in outcomes, outcomes  # at least one kill landed mid-backup
