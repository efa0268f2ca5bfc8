"""Merging duplicate contacts: the field plan, invitations moved or combined, soft delete, undo, refusals,
and the CLI (`crm contacts merge/unmerge`)."""
import pytest
from sqlalchemy import select

from db.models import AuditEntry, Contact, ContactMerge, Event, Invitation, InvitationStatus, Organization

from crm.demo import programme
from crm.errors import NotFound, RuleViolation, StaleEdit
from crm.normalize import email_key, mobile_key, name_key, organization_key
from crm.services.merge import merge_contacts, plan_merge, undo_merge
from crm.services.search import search_contacts


@pytest.fixture
def pair(database):
    """张三 (kept) and a duplicate 张 三 from another list; both invited to A1, the duplicate also to B1."""
    with database.unit_of_work() as session:
        programme.load_reference(session)
        programme.load_programme(session)
        events = {e.ref: e for e in session.scalars(select(Event))}
        org = Organization(name="腾讯科技", name_key=organization_key("腾讯科技"))
        other_org = Organization(name="腾讯控股", name_key=organization_key("腾讯控股"))
        kept = Contact(name="张三", name_key=name_key("张三"), organization=org, mobile="13800138000",
                       mobile_key=mobile_key("13800138000"), notes="北京见过")
        dup = Contact(name="张三", name_key=name_key("张三"), organization=other_org, title="总经理",
                      email="zs@example.com", email_key=email_key("zs@example.com"), mobile="13900001111",
                      mobile_key="13900001111", notes="南昌推介会")
        session.add_all([kept, dup])
        session.add_all([
            Invitation(event=events["A1"], contact=kept, organization=org, status=InvitationStatus.INVITED,
                       owner_unit_id=events["A1"].owner_unit_id),
            Invitation(event=events["A1"], contact=dup, organization=other_org, status=InvitationStatus.CONFIRMED,
                       category="民企", notes="需安排接机", owner_unit_id=events["A1"].owner_unit_id),
            Invitation(event=events["B1"], contact=dup, organization=other_org, status=InvitationStatus.ATTENDED,
                       owner_unit_id=events["B1"].owner_unit_id),
        ])
        session.flush()
        return kept.id, dup.id


def invitations_of(session, contact_id, *, live=True):
    stmt = select(Invitation).where(Invitation.contact_id == contact_id)
    if live:
        stmt = stmt.where(Invitation.deleted_at.is_(None))
    return {i.event.ref: i.status.value for i in session.scalars(stmt)}


def test_plan_shows_every_field(database, pair):
    kept_id, dup_id = pair
    with database.unit_of_work(write=False) as session:
        plan = plan_merge(session, kept_id, dup_id)
    fields = {f.field: (f.result, f.source) for f in plan.fields}
    assert fields["name"] == ("张三", "same")
    assert fields["mobile"] == ("13800138000", "kept")
    assert fields["title"] == ("总经理", "merged")
    assert fields["email"] == ("zs@example.com", "merged")
    assert fields["notes"] == ("北京见过\n南昌推介会", "both")
    assert fields["organization_id"][1] == "kept"
    assert set(plan.organizations.values()) == {"腾讯科技", "腾讯控股"}
    steps = {i.event_ref: (i.kept_status, i.merged_status, i.result_status) for i in plan.invitations}
    assert steps == {"A1": ("invited", "confirmed", "confirmed"), "B1": (None, "attended", "attended")}
    with database.unit_of_work(write=False) as session:
        taken = {f.field: f.result for f in plan_merge(session, kept_id, dup_id, take=["mobile"]).fields}
    assert taken["mobile"] == "13900001111"


def test_merge_moves_invitations_and_can_be_undone(database, pair):
    kept_id, dup_id = pair
    with database.unit_of_work() as session:
        record = merge_contacts(session, kept_id, dup_id)
        merge_id = record.id
    with database.unit_of_work(write=False) as session:
        kept, dup = session.get(Contact, kept_id), session.get(Contact, dup_id)
        assert (kept.title, kept.email, kept.email_key, kept.mobile) == ("总经理", "zs@example.com", "zs@example.com", "13800138000")
        assert kept.notes == "北京见过\n南昌推介会"
        assert dup.deleted_at is not None
        assert invitations_of(session, kept_id) == {"A1": "confirmed", "B1": "attended"}
        a1 = session.scalar(select(Invitation).where(Invitation.contact_id == kept_id, Invitation.event.has(ref="A1")))
        assert (a1.category, a1.notes) == ("民企", "需安排接机")
        assert invitations_of(session, dup_id) == {}
        # The merged-away contact is no longer found; the kept one is, by what it took over.
        assert [h.id for h in search_contacts(session, "zs@example")] == [kept_id]
        assert [h.id for h in search_contacts(session, "张三")] == [kept_id]
        # The audit trail recorded the changes (db.audit) as for any edit.
        fields = set(session.scalars(select(AuditEntry.field).where(AuditEntry.entity == "contacts",
                                                                    AuditEntry.entity_id == kept_id)))
        assert {"title", "email", "notes"} <= fields

    with database.unit_of_work() as session:
        undo_merge(session, merge_id)
    with database.unit_of_work(write=False) as session:
        kept, dup = session.get(Contact, kept_id), session.get(Contact, dup_id)
        assert (kept.title, kept.email, kept.email_key, kept.notes) == (None, None, None, "北京见过")
        assert dup.deleted_at is None
        assert invitations_of(session, kept_id) == {"A1": "invited"}
        assert invitations_of(session, dup_id) == {"A1": "confirmed", "B1": "attended"}
        a1 = session.scalar(select(Invitation).where(Invitation.contact_id == kept_id))
        assert (a1.category, a1.notes) == (None, None)
        assert session.get(ContactMerge, merge_id).undone_at is not None
        assert sorted(h.id for h in search_contacts(session, "张三")) == sorted([kept_id, dup_id])
    with database.unit_of_work() as session, pytest.raises(RuleViolation):
        undo_merge(session, merge_id)


def test_undo_is_refused_after_a_later_edit(database, pair):
    kept_id, dup_id = pair
    with database.unit_of_work() as session:
        merge_id = merge_contacts(session, kept_id, dup_id).id
    with database.unit_of_work() as session:
        session.get(Contact, kept_id).title = "董事长"
    with database.unit_of_work() as session, pytest.raises(StaleEdit):
        undo_merge(session, merge_id)
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, dup_id).deleted_at is not None  # nothing half undone


def test_refusals(database, pair):
    kept_id, dup_id = pair
    with database.unit_of_work() as session:
        with pytest.raises(RuleViolation):
            merge_contacts(session, kept_id, kept_id)
        with pytest.raises(NotFound):
            merge_contacts(session, kept_id, 999999)
        with pytest.raises(RuleViolation):
            plan_merge(session, kept_id, dup_id, take=["version"])
        with pytest.raises(StaleEdit):
            merge_contacts(session, kept_id, dup_id, expected_versions=(1, 99))
    with database.unit_of_work() as session:
        merge_contacts(session, kept_id, dup_id)
    with database.unit_of_work() as session, pytest.raises(NotFound):
        merge_contacts(session, dup_id, kept_id)  # merged away: gone from the live contacts


def test_cli_merge_dry_run_merge_and_unmerge(cli, database, backend, pair):
    kept_id, dup_id = pair
    dry = cli("--db", backend.url, "contacts", "merge", kept_id, f"C#{dup_id}", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert dry.json()["dry_run"] is True and dry.json()["merge"] is None
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, dup_id).deleted_at is None and session.scalar(select(ContactMerge)) is None
    shown = cli("--db", backend.url, "contacts", "merge", kept_id, dup_id, "--take", "mobile")
    assert shown.code == 0, shown.err
    assert "13900001111" in shown.out and f"C#{dup_id}" in shown.out
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, kept_id).mobile == "13900001111"
    assert cli("--db", backend.url, "contacts", "unmerge", kept_id).code == 1  # the kept one was not merged away
    undone = cli("--db", backend.url, "contacts", "unmerge", dup_id, "--json")
    assert undone.code == 0, undone.err
    assert undone.json()["merged"] == dup_id
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, kept_id).mobile == "13800138000"
    again = cli("--db", backend.url, "--lang", "en", "contacts", "unmerge", dup_id)
    assert again.code == 1 and "no merge to undo" in again.err


def test_cli_show_and_search(cli, backend, pair):
    kept_id, _dup_id = pair
    shown = cli("--db", backend.url, "contacts", "show", kept_id, "--json")
    assert shown.code == 0, shown.err
    detail = shown.json()
    assert detail["organization"]["name"] == "腾讯科技"
    assert [i["event"] for i in detail["invitations"]] == ["A1"]
    found = cli("--db", backend.url, "contacts", "search", "zs", "--json")
    assert found.code == 0 and {h["name"] for h in found.json()} == {"张三"}
    assert len(found.json()) == 2
    table = cli("--db", backend.url, "contacts", "search", "zs")
    assert "拼音" in table.out and "pinyin" not in table.out  # what matched, in the user's language
    in_event = cli("--db", backend.url, "contacts", "search", "zs", "--event", "B1", "--json").json()
    assert [h["id"] for h in in_event] == [_dup_id]
    missing = cli("--db", backend.url, "contacts", "show", 424242)
    assert missing.code == 1 and "424242" in missing.err
    bad = cli("--db", backend.url, "contacts", "search", "zs", "--industry", "不存在的产业")
    assert bad.code == 1 and "不存在的产业" in bad.err
    orgs = cli("--db", backend.url, "organizations", "search", "txkj", "--json").json()
    assert [o["name"] for o in orgs] == ["腾讯科技"]
