"""The programme table's row rules without a database: how sections, activities and meetings are told
apart however the rows are numbered, what a row becomes (EventInput as typed), and which rows are errors."""
from __future__ import annotations

import datetime as dt

import pytest

from crm.importing.layout import data_rows, find_layout
from crm.importing.programme import ACTIVITY, MEETING, PROGRAMME_TABLE, ProgrammeRules
from crm.importing.reader import Sheet
from crm.importing.table import INVITEES
from tests.test_import_builders import HEADER

TOP = ["序号", "活动名称", "时间", "地点", "承办单位", "规模"]


def rows_of(rows: list[list], *, merged=(), name="表", rules=None) -> list:
    sheet = Sheet(name, [list(r) for r in rows], 1, 0, list(merged))
    layout = find_layout(sheet, PROGRAMME_TABLE, {})
    assert layout is not None
    rules = rules or ProgrammeRules(2026)
    return [row for raw in data_rows(sheet, layout) if (row := rules.classify(raw, layout)) is not None]


def shape(rows) -> list[tuple]:
    return [(r.row, r.depth, r.data.title if r.data else None, r.parent.row if r.parent else None,
             r.data.level if r.data else None, r.data.group if r.data else None) for r in rows]


@pytest.mark.parametrize("section,activity,meeting", [
    ("一、以省政府名义举办的重大活动", "1、", "（1）"),
    ("（一）以省政府名义举办的重大活动", "1.", "(1)"),
    ("一．以省政府名义举办的重大活动", "2．", "①"),
    ("以省政府名义举办的重大活动", "3、", "1.1"),  # a section without its number
])
def test_numbering_tells_sections_activities_and_meetings(section, activity, meeting):
    rows = rows_of([TOP, [section], [None, f"{activity}低碳大会系列活动", "11月", "南昌"],
                    [None, f"{meeting}光伏产业合作推进会", None, None, "新余市政府", "约250人"],
                    [None, "铜产业合作论坛", "10月", "鹰潭"]])
    group = "以省政府名义举办的重大活动"
    assert shape(rows) == [(3, ACTIVITY, "低碳大会系列活动", None, "provincial", group),
                           (4, MEETING, "光伏产业合作推进会", 3, "provincial", group),
                           (5, ACTIVITY, "铜产业合作论坛", None, "provincial", group)]
    assert rows[1].data.when == "11月"  # held within its activity's time


def test_the_seq_column_numbers_rows_and_a_merged_seq_does_not_make_meetings_activities():
    rows = rows_of([TOP, ["一", "以设区市为主举办的产业对接会"], [2, "对接会系列", "4月", "抚州"],
                    [2, "（1）生物医药分会", None, None], ["（2）", "化工分会", "4月20日", "九江"],
                    ["二、以省政府名义举办的合作推进会", None], [1.0, "手机产业合作推进会", "待定", "九江"]])
    assert shape(rows) == [
        (3, ACTIVITY, "对接会系列", None, "city", "以设区市为主举办的产业对接会"),
        (4, MEETING, "生物医药分会", 3, "city", "以设区市为主举办的产业对接会"),
        (5, MEETING, "化工分会", 3, "city", "以设区市为主举办的产业对接会"),
        (7, ACTIVITY, "手机产业合作推进会", None, "provincial", "以省政府名义举办的合作推进会"),
    ]


def test_a_merged_banner_is_a_section_and_a_numbered_row_with_data_is_an_event():
    rows = rows_of([TOP, ["其他活动", None, None, None, None, None],
                    [None, "一、江西省推介会", "3月", "北京", "省工信委", 500], ["1", "对接会", "5月", "南昌"]],
                   merged=[((1, 0), (1, 5))])
    assert shape(rows) == [(3, ACTIVITY, "江西省推介会", None, "city", "其他活动"),
                           (4, ACTIVITY, "对接会", None, "city", "其他活动")]


def test_rows_before_any_section_are_city_events_without_a_group_and_sheets_start_afresh():
    rules = ProgrammeRules(2026)
    first = rows_of([TOP, ["一、以省政府名义举办的重大活动"], ["1", "甲推介会", "3月", "南昌"]], name="一", rules=rules)
    second = rows_of([TOP, ["1", "乙推介会", "3月", "南昌"], [None, "（1）乙分会", None, None]], name="二", rules=rules)
    assert shape(first) == [(3, ACTIVITY, "甲推介会", None, "provincial", "以省政府名义举办的重大活动")]
    assert shape(second) == [(2, ACTIVITY, "乙推介会", None, "city", ""), (3, MEETING, "乙分会", 2, "city", "")]


def test_cells_become_what_events_add_takes():
    header = ["序号", "活动名称", "时间", "地点", "主办单位", "承办单位", "协办单位", "配合单位", "衔接协调处室", "规模", "产业",
              "邀请对象", "备注"]
    (row,) = rows_of([header, ["1", "江西省战略性新兴产业\n发展合作推介会", dt.datetime(2026, 3, 15), "北京\n人民大会堂",
                               "江西省人民政府", "省工信委、省发改委，省商务厅；\n南昌市政府", None, "", "推进办", "150-200",
                               "光伏/新能源汽车", "国家部委领导、国内外客商", "第一行\n第二行"]])
    data = row.data
    assert (data.title, data.when, data.place, data.city, data.scale) == (
        "江西省战略性新兴产业发展合作推介会", dt.date(2026, 3, 15), "北京人民大会堂", None, 200)
    assert data.hosts == ["江西省人民政府", "省工信委", "省发改委", "省商务厅", "南昌市政府"]
    assert (data.co_hosts, data.supporters, data.coordinators) == ([], [], ["推进办"])
    assert (data.industries, data.invitee_types, data.notes) == (["光伏", "新能源汽车"], ["国家部委领导", "国内外客商"],
                                                                 "第一行\n第二行")
    assert (data.programme, data.parent, data.kind, data.quotas) == (None, None, None, None)  # filled in, or left


def test_columns_the_table_does_not_have_are_not_given():
    (row,) = rows_of([["活动名称", "时间"], ["铜产业合作论坛", "3月中旬"]])
    assert row.data.given() == ["title", "level", "group", "when"]


@pytest.mark.parametrize("cells,column,key", [
    (["1", "甲推介会", "13月", "南昌", None, None], "时间", "bad_when"),
    (["1", "甲推介会", "3月", "南昌", None, "若干"], "规模", "bad_scale"),
    (["1", "甲推介会", "3月", "南昌", "单" * 129, None], "承办单位", "text_too_long"),
    (["1", "甲" * 256, "3月", "南昌", None, None], "活动名称", "text_too_long"),
    (["1", None, "3月", "南昌", "省工信委", None], "活动名称", "empty_field"),
])
def test_bad_cells_are_errors_naming_their_column(cells, column, key):
    (row,) = rows_of([TOP, cells])
    assert (row.error.row, row.error.column, row.error.key) == (2, column, key)


def test_pre_filled_numbers_blank_rows_and_footers_are_not_rows():
    rows = rows_of([TOP, ["1", "甲推介会", "3月", "南昌"], ["2"], [None], ["合计：1项"], ["注：时间以通知为准"],
                    ["制表人：张三"]])
    assert [r.row for r in rows] == [2]


def test_the_header_is_found_by_its_words_in_two_rows_and_not_in_an_invitee_list():
    sheet = Sheet("表", [["2026年招商推介活动安排表"], ["序号", "活动名称", "时间", "组织单位", None, "Scale"],
                        [None, None, None, "主办", "承办", None], ["1", "甲", "3月", "省政府", "省工信委", 100]], 1, 0)
    layout = find_layout(sheet, PROGRAMME_TABLE, {})
    assert (layout.header_index, sorted(layout.columns.values())) == (
        2, ["hosts", "scale", "seq", "sponsors", "title", "when"])
    assert layout.unknown == []
    invitees = Sheet("名单", [HEADER, ["1", "甲公司", "张三", "总经理", "13800138000", None, "民企", None]], 1, 0)
    assert find_layout(invitees, PROGRAMME_TABLE, {}) is None
    assert find_layout(invitees, INVITEES, {}) is not None
