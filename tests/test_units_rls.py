"""Province and cities on one PostgreSQL database: every staff member connects as their own login (crm db
create-login), and row-level security keyed on that login keeps each city to its own rows — through
crm and through a raw connection alike — while a provincial reviewer sees all."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from tests.pgscratch import admin_or_skip, unique

PASSWORD = "city-pass-1"
# Unit-owned tables, and how the owner finds the rows of one unit's scope (:units, an array of unit ids).
OWNED_ROWS = {
    "events": "SELECT id FROM events WHERE owner_unit_id = ANY(:units)",
    "projects": "SELECT id FROM projects WHERE owner_unit_id = ANY(:units)",
    "invitations": "SELECT id FROM invitations WHERE owner_unit_id = ANY(:units)",
    "submissions": "SELECT id FROM submissions WHERE unit_id = ANY(:units)",
    "audit_entries": "SELECT id FROM audit_entries WHERE unit_id = ANY(:units)",
    **{table: f"SELECT t.id FROM {table} t JOIN projects p ON p.id = t.project_id WHERE p.owner_unit_id = ANY(:units)"
       for table in ("followups", "problems", "stage_steps", "project_figures", "status_changes")},
    **{table: f"SELECT t.id FROM {table} t JOIN events e ON e.id = t.event_id WHERE e.owner_unit_id = ANY(:units)"
       for table in ("event_organizers", "event_quotas")},
}


@pytest.fixture
def team(cli, monkeypatch):
    """A database owned by a role that may create logins; the owner sets up units and staff, and each staff
    member gets a login. Returns (owner URL, {login: URL})."""
    admin = admin_or_skip()
    name, owner = unique("crm_rls"), unique("crm_rls_owner")
    logins = {role: unique(f"crm_{role}") for role in ("nc", "jj", "park", "rev")}
    server = create_engine(admin, isolation_level="AUTOCOMMIT")

    def drop_all(conn):
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in (*logins.values(), owner):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))

    with server.connect() as conn:
        drop_all(conn)
        conn.execute(text(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD 'owner-pw'"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
        conn.execute(text(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC'))
    owner_url = admin.set(username=owner, password="owner-pw", database=name).render_as_string(hide_password=False)
    assert cli("--db", owner_url, "db", "upgrade").code == 0
    assert cli("--db", owner_url, "demo", "--size", "small").code == 0
    for args in (("units", "add", "南昌高新区", "--kind", "park", "--parent", "南昌市政府"),
                 ("units", "add", "省工信委审核处", "--kind", "office"),
                 ("staff", "add", logins["nc"], "--unit", "南昌市政府"),
                 ("staff", "add", logins["jj"], "--unit", "九江市政府"),
                 ("staff", "add", logins["park"], "--unit", "南昌高新区"),
                 ("staff", "add", logins["rev"], "--unit", "省工信委审核处", "--reviewer")):
        assert cli("--db", owner_url, *args).code == 0, args
    monkeypatch.setenv("CRM_NEW_PASSWORD", PASSWORD)
    urls = {}
    for role, login in logins.items():
        result = cli("--db", owner_url, "db", "create-login", login)
        assert result.code == 0, result.err
        assert PASSWORD not in result.out + result.err
        urls[role] = admin.set(username=login, password=PASSWORD, database=name).render_as_string(hide_password=False)
    monkeypatch.delenv("CRM_NEW_PASSWORD")
    yield owner_url, urls, logins
    with server.connect() as conn:
        drop_all(conn)
    server.dispose()


def _as(cli, monkeypatch, login: str, url: str, *args):
    monkeypatch.setenv("CRM_USER", login)
    return cli("--db", url, *args)


def _unit_ids(owner, names: list[str]) -> list[int]:
    engine = create_engine(owner)
    with engine.connect() as conn:
        ids = [conn.execute(text("SELECT id FROM units WHERE name = :n"), {"n": n}).scalar_one() for n in names]
    engine.dispose()
    return ids


def _work_of_a_city(cli, monkeypatch, login, url, city, suffix):
    """A city's own day: a programme event, a project signed at it, a follow-up, a problem, a submission."""
    def run(*args):
        result = _as(cli, monkeypatch, login, url, *args)
        assert result.code == 0, (args, result.err)
        return result.out.strip()

    run("events", "add", "--programme", "2011-544", "--title", f"{city}对接会{suffix}", "--level", "city",
        "--city", city, "--when", "2011-10-10", "--host", f"{city}市政府")
    ref = run("projects", "add", "--name", f"{city}项目{suffix}", "--investor", f"{city}投资方{suffix}",
              "--industry", "pv", "--city", city, "--signed-on", "2026-10-05", "--amount", "5000")
    run("followups", "add", ref, "--on", "2026-10-20", "--note", "走访", "--problem", "用地指标")
    run("submit", "project", ref, "--on", "2026-10-21")
    return ref


def test_each_city_sees_and_changes_only_its_own_rows(cli, team, monkeypatch):
    owner, urls, logins = team
    nc_ref = _work_of_a_city(cli, monkeypatch, logins["nc"], urls["nc"], "南昌", "A")
    jj_ref = _work_of_a_city(cli, monkeypatch, logins["jj"], urls["jj"], "九江", "B")
    park_ref = _as(cli, monkeypatch, logins["park"], urls["park"], "projects", "add", "--name", "园区项目",
                   "--investor", "园区投资方", "--industry", "pv", "--city", "南昌", "--signed-on", "2026-10-05").out.strip()
    nc_units = _unit_ids(owner, ["南昌市政府", "南昌高新区"])
    jj_units = _unit_ids(owner, ["九江市政府"])

    owner_engine = create_engine(owner)
    with owner_engine.connect() as conn:
        theirs = {t: set(conn.execute(text(q), {"units": jj_units}).scalars()) for t, q in OWNED_ROWS.items()}
        total_projects = conn.execute(text("SELECT count(*) FROM projects")).scalar()
    owner_engine.dispose()
    assert all(theirs[t] for t in ("events", "projects", "invitations", "submissions", "followups", "problems",
                                   "stage_steps", "event_organizers", "audit_entries")), theirs

    nanchang = create_engine(urls["nc"])
    try:
        for table, ids in theirs.items():
            with nanchang.connect() as conn:
                seen = set(conn.execute(text(f"SELECT id FROM {table}")).scalars())
                conn.rollback()
                assert not seen & ids, table
                if not ids:
                    continue
                trans = conn.begin()
                try:
                    changed = conn.execute(text(f"UPDATE {table} SET id = id WHERE id = ANY(:ids)"),
                                           {"ids": list(ids)}).rowcount
                    assert changed == 0, table
                except DBAPIError as refused:  # audit_entries: append-only for everyone but the owner
                    assert table == "audit_entries" and refused.orig.sqlstate == "42501"
                trans.rollback()
                trans = conn.begin()
                try:
                    assert conn.execute(text(f"DELETE FROM {table} WHERE id = ANY(:ids)"),
                                        {"ids": list(ids)}).rowcount == 0, table
                except DBAPIError as refused:
                    assert table == "audit_entries" and refused.orig.sqlstate == "42501"
                trans.rollback()
        with nanchang.connect() as conn:
            # Nor can a city write rows for another unit, or widen its own sight.
            with pytest.raises(DBAPIError) as refused, conn.begin():
                conn.execute(text("UPDATE projects SET owner_unit_id = :jj WHERE owner_unit_id = ANY(:nc)"),
                             {"jj": jj_units[0], "nc": nc_units})
            assert refused.value.orig.sqlstate == "42501"
            for statement in ("UPDATE staff SET unit_id = NULL WHERE login = current_user",
                              "DELETE FROM staff WHERE login = current_user",
                              "UPDATE units SET kind = 'province' WHERE id = ANY(:nc)",
                              # nor confirm its own submissions, nor make itself a reviewer
                              "UPDATE submissions SET outcome = 'accepted', decided_on = CURRENT_DATE",
                              "INSERT INTO staff (login, name, reviewer, created_at, updated_at) "
                              "VALUES ('intruder', 'x', true, now(), now())"):
                with pytest.raises(DBAPIError) as refused, conn.begin():
                    conn.execute(text(statement), {"nc": nc_units})
                assert refused.value.orig.sqlstate == "42501", statement
    finally:
        nanchang.dispose()

    def refs(login, url):
        result = _as(cli, monkeypatch, login, url, "projects", "list", "--json")
        assert result.code == 0, result.err
        return {p["ref"] for p in result.json()}

    assert nc_ref in refs(logins["nc"], urls["nc"]) and park_ref in refs(logins["nc"], urls["nc"])
    assert jj_ref not in refs(logins["nc"], urls["nc"])
    assert refs(logins["park"], urls["park"]) == {park_ref}
    assert nc_ref not in refs(logins["jj"], urls["jj"])
    assert len(refs(logins["rev"], urls["rev"])) == total_projects
    shown = _as(cli, monkeypatch, logins["nc"], urls["nc"], "projects", "show", jj_ref)
    assert shown.code != 0
    # Connected as Nanchang, nobody else: naming the reviewer in CRM_USER does not make one.
    posing = _as(cli, monkeypatch, logins["rev"], urls["nc"], "review", "accept", "project", nc_ref)
    assert posing.code == 1 and logins["nc"] in posing.err, posing.err
    monkeypatch.delenv("CRM_USER")
    own = cli("--db", urls["nc"], "review", "accept", "project", nc_ref)  # the connected login acts
    assert own.code == 1 and "不是省级审核人" in own.err, own.err
    # The province's own events are read by every city (they invite to them and sign there).
    events = {e["ref"] for e in _as(cli, monkeypatch, logins["nc"], urls["nc"], "events", "list", "--json").json()}
    assert "A1" in events and not any("九江对接会" in e for e in events)
    review = _as(cli, monkeypatch, logins["rev"], urls["rev"], "review", "list", "--json").json()
    assert {(r["ref"], r["status"]) for r in review} >= {(nc_ref, "submitted"), (jj_ref, "submitted")}
    assert {r["ref"] for r in _as(cli, monkeypatch, logins["nc"], urls["nc"], "review", "list", "--json").json()} \
        == {nc_ref}


def test_a_city_login_cannot_move_its_event_out_and_a_provincial_edit_moves_it_whole(cli, team, monkeypatch):
    """An event's unit follows its city and level (crm.rules.scope.owner_of_event) when the province edits
    them, its invitations with it; a city's login editing its own event keeps it its own, is refused putting
    it under the province's activity, and cannot hand it over past crm either."""
    _owner, urls, logins = team
    nc, jj = logins["nc"], logins["jj"]

    def as_nc(*args):
        return _as(cli, monkeypatch, nc, urls["nc"], *args)

    def visible(role, ref):
        """(events, invitations) of the event that role's own login reads, past crm."""
        engine = create_engine(urls[role])
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM events WHERE ref = :ref"), {"ref": ref}).scalar_one()
            invited = conn.execute(text("SELECT count(*) FROM invitations i JOIN events e ON e.id = i.event_id "
                                        "WHERE e.ref = :ref"), {"ref": ref}).scalar_one()
        engine.dispose()
        return found, invited

    added = as_nc("events", "add", "--programme", "2011-544", "--title", "南昌自办对接会", "--level", "city",
                  "--city", "南昌", "--when", "2011-02-20", "--json")
    assert added.code == 0, added.err
    ref = added.json()["ref"]
    contact = as_nc("contacts", "add", "--name", "王芳", "--organization", "示例新能源集团", "--json")
    assert contact.code == 0, contact.err
    assert as_nc("invitations", "add", ref, str(contact.json()["id"])).code == 0
    assert visible("nc", ref) == (1, 1) and visible("jj", ref) == (0, 0)

    edited = as_nc("events", "edit", ref, "--city", "九江")  # on paper in 九江: still 南昌's
    assert edited.code == 0 and "改归" not in edited.err, edited.err
    assert visible("nc", ref) == (1, 1) and visible("jj", ref) == (0, 0)
    refused = as_nc("events", "edit", ref, "--parent", "A1")
    assert refused.code == 1 and "省本级" in refused.err, refused.err
    nanchang = create_engine(urls["nc"])
    try:
        with nanchang.connect() as conn, pytest.raises(DBAPIError) as denied, conn.begin():
            conn.execute(text("UPDATE events SET owner_unit_id = (SELECT id FROM units WHERE name = '九江市政府') "
                              "WHERE ref = :ref"), {"ref": ref})
        assert denied.value.orig.sqlstate == "42501"
    finally:
        nanchang.dispose()
    assert visible("nc", ref) == (1, 1) and visible("jj", ref) == (0, 0)

    # Provincial staff, through their own login, put it in 南昌 again, then in 九江: it goes to 九江 with its
    # invitation.
    assert _as(cli, monkeypatch, logins["rev"], urls["rev"], "events", "edit", ref, "--city", "南昌").code == 0
    moved = _as(cli, monkeypatch, logins["rev"], urls["rev"], "events", "edit", ref, "--city", "九江")
    assert moved.code == 0 and "改归九江市政府" in moved.err, moved.err
    assert visible("jj", ref) == (1, 1) and visible("nc", ref) == (0, 0)
    shown = _as(cli, monkeypatch, jj, urls["jj"], "invitations", "list", ref, "--json")
    assert [i["name"] for i in shown.json()] == ["王芳"]
