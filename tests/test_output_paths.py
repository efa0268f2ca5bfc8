"""Files crm writes go only to a regular file or a new path: every other kind of path is refused with
exit 1 and left exactly as it was (backup, every export, an import's rejected rows); and databases crm does not own are not
touched: a missing folder, a folder, another program's SQLite file, a file that is not SQLite, a backup read with
--db."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

EXPORTS = (("export", "weekly"), ("export", "event", "A1"), ("export", "plan", "A1"))


def _fingerprint(path: Path):
    info = os.lstat(path)
    data = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else None
    return stat.S_IFMT(info.st_mode), info.st_mtime_ns, data


def _make(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / f"out-{kind}.xlsx"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        try:  # a character device of our own, inside the test's folder (never a system device)
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("creating a device node needs privileges this run does not have")
    elif kind == "symlink-to-fifo":
        os.mkfifo(tmp_path / "target-fifo")
        path.symlink_to(tmp_path / "target-fifo")
    return path


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "symlink-to-fifo"])
@pytest.mark.parametrize("command", [("backup",), *EXPORTS], ids=lambda c: "-".join(c[:2]))
def test_non_regular_outputs_are_refused_and_left_alone(cli, sqlite_demo_template, tmp_path, kind, command):
    db = tmp_path / "crm.sqlite3"
    db.write_bytes(sqlite_demo_template.read_bytes())
    path = _make(kind, tmp_path)
    before = _fingerprint(path)
    args = [*command, str(path)] if command == ("backup",) else [*command, "--out", str(path)]
    result = cli("--db", db, *args)
    assert result.code == 1, result.err
    assert result.err.startswith("crm: 错误: 无法写入") and result.err.count("\n") == 1
    assert _fingerprint(path) == before


def _rejecting_list(tmp_path: Path) -> Path:
    """An invitee list with one row the import rejects (no name, no organization)."""
    path = tmp_path / "list.csv"
    path.write_text("姓名,单位,手机\n张三,甲公司,\n,,13800138000\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "symlink-to-fifo"])
def test_errors_out_refuses_what_is_not_a_file_before_importing(cli, tmp_path, kind):
    db = tmp_path / "crm.sqlite3"
    source = _rejecting_list(tmp_path)
    path = _make(kind, tmp_path)
    before = _fingerprint(path)
    result = cli("--db", db, "import", "invitees", source, "--errors-out", path)
    assert result.code == 1, result.err
    assert result.err.startswith("crm: 错误: 无法写入") and result.err.count("\n") == 1
    assert _fingerprint(path) == before
    assert cli("--db", db, "import", "list", "--json").json() == []  # refused before anything was imported


def test_errors_out_is_neither_the_live_database_nor_the_list_itself(cli, sqlite_demo_template, tmp_path):
    db = tmp_path / "live.xlsx"
    db.write_bytes(sqlite_demo_template.read_bytes())
    source = _rejecting_list(tmp_path)
    for target, reason in ((db, "正在使用的数据库"), (source, "正在读取的文件")):
        before = hashlib.sha256(target.read_bytes()).hexdigest()
        result = cli("--db", db, "import", "invitees", source, "--errors-out", target)
        assert result.code == 1 and reason in result.err, result.err
        assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_errors_out_replaces_a_regular_file_whole(cli, tmp_path):
    db = tmp_path / "crm.sqlite3"
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"old contents")
    old.chmod(0o640)
    result = cli("--db", db, "import", "invitees", _rejecting_list(tmp_path), "--errors-out", old)
    assert result.code == 4, result.err
    assert old.read_bytes()[:2] == b"PK" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left behind


@pytest.mark.parametrize("command", [("backup",), *EXPORTS], ids=lambda c: "-".join(c[:2]))
def test_the_live_database_is_never_an_output(cli, sqlite_demo_template, tmp_path, command):
    db = tmp_path / "live.xlsx"  # named like an export on purpose
    db.write_bytes(sqlite_demo_template.read_bytes())
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    args = [*command, str(db)] if command == ("backup",) else [*command, "--out", str(db)]
    result = cli("--db", db, *args)
    assert result.code == 1 and "正在使用的数据库" in result.err, result.err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("command", [("backup",), *EXPORTS], ids=lambda c: "-".join(c[:2]))
def test_regular_and_new_outputs_are_written(cli, sqlite_demo_template, tmp_path, command):
    db = tmp_path / "crm.sqlite3"
    db.write_bytes(sqlite_demo_template.read_bytes())
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"old contents")
    for path in (existing, tmp_path / "new.xlsx"):
        args = [*command, str(path)] if command == ("backup",) else [*command, "--out", str(path)]
        result = cli("--db", db, *args)
        assert result.code == 0, result.err
        assert path.read_bytes() != b"old contents" and path.stat().st_size > 0
    missing_folder = tmp_path / "no" / "such" / "out.xlsx"
    args = [*command, str(missing_folder)] if command == ("backup",) else [*command, "--out", str(missing_folder)]
    assert cli("--db", db, *args).code == 1
    assert not (tmp_path / "no").exists()


def test_a_mistyped_database_folder_is_not_created(cli, tmp_path):
    result = cli("--db", tmp_path / "mistyped" / "dir" / "x.sqlite3", "events", "list")
    assert result.code == 5 and "文件夹不存在" in result.err
    assert not (tmp_path / "mistyped").exists()


def test_a_folder_given_as_the_database_is_refused_untouched(cli, tmp_path, sqlite_demo_template, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep", encoding="utf-8")
    backup = tmp_path / "copy.sqlite3"
    backup.write_bytes(sqlite_demo_template.read_bytes())
    for args in (("events", "list"), ("demo",), ("db", "upgrade"), ("backup", str(tmp_path / "b.sqlite3")),
                 ("restore", str(backup))):
        result = cli("--db", folder, *args)
        assert result.code == 5 and result.err.count("\n") == 1, (args, result)
        assert "数据库路径是一个文件夹" in result.err and str(folder) in result.err, (args, result.err)
    english = cli("--db", folder, "--lang", "en", "projects", "list")
    assert english.code == 5 and f"the database path is a folder, not a database file: {folder}" in english.err
    monkeypatch.setenv("CRM_DATABASE_URL", str(folder))  # the same wherever the path comes from
    assert cli("projects", "list").code == 5
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3", "data"]


def test_another_programs_sqlite_file_is_refused_unchanged(cli, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    before = other.read_bytes()
    for args in (("events", "list"), ("demo",), ("db", "upgrade")):
        result = cli("--db", other, *args)
        assert result.code == 5 and "其他程序的数据库" in result.err, (args, result.err)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, -shm or backup beside it


def test_a_file_that_is_not_sqlite_is_refused_unchanged(cli, tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello", encoding="utf-8")
    result = cli("--db", text, "projects", "list")
    assert result.code == 5 and "不是 SQLite 数据库文件" in result.err
    assert text.read_text(encoding="utf-8") == "hello"


def test_a_backup_is_read_with_db_without_being_modified(cli, sqlite_demo_template, tmp_path):
    live = tmp_path / "crm.sqlite3"
    live.write_bytes(sqlite_demo_template.read_bytes())
    backup = tmp_path / "copy.sqlite3"
    assert cli("--db", live, "backup", backup).code == 0
    before = backup.read_bytes()
    for args in (("projects", "list"), ("events", "list"), ("report", "kpi"), ("history", "A1")):
        assert cli("--db", backup, *args).code == 0
    assert backup.read_bytes() == before
    assert not Path(f"{backup}-wal").exists()
