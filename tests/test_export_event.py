"""`crm export event` (summary package) and `crm export plan` (work plan), read back and checked against
the database, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from crm.exporting.workbook import SIGNAL_FILLS, STAGE_FILLS
from db.models import Contact, Event, Invitation, Organization, Project
from tests.test_export_weekly import AT, HYPERLINK, PLUS, fill, scenario  # noqa: F401 - scenario is a fixture
from tests.test_export_workbook import (
    INJECTIONS,
    LEADING_BLANKS,
    assert_form_page,
    assert_list_form,
    assert_literal_text,
    assert_no_formulas_or_links,
    read_book,
)

STATUS = {"proposed": "拟邀请", "invited": "已邀请", "confirmed": "已确认", "attended": "已出席", "declined": "婉拒"}
KIND = {"multinational": "跨国公司", "central_soe": "央企", "private": "民企", "research": "科研院所",
        "financial": "金融机构", "association": "协会"}


def _export(cli, url, tmp_path, what, ref, *args):
    path = tmp_path / f"{what}-{ref}.xlsx"
    result = cli("--db", url, "export", what, ref, *args, "--out", path)
    assert result.code == 0, result.err
    return read_book(path)


def _fields(book, sheet) -> dict:
    """A form's label → value lines (up to the first blank row)."""
    fields = {}
    for row in book.rows(sheet)[2:]:
        if row[0] == "":
            break
        fields[row[0]] = row[1]
    return fields


def test_package_of_a_meeting(cli, scenario, tmp_path):
    url, refs = scenario
    book = _export(cli, url, tmp_path, "event", "A2-PV", "--as-of", "2012-03-14")
    assert book.names == ["活动概况", "签约项目", "客商邀请名单"]

    fields = _fields(book, "活动概况")
    assert fields["活动名称"] == "光伏产业合作推进会" and fields["所属活动"].startswith("第二届世界低碳")
    assert fields["时间"] == "2011年11月（日期未定）" and fields["地点"] == "南昌市"
    assert fields["衔接协调处室"] == "省工信委新兴产业处"
    assert fields["计划规模（人）"] == 250 and fields["已确认（人）"] == 3
    assert fields["签约项目（个）"] == 2 and fields["签约投资（亿元）"] == pytest.approx(15.345678)
    # November 2011, not fixed: 14 days after the last day it can end on
    assert fields["总结报送截止"] == dt.date(2011, 12, 14) and fields["报送情况"] == "已超期"
    rows = book.rows("活动概况")
    start = next(i for i, r in enumerate(rows) if r[0] == "客商类别")
    assert rows[start] == ["客商类别", "拟邀请", "已邀请", "已确认", "已出席", "婉拒", "合计"]
    assert rows[start + 1] == ["跨国公司", 0, 0, 3, 0, 0, 3]
    assert rows[start + 2] == ["其他", 1, 0, 0, 0, 0, 1]  # no category given: the organization's kind
    assert rows[start + 3] == ["合计", 1, 0, 3, 0, 0, 4]
    assert_form_page(book.xl["活动概况"])

    projects = book.records("签约项目")
    assert [p["项目名称"] for p in projects] == [AT, HYPERLINK]
    assert projects[1]["投资方"] == PLUS and projects[1]["签约形式"] == "合同项目"
    assert projects[1]["当前阶段"] == "开工" and projects[1]["状态"] == "正常"
    ws = book.xl["签约项目"]
    assert_list_form(ws, columns=13, rows=2, freeze="C4")
    assert fill(ws["I5"]) == STAGE_FILLS["construction"][0] and fill(ws["M4"]) == SIGNAL_FILLS["yellow"][0]
    total = book.rows("签约项目")[5]
    assert total[1] == "合计" and total[6] == pytest.approx(15.345678)

    invitees = book.records("客商邀请名单")
    assert [i["姓名"] for i in invitees] == [*LEADING_BLANKS, "待定"]
    assert {i["单位"] for i in invitees} == {"=cmd|' /C calc'!A0"}
    assert invitees[0]["手机"] == "19900000001" and invitees[0]["邀请状态"] == "已确认"
    assert_list_form(book.xl["客商邀请名单"], columns=10, rows=4, freeze="C4")

    for text in (*INJECTIONS[::3], *LEADING_BLANKS, "=cmd|' /C calc'!A0"):
        assert_literal_text(book, text)
    assert_no_formulas_or_links(book.path)


def test_package_of_an_activity_takes_in_its_meetings(cli, demo_backend, demo_database, tmp_path):
    book = _export(cli, demo_backend.url, tmp_path, "event", "A2")
    with demo_database.unit_of_work(write=False) as session:
        ids = session.scalars(select(Event.id).where((Event.ref == "A2") | Event.ref.like("A2-%"))).all()
        invitations = session.execute(
            select(Invitation.status, Invitation.category, Contact.name, Organization.name)
            .join(Contact, Invitation.contact_id == Contact.id)
            .join(Organization, Invitation.organization_id == Organization.id)
            .where(Invitation.event_id.in_(ids))).all()
        projects = session.scalars(select(Project).where(Project.signing_event_id.in_(ids))).all()
        expected_projects = [(p.signed_on, p.name) for p in sorted(projects, key=lambda p: (p.signed_on, p.ref))]
    assert len(ids) == 4

    rows = book.rows("活动概况")
    start = next(i for i, r in enumerate(rows) if r[0] == "客商类别")
    table = {r[0]: r[1:] for r in rows[start + 1:] if r[0]}
    expected = Counter((KIND[c], STATUS[s.value]) for s, c, _, _ in invitations)
    header = rows[start][1:6]
    for category, counts in table.items():
        if category != "合计":
            assert counts[:5] == [expected[(category, h)] for h in header]
            assert counts[5] == sum(counts[:5])
    assert table["合计"][5] == len(invitations)
    assert "包含会议" in _fields(book, "活动概况") and _fields(book, "活动概况")["总结报送"] == "按会议分别报送"

    listed = book.records("客商邀请名单")
    assert sorted((i["姓名"], i["单位"], i["邀请状态"]) for i in listed) == sorted(
        (name, org, STATUS[s.value]) for s, _, name, org in invitations)
    assert {i["会议"] for i in listed} <= {"光伏产业合作推进会", "新能源汽车及动力电池产业合作推进会", "服务外包产业合作推进会"}

    signed = book.records("签约项目")
    assert [(p["签约时间"], p["项目名称"]) for p in signed] == expected_projects
    assert "签约会议" in book.header("签约项目")


def test_plan_of_a_provincial_meeting(cli, scenario, tmp_path):
    url, _ = scenario
    book = _export(cli, url, tmp_path, "plan", "A2-PV", "--as-of", "2011-09-10")
    assert book.names == ["工作方案", "拟邀请嘉宾名单"]
    fields = _fields(book, "工作方案")
    assert fields["活动名称"] == "光伏产业合作推进会" and fields["规模（人）"] == 250
    assert fields["参会对象"] == "国家部委领导、国内外客商、重点产业园区、省重点光伏企业代表"
    assert fields["范围（产业）"] == "光伏"
    assert fields["报送对象"] == "省政府" and fields["报送时限"] == "活动开始前 45 天"
    assert fields["报送截止日期"] == dt.date(2011, 9, 17)  # 45 days before 1 November, the earliest day it can be
    assert fields["报送情况"] == "即将到期"
    assert fields["邀请名单"].startswith("已列入 4 人")
    assert book.xl["工作方案"].cell(2, 1).value == "截至 2011-09-10　报送截止 2011-09-17（即将到期）"
    assert any("日期尚未确定" in r[0] for r in book.rows("工作方案"))
    assert_form_page(book.xl["工作方案"])
    assert_list_form(book.xl["拟邀请嘉宾名单"], columns=10, rows=4, freeze="C4")
    assert_literal_text(book, LEADING_BLANKS[0])
    assert_no_formulas_or_links(book.path)


def test_plan_of_a_city_meeting_and_of_an_activity(cli, scenario, tmp_path):
    url, _ = scenario
    assert cli("--db", url, "events", "plan-submitted", "B1", "--on", "2011-01-20").code == 0
    fields = _fields(_export(cli, url, tmp_path, "plan", "B1", "--as-of", "2011-02-01"), "工作方案")
    assert fields["报送对象"] == "省工信委" and fields["报送时限"] == "活动开始前 30 天"
    assert fields["报送截止日期"] == dt.date(2011, 1, 30) and fields["报送情况"] == "已报送（2011-01-20）"
    assert fields["承办单位"] == "抚州市政府"

    book = _export(cli, url, tmp_path, "plan", "A2", "--as-of", "2011-09-10")
    assert _fields(book, "工作方案")["报送情况"] == "按会议分别报送"
    rows = book.rows("工作方案")
    start = next(i for i, r in enumerate(rows) if r[0] == "序号")
    meetings = rows[start + 1:start + 4]
    assert [m[1] for m in meetings] == ["光伏产业合作推进会", "新能源汽车及动力电池产业合作推进会", "服务外包产业合作推进会"]
    assert all(m[6] == dt.date(2011, 9, 17) and m[7] == "即将到期" for m in meetings)


def test_unknown_event_is_one_line_and_leaves_the_file(cli, scenario, tmp_path):
    url, _ = scenario
    for what in ("event", "plan"):
        path = tmp_path / f"{what}.xlsx"
        path.write_bytes(b"earlier")
        result = cli("--db", url, "export", what, "Z9", "--out", path)
        assert result.code == 1 and "找不到活动：Z9" in result.err and result.err.count("\n") == 1
        assert path.read_bytes() == b"earlier"


def test_an_export_as_of_an_earlier_day_lists_invitations_as_they_stood(cli, demo_backend, tmp_path):
    """Invitations recorded after the as-of day are not in the plan, and statuses are those of that day."""
    url = demo_backend.url
    before = _export(cli, url, tmp_path, "plan", "A2-PV")
    listed = {r["姓名"]: r for r in before.records("拟邀请嘉宾名单")}
    invited = cli("--db", url, "invitations", "list", "A2-PV", "--json").json()
    newcomer = next(c for c in cli("--db", url, "contacts", "search", "示例", "--limit", "400", "--json").json()
                    if c["id"] not in {i["contact_id"] for i in invited})
    assert cli("--db", url, "invitations", "add", "A2-PV", str(newcomer["id"]), "--status", "invited").code == 0
    proposed = next(i for i in invited if i["status"] == "proposed")
    assert cli("--db", url, "invitations", "set-status", "A2-PV", "--status", "confirmed", str(proposed["id"])).code == 0

    now = _export(cli, url, tmp_path, "plan", "A2-PV")  # today (the tests' pinned day): as it is now
    now_rows = {r["姓名"]: r for r in now.records("拟邀请嘉宾名单")}
    assert newcomer["name"] in now_rows and len(now_rows) == len(listed) + 1
    assert now_rows[proposed["name"]]["邀请状态"] == "已确认"

    # The day before today: everything above was recorded later (on this computer's real clock).
    then = _export(cli, url, tmp_path, "plan", "A2-PV", "--as-of", "2026-11-26")
    then_rows = {r["姓名"]: r for r in then.records("拟邀请嘉宾名单")}
    assert newcomer["name"] not in then_rows and len(then_rows) == len(listed)
    assert then_rows[proposed["name"]]["邀请状态"] == "拟邀请"
