"""Contacts and organizations made and changed by hand (crm.services.directory, `crm contacts add|edit`,
`crm organizations add|edit|delete|restore`): values kept as typed, checks, likely duplicates found by the
import's identity rule (crm.rules.identity), version-checked and audited edits."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Contact, Event, Organization, OrgKind, Region

from crm.demo import programme
from crm.errors import StaleEdit
from crm.importing.parse import parse_file
from crm.importing.service import plan_import
from crm.services.directory import (
    ContactInput,
    FieldRefused,
    LikelyDuplicate,
    OrganizationInput,
    add_contact,
    add_organization,
    current_contact,
    current_organization,
    edit_contact,
    edit_organization,
    likely_duplicate,
    parse_org_kind,
)
from crm.services.editing import soft_delete
from tests.test_import_builders import write_csv


def count(database, model) -> int:
    with database.unit_of_work(write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


def add(cli, backend, *args):
    return cli("--db", backend.url, "contacts", "add", *args)


def new_id(result) -> int:
    assert result.code == 0, result.err
    return result.json()["id"]


# --- contacts: values ----------------------------------------------------------------------------


def test_a_contact_is_kept_as_typed_and_its_new_organization_said(cli, backend):
    result = add(cli, backend, "--name", "张三", "--organization", "腾讯科技（深圳）有限公司", "--title", "总经理",
                 "--mobile", "+86 138-0013-8000", "--phone", "0755-8601 3388", "--email", "ZS@Tencent.com",
                 "--notes", "企业反映：用地（200亩）")
    assert result.code == 0, result.err
    assert result.out.strip() == "已添加联系人 C#1：张三（新建单位：腾讯科技（深圳）有限公司）"
    shown = cli("--db", backend.url, "contacts", "show", "C#1", "--json").json()
    assert (shown["name"], shown["title"], shown["phone"], shown["email"], shown["notes"]) == (
        "张三", "总经理", "0755-8601 3388", "ZS@Tencent.com", "企业反映：用地（200亩）")
    assert shown["mobile"] == "13800138000"  # a mainland mobile in its 11-digit form
    assert shown["organization"]["name"] == "腾讯科技（深圳）有限公司"
    # The organization is found by its key the next time, however it is written.
    again = add(cli, backend, "--name", "李四", "--organization", "腾讯科技(深圳)有限公司")
    assert again.code == 0 and "新建单位" not in again.out
    assert cli("--db", backend.url, "contacts", "show", "2", "--json").json()["organization"]["id"] == \
        shown["organization"]["id"]


def test_add_answers_its_id_in_json(cli, backend):
    assert add(cli, backend, "--name", "王五", "--json").json() == {"id": 1}


@pytest.mark.parametrize("mobile", ["abc", "12", "138001380", "1380013800O", "+1"])
def test_a_mobile_that_is_no_phone_number_is_refused(cli, backend, mobile):
    result = add(cli, backend, "--name", "王五", "--mobile", mobile)
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and "手机号码无效" in result.err and mobile in result.err
    assert cli("--db", backend.url, "--lang", "en", "contacts", "add", "--name", "王五", "--mobile", mobile).err \
        .startswith("crm: error: not a mobile number")


def test_a_mobile_from_abroad_is_kept_as_typed(database):
    with database.unit_of_work() as session:
        saved = add_contact(session, ContactInput(name="Mary Chan", mobile="+852 9123 4567"))
        contact = session.get(Contact, saved.id)
        assert (contact.mobile, contact.mobile_key) == ("+852 9123 4567", None)


def test_refusals_name_their_field(database):
    cases = [
        (ContactInput(name="  "), "name", "empty_field"),
        (ContactInput(name="张" * 65), "name", "text_too_long"),
        (ContactInput(name="王五", mobile="abc"), "mobile", "bad_mobile"),
        (ContactInput(name="王五", email="wangwu.example.com"), "email", "bad_email"),
        (ContactInput(name="王五", title="长" * 129), "title", "text_too_long"),
        (ContactInput(name="王五", organization="单" * 256), "organization", "text_too_long"),
    ]
    for values, field, key in cases:
        with database.unit_of_work() as session, pytest.raises(FieldRefused) as refused:
            add_contact(session, values)
        assert (refused.value.field, refused.value.key) == (field, key)
    assert count(database, Contact) == 0 and count(database, Organization) == 0


def test_a_bad_email_is_refused_on_the_command_line(cli, backend):
    result = add(cli, backend, "--name", "王五", "--email", "wangwu@")
    assert result.code == 1 and "邮箱无效：wangwu@" in result.err


# --- contacts: likely duplicates -------------------------------------------------------------------


def test_a_mobile_written_differently_is_a_likely_duplicate(cli, backend, database):
    first = new_id(add(cli, backend, "--name", "张三", "--organization", "甲公司", "--mobile", "13800138000", "--json"))
    result = add(cli, backend, "--name", "张叁", "--organization", "乙公司", "--mobile", "+86 138-0013-8000")
    assert result.code == 1 and result.out == ""
    assert result.err.strip() == ("crm: 错误: 可能与已有联系人重复（手机相同）：张三，甲公司，13800138000，编号 C#1；"
                                  "确为另一人请加 --allow-duplicate")
    assert count(database, Contact) == 1 and count(database, Organization) == 1  # 乙公司 not added either
    english = cli("--db", backend.url, "--lang", "en", "contacts", "add", "--name", "张叁", "--mobile", "13800138000")
    assert "likely a duplicate (the same mobile) of 张三, 甲公司, 13800138000, id C#1" in english.err
    second = new_id(add(cli, backend, "--name", "张叁", "--organization", "乙公司", "--mobile", "+86 138-0013-8000",
                        "--allow-duplicate", "--json"))
    assert second != first and count(database, Contact) == 2


def test_an_email_in_other_case_is_a_likely_duplicate(cli, backend):
    new_id(add(cli, backend, "--name", "李四", "--email", "Li4@Yi.com", "--json"))
    result = add(cli, backend, "--name", "Li Si", "--email", "li4@YI.COM")
    assert result.code == 1 and "邮箱相同" in result.err and "李四，—，—，编号 C#1" in result.err


def test_a_name_within_the_organization_is_a_likely_duplicate(cli, backend):
    new_id(add(cli, backend, "--name", "王五", "--organization", "丙公司", "--mobile", "13900001111", "--json"))
    result = add(cli, backend, "--name", "王 五", "--organization", "丙 公司")
    assert result.code == 1 and "同一单位中同名" in result.err and "C#1" in result.err
    # Elsewhere, or told apart by another mobile, it is another person.
    assert add(cli, backend, "--name", "王五", "--organization", "丁公司").code == 0
    assert add(cli, backend, "--name", "王五", "--organization", "丙公司", "--mobile", "13900002222").code == 0


def test_a_deleted_contact_is_no_duplicate(database):
    with database.unit_of_work() as session:
        saved = add_contact(session, ContactInput(name="赵六", mobile="13800138000"))
        soft_delete(session, session.get(Contact, saved.id), reason="重复录入")
    with database.unit_of_work() as session:
        assert likely_duplicate(session, ContactInput(name="赵六", mobile="13800138000")) is None
        add_contact(session, ContactInput(name="赵六", mobile="13800138000"))


def test_likely_duplicate_says_whom_and_why(database):
    with database.unit_of_work() as session:
        kept = add_contact(session, ContactInput(name="张三", organization="甲公司", mobile="13800138000"))
        with pytest.raises(LikelyDuplicate) as refused:
            add_contact(session, ContactInput(name="张三", organization="甲公司"))
        assert refused.value.duplicate.as_dict() == {
            "id": kept.id, "name": "张三", "organization": "甲公司", "mobile": "13800138000", "email": None,
            "matched": "name"}
        # A new organization has nobody in it yet.
        assert likely_duplicate(session, ContactInput(name="张三", organization="新公司")) is None


# Probes against known people: (name, organization, mobile, email) → who the import and the form both find.
KNOWN = [("张三", "甲公司", "13800138000", None), ("李四", "乙公司", None, "Li4@Yi.com"), ("王五", "丙公司", None, None),
         ("赵六", None, None, None), ("钱七", "甲公司", "13700137000", "qq@jia.com")]
PROBES = [
    (("张叁", "乙公司", "+86 138-0013-8000", None), "张三"),  # the mobile, written differently
    (("Li Si", None, None, "li4@YI.COM"), "李四"),  # the email, case aside
    (("王 五", "丙公司", None, None), "王五"),  # the name within the organization
    (("王五", "丁公司", None, None), None),  # the same name elsewhere
    (("赵六", None, None, None), "赵六"),  # both without an organization
    (("张三", "甲公司", "13600136000", None), None),  # another mobile: another person
    (("钱七", "甲公司", None, "other@jia.com"), None),  # another email: another person
    (("钱七", "甲公司", None, None), "钱七"),
]


def test_the_import_and_the_form_find_the_same_duplicates(database, tmp_path):
    """One identity rule (crm.rules.identity), asked of the import's in-memory index and of the database."""
    with database.unit_of_work() as session:
        programme.load_reference(session)
        programme.load_programme(session)
        ids = {name: add_contact(session, ContactInput(name, organization, None, mobile, None, email)).id
               for name, organization, mobile, email in KNOWN}
        event_id = session.scalar(select(Event.id).where(Event.ref == "B1"))
    for number, ((name, organization, mobile, email), expected) in enumerate(PROBES):
        path = write_csv(tmp_path / f"probe{number}.csv",
                         [["姓名", "单位", "手机", "邮箱"], [name, organization, mobile, email]])
        with database.unit_of_work(write=False) as session:
            found = likely_duplicate(session, ContactInput(name, organization, None, mobile, None, email))
            plan = plan_import(session, parse_file(path), event_id)
        by_import = plan.new_invitations[0].contact.id
        assert (found.id if found else None) == by_import == (ids[expected] if expected else None), (name, expected)


# --- contacts: edits -----------------------------------------------------------------------------


def test_edit_changes_the_given_fields_and_is_audited(cli, backend, database):
    new_id(add(cli, backend, "--name", "张三", "--title", "总经理", "--mobile", "13800138000", "--json"))
    result = cli("--db", backend.url, "contacts", "edit", "C#1", "--title", "", "--organization", "甲公司",
                 "--notes", "企业反映：用地（200亩）")
    assert result.code == 0, result.err
    assert result.out.strip() == "已修改联系人 C#1：单位、职务、备注（新建单位：甲公司）"
    shown = cli("--db", backend.url, "contacts", "show", "1", "--json").json()
    assert (shown["title"], shown["notes"], shown["organization"]["name"], shown["mobile"]) == (
        None, "企业反映：用地（200亩）", "甲公司", "13800138000")
    edited = cli("--db", backend.url, "contacts", "edit", "1", "--mobile", "+86 139 0000 1111", "--json").json()
    assert edited == {"id": 1, "version": 3, "changed": ["mobile"]}
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, 1).mobile_key == "13900001111"
        fields = set(session.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "contacts", AuditEntry.entity_id == 1, AuditEntry.action == "update")))
    assert fields == {"title", "organization_id", "notes", "mobile", "mobile_key"}
    same = cli("--db", backend.url, "contacts", "edit", "1", "--mobile", "13900001111")
    assert same.code == 0 and "未修改" in same.out


def test_edit_refusals(cli, backend):
    new_id(add(cli, backend, "--name", "张三", "--json"))
    nothing = cli("--db", backend.url, "contacts", "edit", "1")
    assert nothing.code == 1 and "没有要修改的内容" in nothing.err
    assert "姓名不能为空" in cli("--db", backend.url, "contacts", "edit", "1", "--name", "").err
    assert "手机号码无效" in cli("--db", backend.url, "contacts", "edit", "1", "--mobile", "12").err
    unknown = cli("--db", backend.url, "contacts", "edit", "99", "--title", "处长")
    assert unknown.code == 1 and "找不到联系人：99" in unknown.err
    assert cli("--db", backend.url, "contacts", "edit", "X1", "--title", "处长").code == 2


def test_an_edit_from_a_stale_version_is_refused(database):
    with database.unit_of_work() as session:
        contact_id = add_contact(session, ContactInput(name="张三")).id
    with database.unit_of_work(write=False) as session:
        values, version = current_contact(session, contact_id)
    assert (values.name, values.organization, values.mobile, version) == ("张三", "", "", 1)
    with database.unit_of_work() as session:
        assert edit_contact(session, contact_id, ContactInput(title="处长"), version=version).version == 2
    with database.unit_of_work() as session, pytest.raises(StaleEdit):
        edit_contact(session, contact_id, ContactInput(title="副处长"), version=version)
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, contact_id).title == "处长"


# --- organizations -------------------------------------------------------------------------------


def orgs(cli, backend, *args):
    return cli("--db", backend.url, "organizations", *args)


def test_an_organization_by_hand(cli, backend, database):
    result = orgs(cli, backend, "add", "--name", "华为技术（深圳）有限公司", "--kind", "民企", "--region", "深圳",
                  "--address", "深圳市龙岗区坂田华为基地", "--notes", "对接：王（总部）", "--json")
    assert result.json() == {"id": 1}
    with database.unit_of_work(write=False) as session:
        org = session.get(Organization, 1)
        assert (org.name, org.kind, org.address, org.notes) == (
            "华为技术（深圳）有限公司", OrgKind.PRIVATE, "深圳市龙岗区坂田华为基地", "对接：王（总部）")
        assert (org.region.name, org.region.in_province) == ("深圳", False)  # a new region, outside the province
    plain = orgs(cli, backend, "add", "--name", "南昌大学", "--kind", "research", "--region", "南昌")
    assert plain.out.strip() == "已添加单位 O#2：南昌大学"
    with database.unit_of_work(write=False) as session:
        nanchang = session.get(Organization, 2).region
        assert (nanchang.name, nanchang.in_province) == ("南昌市", True)
        assert session.scalar(select(func.count()).select_from(Region).where(Region.name == "南昌")) == 0


def test_one_name_one_organization(cli, backend):
    orgs(cli, backend, "add", "--name", "ＭＢＰ软件 传媒有限公司")
    result = orgs(cli, backend, "add", "--name", "mbp软件传媒有限公司")
    assert result.code == 1 and "已有同名单位：ＭＢＰ软件 传媒有限公司（O#1）" in result.err
    orgs(cli, backend, "add", "--name", "甲公司")
    renamed = orgs(cli, backend, "edit", "O#2", "--name", "MBP软件传媒有限公司")
    assert renamed.code == 1 and "O#1" in renamed.err
    assert orgs(cli, backend, "delete", "O#1", "--reason", "不再合作").code == 0
    deleted = orgs(cli, backend, "add", "--name", "mbp软件传媒有限公司")
    assert deleted.code == 1 and "已删除" in deleted.err and "crm organizations restore O#1" in deleted.err
    assert orgs(cli, backend, "restore", "O#1").code == 0
    # Its own name in another form is no clash.
    assert orgs(cli, backend, "edit", "1", "--name", "MBP软件传媒有限公司").code == 0


def test_organization_edit(cli, backend, database):
    orgs(cli, backend, "add", "--name", "中国医药集团", "--kind", "央企", "--region", "北京", "--address", "北京")
    result = orgs(cli, backend, "edit", "O#1", "--kind", "", "--region", "", "--notes", "企业反映：用地（200亩）")
    assert result.out.strip() == "已修改单位 O#1：单位类型、地区、备注"
    with database.unit_of_work(write=False) as session:
        values, version = current_organization(session, 1)
    assert (values.kind, values.region, values.address, values.notes, version) == (
        "other", "", "北京", "企业反映：用地（200亩）", 2)
    unknown = orgs(cli, backend, "edit", "1", "--kind", "工厂")
    assert unknown.code == 1 and "未知的单位类型：工厂" in unknown.err and "科研院所" in unknown.err
    assert orgs(cli, backend, "edit", "1").code == 1
    assert "找不到单位：7" in orgs(cli, backend, "edit", "7", "--notes", "x").err
    with database.unit_of_work() as session, pytest.raises(StaleEdit):
        edit_organization(session, 1, OrganizationInput(address="上海"), version=1)


@pytest.mark.parametrize("typed,kind", [
    ("央企", OrgKind.CENTRAL_SOE), ("central_soe", OrgKind.CENTRAL_SOE), ("跨国公司", OrgKind.MULTINATIONAL),
    ("民营企业", OrgKind.PRIVATE), ("科研院所", OrgKind.RESEARCH), ("金融机构", OrgKind.FINANCIAL),
    ("政府部门", OrgKind.GOVERNMENT), ("协会", OrgKind.ASSOCIATION), ("其他", OrgKind.OTHER), ("", OrgKind.OTHER),
])
def test_organization_kinds_as_people_write_them(typed, kind):
    assert parse_org_kind(typed) is kind


def test_a_contact_naming_a_deleted_organization_brings_it_back(cli, backend, database):
    with database.unit_of_work() as session:
        org_id = add_organization(session, OrganizationInput(name="甲公司")).id
        soft_delete(session, session.get(Organization, org_id), reason="测试")
    result = add(cli, backend, "--name", "张三", "--organization", "甲公司")
    assert result.code == 0 and "已恢复已删除的单位：甲公司" in result.out
    with database.unit_of_work(write=False) as session:
        assert session.get(Organization, org_id).deleted_at is None
        assert session.get(Contact, 1).organization_id == org_id


def test_contacts_delete_and_restore(cli, backend):
    new_id(add(cli, backend, "--name", "张三", "--json"))
    assert cli("--db", backend.url, "contacts", "delete", "C#1", "--reason", "重复").code == 0
    assert cli("--db", backend.url, "contacts", "edit", "1", "--title", "处长").code == 1
    assert cli("--db", backend.url, "contacts", "restore", "C#1").code == 0
    assert cli("--db", backend.url, "contacts", "edit", "1", "--title", "处长").code == 0
