"""An event's invitations: the status flow, listing with filters and search, bulk changes by selection
(all or nothing unless --skip-refused), and the CLI."""
import pytest
from sqlalchemy import select

from db.models import Contact, Event, Invitation, InvitationStatus as S, Organization, OrgKind

from crm.demo import programme
from crm.errors import NotFound, StaleEdit
from crm.normalize import mobile_key, name_key, organization_key
from crm.rules.invitations import refusal, stronger
from crm.services.invitations import StatusChangeRefused, change_status, list_invitations


@pytest.mark.parametrize("current,target,allowed", [
    (S.PROPOSED, S.INVITED, True), (S.PROPOSED, S.CONFIRMED, True), (S.INVITED, S.ATTENDED, True),
    (S.INVITED, S.DECLINED, True), (S.CONFIRMED, S.DECLINED, True), (S.DECLINED, S.CONFIRMED, True),
    (S.CONFIRMED, S.CONFIRMED, True),
    (S.PROPOSED, S.DECLINED, False), (S.CONFIRMED, S.INVITED, False), (S.ATTENDED, S.DECLINED, False),
    (S.DECLINED, S.INVITED, False), (S.ATTENDED, S.PROPOSED, False),
])
def test_status_flow(current, target, allowed):
    assert (refusal(current, target) is None) is allowed


def test_stronger_status_wins():
    assert stronger(S.INVITED, S.CONFIRMED) == S.CONFIRMED
    assert stronger(S.DECLINED, S.INVITED) == S.DECLINED
    assert stronger(S.ATTENDED, S.DECLINED) == S.ATTENDED


@pytest.fixture
def guests(database):
    """Five invitations to B1 (one organization-level, the person still 待定); returns {name: invitation id}."""
    with database.unit_of_work() as session:
        programme.load_reference(session)
        programme.load_programme(session)
        b1 = session.scalar(select(Event).where(Event.ref == "B1"))
        soe = Organization(name="中国医药集团", name_key=organization_key("中国医药集团"), kind=OrgKind.CENTRAL_SOE)
        lab = Organization(name="江西中医药研究院", name_key=organization_key("江西中医药研究院"), kind=OrgKind.RESEARCH)
        ids = {}
        for name, org, mobile, status in (("张三", soe, "13800001111", S.PROPOSED), ("李四", soe, "13800002222", S.INVITED),
                                          ("王五", lab, "13800003333", S.CONFIRMED), ("赵六", lab, "13800004444", S.ATTENDED)):
            contact = Contact(name=name, name_key=name_key(name), organization=org, mobile=mobile,
                              mobile_key=mobile_key(mobile))
            invitation = Invitation(event=b1, contact=contact, organization=org, status=status, category="央企",
                                    owner_unit_id=b1.owner_unit_id)
            session.add(invitation)
            session.flush()
            ids[name] = invitation.id
        pending = Invitation(event=b1, organization=lab, status=S.PROPOSED, owner_unit_id=b1.owner_unit_id)
        session.add(pending)
        session.flush()
        ids["待定"] = pending.id
        return ids


def statuses(database, ids):
    with database.unit_of_work(write=False) as session:
        return {i.id: i.status.value for i in session.scalars(select(Invitation).where(Invitation.id.in_(ids)))}


def test_list_with_filters_and_search(database, guests):
    with database.unit_of_work(write=False) as session:
        rows = list_invitations(session, "B1")
        assert [r.name for r in rows] == ["张三", "李四", "王五", "赵六", None]  # by organization, 待定 last
        assert [r.name for r in list_invitations(session, "B1", statuses=[S.CONFIRMED, S.ATTENDED])] == ["王五", "赵六"]
        assert {r.name for r in list_invitations(session, "B1", org_kind=OrgKind.RESEARCH)} == {"王五", "赵六", None}
        assert [r.name for r in list_invitations(session, "B1", query="zs")] == ["张三"]
        assert [r.name for r in list_invitations(session, "B1", query="4444")] == ["赵六"]
        assert {r.name for r in list_invitations(session, "B1", query="研究院")} == {"王五", "赵六", None}
        assert list_invitations(session, "A1") == []
        with pytest.raises(NotFound):
            list_invitations(session, "ZZ")


def test_bulk_change_all_or_nothing(database, guests):
    chosen = [guests["张三"], guests["李四"], guests["赵六"]]
    with database.unit_of_work() as session, pytest.raises(StatusChangeRefused) as refused:
        change_status(session, "B1", chosen, "confirmed")
    assert refused.value.plan.refused == [{"id": guests["赵六"], "status": "attended", "reason": "invitation_already_attended"}]
    assert statuses(database, chosen) == {guests["张三"]: "proposed", guests["李四"]: "invited", guests["赵六"]: "attended"}

    with database.unit_of_work() as session:
        plan = change_status(session, "B1", chosen + [guests["王五"]], "confirmed", skip_refused=True)
    assert plan.changed == [guests["张三"], guests["李四"]]
    assert plan.unchanged == [guests["王五"]]
    assert statuses(database, chosen)[guests["张三"]] == "confirmed"


def test_bulk_change_refusals(database, guests):
    with database.unit_of_work() as session:
        with pytest.raises(NotFound):
            change_status(session, "B1", [guests["张三"], 987654], "invited")
        with pytest.raises(NotFound):
            change_status(session, "A1", [guests["张三"]], "invited")  # not this event's invitation
        with pytest.raises(StaleEdit):
            change_status(session, "B1", [guests["张三"]], "invited", expected_versions={guests["张三"]: 7})
        with pytest.raises(StatusChangeRefused):
            change_status(session, "B1", [guests["待定"]], "declined")


def test_cli(cli, backend, guests, database):
    listed = cli("--db", backend.url, "invitations", "list", "B1", "--status", "proposed", "--json")
    assert listed.code == 0, listed.err
    assert {r["id"] for r in listed.json()} == {guests["张三"], guests["待定"]}
    table = cli("--db", backend.url, "invitations", "list", "B1")
    assert "（待定）" in table.out and "张三" in table.out

    refused = cli("--db", backend.url, "invitations", "set-status", "B1", "--status", "invited",
                  guests["张三"], guests["赵六"])
    assert refused.code == 4 and "--skip-refused" in refused.err
    assert statuses(database, [guests["张三"]]) == {guests["张三"]: "proposed"}

    done = cli("--db", backend.url, "invitations", "set-status", "B1", "--status", "invited",
               guests["张三"], guests["赵六"], "--skip-refused", "--json")
    assert done.code == 0, done.err
    assert done.json()["changed"] == [guests["张三"]]
    assert statuses(database, [guests["张三"]]) == {guests["张三"]: "invited"}

    english = cli("--db", backend.url, "--lang", "en", "invitations", "set-status", "B1", "--status", "attended",
                  guests["李四"])
    assert english.code == 0 and "set to attended: 1" in english.out
    assert cli("--db", backend.url, "invitations", "set-status", "B1", "--status", "maybe", "1").code == 2
    assert cli("--db", backend.url, "invitations", "set-status", "B1", "--status", "invited", "99999").code == 1
