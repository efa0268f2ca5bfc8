"""The demo is the seed: the 13 activities and 15 meetings of the 2011 plan, field by field."""
import pytest

from crm import seed

EXPECTED_MEETINGS = {
    # ref: (title, level, month span, city, venue, hosts, co_hosts, supporters, coordinators, scale, industries)
    "A1": ("江西省战略性新兴产业发展合作推介会", "provincial", ("2011-02-01", "2011-02-28"), "北京市", "人民大会堂",
           ["省委宣传部", "省发改委", "省工信委", "省科技厅", "省教育厅", "省商务厅", "省国资委", "省金融办", "南昌市政府"],
           [], ["相关部门"], [], None, []),
    "A2-PV": ("光伏产业合作推进会", "provincial", ("2011-11-01", "2011-11-30"), "南昌市", None,
              ["新余市政府", "上饶市政府", "南昌市政府", "九江市政府", "景德镇市政府"], [],
              ["有关设区市政府", "相关省直部门"], ["省工信委新兴产业处"], 250, ["光伏"]),
    "A2-NEV": ("新能源汽车及动力电池产业合作推进会", "provincial", ("2011-11-01", "2011-11-30"), "南昌市", None,
               ["宜春市政府"], ["南昌市政府", "吉安市政府", "赣州市政府"], ["有关设区市政府", "相关省直部门"],
               ["省工信委装备工业处"], 200, ["新能源汽车及动力电池"]),
    "A2-SO": ("服务外包产业合作推进会", "provincial", ("2011-11-01", "2011-11-30"), "南昌市", None,
              ["南昌市政府"], [], ["有关设区市政府", "相关省直部门"], ["省工信委软件服务业处"], 200, ["服务外包"]),
    "A3": ("香港招商引资活动周战略性新兴产业合作推进会", "provincial", ("2011-05-01", "2011-05-31"), "香港特别行政区",
           None, ["省工信委"], ["省商务厅", "相关省直部门"], ["有关设区市政府"], ["省工信委推进办"], None,
           ["光伏", "绿色照明", "生物和新医药", "服务外包"]),
    "A4": ("战略性新兴产业重大项目与金融机构合作对接会", "provincial", ("2011-07-01", "2011-09-30"), "南昌市", None,
           ["省工信委", "省金融办"], [], ["有关设区市政府", "相关省直部门"], ["省工信委推进办", "省工信委综合处"], None, []),
    "A5": ("战略性新兴产业签约项目集中开工仪式", "provincial", ("2011-10-01", "2011-10-31"), None, None,
           ["项目相对集中的设区市政府"], [], ["有关设区市政府", "相关省直部门"], ["省工信委投资规划处"], None, []),
    "B1": ("生物和新医药产业融资对接会", "city", ("2011-03-01", "2011-03-31"), "南昌市", None, ["抚州市政府"], [], [],
           ["省工信委医药工业处"], 60, ["生物和新医药"]),
    "B2": ("化工博士与企业家对接会", "city", ("2011-04-01", "2011-04-30"), "九江市", None, ["九江市政府"], [], [],
           ["省工信委石化工业处"], 60, ["有机硅"]),
    "B3": ("稀土钨新材料研讨会", "city", ("2011-06-01", "2011-06-30"), "赣州市", None, ["赣州市政府"], [], [],
           ["省工信委有色工业处"], 150, ["稀土钨新材料"]),
    "B4": ("铜产业合作论坛", "city", ("2011-10-01", "2011-10-31"), "鹰潭市", None, ["鹰潭市政府"], [], [],
           ["省工信委有色工业处"], 100, ["铜"]),
    "C1": ("新能源汽车及配套产业合作推进会", "provincial", ("2011-09-01", "2011-09-30"), "赣州市", None, ["赣州市政府"], [],
           ["有关设区市政府", "相关省直部门"], ["省工信委装备工业处"], 200, ["新能源汽车及配套"]),
    "C2": ("半导体照明产业合作推进会", "provincial", ("2011-08-01", "2011-08-31"), "吉安市", None, ["吉安市政府"], [],
           ["有关设区市政府", "相关省直部门"], ["省工信委电子信息处"], 240, ["半导体照明"]),
    "C3": ("非金属新材料(工业陶瓷)产业合作推进会", "provincial", ("2011-07-01", "2011-07-31"), "萍乡市", None,
           ["萍乡市政府"], [], ["有关设区市政府", "相关省直部门"], ["省工信委建材工业处"], 200, ["非金属新材料(工业陶瓷)"]),
    "C4": ("手机产业合作推进会", "provincial", ("2011-11-01", "2011-11-30"), "九江市", "共青城", ["九江市政府"], [],
           ["有关设区市政府", "相关省直部门"], ["省工信委电子信息处"], 160, ["手机"]),
}
# Plan due: provincial 45 days, city 30 days before the first possible day; summary 14 days after it.
# Plans from the earliest day the event can fall on, summaries from the last day it can end on.
EXPECTED_DUE = {
    "A1": ("2010-12-18", "2011-03-14"), "A2-PV": ("2011-09-17", "2011-12-14"), "A3": ("2011-03-17", "2011-06-14"),
    "A4": ("2011-05-17", "2011-10-14"), "A5": ("2011-08-17", "2011-11-14"), "B1": ("2011-01-30", "2011-04-14"),
    "B2": ("2011-03-02", "2011-05-14"), "B4": ("2011-09-01", "2011-11-14"), "C3": ("2011-05-17", "2011-08-14"),
}


def test_thirteen_activities_fifteen_meetings():
    assert len(seed.activities()) == 13
    assert sorted(e.ref for e in seed.meetings()) == sorted(EXPECTED_MEETINGS)


@pytest.fixture
def events_json(cli, backend):
    assert cli("--db", backend.url, "demo").code == 0
    result = cli("--db", backend.url, "events", "list", "--json")
    assert result.code == 0, result.err
    return {e["ref"]: e for e in result.json()}


@pytest.mark.parametrize("ref", sorted(EXPECTED_MEETINGS))
def test_meeting_field_by_field(events_json, ref):
    title, level, span, city, venue, hosts, co_hosts, supporters, coordinators, scale, industries = EXPECTED_MEETINGS[ref]
    event = events_json[ref]
    assert event["title"] == title
    assert event["level"] == level
    assert (event["starts_on"], event["ends_on"]) == span
    assert event["date_fixed"] is False
    assert event["city"] == city
    assert event["venue"] == venue
    assert event["hosts"] == hosts
    assert event["co_hosts"] == co_hosts
    assert event["supporters"] == supporters
    assert event["coordinators"] == coordinators
    assert event["planned_scale"] == scale
    assert event["industries"] == industries
    assert event["parent"] == ("A2" if ref.startswith("A2-") else None)
    if ref in EXPECTED_DUE:
        assert (event["plan_due"], event["summary_due"]) == EXPECTED_DUE[ref]


def test_quotas_and_invitee_types(events_json):
    assert events_json["A4"]["quotas"] == [{"industry": None, "min": 5, "max": 8}]
    assert events_json["A5"]["quotas"] == [{"industry": None, "min": 2, "max": 3}]
    assert events_json["A2-NEV"]["invitee_types"] == ["国家部委领导", "科研院所", "国内外客商代表"]
    assert "国际知名品牌手机制造商摩托罗拉、诺基亚、三星等公司代表" in events_json["C4"]["invitee_types"]
    assert events_json["A2"]["parent"] is None and events_json["A2"]["kind"] == "activity"
    assert len(events_json) == 16  # 13 activities + the 3 meetings inside A2
