"""A team's own year through `crm`: programmes, events by hand at every time precision and both levels,
their deadlines, edits, copying a programme, and the reference lists a new database fills."""
from __future__ import annotations

import pytest

from crm import seed


@pytest.fixture
def db(backend):
    return backend.url


def _add_event(cli, db, *args) -> str:
    result = cli("--db", db, "events", "add", "--programme", "2027", *args, "--json")
    assert result.code == 0, result.err
    return result.json()["ref"]


# title, level, --when, expected (starts_on, ends_on, precision, date_fixed), (plan_due, summary_due)
TIMES = [
    ("新能源汽车推介会", "provincial", "2027-03-15", ("2027-03-15", "2027-03-15", "day", True),
     ("2027-01-29", "2027-03-29")),
    ("光伏产业对接会", "city", "2027-04-15..2027-04-16", ("2027-04-15", "2027-04-16", "day", True),
     ("2027-03-16", "2027-04-30")),
    ("铜产业论坛", "city", "2027年5月", ("2027-05-01", "2027-05-31", "month", False), ("2027-04-01", "2027-06-14")),
    ("稀土研讨会", "provincial", "2027年6月中旬", ("2027-06-11", "2027-06-20", "dekad", False),
     ("2027-04-27", "2027-07-04")),
    ("金融对接会", "provincial", "二季度", ("2027-04-01", "2027-06-30", "quarter", False), ("2027-02-15", "2027-07-14")),
    ("开工仪式", "city", "2027-H2", ("2027-07-01", "2027-12-31", "half", False), ("2027-06-01", "2028-01-14")),
    ("年度招商活动", "city", "年内", ("2027-01-01", "2027-12-31", "year", False), ("2026-12-02", "2028-01-14")),
    ("待定的推介会", "provincial", "待定", ("2027-01-01", "2027-12-31", "unknown", False), (None, None)),
]


def test_a_whole_programme_by_hand(cli, db):
    result = cli("--db", db, "programmes", "add", "--year", "2027", "--title", "2027年招商推介活动方案",
                 "--document-no", "赣工信字〔2027〕1号", "--issuing-unit", "省工信委", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"ref": "2027"}
    assert cli("--db", db, "industries", "add", "光伏").code == 0
    activity = _add_event(cli, db, "--title", "第三届低碳大会产业合作推进会", "--level", "provincial", "--kind", "活动",
                          "--group", "以省政府名义举办的重大活动", "--city", "南昌", "--when", "2027年11月")
    meeting = _add_event(cli, db, "--title", "光伏产业合作推进会", "--parent", activity, "--when", "11月中旬",
                         "--scale", "约250人", "--host", "新余市政府、上饶市政府", "--co-host", "南昌市政府",
                         "--supporter", "有关设区市政府", "--coordinator", "省工信委新兴产业处", "--industry", "光伏",
                         "--invitee-type", "国内外客商", "--quota", "5-8:光伏", "--place", "南昌国际展览中心")
    refs = {title: _add_event(cli, db, "--title", title, "--level", level, "--when", when)
            for title, level, when, _span, _due in TIMES}

    events = {e["ref"]: e for e in cli("--db", db, "events", "list", "--programme", "2027", "--json").json()}
    assert len(events) == 2 + len(TIMES)
    m = events[meeting]
    assert (m["parent"], m["level"], m["kind"], m["programme_group"]) == (
        activity, "provincial", "cooperation", "以省政府名义举办的重大活动")  # level and group from the activity
    assert (m["hosts"], m["co_hosts"], m["supporters"], m["coordinators"]) == (
        ["新余市政府", "上饶市政府"], ["南昌市政府"], ["有关设区市政府"], ["省工信委新兴产业处"])
    assert (m["planned_scale"], m["industries"], m["invitee_types"], m["venue"]) == (
        250, ["光伏"], ["国内外客商"], "南昌国际展览中心")
    assert m["quotas"] == [{"industry": "光伏", "min": 5, "max": 8}]
    assert (m["starts_on"], m["ends_on"], m["plan_due"], m["summary_due"]) == (
        "2027-11-11", "2027-11-20", "2027-09-27", "2027-12-04")
    for title, _level, _when, (starts, ends, precision, fixed), (plan, summary) in TIMES:
        e = events[refs[title]]
        assert (e["starts_on"], e["ends_on"], e["date_precision"], e["date_fixed"]) == (starts, ends, precision, fixed), title
        assert (e["plan_due"], e["summary_due"]) == (plan, summary), title

    listed = cli("--db", db, "programmes", "list", "--json").json()
    assert listed == [{"ref": "2027", "year": 2027, "title": "2027年招商推介活动方案", "events": 10,
                       "document_no": "赣工信字〔2027〕1号"}]
    # Deadlines follow at once: a plan due in the reminder window shows up, the 待定 one never does.
    due = cli("--db", db, "deadlines", "--as-of", "2027-01-20", "--json").json()
    assert {(r["kind"], r["ref"], r["status"]) for r in due} >= {("plan", refs["新能源汽车推介会"], "due")}
    assert refs["待定的推介会"] not in {r["ref"] for r in due}
    assert activity not in {r["ref"] for r in due}  # an activity holding meetings files no plan itself


def test_edit_an_event_and_its_deadlines_follow(cli, db):
    cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案")
    ref = _add_event(cli, db, "--title", "铜产业合作论坛", "--level", "city", "--when", "二季度", "--host", "鹰潭市政府")
    result = cli("--db", db, "events", "edit", ref, "--when", "2027-05-20..2027-05-21", "--level", "provincial",
                 "--host", "鹰潭市政府", "--host", "贵溪市政府", "--scale", "150-200")
    assert result.code == 0, result.err
    assert "时间" in result.out and "承办" in result.out and "when" not in result.out
    event = cli("--db", db, "events", "show", ref, "--json").json()
    assert (event["plan_due"], event["summary_due"], event["date_fixed"]) == ("2027-04-05", "2027-06-04", True)
    assert event["hosts"] == ["鹰潭市政府", "贵溪市政府"] and event["planned_scale"] == 200
    history = cli("--db", db, "history", ref, "--json").json()["changes"]
    edit = next(c for c in history if c["field"] == "hosts" and c["new"] == "鹰潭市政府、贵溪市政府")
    assert (edit["action"], edit["old"], edit["who"]) == ("update", "鹰潭市政府", "tester")
    assert cli("--db", db, "events", "edit", ref, "--host", "").code == 0
    assert cli("--db", db, "events", "show", ref, "--json").json()["hosts"] == []


@pytest.mark.parametrize("args,message", [
    (("--when", "明年春天"), "时间无法识别"),
    (("--when", "2027-13"), "时间无法识别"),
    (("--scale", "很多人"), "规模无法识别"),
    (("--kind", "庆典"), "未知的活动类型"),
    (("--industry", "石墨烯"), "未知的产业"),
    (("--parent", "A9"), "找不到活动"),
    (("--quota", "8-5"), "项目数要求无法识别"),
])
def test_bad_event_input_is_refused_and_nothing_written(cli, db, args, message):
    cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案")
    result = cli("--db", db, "events", "add", "--programme", "2027", "--title", "某推介会", "--level", "city", *args)
    assert result.code == 1 and message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert cli("--db", db, "events", "list", "--programme", "2027", "--json").json() == []


def test_event_refusals(cli, db):
    assert cli("--db", db, "events", "add", "--programme", "2099", "--title", "x", "--level", "city").code == 1
    cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案")
    assert cli("--db", db, "events", "add", "--programme", "2027", "--title", "x", "--level", "县级").code == 1
    _add_event(cli, db, "--title", "同名活动", "--level", "city")
    twice = cli("--db", db, "events", "add", "--programme", "2027", "--title", "同名活动", "--level", "city")
    assert twice.code == 1 and "同名活动" in twice.err
    too_long = cli("--db", db, "events", "add", "--programme", "2027", "--title", "长" * 300, "--level", "city")
    assert too_long.code == 1 and "过长" in too_long.err
    assert cli("--db", db, "events", "edit", "E0001").code == 1  # nothing to change
    assert cli("--db", db, "programmes", "add", "--year", "20x7", "--title", "方案").code == 1


def test_text_is_kept_as_typed(cli, db):
    cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案（第一版）")
    ref = _add_event(cli, db, "--title", "【重点】光伏推介会：第一场", "--level", "city", "--notes", "用地（200亩）")
    event = cli("--db", db, "events", "show", ref, "--json").json()
    assert (event["title"], event["notes"]) == ("【重点】光伏推介会：第一场", "用地（200亩）")
    assert cli("--db", db, "programmes", "list", "--json").json()[0]["title"] == "方案（第一版）"


def test_programme_edit_delete_restore(cli, db):
    cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案")
    assert cli("--db", db, "programmes", "edit", "2027", "--document-no", "赣工信字〔2027〕9号").code == 0
    show = cli("--db", db, "programmes", "show", "2027", "--json").json()
    assert show["document_no"] == "赣工信字〔2027〕9号" and show["version"] == 2
    assert cli("--db", db, "programmes", "delete", "2027", "--reason", "重复").code == 0
    assert cli("--db", db, "programmes", "list", "--json").json() == []
    assert cli("--db", db, "programmes", "restore", "2027").code == 0
    assert len(cli("--db", db, "programmes", "list", "--json").json()) == 1


def test_copy_the_2011_programme_into_2012(cli, db):
    assert cli("--db", db, "demo", "--size", "small").code == 0
    result = cli("--db", db, "programmes", "copy", "2011-544", "--year", "2012", "--json")
    assert result.code == 0, result.err
    ref = result.json()["ref"]
    old = cli("--db", db, "events", "list", "--programme", "2011-544", "--json").json()
    new = cli("--db", db, "events", "list", "--programme", ref, "--json").json()
    assert len([e for e in new if e["parent"] is None]) == len(seed.activities()) == 13
    children = {e["parent"] for e in new if e["parent"]}
    assert len([e for e in new if e["ref"] not in children]) == len(seed.meetings()) == 15
    assert not any(e["date_fixed"] for e in new)
    new_by_title = {e["title"]: e for e in new}
    for before in old:
        after = new_by_title[before["title"]]
        for key in ("level", "kind", "city", "venue", "planned_scale", "hosts", "co_hosts", "supporters",
                    "coordinators", "industries", "invitee_types", "quotas", "programme_group", "date_precision"):
            assert after[key] == before[key], (before["ref"], key)
        # The same months a year on (the 2011 plan gives months and a quarter; February 2012 has 29 days).
        assert (after["starts_on"][:7], after["ends_on"][:7]) == (
            before["starts_on"].replace("2011", "2012", 1)[:7], before["ends_on"].replace("2011", "2012", 1)[:7])
        assert after["starts_on"][8:] == "01" and after["when"] == before["when"].replace("2011", "2012")
        assert after["plan_submitted_on"] is None and after["summary_submitted_on"] is None
    for e in new:
        detail = cli("--db", db, "invitations", "list", e["ref"], "--json")
        assert detail.code == 0 and detail.json() == []
    kpi = cli("--db", db, "report", "kpi", "--as-of", "2026-11-27", "--json").json()
    before_copy_projects = kpi["signed"]
    assert before_copy_projects == 42 or before_copy_projects > 0  # the copy signed nothing new
    assert cli("--db", db, "programmes", "copy", "2011-544", "--year", "2012").code == 1  # same title twice


def test_reference_lists_on_a_new_database(cli, db):
    cities = cli("--db", db, "cities", "list", "--json").json()
    assert [c["name"] for c in cities] == [name for name, _short in seed.JIANGXI_CITIES]
    refused = cli("--db", db, "projects", "add", "--name", "铜箔项目", "--investor", "示例铜业", "--industry", "铜",
                  "--city", "鹰潭", "--amount", "1000", "--signed-on", "2026-11-01")
    assert refused.code == 1 and "crm industries add" not in refused.out
    assert cli("--db", db, "industries", "add", "铜", "--code", "copper").code == 0
    assert cli("--db", db, "industries", "add", "铜").code == 1  # twice
    assert cli("--db", db, "cities", "add", "深圳市", "--outside").code == 0
    assert cli("--db", db, "units", "add", "省工信委", "--kind", "province").code == 0
    assert cli("--db", db, "units", "add", "鹰潭市商务局", "--kind", "city", "--city", "鹰潭").code == 0
    assert cli("--db", db, "units", "add", "贵溪工业园区", "--kind", "park", "--parent", "鹰潭市商务局").code == 0
    assert cli("--db", db, "units", "add", "某单位", "--kind", "galaxy").code == 1
    units = {u["name"]: u for u in cli("--db", db, "units", "list", "--json").json()}
    assert units["贵溪工业园区"]["parent"] == "鹰潭市商务局" and units["贵溪工业园区"]["city"] == "鹰潭市"
    signed = cli("--db", db, "projects", "add", "--name", "铜箔项目", "--investor", "示例铜业", "--industry", "铜",
                 "--city", "鹰潭", "--amount", "1000", "--signed-on", "2026-11-01", "--json")
    assert signed.code == 0, signed.err


def test_a_park_stands_under_a_city_and_a_citys_unit_in_its_city(cli, db, monkeypatch):
    """A park's staff and records belong to a city, and a city's events and projects to the unit standing for
    the city: a park without its city's unit, or a city's unit without its city, is refused (nothing added)."""
    def refused(*args, words):
        result = cli("--db", db, "units", "add", *args)
        assert result.code == 1 and result.err.count("\n") == 1, (args, result)
        assert all(w in result.err for w in words), (args, result.err)

    assert cli("--db", db, "units", "add", "省商务厅", "--kind", "department").code == 0
    refused("南昌高新区", "--kind", "park", words=("南昌高新区", "--parent"))
    refused("南昌高新区", "--kind", "园区", "--city", "南昌", words=("南昌高新区", "--parent"))
    refused("南昌高新区", "--kind", "park", "--parent", "省商务厅", words=("南昌高新区", "省商务厅", "省直部门"))
    refused("市招商服务中心", "--kind", "city", words=("市招商服务中心", "--city"))
    english = cli("--db", db, "--lang", "en", "units", "add", "Hi-tech Zone", "--kind", "park")
    assert english.code == 1 and "a park or county must be under a city's unit: Hi-tech Zone" in english.err
    assert [u["name"] for u in cli("--db", db, "units", "list", "--json").json()] == ["省商务厅"]

    # A city's unit in the city its name says (or --city names); a park, and a county's park, under it.
    for args in (("南昌市政府", "--kind", "city"), ("市招商服务中心", "--kind", "city", "--city", "九江"),
                 ("南昌高新区", "--kind", "park", "--parent", "南昌市政府"),
                 ("南昌县", "--kind", "park", "--parent", "南昌市政府"),
                 ("小蓝经济开发区", "--kind", "park", "--parent", "南昌县")):
        result = cli("--db", db, "units", "add", *args)
        assert result.code == 0, (args, result.err)
    # A park stands under its own city's unit.
    refused("示例二区", "--kind", "park", "--parent", "南昌市政府", "--city", "九江", words=("示例二区", "九江市"))
    units = {u["name"]: (u["kind"], u["parent"], u["city"]) for u in cli("--db", db, "units", "list", "--json").json()}
    assert units == {"省商务厅": ("department", None, None), "南昌市政府": ("city", None, "南昌市"),
                     "市招商服务中心": ("city", None, "九江市"), "南昌高新区": ("park", "南昌市政府", "南昌市"),
                     "南昌县": ("park", "南昌市政府", "南昌市"), "小蓝经济开发区": ("park", "南昌县", "南昌市")}
    # So the city's events are found by its staff: the event of the city goes to the unit standing for it.
    assert cli("--db", db, "staff", "add", "nc", "--unit", "南昌市政府").code == 0
    assert cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案").code == 0
    ref = _add_event(cli, db, "--title", "南昌对接会", "--level", "city", "--city", "南昌")
    monkeypatch.setenv("CRM_USER", "nc")
    assert [e["ref"] for e in cli("--db", db, "events", "list", "--json").json()] == [ref]


def test_an_event_held_outside_the_province_is_the_provinces_and_its_place_is_reported(cli, db):
    """推介会 are held in Shenzhen too: a place the city list does not hold is added as outside the province
    and said on stderr (a mistyped city shows at once), and an event there belongs to the province — no
    unit is made for a city that is not the province's."""
    assert cli("--db", db, "programmes", "add", "--year", "2027", "--title", "方案").code == 0
    added = cli("--db", db, "events", "add", "--programme", "2027", "--title", "深圳推介会", "--level", "city",
                "--city", "深圳", "--json")
    assert added.code == 0 and "已新增省外举办地：深圳" in added.err, added.err
    ref = added.json()["ref"]
    again = cli("--db", db, "events", "add", "--programme", "2027", "--title", "深圳推介会二", "--level", "city",
                "--city", "深圳")
    assert again.code == 0 and "省外" not in again.err  # known from now on
    english = cli("--db", db, "--lang", "en", "events", "edit", ref, "--city", "火星")
    assert english.code == 0 and "places outside the province added: 火星" in english.err
    units = [u["name"] for u in cli("--db", db, "units", "list", "--json").json()]
    assert "深圳" not in units and "火星" not in units
    cities = {c["name"]: c for c in cli("--db", db, "cities", "list", "--json").json()}
    assert {"深圳", "火星"} <= set(cities)
    from sqlalchemy import select

    from db.models import Event, Unit, UnitKind
    from db.session import Database

    database = Database(db)
    try:
        with database.unit_of_work(write=False) as session:
            owners = set(session.scalars(select(Unit.kind).join(Event, Event.owner_unit_id == Unit.id)
                                         .where(Event.title.like("深圳推介会%"))))
    finally:
        database.dispose()
    assert owners == {UnitKind.PROVINCE}
