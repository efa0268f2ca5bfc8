"""Invitations made by hand (crm.services.invitations add_invitations / remove_invitations,
`crm invitations add|remove`): contacts put on an event's list as proposed or invited, nobody twice, a
removed one brought back; only proposed invitations removed, the others declined instead."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Contact, Event, Invitation, InvitationStatus as S

from crm.demo import programme
from crm.errors import CrmError, NotFound, RuleViolation, StaleEdit
from crm.services.directory import ContactInput, add_contact
from crm.services.editing import soft_delete
from crm.services.invitations import add_invitations, change_status, remove_invitations


@pytest.fixture
def people(database):
    """The 2011 programme and three contacts (ids 1, 2, 3); the third deleted."""
    with database.unit_of_work() as session:
        programme.load_reference(session)
        programme.load_programme(session)
        ids = [add_contact(session, ContactInput(name=name, organization="中国医药集团")).id
               for name in ("张三", "李四", "王五")]
        soft_delete(session, session.get(Contact, ids[2]), reason="重复")
    return ids


def invitations(database, event="B1") -> dict[int, tuple[str, bool]]:
    """contact id → (status, deleted) of the event's invitations."""
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(select(Invitation).where(Invitation.event.has(ref=event)))
        return {i.contact_id: (i.status.value, i.deleted_at is not None) for i in rows}


def invite(cli, backend, *args):
    return cli("--db", backend.url, "invitations", *args)


def test_add_as_proposed_then_report_those_already_listed(cli, backend, database, people):
    zhang, li, _deleted = people
    result = invite(cli, backend, "add", "B1", str(zhang), f"C#{li}", "--json")
    assert result.code == 0, result.err
    added = result.json()
    assert set(added) == {"added", "already", "restored"} and len(added["added"]) == 2
    assert invitations(database) == {zhang: ("proposed", False), li: ("proposed", False)}
    again = invite(cli, backend, "add", "B1", str(zhang), "--status", "invited")
    assert again.code == 0 and again.out.strip() == "活动 B1：新增邀请 0 条，恢复 0 条；已在名单中 1 位"
    assert invitations(database)[zhang] == ("proposed", False)  # reported, left as it is
    with database.unit_of_work(write=False) as session:
        invitation = session.scalar(select(Invitation).where(Invitation.contact_id == zhang))
        assert invitation.organization_id == session.get(Contact, zhang).organization_id


def test_add_as_invited(cli, backend, database, people):
    assert invite(cli, backend, "add", "B1", str(people[0]), "--status", "invited").code == 0
    assert invitations(database) == {people[0]: ("invited", False)}
    assert invite(cli, backend, "add", "B1", str(people[1]), "--status", "confirmed").code == 2
    with database.unit_of_work() as session, pytest.raises(CrmError) as refused:
        add_invitations(session, "B1", [people[1]], status=S.CONFIRMED)
    assert refused.value.key == "invitation_add_status"


def test_unknown_or_deleted_contacts_and_events_are_refused_by_id(cli, backend, database, people):
    zhang, _li, deleted = people
    result = invite(cli, backend, "add", "B1", str(zhang), str(deleted))
    assert result.code == 1 and f"找不到联系人：{deleted}" in result.err
    assert "找不到联系人：99" in invite(cli, backend, "add", "B1", "99").err
    assert "找不到活动：Z9" in invite(cli, backend, "add", "Z9", str(zhang)).err
    assert invitations(database) == {}  # nothing half written


def test_remove_a_proposed_invitation_and_add_it_back(cli, backend, database, people):
    zhang, li, _deleted = people
    ids = invite(cli, backend, "add", "B1", str(zhang), str(li), "--json").json()["added"]
    removed = invite(cli, backend, "remove", "B1", f"I#{ids[0]}", "--reason", "名额已满")
    assert removed.code == 0 and removed.out.strip() == "已从活动 B1 移除拟邀请 1 条（再次添加即恢复）"
    assert invitations(database)[zhang] == ("proposed", True)
    listed = invite(cli, backend, "list", "B1", "--json").json()
    assert [r["contact_id"] for r in listed] == [li]
    with database.unit_of_work(write=False) as session:
        note = session.scalar(select(AuditEntry.note).where(
            AuditEntry.entity == "invitations", AuditEntry.entity_id == ids[0], AuditEntry.action == "delete"))
    assert note == "名额已满"
    back = invite(cli, backend, "add", "B1", str(zhang), str(li), "--status", "invited", "--json").json()
    assert back == {"added": [], "already": [li], "restored": [ids[0]]}
    assert invitations(database)[zhang] == ("invited", False)
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Invitation)) == 2  # no second row of the pair


def test_only_a_proposed_invitation_can_be_removed(cli, backend, database, people):
    zhang, li, _deleted = people
    ids = invite(cli, backend, "add", "B1", str(zhang), str(li), "--json").json()["added"]
    with database.unit_of_work() as session:
        change_status(session, "B1", [ids[1]], S.INVITED)
    result = invite(cli, backend, "remove", "B1", str(ids[0]), str(ids[1]))
    assert result.code == 1 and result.out == ""
    assert f"邀请 #{ids[1]} 为「已邀请」" in result.err and "婉拒" in result.err
    assert invitations(database) == {zhang: ("proposed", False), li: ("invited", False)}  # nothing removed
    english = cli("--db", backend.url, "--lang", "en", "invitations", "remove", "B1", str(ids[1]))
    assert "only a proposed one can be removed" in english.err and "--status declined" in english.err
    assert "活动 B1 中没有邀请 999" in invite(cli, backend, "remove", "B1", "999").err


def test_a_removed_invitation_keeps_a_later_status_when_brought_back(database, people):
    zhang = people[0]
    with database.unit_of_work() as session:
        [invitation_id] = add_invitations(session, "B1", [zhang], status=S.INVITED).added
        change_status(session, "B1", [invitation_id], S.CONFIRMED)
        soft_delete(session, session.get(Invitation, invitation_id), reason="误删")
    with database.unit_of_work() as session:
        assert add_invitations(session, "B1", [zhang]).restored == [invitation_id]
    assert invitations(database)[zhang] == ("confirmed", False)  # never back to proposed


def test_remove_refuses_a_stale_selection(database, people):
    with database.unit_of_work() as session:
        [invitation_id] = add_invitations(session, "B1", [people[0]]).added
    with database.unit_of_work() as session:
        session.get(Invitation, invitation_id).notes = "已电话联系"
    with database.unit_of_work() as session, pytest.raises(StaleEdit):
        remove_invitations(session, "B1", [invitation_id], expected_versions={invitation_id: 1})
    with database.unit_of_work() as session, pytest.raises(NotFound):
        remove_invitations(session, "A1", [invitation_id])
    with database.unit_of_work() as session:
        assert remove_invitations(session, "B1", [invitation_id], expected_versions={invitation_id: 2}) == [invitation_id]
        with pytest.raises(NotFound):
            remove_invitations(session, "B1", [invitation_id])  # already removed


def test_removing_an_organization_level_entry(database, people):
    """A proposed seat of an organization, the person still 待定, is removed like any proposed one."""
    with database.unit_of_work() as session:
        event = session.scalar(select(Event).where(Event.ref == "B1"))
        seat = Invitation(event=event, status=S.INVITED, owner_unit_id=event.owner_unit_id,
                          organization_id=session.get(Contact, people[0]).organization_id)
        session.add(seat)
        session.flush()
        with pytest.raises(RuleViolation):
            remove_invitations(session, "B1", [seat.id])
        seat.status = S.PROPOSED
        session.flush()
        assert remove_invitations(session, "B1", [seat.id]) == [seat.id]
