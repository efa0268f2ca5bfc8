"""Finding the list in a sheet and classifying its rows: header words, titles, footers, repeated
headers, merged cells, --map; normalisation of names, mobiles, emails and categories."""
from __future__ import annotations

import pytest

from crm.errors import EXIT_USAGE
from crm.importing.reader import Sheet
from crm.importing.rows import Classifier, RowKind, org_kind
from crm.importing.table import BadMapping, data_rows, field_for, find_layout, parse_mapping, unnamed_people
from db.models import InvitationStatus, OrgKind


def sheet(rows, *, merged=(), first_row=1, first_column=0, name="名单") -> Sheet:
    return Sheet(name, [list(r) for r in rows], first_row, first_column, list(merged))


def classified(s: Sheet, overrides=None):
    layout = find_layout(s, overrides or {})
    assert layout is not None
    classifier = Classifier()
    return layout, [classifier.classify(raw, layout) for raw in data_rows(s, layout)]


@pytest.mark.parametrize("text,field", [
    ("姓名", "name"), ("联系人", "name"), ("嘉宾姓名", "name"), ("Name", "name"),
    ("单位", "organization"), ("单位名称", "organization"), ("工作单位", "organization"), ("公司", "organization"),
    ("企业名称", "organization"), ("Company", "organization"), ("Organization", "organization"),
    ("职务", "title"), ("职位", "title"), ("Title", "title"),
    ("手机", "mobile"), ("手机号码", "mobile"), ("移动电话", "mobile"), ("Mobile", "mobile"),
    ("电话", "phone"), ("联系电话", "phone"), ("办公电话", "phone"), ("Phone", "phone"),
    ("邮箱", "email"), ("电子邮箱", "email"), ("E-mail", "email"), ("Email", "email"),
    ("类别", "category"), ("单位类型", "category"), ("客商类别", "category"), ("Category", "category"),
    ("备注", "notes"), ("Notes", "notes"), ("状态", "status"), ("邀请状态", "status"),
    # as typed in real lists: stars for required, brackets, line breaks, full-width letters
    ("*姓名", "name"), ("单位名称（全称）", "organization"), ("手机\n号码", "mobile"), ("ＥＭＡＩＬ", "email"),
    ("联系人手机", "mobile"), ("序号", "ignore"), ("错误原因", "ignore"), ("籍贯", None),
    ("A&E Attendances, performance and emergency admissions in organisations", None),
])
def test_header_words(text, field):
    assert field_for(text, {}) == field


@pytest.mark.parametrize("text,field", [
    # as invitee lists and registration systems name their columns
    ("参会人员", "name"), ("嘉宾姓名", "name"), ("联系人姓名", "name"), ("来宾", "name"), ("来宾姓名", "name"),
    ("参会人姓名", "name"), ("参会代表", "name"), ("与会人员", "name"), ("出席嘉宾", "name"), ("受邀人", "name"),
    ("客商姓名", "name"), ("名字", "name"), ("Contact Person", "name"), ("Attendee", "name"),
    ("Participant", "name"), ("Delegate", "name"),
    ("工作单位", "organization"), ("所在单位", "organization"), ("单位全称", "organization"),
    ("所属单位", "organization"), ("任职单位", "organization"), ("公司全称", "organization"),
    ("企业全称", "organization"), ("参会单位", "organization"), ("单位/企业", "organization"),
    ("Affiliation", "organization"), ("Enterprise", "organization"), ("Organization Name", "organization"),
    ("职称", "title"), ("职务/职称", "title"), ("现任职务", "title"), ("岗位", "title"), ("头衔", "title"),
    ("Position", "title"), ("Designation", "title"), ("Job Title", "title"),
    ("手机号", "mobile"), ("移动电话号码", "mobile"), ("联系手机", "mobile"), ("Cell Phone", "mobile"),
    ("Mobile No.", "mobile"),
    ("联系方式", "phone"), ("固话", "phone"), ("座机", "phone"), ("单位电话", "phone"), ("联系人电话", "phone"),
    ("Contact Number", "phone"), ("Landline", "phone"), ("Tel", "phone"),
    ("电子信箱", "email"), ("电子邮件", "email"), ("邮箱地址", "email"), ("联系人邮箱", "email"),
    ("Email Address", "email"), ("E-mail", "email"),
    ("客商类型", "category"), ("嘉宾类别", "category"), ("企业性质", "category"),
    ("附注", "notes"), ("是否出席", "status"), ("参会情况", "status"), ("回执", "status"),
    # 邮编 is a postal code, not an e-mail: unknown, as 性别 and 地址 are
    ("邮编", None), ("邮政编码", None), ("性别", None), ("地址", None),
])
def test_header_words_as_lists_are_sent(text, field):
    assert field_for(text, {}) == field


def test_map_overrides_and_validates():
    overrides = parse_mapping(["嘉宾=name", "所在单位（盖章）=organization", "QQ=ignore", "单位类型=notes"])
    assert field_for("嘉宾", overrides) == "name"
    assert field_for("所在单位(盖章)", overrides) == "organization"
    assert field_for("QQ", overrides) == "ignore"
    assert field_for("单位类型", overrides) == "notes"
    for bad in ("姓名", "姓名=nobody", "=name"):
        with pytest.raises(BadMapping) as caught:
            parse_mapping([bad])
        assert caught.value.exit_code == EXIT_USAGE


def test_title_rows_header_blank_rows_repeated_headers_and_footers():
    header = ["序号", "单位名称", "姓名", "职务", "手机", "电子邮箱", "类别", "备注"]
    s = sheet([
        ["2011年光伏产业合作推进会拟邀请嘉宾名单", "", "", "", "", "", "", ""],  # row 1, merged title
        ["报送单位：新余市工信委　　填报日期：2011年9月20日"],  # row 2
        header,  # row 3
        [1, "甲公司", "张三", "总经理", "13800138000", "a@x.com", "民企", ""],  # 4
        ["", "", "", "", "", "", "", ""],  # 5 blank
        [2, "", "", "", "", "", "", ""],  # 6 pre-numbered, nothing else: blank
        header,  # 7 the header again (next page)
        [3, "乙公司", "李四", "", "13900139000", "", "央企", ""],  # 8
        ["一、宜春市", "", "", "", "", "", "", ""],  # 9 banner merged across: not a person
        [4, "丙公司", "待定", "处长", "", "", "金融机构", ""],  # 10 organization-level entry
        [5, "", "", "", "13700137000", "", "", ""],  # 11 neither name nor organization: error
        ["合计", "", "共计：5人", "", "", "", "", ""],  # 12 footer
        ["制表人：李明　　审核人：王强"],  # 13 footer
        ["注：名单按单位类别排序"],  # 14 footer
    ], merged=[((0, 0), (0, 7)), ((8, 0), (8, 7))])
    layout, rows = classified(s)
    assert layout.header_index == 2
    assert [(r.row, r.kind) for r in rows] == [
        (4, RowKind.PERSON), (8, RowKind.PERSON), (10, RowKind.ORGANIZATION), (11, RowKind.ERROR)]
    assert rows[3].error.as_dict() == {"sheet": "名单", "row": 11, "column": None, "message": "既无姓名也无单位"}
    assert rows[2].organization == "丙公司" and rows[2].name is None and rows[2].org_kind is OrgKind.FINANCIAL


def test_footer_words_are_not_taken_for_people_with_contact_details():
    s = sheet([["姓名", "单位", "手机"], ["注明", "甲公司", "13800138000"], ["合计：2人", "", ""]])
    _layout, rows = classified(s)
    assert [r.name for r in rows] == ["注明"]


def test_row_numbers_are_excels_when_the_sheet_starts_lower():
    s = sheet([["姓名", "单位"], ["张三", "甲公司"]], first_row=5, first_column=2)
    _layout, rows = classified(s)
    assert rows[0].row == 6


def test_an_organization_merged_down_over_several_people_belongs_to_each():
    s = sheet([
        ["单位", "姓名", "手机"],
        ["甲公司", "张三", "13800138000"],
        ["", "李四", "13800138001"],
        ["", "王五", "13800138002"],
        ["乙公司", "赵六", "13800138003"],
    ], merged=[((1, 0), (3, 0))])
    _layout, rows = classified(s)
    assert [(r.name, r.organization) for r in rows] == [
        ("张三", "甲公司"), ("李四", "甲公司"), ("王五", "甲公司"), ("赵六", "乙公司")]


def test_two_row_header():
    s = sheet([
        ["姓名", "单位", "联系方式", ""],
        ["", "", "手机", "邮箱"],
        ["张三", "甲公司", "13800138000", "zs@x.com"],
    ])
    layout, rows = classified(s)
    assert layout.header_index == 1
    assert (rows[0].mobile, rows[0].email) == ("13800138000", "zs@x.com")
    assert layout.unknown == []


def test_unknown_columns_are_reported_and_ignored():
    s = sheet([["姓名", "单位", "籍贯", "序号", "QQ"], ["张三", "甲公司", "江西", 1, "12345"]])
    layout, rows = classified(s)
    assert layout.unknown == ["籍贯", "QQ"]
    assert rows[0].notes is None


def test_map_names_a_column_the_words_do_not():
    s = sheet([["贵宾", "所在单位（盖章）", "QQ"], ["张三", "甲公司", "12345"]])
    assert find_layout(s, {}) is None
    _layout, rows = classified(s, parse_mapping(["贵宾=name", "所在单位（盖章）=organization", "QQ=notes"]))
    assert (rows[0].name, rows[0].organization, rows[0].notes) == ("张三", "甲公司", "12345")


@pytest.mark.parametrize("header,unnamed", [
    (["贵宾", "单位", "手机"], ["贵宾"]),  # people, and a column that may hold their names
    (["单位", "职务", "邮箱", "QQ"], ["QQ"]),
    (["单位", "职务", "手机", "籍贯"], ["籍贯"]),
    (["姓名", "单位", "手机", "籍贯"], []),  # the names are there
    (["单位", "类别", "地址"], []),  # organizations only: no column of people
    (["单位", "职务", "手机"], []),  # no column unknown: seats still 待定, organization-level entries
])
def test_a_table_of_people_without_a_name_column_names_its_unknown_columns(header, unnamed):
    layout = find_layout(sheet([header, ["x"] * len(header)]), {})
    assert unnamed_people(layout) == unnamed


def test_a_sheet_without_a_list():
    assert find_layout(sheet([["月份", "金额"], ["1月", 100]]), {}) is None
    assert find_layout(sheet([]), {}) is None


@pytest.mark.parametrize("cell", [
    "138 0013 8000", "+86 138-0013-8000", "8613800138000", 13800138000, 13800138000.0, "13800138000.0",
    "１３８００１３８０００", "+86 １３８-００１３-８０００",
])
def test_mobiles_in_every_form_become_eleven_digits(cell):
    _layout, rows = classified(sheet([["姓名", "手机"], ["张三", cell]]))
    assert (rows[0].mobile, rows[0].mobile_key) == ("13800138000", "13800138000")


@pytest.mark.parametrize("cell", ["abc", "12", 12, "138001380", "1380013800O", "0791-88888888", "+1"])
def test_a_mobile_that_is_no_mobile_number_is_a_rejected_row_naming_its_column(cell):
    """The rule of contacts made by hand (crm.normalize.mobile_value): a landline is no mobile either."""
    _layout, rows = classified(sheet([["姓名", "单位", "手机号码"], ["张三", "甲公司", cell], ["待定", "乙公司", cell]]))
    assert [(r.kind, r.error.column) for r in rows] == [(RowKind.ERROR, "手机号码")] * 2
    assert rows[0].error.message.startswith(f"不是手机号码：{cell}（")


@pytest.mark.parametrize("cell", ["无", "待定", "-", "／"])
def test_a_mobile_written_as_none_is_no_mobile(cell):
    _layout, rows = classified(sheet([["姓名", "手机", "联系电话"], ["张三", cell, ""], ["李四", cell, "13800138000"]]))
    assert [(r.kind, r.mobile) for r in rows] == [(RowKind.PERSON, None), (RowKind.PERSON, "13800138000")]


def test_a_mobile_from_abroad_is_kept_as_typed_without_a_key():
    _layout, rows = classified(sheet([["姓名", "手机"], ["Mary Chan", "+852 9123 4567"], ["Jo", "0044 7911 123456"]]))
    assert [(r.kind, r.mobile, r.mobile_key) for r in rows] == [
        (RowKind.PERSON, "+852 9123 4567", None), (RowKind.PERSON, "0044 7911 123456", None)]


def test_a_mobile_under_contact_phone_is_the_mobile():
    _layout, rows = classified(sheet([["姓名", "联系电话"], ["张三", "13448404152"], ["李四", "0797-8888888"]]))
    assert (rows[0].mobile_key, rows[0].phone) == ("13448404152", None)
    assert (rows[1].mobile_key, rows[1].phone) == (None, "0797-8888888")


def test_names_emails_and_full_width_text():
    """Kept as typed, only trimmed (as a contact entered by hand); matched by their normalised keys."""
    _layout, rows = classified(sheet([
        ["姓名", "单位", "邮箱", "职务"],
        ["邱  秀荣", "  ＭＢＰ软件传媒有限公司 ", "JUAN32＠YAHOO.COM", "总经理\n"],
        ["John  Smith", "Acme Ltd", " js@acme.com ", None],
    ]))
    assert (rows[0].name, rows[0].name_key) == ("邱  秀荣", "邱秀荣")
    assert (rows[0].organization, rows[0].organization_key) == ("ＭＢＰ软件传媒有限公司", "mbp软件传媒有限公司")
    assert (rows[0].email, rows[0].email_key) == ("JUAN32＠YAHOO.COM", "juan32@yahoo.com")
    assert rows[0].title == "总经理"
    assert (rows[1].name, rows[1].name_key, rows[1].email) == ("John  Smith", "johnsmith", "js@acme.com")


@pytest.mark.parametrize("placeholder", ["待定", "TBD", "tba", "", None, "暂定"])
def test_a_person_still_to_be_decided_makes_an_organization_level_entry(placeholder):
    _layout, rows = classified(sheet([["单位", "姓名", "职务"], ["甲公司", placeholder, "副总"]]))
    assert rows[0].kind is RowKind.ORGANIZATION and rows[0].organization == "甲公司"


def test_a_placeholder_organization_is_no_organization():
    _layout, rows = classified(sheet([["姓名", "单位"], ["张三", "待定"], ["待定", "待定"]]))
    assert (rows[0].kind, rows[0].organization) == (RowKind.PERSON, None)
    assert rows[1].kind is RowKind.ERROR


@pytest.mark.parametrize("text,kind", [
    ("跨国公司", OrgKind.MULTINATIONAL), ("央企", OrgKind.CENTRAL_SOE), ("民企", OrgKind.PRIVATE),
    ("科研院所", OrgKind.RESEARCH), ("金融机构", OrgKind.FINANCIAL), ("Multinational", OrgKind.MULTINATIONAL),
    ("政府部门", OrgKind.GOVERNMENT), ("协会", OrgKind.ASSOCIATION), ("专家", OrgKind.OTHER), (None, OrgKind.OTHER),
])
def test_categories_to_organization_kinds(text, kind):
    assert org_kind(text) is kind


def test_statuses_and_a_status_nobody_knows():
    _layout, rows = classified(sheet([
        ["姓名", "单位", "邀请状态"],
        ["张三", "甲", "已确认"], ["李四", "乙", "婉拒"], ["王五", "丙", ""], ["赵六", "丁", "也许"], ["钱七", "戊", "Invited"],
    ]))
    assert [r.status for r in rows[:3]] == [InvitationStatus.CONFIRMED, InvitationStatus.DECLINED, None]
    assert rows[3].kind is RowKind.ERROR and rows[3].error.column == "邀请状态"
    assert "也许" in rows[3].error.message
    assert rows[4].status is InvitationStatus.INVITED


def test_values_longer_than_the_database_takes_are_error_rows():
    _layout, rows = classified(sheet([["姓名", "单位"], ["张" * 65, "甲公司"], ["李四", "乙" * 256]]))
    assert [(r.kind, r.error.column) for r in rows] == [(RowKind.ERROR, "姓名"), (RowKind.ERROR, "单位")]


def test_control_characters_are_dropped():
    _layout, rows = classified(sheet([["姓名", "单位"], ["张\x00三", "甲\x07公司"]]))
    assert (rows[0].name, rows[0].organization) == ("张三", "甲公司")
