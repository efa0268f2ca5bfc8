"""The audit trail (db.audit), history, soft delete/restore and stale edits, on both backends."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, update

from crm.demo.loader import load_demo
from crm.errors import CrmError, RuleViolation, StaleEdit
from crm.services.actor import staff_for
from crm.services.editing import restore, soft_delete, update_fields
from crm.services.history import find_record, history, last_change
from crm.services.projects import NewProject, add_project, advance, get_project, list_projects
from db.audit import UNAUDITED, UnauditedWrite, tracked_tables
from db.models import (
    AuditEntry,
    Contact,
    Event,
    FollowUp,
    Invitation,
    Organization,
    Project,
    Stage,
)
from tests.conftest import TODAY


@pytest.fixture
def db(database):
    """Reference data and the 2011 programme, no projects yet."""
    with database.unit_of_work() as session:
        load_demo(session, size=None, force=False, today=TODAY)
    return database


def new_project(db, who="alice", name="测试项目") -> str:
    with db.unit_of_work() as session:
        actor = staff_for(session, who)
        project = add_project(
            session,
            NewProject(name=name, investor="某集团", industry="pv", city="南昌", amount="100",
                       signed_on=dt.date(2026, 1, 5)),
            actor=actor, today=TODAY,
        )
        return project.ref


def entries(db, entity: str, entity_id: int) -> list[AuditEntry]:
    with db.unit_of_work(write=False) as session:
        found = list(session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        ))
        session.expunge_all()  # readable after the read-only unit of work rolls back
        return found


def load(db, ref: str) -> tuple[int, int]:
    """What a form would keep: the project's id and the version the user saw."""
    with db.unit_of_work(write=False) as session:
        project = get_project(session, ref)
        return project.id, project.version


def edit(db, ref: str, version: int, who: str, changes: dict) -> Project:
    with db.unit_of_work() as session:
        return update_fields(session, get_project(session, ref), version, changes, actor=staff_for(session, who))


def test_every_versioned_model_is_tracked():
    assert tracked_tables() == {"projects", "contacts", "organizations", "events", "invitations", "problems",
                                "programmes", "submissions", "supervision_orders",
                                "supervision_replies", "targets", "promotion_trips"}


def test_creation_and_edit_record_who_field_old_and_new(db):
    ref = new_project(db, "alice")
    project_id, version = load(db, ref)
    edit(db, ref, version, "bob", {"notes": "首次走访", "jobs": 120})
    trail = entries(db, "projects", project_id)
    assert trail[0].action == "create" and '"name": "测试项目"' in trail[0].new_value
    changed = {(e.field, e.old_value, e.new_value) for e in trail if e.action == "update" and e.version == version + 1}
    assert changed == {("notes", None, "首次走访"), ("jobs", None, "120")}
    with db.unit_of_work(write=False) as session:
        bob = staff_for(session, "bob").id
        rows = history(session, find_record(session, ref))
    assert all(e.staff_id == bob for e in trail if e.version == version + 1)
    jobs = [r for r in rows if r["field"] == "jobs"]
    assert [(r["action"], r["old"], r["new"], r["who"]) for r in jobs] == [("update", None, "120", "bob")]
    # A referenced record is shown by name, the raw id stays in the trail.
    assert any(r["field"] == "region_id" and r["new"].startswith("南昌市") for r in rows)


def test_other_tracked_records_are_audited_too(db):
    with db.unit_of_work(actor=None) as session:
        org = Organization(name="某某公司", name_key="某某公司")
        contact = Contact(name="张三", name_key="张三", organization=org)
        event = session.scalar(select(Event).where(Event.ref == "A2"))
        invitation = Invitation(event=event, contact=contact, owner_unit_id=event.owner_unit_id)
        session.add_all([org, contact, invitation])
        session.flush()
        contact.title = "总经理"
        session.flush()
        ids = {"organizations": org.id, "contacts": contact.id, "invitations": invitation.id}
    for entity, entity_id in ids.items():
        assert entries(db, entity, entity_id)[0].action == "create"
    assert [(e.field, e.new_value) for e in entries(db, "contacts", ids["contacts"])[1:]] == [("title", "总经理")]


def test_stale_edit_is_refused_naming_who_and_nothing_changes(db):
    ref = new_project(db)
    _, seen_by_alice = load(db, ref)
    edit(db, ref, seen_by_alice, "bob", {"notes": "bob 的修改"})
    with pytest.raises(StaleEdit) as refused:
        edit(db, ref, seen_by_alice, "alice", {"notes": "alice 的修改"})
    assert "bob" in refused.value.message and str(TODAY.year) in refused.value.message
    assert refused.value.exit_code == 6
    with db.unit_of_work(write=False) as session:
        assert get_project(session, ref).notes == "bob 的修改"
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.new_value == "alice 的修改")) == 0


def test_stage_and_identity_columns_are_not_edited_directly(db):
    ref = new_project(db)
    _, version = load(db, ref)
    for field in ("stage", "version", "deleted_at", "no_such_field"):
        with pytest.raises(CrmError):
            edit(db, ref, version, "alice", {field: None})


def test_race_lost_at_flush_becomes_the_same_refusal(db, backend):
    """Two writers load the same version; the second UPDATE matches no row (PostgreSQL; SQLite
    serialises writers, so there the check before the UPDATE is what refuses)."""
    if backend.name == "sqlite":
        pytest.skip("SQLite writers hold the write lock from BEGIN: the race cannot happen")
    ref = new_project(db)
    with db.unit_of_work() as slow:
        project = get_project(slow, ref)
        loaded = project.version
        edit(db, ref, loaded, "bob", {"notes": "bob 先保存"})
        with pytest.raises(StaleEdit) as refused:
            update_fields(slow, project, loaded, {"notes": "alice 后保存"}, actor=staff_for(slow, "alice"))
        assert "bob" in refused.value.message
        slow.rollback()
    with db.unit_of_work(write=False) as session:
        assert get_project(session, ref).notes == "bob 先保存"


def test_cli_names_who_won_a_race_lost_at_flush(db, backend):
    if backend.name == "sqlite":
        pytest.skip("SQLite writers hold the write lock from BEGIN: the race cannot happen")
    from sqlalchemy.orm.exc import StaleDataError

    from crm.cli.main import describe_failure

    ref = new_project(db)
    with pytest.raises(StaleDataError) as lost:
        with db.unit_of_work() as slow:
            project = get_project(slow, ref)
            edit(db, ref, project.version, "bob", {"notes": "bob 先保存"})
            project.notes = "直接改字段的服务"
            slow.flush()

    class Context:  # what main() hands describe_failure: the arguments and the database
        args = type("Args", (), {"db": backend.url})()

    Context.db = db
    code, message = describe_failure(lost.value, Context())
    assert code == 6 and "bob" in message and ref in message


def test_soft_delete_hides_records_and_restore_brings_them_back(db):
    ref = new_project(db)
    with db.unit_of_work() as session:
        with pytest.raises(CrmError):
            soft_delete(session, find_record(session, ref), reason="  ")
    with db.unit_of_work() as session:
        soft_delete(session, find_record(session, ref), reason="重复录入", actor=staff_for(session, "carol"))
    with db.unit_of_work(write=False) as session:
        assert [p.ref for p in list_projects(session)] == []
        record = find_record(session, ref)
        assert record.deleted_at is not None
        deleted = [r for r in history(session, record) if r["action"] == "delete"]
        assert deleted and deleted[0]["note"] == "重复录入" and deleted[0]["who"] == "carol"
    with db.unit_of_work() as session, pytest.raises(RuleViolation):
        soft_delete(session, find_record(session, ref), reason="再删一次")
    with db.unit_of_work() as session:
        restore(session, find_record(session, ref))
    with db.unit_of_work() as session, pytest.raises(RuleViolation):
        restore(session, find_record(session, ref))
    with db.unit_of_work(write=False) as session:
        assert [p.ref for p in list_projects(session)] == [ref]
        assert [r["action"] for r in history(session, find_record(session, ref))][-1] == "restore"


def test_bulk_update_or_delete_of_tracked_records_is_refused(db):
    new_project(db)
    with pytest.raises(UnauditedWrite):
        with db.unit_of_work() as session:
            session.execute(update(Project).values(notes="无痕修改"))
    with pytest.raises(UnauditedWrite):
        with db.unit_of_work() as session:
            session.execute(Project.__table__.delete())
    with db.unit_of_work() as session:  # an explicit, caller-recorded wipe is allowed
        session.execute(update(Project).values(notes="记录在案").execution_options(**UNAUDITED))


def test_concurrent_stage_steps_and_followups_never_conflict(db, backend):
    """Two sessions append to one project at once: the stage step locks the row, the follow-up is not
    held up by it, the second stage step waits and then succeeds on fresh data."""
    ref = new_project(db)
    first_holds_lock = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with db.unit_of_work() as session:
                advance(session, ref, Stage.CONSTRUCTION, dt.date(2026, 3, 1), note="甲", actor=staff_for(session, "alice"),
                        today=TODAY)
                first_holds_lock.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            first_holds_lock.set()

    worker = threading.Thread(target=first)
    worker.start()
    assert first_holds_lock.wait(10)
    if backend.name == "postgresql":
        from crm.services.followups import add_followup

        with db.unit_of_work() as session:  # not blocked by the stage step's row lock
            add_followup(session, ref, on=TODAY, content="乙的走访", actor=staff_for(session, "bob"), today=TODAY)
    threading.Timer(0.5, release.set).start()
    with db.unit_of_work() as session:  # waits for the first, then sees its step
        advance(session, ref, Stage.PRODUCTION, dt.date(2026, 6, 1), note="乙", actor=staff_for(session, "bob"),
                today=TODAY)
    worker.join(10)
    assert not errors
    with db.unit_of_work(write=False) as session:
        project = get_project(session, ref)
        assert [s.stage for s in project.steps] == [Stage.SIGNED, Stage.CONSTRUCTION, Stage.PRODUCTION]
        assert project.stage == Stage.PRODUCTION
        versions = {e.version for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "projects", AuditEntry.entity_id == project.id))}
        assert versions == set(range(1, project.version + 1))  # every version bump has its entries
        if backend.name == "postgresql":
            assert session.scalar(select(func.count()).select_from(FollowUp)) == 1


def test_appending_followups_does_not_bump_the_version(db):
    from crm.services.followups import add_followup, raise_problem

    ref = new_project(db)
    _, version = load(db, ref)
    with db.unit_of_work() as session:
        actor = staff_for(session, "bob")
        add_followup(session, ref, on=TODAY, content="走访", actor=actor, today=TODAY)
        raise_problem(session, ref, description="用地指标", on=TODAY, unit=None, actor=actor)
    assert load(db, ref)[1] == version  # an edit based on what the user saw still goes through
    edit(db, ref, version, "alice", {"notes": "仍可保存"})


def test_last_change_names_the_latest_change_after_a_version(db):
    ref = new_project(db, "alice")
    project_id, version = load(db, ref)
    edit(db, ref, version, "bob", {"notes": "b"})
    edit(db, ref, version + 1, "carol", {"notes": "c"})
    with db.unit_of_work(write=False) as session:
        assert last_change(session, "projects", project_id, after_version=version)["who"] == "carol"
        assert last_change(session, "projects", project_id, after_version=version + 2) is None


def test_cli_history_delete_restore(cli, backend):
    assert cli("--db", backend.url, "demo").code == 0
    ref = cli("--db", backend.url, "projects", "add", "--name", "历史项目", "--investor", "某集团", "--industry", "pv",
              "--city", "南昌", "--signed-on", "2026-01-05").out.strip()
    assert cli("--db", backend.url, "--user", "dave", "projects", "delete", ref, "--reason", "录错了").code == 0
    listed = cli("--db", backend.url, "projects", "list", "--json").json()
    assert ref not in [p["ref"] for p in listed]
    assert cli("--db", backend.url, "projects", "show", ref).code == 1
    assert cli("--db", backend.url, "projects", "delete", ref, "--reason", "again").code == 1
    assert cli("--db", backend.url, "projects", "restore", ref).code == 0
    result = cli("--db", backend.url, "history", ref, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["ref"] == ref and data["deleted"] is False
    actions = [(c["action"], c["who"], c["note"]) for c in data["changes"] if c["action"] in ("delete", "restore")]
    assert actions == [("delete", "dave", "录错了"), ("restore", "tester", None)]
    table = cli("--db", backend.url, "--lang", "en", "history", ref)
    assert table.code == 0 and "deleted" in table.out and "dave" in table.out
    assert cli("--db", backend.url, "history", "C#999").code == 1
    problem = cli("--db", backend.url, "followups", "add", ref, "--on", "2026-02-01", "--note", "走访", "--problem", "用地")
    assert problem.code == 0, problem.err
    assert cli("--db", backend.url, "history", "#1", "--json").json()["changes"][0]["action"] == "create"
    assert cli("--db", backend.url, "events", "delete", "A2", "--reason", "取消").code == 0
    assert "A2" not in [e["ref"] for e in cli("--db", backend.url, "events", "list", "--json").json()]
    assert cli("--db", backend.url, "events", "restore", "A2").code == 0



def test_cli_contacts_delete_and_restore(cli, backend, database):
    with database.unit_of_work() as session:
        session.add(Contact(name="张三", name_key="张三"))
    for ref in ("1", "C#1"):
        assert cli("--db", backend.url, "contacts", "delete", ref, "--reason", "重复").code == 0, ref
        assert cli("--db", backend.url, "contacts", "restore", ref).code == 0
    assert cli("--db", backend.url, "contacts", "delete", "P00001", "--reason", "不是客商").code == 1
    actions = [c["action"] for c in cli("--db", backend.url, "history", "C#1", "--json").json()["changes"]]
    assert actions == ["create", "create", "delete", "restore", "delete", "restore"]


def test_a_deleted_investor_named_again_is_restored_not_used_deleted(db):
    with db.unit_of_work() as session:
        org = Organization(name="某集团", name_key="某集团")
        session.add(org)
        session.flush()
        soft_delete(session, org, reason="录错了", actor=staff_for(session, "carol"))
        org_id = org.id
    ref = new_project(db, who="alice")  # its investor is 某集团 again
    with db.unit_of_work(write=False) as session:
        project = get_project(session, ref)
        assert project.investor_id == org_id and project.investor.deleted_at is None
        actions = [r["action"] for r in history(session, session.get(Organization, org_id))]
    assert actions[-2:] == ["delete", "restore"]
