"""PostgreSQL as the team database: the owner role migrates, the app role only reads and writes data
(the set-up documented in the README, run here statement for statement)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from db import migrate
from db.session import Database
from tests.pgscratch import admin_or_skip, unique


@pytest.fixture
def roles():
    """A database owned by crm_owner_*, and crm_app_* with data rights only. Returns (owner URL, app URL)."""
    admin = admin_or_skip()
    name, owner, app = unique("crm_roles"), unique("crm_owner"), unique("crm_app")  # roles are server-wide
    server = create_engine(admin, isolation_level="AUTOCOMMIT")

    def drop_all(conn):
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in (app, owner):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))

    with server.connect() as conn:
        drop_all(conn)
        conn.execute(text(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD 'owner-pw'"))
        conn.execute(text(f"CREATE ROLE \"{app}\" LOGIN PASSWORD 'app-pw'"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
        conn.execute(text(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC'))
        conn.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{name}" TO "{app}"'))
    owner_url = admin.set(username=owner, password="owner-pw", database=name)
    app_url = admin.set(username=app, password="app-pw", database=name)
    as_owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with as_owner.connect() as conn:  # run by the owner: tables it creates later are granted too
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{app}"'))
        conn.execute(text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
                          f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"'))
        conn.execute(text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO "{app}"'))
    as_owner.dispose()
    yield owner_url.render_as_string(hide_password=False), app_url.render_as_string(hide_password=False)
    with server.connect() as conn:
        drop_all(conn)
    server.dispose()


def test_owner_migrates_and_app_role_runs_the_workflows(cli, roles, tmp_path):
    owner, app = roles
    assert cli("--db", owner, "db", "upgrade").code == 0
    assert cli("--db", owner, "db", "check").code == 0
    assert cli("--db", app, "demo").code == 0
    ref = cli("--db", app, "projects", "add", "--name", "角色测试项目", "--investor", "某集团", "--industry", "pv",
              "--city", "南昌", "--signed-on", "2026-01-05").out.strip()
    for args in (("projects", "advance", ref, "--to", "construction", "--on", "2026-03-01"),
                 ("followups", "add", ref, "--on", "2026-03-02", "--note", "走访", "--problem", "用地"),
                 ("projects", "delete", ref, "--reason", "测试"), ("projects", "restore", ref),
                 ("history", ref), ("projects", "list"), ("events", "list"),
                 ("backup", "--portable", str(tmp_path / "app.zip"))):
        result = cli("--db", app, *args)
        assert result.code == 0, (args, result.err)
        assert "app-pw" not in result.out + result.err


@pytest.mark.parametrize("ddl", [
    "CREATE TABLE intruder (id integer)",
    "ALTER TABLE projects ADD COLUMN intruder integer",
    "DROP TABLE followups",
    "TRUNCATE projects CASCADE",
    "CREATE INDEX intruder ON projects (name)",
])
def test_app_role_cannot_change_the_schema(cli, roles, ddl):
    owner, app = roles
    assert cli("--db", owner, "db", "upgrade").code == 0
    engine = create_engine(app)
    try:
        with pytest.raises(ProgrammingError) as refused, engine.begin() as conn:
            conn.execute(text(ddl))
        assert refused.value.orig.sqlstate in ("42501", "42P01") and "permission denied" in str(refused.value.orig) \
            or "must be owner" in str(refused.value.orig)
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET new_value = 'rewritten'",
    "DELETE FROM audit_entries",
    "TRUNCATE audit_entries",
    "UPDATE alembic_version SET version_num = '0001'",
    "DELETE FROM alembic_version",
    "INSERT INTO alembic_version VALUES ('9999')",
    "TRUNCATE alembic_version",
])
def test_app_role_cannot_rewrite_history_or_the_schema_version(cli, roles, statement):
    owner, app = roles
    assert cli("--db", owner, "db", "upgrade").code == 0
    assert cli("--db", app, "demo").code == 0
    assert cli("--db", app, "events", "delete", "A1", "--reason", "测试").code == 0  # the trail has entries
    engine = create_engine(app)
    try:
        with engine.connect() as conn:
            trail = conn.execute(text("SELECT count(*), max(id) FROM audit_entries")).one()
        with pytest.raises(ProgrammingError) as refused, engine.begin() as conn:
            conn.execute(text(statement))
        assert refused.value.orig.sqlstate == "42501"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*), max(id) FROM audit_entries")).one() == trail
            assert conn.execute(text("SELECT count(*) FROM audit_entries WHERE new_value = 'rewritten'")).scalar() == 0
    finally:
        engine.dispose()
    assert cli("--db", app, "history", "A1").code == 0
    assert cli("--db", owner, "db", "upgrade").code == 0 and cli("--db", owner, "db", "current").code == 0
    assert cli("--db", app, "events", "list", "--json").code == 0  # the schema version is still head


def test_a_database_behind_the_program_needs_the_owner(cli, roles):
    owner, app = roles
    assert cli("--db", owner, "db", "upgrade").code == 0
    assert cli("--db", app, "demo").code == 0
    first = migrate.script_directory().get_base()
    owner_db = Database(owner)
    migrate.downgrade(owner_db, first)  # as if the program had just been updated
    owner_db.dispose()
    result = cli("--db", app, "events", "list")
    assert result.code == 5 and "crm db upgrade" in result.err and result.err.count("\n") == 1
    assert cli("--db", owner, "db", "upgrade").code == 0
    assert cli("--db", app, "events", "list", "--json").code == 0


def test_restores_belong_to_the_owner_and_keep_the_app_working(cli, roles, tmp_path):
    owner, app = roles
    assert cli("--db", owner, "db", "upgrade").code == 0
    assert cli("--db", app, "demo").code == 0
    dump, portable = tmp_path / "team.dump", tmp_path / "team.zip"
    assert cli("--db", owner, "backup", str(dump)).code == 0
    owners_dump = dump.read_bytes()
    denied = cli("--db", app, "backup", str(dump))  # pg_dump reads sequences: the owner's job
    assert denied.code == 5 and "--portable" in denied.err
    assert dump.read_bytes() == owners_dump  # a failed backup leaves the file as it was
    assert cli("--db", app, "backup", "--portable", str(portable)).code == 0
    refused = cli("--db", app, "restore", str(portable), "--force")  # ids cannot be reset without the owner
    assert refused.code == 5 and "crm db upgrade" in refused.err
    assert cli("--db", app, "events", "list", "--json").json()  # nothing was lost
    for backup in (portable, dump):
        result = cli("--db", owner, "restore", str(backup), "--force")
        assert result.code == 0, result.err
        assert len(cli("--db", app, "events", "list", "--json").json()) == 16  # rights survive recreated tables
