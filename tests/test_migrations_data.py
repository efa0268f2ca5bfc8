"""Migrations keep data: a database at an older revision, filled with data, upgraded to head on both
backends, loses nothing — every row of every table, compared column by column for the columns the old
revision had. Written for any number of revisions: each one before head is a starting point."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import create_engine

from db import migrate
from db.backup import copyable_tables, fetch_rows, insert_rows, reset_sequences
from db.engine import make_engine
from db.session import Database
from tests.dbcompare import snapshot, table_columns
from tests.pgscratch import scratch_database

REVISIONS = [r.revision for r in reversed(list(migrate.script_directory().walk_revisions()))]
OLDER = REVISIONS[:-1] or REVISIONS  # with one revision only, "upgrade" is a no-op that must still keep data
# Tables of derived values that a later revision drops on purpose (search_keys: 0005 searches columns).
DERIVED_TABLES = {"search_keys"}
# Tables a migration adds rows to: 0007 gives the province and the cities records name a unit each.
GROWN = {"units"}
# Values a later revision renames on purpose: (table, column) → {value before: value from then on}.
RENAMED = {("units", "kind"): ("0006", {"city_government": "city"})}
# Values a later revision introduced, in the words an older one had for them (as its downgrade writes them):
# kept so after the upgrade too.
INTRODUCED = {("units", "kind"): ("0006", {"province": "department", "park": "department"})}


def spelled_for(revision: str, table: str, rows: list[dict]) -> list[dict]:
    """The demo (made at head) in the words an older revision knew."""
    for (name, column), (renamed_in, renames) in RENAMED.items():
        if name == table and REVISIONS.index(revision) < REVISIONS.index(renamed_in):
            back = {new: old for old, new in renames.items()}
            rows = [{**row, column: back.get(row[column], row[column])} for row in rows]
    for (name, column), (introduced_in, older) in INTRODUCED.items():
        if name == table and REVISIONS.index(revision) < REVISIONS.index(introduced_in):
            rows = [{**row, column: older.get(row[column], row[column])} for row in rows]
    return rows


def as_renamed(snap: dict[str, list[tuple]], columns: dict[str, set[str]]) -> dict[str, list[tuple]]:
    """A snapshot with the old spellings of renamed values read as the new ones."""
    result = dict(snap)
    for (name, column), (_renamed_in, renames) in RENAMED.items():
        if name in snap and column in columns.get(name, ()):
            index = sorted(columns[name]).index(column)
            result[name] = sorted((tuple(renames.get(v, v) if i == index else v for i, v in enumerate(row))
                                   for row in snap[name]), key=repr)
    return result


@pytest.fixture
def empty_database(request, tmp_path):
    """(url, name of backend) of an empty database, not migrated."""
    if request.param == "sqlite":
        yield str(tmp_path / "old.sqlite3"), "sqlite"
        return
    with scratch_database("crm_migdata") as url:
        yield url, "postgresql"


def fill_at_revision(url: str, demo: str, revision: str) -> None:
    """Copy the demo's rows into the older schema, keeping the columns that schema has."""
    database = Database(url)
    engine = make_engine(database.url, foreign_keys=False, pooled=False)
    source = create_engine(f"sqlite:///{demo}")
    try:
        with source.connect() as read, engine.begin() as write:
            rows_by_table = {t.name: t for t in copyable_tables(read)}
            targets = [t for t in copyable_tables(write) if t.name in rows_by_table]
            for table in reversed(targets):  # the rows its migrations seeded (the province's cities) make way
                write.execute(table.delete())
            for table in targets:
                for rows in fetch_rows(read, rows_by_table[table.name]):
                    insert_rows(write, table, spelled_for(revision, table.name, rows))
            if write.dialect.name == "postgresql":
                reset_sequences(write, targets)
    finally:
        source.dispose()
        engine.dispose()
        database.dispose()


@pytest.mark.parametrize("empty_database", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("start", OLDER)
def test_upgrade_from_an_older_revision_loses_nothing(cli, empty_database, start, sqlite_demo_template, tmp_path):
    url, backend = empty_database
    demo = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, demo)
    database = Database(url)
    migrate.upgrade(database, start, backup=False)
    database.dispose()
    fill_at_revision(url, str(demo), start)
    old_columns = table_columns(url)
    before = {t: rows for t, rows in snapshot(url, columns=old_columns).items() if t not in DERIVED_TABLES}
    kept_in_backup = before
    before = as_renamed(before, old_columns)
    assert len(before["projects"]) == 42 and len(before["contacts"]) > 200 and before["audit_entries"]

    database = Database(url)
    backup = migrate.upgrade(database)  # what `crm db upgrade` and first use run
    assert migrate.is_at_head(database)
    database.dispose()

    after = snapshot(url, columns=old_columns)
    assert set(before) <= set(after)  # no table lost
    for table, rows in before.items():
        if table in GROWN:
            assert set(rows) <= set(after[table]), table  # every record kept, column by column
            continue
        assert len(after[table]) == len(rows), table  # counts
        assert after[table] == rows, table  # and every record, column by column
    if backend == "sqlite" and start != REVISIONS[-1]:
        assert backup is not None and backup.exists()  # the automatic copy taken before migrating
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == start
        assert {t: rows for t, rows in snapshot(str(backup), columns=old_columns).items()
                if t not in DERIVED_TABLES} == kept_in_backup
    # The upgraded database is the program's: same schema as a new one, and work goes on.
    assert cli("--db", url, "db", "check").code == 0
    assert len(cli("--db", url, "projects", "list", "--json").json()) == 42
    added = cli("--db", url, "projects", "add", "--name", "升级后新项目", "--investor", "某集团", "--industry", "pv",
                "--city", "南昌", "--signed-on", "2026-01-05")
    assert added.code == 0, added.err


@pytest.mark.parametrize("start", OLDER)
def test_backup_from_an_older_revision_restores_into_head(cli, start, sqlite_demo_template, tmp_path, backend):
    """A backup taken before an upgrade is still good afterwards: it is migrated on the way in."""
    old = tmp_path / "old.sqlite3"
    database = Database(str(old))
    migrate.upgrade(database, start, backup=False)
    database.dispose()
    demo = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, demo)
    fill_at_revision(str(old), str(demo), start)
    backup = tmp_path / "old.zip"
    assert cli("--db", old, "backup", "--portable", str(backup)).code == 0
    result = cli("--db", backend.url, "restore", str(backup), "--force")
    assert result.code == 0, result.err
    columns = table_columns(str(old))
    restored = snapshot(backend.url, columns=columns)
    expected = as_renamed(snapshot(str(old), columns=columns), columns)
    assert all(restored[t] == rows for t, rows in expected.items() if t in restored and t not in GROWN)
    assert all(set(rows) <= set(restored[t]) for t, rows in expected.items() if t in GROWN)


@pytest.mark.parametrize("empty_database", ["sqlite", "postgresql"], indirect=True)
def test_every_record_gets_the_unit_it_belongs_to(empty_database, sqlite_demo_template, tmp_path):
    """0007 on a database of the year before units owned records: a city-level event belongs to its city's
    unit, a meeting to whoever holds its activity, a project to its city, an invitation to its event's unit,
    the rest to the province; the plans and summaries already filed await review as submissions."""
    url, _backend = empty_database
    demo = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, demo)
    database = Database(url)
    migrate.upgrade(database, "0006", backup=False)
    database.dispose()
    fill_at_revision(url, str(demo), "0006")
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    engine = create_engine(Database(url).url)
    with engine.connect() as conn:
        def rows(sql):
            return conn.exec_driver_sql(sql).all()

        assert rows("SELECT count(*) FROM events WHERE owner_unit_id IS NULL") == [(0,)]
        unit_of_city = dict(rows("SELECT region_id, id FROM units WHERE kind = 'city'"))
        province = rows("SELECT id FROM units WHERE kind = 'province'")
        assert len(province) == 1
        for owner, level, region, parent_owner in rows(
                "SELECT e.owner_unit_id, e.level, e.region_id, p.owner_unit_id FROM events e "
                "LEFT JOIN events p ON p.id = e.parent_id"):
            if parent_owner is not None:
                assert owner == parent_owner
            elif level == "city" and region is not None:
                assert owner == unit_of_city[region]
        for owner, region in rows("SELECT owner_unit_id, region_id FROM projects"):
            assert owner == (unit_of_city[region] if region is not None else owner)
        assert rows("SELECT count(*) FROM invitations i JOIN events e ON e.id = i.event_id "
                    "WHERE i.owner_unit_id <> e.owner_unit_id") == [(0,)]
        filed = rows("SELECT count(*) FROM events WHERE plan_submitted_on IS NOT NULL")[0][0] \
            + rows("SELECT count(*) FROM events WHERE summary_submitted_on IS NOT NULL")[0][0]
        assert filed and rows("SELECT count(*) FROM submissions WHERE outcome IS NULL") == [(filed,)]
        assert rows("SELECT count(*) FROM audit_entries a JOIN projects p ON p.id = a.entity_id "
                    "WHERE a.entity = 'projects' AND (a.unit_id IS NULL OR a.unit_id <> p.owner_unit_id)") == [(0,)]
    engine.dispose()
