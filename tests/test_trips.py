"""Outbound promotion trips (招商小分队, seed 三、(二)) on both backends: a trip with the organizations it
visited, its days checked (a visit on one of them, a trip planned ahead allowed), the leads that came of it
(crm projects add --trip) and the counts per unit and period checked against what was entered; city staff
see and enter their city's trips only; deleting and restoring are audited; Chinese output shows no code."""
from __future__ import annotations

import re

import pytest

from db.models import PromotionTrip, TripVisit


@pytest.fixture
def run(cli, backend, monkeypatch):
    """`run(login, *args, code=0)`: crm as `login` on a database with two cities, their staff and an industry."""
    db = backend.url
    for args in (("units", "add", "南昌市政府", "--kind", "city"), ("units", "add", "九江市政府", "--kind", "city"),
                 ("units", "add", "省商务厅", "--kind", "department"), ("industries", "add", "新能源"),
                 ("staff", "add", "nc", "--unit", "南昌市政府"), ("staff", "add", "jj", "--unit", "九江市政府"),
                 ("staff", "add", "prov", "--unit", "省商务厅")):
        assert cli("--db", db, *args).code == 0, args

    def run(login, *args, code=0):
        monkeypatch.setenv("CRM_USER", login)
        result = cli("--db", db, *args)
        assert result.code == code, (login, args, result.out, result.err)
        return result

    run.db = db
    return run


def _add(run, login, *args):
    return run(login, "trips", "add", *args, "--json").json()["ref"]


def _summary(run, login, *args):
    return run(login, "trips", "summary", *args, "--json").json()["rows"]


def _counts(row):
    return {k: row[k] for k in ("trips", "planned", "days", "visits", "organizations", "leads", "signed",
                                "signed_amount")}


def test_a_trip_with_visits_and_the_leads_that_came_of_it(run):
    shenzhen = _add(run, "prov", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-03",
                    "--to", "2026-11-06", "--members", "副市长带队，市商务局等5人", "--purpose", "新能源产业链招商",
                    "--visit", "华为技术有限公司@2026-11-04", "--visit", "比亚迪股份有限公司＠2026-11-05",
                    "--visit", "深圳市江西商会", "--new-org")
    assert shenzhen == "T0001"
    run("prov", "trips", "visit", shenzhen, "--org", "宁德时代新能源科技股份有限公司", "--on", "2026-11-06",
        "--note", "洽谈电池项目", "--new-org")
    run("prov", "trips", "visit", shenzhen, "--org", "华为技术有限公司", "--on", "2026-11-06")  # again, another day
    shown = run("prov", "trips", "show", "t1", "--json").json()
    assert (shown["unit"], shown["destination"], shown["days"], shown["state"]) == ("南昌市政府", "深圳", 4, "done")
    assert [(v["on"], v["organization"]) for v in shown["visited"]] == [
        ("2026-11-04", "华为技术有限公司"), ("2026-11-05", "比亚迪股份有限公司"),
        ("2026-11-06", "宁德时代新能源科技股份有限公司"), ("2026-11-06", "华为技术有限公司"), (None, "深圳市江西商会")]
    assert (shown["visits"], shown["organizations"]) == (5, 4)
    # The organizations visited are the shared 客商库's: found there by name, added when asked (--new-org).
    found = run("prov", "organizations", "search", "宁德时代", "--json").json()
    assert [o["name"] for o in found] == ["宁德时代新能源科技股份有限公司"]

    # Leads that came of it: one still a lead, one signed; the lead signs later.
    lead = run("prov", "projects", "add", "--name", "动力电池项目", "--investor", "宁德时代新能源科技股份有限公司",
               "--industry", "新能源", "--city", "南昌", "--stage", "lead", "--entered-on", "2026-11-08",
               "--trip", shenzhen, "--json").json()["ref"]
    run("prov", "projects", "add", "--name", "新能源汽车零部件项目", "--investor", "比亚迪股份有限公司",
        "--industry", "新能源", "--city", "南昌", "--amount", "50000", "--signed-on", "2026-11-20", "--trip", "T0001")
    run("prov", "projects", "add", "--name", "无关项目", "--investor", "某投资有限公司", "--industry", "新能源",
        "--city", "南昌", "--amount", "100", "--signed-on", "2026-11-21")  # not of the trip
    shown = run("prov", "trips", "show", shenzhen, "--json").json()
    assert (shown["leads"], shown["signed"], shown["signed_amount"]) == (2, 1, 50000.0)
    assert [p["name"] for p in shown["projects"]] == ["动力电池项目", "新能源汽车零部件项目"]

    # Another city's trip in October, a provincial department's, and one planned for December.
    _add(run, "prov", "--unit", "九江市政府", "--destination", "上海", "--from", "2026-10-30", "--to", "2026-10-30",
         "--visit", "上海电气集团股份有限公司", "--new-org")
    _add(run, "prov", "--unit", "省商务厅", "--destination", "香港", "--from", "2026-09-01", "--to", "2026-09-05")
    planned = _add(run, "prov", "--unit", "南昌市政府", "--destination", "苏州", "--from", "2026-12-14",
                   "--to", "2026-12-16", "--visit", "某苏州企业@2026-12-15", "--new-org")
    assert run("prov", "trips", "show", planned, "--json").json()["state"] == "planned"

    rows = {r["unit"]: _counts(r) for r in _summary(run, "prov")}
    zero = dict.fromkeys(("trips", "planned", "days", "visits", "organizations", "leads", "signed"), 0)
    assert rows["南昌市政府"] == {**zero, "trips": 1, "planned": 1, "days": 4, "visits": 5, "organizations": 4,
                                "leads": 2, "signed": 1, "signed_amount": 50000.0}
    assert rows["九江市政府"] == {**zero, "trips": 1, "days": 1, "visits": 1, "organizations": 1, "signed_amount": 0.0}
    assert rows["省商务厅"] == {**zero, "trips": 1, "days": 5, "signed_amount": 0.0}
    assert rows[None] == {**zero, "trips": 3, "planned": 1, "days": 10, "visits": 6, "organizations": 5,
                          "leads": 2, "signed": 1, "signed_amount": 50000.0}
    # A period: trips counted by their first day.
    rows = {r["unit"]: _counts(r) for r in _summary(run, "prov", "--from", "2026-10-01", "--to", "2026-11-30")}
    assert set(rows) == {"南昌市政府", "九江市政府", None} and rows[None]["trips"] == 2 and rows[None]["days"] == 5
    assert [r["ref"] for r in run("prov", "trips", "list", "--from", "2026-10-01", "--to", "2026-11-30",
                                  "--json").json()] == ["T0001", "T0002"]
    by_month = [(r["period"], r["unit"], r["trips"], r["planned"]) for r in _summary(run, "prov", "--by", "month")]
    assert by_month == [("2026-09", "省商务厅", 1, 0), ("2026-09", None, 1, 0),
                        ("2026-10", "九江市政府", 1, 0), ("2026-10", None, 1, 0),
                        ("2026-11", "南昌市政府", 1, 0), ("2026-11", None, 1, 0),
                        ("2026-12", "南昌市政府", 0, 1), ("2026-12", None, 0, 1)]
    assert [r["period"] for r in _summary(run, "prov", "--by", "quarter")] == ["2026-Q3", "2026-Q3", "2026-Q4",
                                                                                "2026-Q4", "2026-Q4"]

    # The lead signs: counted once the day it signed has come.
    run("prov", "projects", "advance", lead, "--to", "signed", "--on", "2026-11-25")
    assert _summary(run, "prov")[-1]["signed"] == 2


def test_deleting_a_trip_is_audited_and_restored(run, database):
    from sqlalchemy import select

    from db.models import AuditEntry

    ref = _add(run, "prov", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-03", "--to",
               "2026-11-06", "--visit", "华为技术有限公司@2026-11-04", "--new-org")
    run("prov", "trips", "visit", ref, "--org", "比亚迪股份有限公司", "--new-org")
    run("prov", "trips", "edit", ref, "--purpose", "新能源", "--to", "2026-11-05")
    assert "已删除 小分队 T0001" in run("prov", "trips", "delete", ref, "--reason", "重复录入").out
    assert run("prov", "trips", "list", "--json").json() == []
    assert _summary(run, "prov") == []
    assert "找不到招商小分队" in run("prov", "trips", "show", ref, code=1).err
    run("prov", "trips", "restore", ref, "--note", "误删")
    assert [r["ref"] for r in run("prov", "trips", "list", "--json").json()] == [ref]
    with database.unit_of_work(write=False) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "promotion_trips")
                                  .order_by(AuditEntry.id)).all()
        trail = [(e.action, e.field, e.note) for e in entries]
        created = entries[0].new_value
        visits = next(e for e in entries if e.field == "visits")
        visits = (visits.old_value, visits.new_value)
    assert trail == [("create", None, None), ("update", "visits", None), ("update", "ends_on", None),
                     ("update", "purpose", None), ("delete", "deleted_at", "重复录入"), ("restore", "deleted_at", "误删")]
    assert "华为技术有限公司@2026-11-04" in created
    assert visits == ("华为技术有限公司@2026-11-04", "华为技术有限公司@2026-11-04、比亚迪股份有限公司")


def test_bad_dates_and_visits_are_refused_in_one_line(run):
    def refused(*args, words, login="prov"):
        err = run(login, *args, code=1).err
        assert err.count("\n") == 1 and err.startswith("crm: 错误: ") and "Traceback" not in err, err
        assert all(w in err for w in words), (args, err)

    trip = ("trips", "add", "--unit", "南昌市政府", "--destination", "深圳", "--new-org")
    refused(*trip, "--from", "2026-11-06", "--to", "2026-11-03", words=("返回日期", "2026-11-03", "出发日期"))
    refused(*trip, "--from", "2026-13-01", "--to", "2026-12-03", words=("日期无效", "2026-13-01"))
    refused(*trip, "--from", "2026-11-03", "--to", "2026-11-06", "--visit", "华为技术有限公司@2026-11-09",
            words=("华为技术有限公司", "2026-11-09", "2026-11-03 至 2026-11-06"))
    refused(*trip, "--from", "2026-11-03", "--to", "2026-11-06", "--visit", "华为技术有限公司@下周",
            words=("日期无效", "下周"))
    refused(*trip, "--from", "2026-01-05", "--to", "2027-01-06", words=("367", "366"))
    refused("trips", "add", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06", words=("--unit",))
    refused("trips", "add", "--unit", "不存在的单位", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06",
            words=("不存在的单位",))
    assert run("prov", "trips", "list", "--json").json() == []  # nothing of the refused trips was kept

    ref = _add(run, "prov", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06")
    refused("trips", "visit", ref, "--org", "华为技术有限公司", "--on", "2026-11-02", "--new-org",
            words=("2026-11-02", "行程"))
    run("prov", "trips", "visit", ref, "--org", "华为技术有限公司", "--on", "2026-11-04", "--new-org")
    refused("trips", "visit", ref, "--org", "华为技术有限公司", "--on", "2026-11-04", words=("已记录",))
    refused("trips", "edit", ref, "--to", "2026-11-03", words=("华为技术有限公司", "2026-11-04"))  # the visit is kept in
    refused("trips", "visit", "T0099", "--org", "华为", words=("T0099",))
    refused("trips", "list", "--from", "2026-12-01", "--to", "2026-11-01", words=("2026-11-01",))
    # A lead comes of a trip once it has begun.
    refused("projects", "add", "--name", "早项目", "--investor", "某投资有限公司", "--industry", "新能源", "--city", "南昌",
            "--stage", "lead", "--entered-on", "2026-11-01", "--trip", ref, words=(ref, "2026-11-03"))
    refused("projects", "add", "--name", "早项目", "--investor", "某投资有限公司", "--industry", "新能源", "--city", "南昌",
            "--stage", "lead", "--trip", "T0042", words=("T0042",))
    # A planned trip is allowed, its visits on its days.
    planned = _add(run, "prov", "--unit", "南昌市政府", "--destination", "苏州", "--from", "2027-03-01", "--to", "2027-03-03",
                   "--visit", "某苏州企业@2027-03-02", "--new-org")
    assert run("prov", "trips", "show", planned, "--json").json()["state"] == "planned"
    refused("projects", "add", "--name", "太早", "--investor", "某投资有限公司", "--industry", "新能源", "--city", "南昌",
            "--stage", "lead", "--trip", planned, words=(planned,))


def test_an_organization_not_in_the_directory_is_visited_only_when_asked(run):
    """A name the 客商库 does not hold (a typo, a deleted organization) is refused, naming it and how to add
    it, and nothing is kept; --new-org puts it into the 客商库 and says so."""
    def organizations(query):
        return [o["name"] for o in run("prov", "organizations", "search", query, "--json").json()]

    ref = _add(run, "prov", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06")
    err = run("prov", "trips", "visit", ref, "--org", "比亚迪股分有限公司", code=1).err
    assert err.count("\n") == 1 and "客商库中没有单位：比亚迪股分有限公司" in err
    assert "--new-org" in err
    err = run("prov", "--lang", "en", "trips", "visit", ref, "--org", "比亚迪股分有限公司", code=1).err
    assert "no organization named 比亚迪股分有限公司" in err and "--new-org" in err
    err = run("prov", "trips", "add", "--unit", "南昌市政府", "--destination", "苏州", "--from", "2026-11-10",
              "--to", "2026-11-11", "--visit", "某苏州企业", code=1).err
    assert "某苏州企业" in err
    assert [r["ref"] for r in run("prov", "trips", "list", "--json").json()] == [ref]  # no trip kept
    assert run("prov", "trips", "show", ref, "--json").json()["visits"] == 0
    assert organizations("比亚迪") == [] and organizations("苏州") == []

    # Known to the 客商库: visited as it is, nothing said of it.
    run("prov", "organizations", "add", "--name", "比亚迪股份有限公司")
    assert run("prov", "trips", "visit", ref, "--org", "比亚迪股份有限公司").err == ""
    # New, asked for: put into the 客商库 and said so (stderr, so --json stays clean).
    added = run("prov", "trips", "visit", ref, "--org", "宁德时代新能源科技股份有限公司", "--new-org", "--json")
    assert added.json()["organization"] == "宁德时代新能源科技股份有限公司"
    assert added.err == "已加入客商库：宁德时代新能源科技股份有限公司\n"
    assert organizations("宁德时代") == ["宁德时代新能源科技股份有限公司"]
    # Deleted from the 客商库: refused as well, brought back when asked.
    catl = run("prov", "organizations", "search", "宁德时代", "--json").json()[0]["id"]
    run("prov", "organizations", "delete", f"O#{catl}", "--reason", "测试")
    assert "宁德时代" in run("prov", "trips", "visit", ref, "--org", "宁德时代新能源科技股份有限公司", "--on",
                            "2026-11-05", code=1).err
    restored = run("prov", "trips", "visit", ref, "--org", "宁德时代新能源科技股份有限公司", "--on", "2026-11-05",
                   "--new-org")
    assert "已加入客商库：宁德时代新能源科技股份有限公司" in restored.err
    assert organizations("宁德时代") == ["宁德时代新能源科技股份有限公司"]
    assert [v["organization"] for v in run("prov", "trips", "show", ref, "--json").json()["visited"]] == [
        "宁德时代新能源科技股份有限公司", "比亚迪股份有限公司", "宁德时代新能源科技股份有限公司"]


def test_city_staff_see_and_enter_their_citys_trips_only(run):
    jiujiang = _add(run, "prov", "--unit", "九江市政府", "--destination", "上海", "--from", "2026-11-10", "--to", "2026-11-12",
                    "--visit", "上海电气集团股份有限公司", "--new-org")
    ours = _add(run, "nc", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06",
                "--visit", "华为技术有限公司", "--new-org")  # no --unit: their own
    assert run("nc", "trips", "show", ours, "--json").json()["unit"] == "南昌市政府"
    assert "九江市政府" in run("nc", "trips", "add", "--unit", "九江市政府", "--destination", "杭州", "--from", "2026-11-03",
                               "--to", "2026-11-04", code=1).err
    assert [r["ref"] for r in run("nc", "trips", "list", "--json").json()] == [ours]
    assert [r["ref"] for r in run("jj", "trips", "list", "--json").json()] == [jiujiang]
    assert {r["ref"] for r in run("prov", "trips", "list", "--json").json()} == {ours, jiujiang}
    assert [r["unit"] for r in _summary(run, "nc")] == ["南昌市政府", None]
    assert _summary(run, "nc")[-1]["trips"] == 1
    for args in (("trips", "show", jiujiang), ("trips", "visit", jiujiang, "--org", "某公司"),
                 ("trips", "delete", jiujiang, "--reason", "x"),
                 ("projects", "add", "--name", "借用", "--investor", "某公司", "--industry", "新能源", "--city", "南昌",
                  "--stage", "lead", "--trip", jiujiang)):
        assert "找不到招商小分队" in run("nc", *args, code=1).err, args
    # A lead of their own trip counts for them.
    run("nc", "projects", "add", "--name", "服务器项目", "--investor", "华为技术有限公司", "--industry", "新能源",
        "--city", "南昌", "--stage", "lead", "--entered-on", "2026-11-20", "--trip", ours)
    assert _summary(run, "nc")[-1]["leads"] == 1
    assert next(r for r in _summary(run, "prov") if r["unit"] == "九江市政府")["leads"] == 0


_CODE = re.compile(r"[a-z][a-z0-9_]*")


def test_chinese_output_shows_no_code(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # no cell cut short
    outputs = []

    def say(*args, code=0):
        result = run("prov", *args, code=code)
        outputs.append((args, result.out + result.err))
        return result

    ref = _add(run, "prov", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06",
               "--members", "市商务局5人", "--visit", "华为技术有限公司@2026-11-04", "--new-org")
    say("trips", "add", "--unit", "九江市政府", "--destination", "苏州", "--from", "2026-12-14", "--to", "2026-12-16")
    say("trips", "visit", ref, "--org", "比亚迪股份有限公司", "--on", "2026-11-05", "--note", "洽谈", "--new-org")
    say("trips", "visit", ref, "--org", "比亚迪股分有限公司", code=1)  # a typo, not in the 客商库
    say("projects", "add", "--name", "电池项目", "--investor", "比亚迪股份有限公司", "--industry", "新能源", "--city", "南昌",
        "--amount", "1200", "--signed-on", "2026-11-20", "--trip", ref)
    say("trips", "edit", ref, "--purpose", "新能源", "--notes", "")
    say("trips", "list")
    say("trips", "show", ref)
    say("trips", "summary")
    say("trips", "summary", "--by", "quarter")
    say("trips", "delete", ref, "--reason", "测试")
    say("trips", "restore", ref)
    say("trips", "add", "--unit", "南昌市政府", "--destination", "深圳", "--from", "2026-11-06", "--to", "2026-11-03", code=1)
    say("trips", "visit", ref, "--org", "某公司", "--on", "2026-12-01", code=1)
    codes = set(run("prov", "trips", "show", ref, "--json").json())
    codes |= set(_summary(run, "prov")[0]) | {"planned", "under_way", "done", "month", "quarter", "year"}
    codes |= {c.key for model in (PromotionTrip, TripVisit) for c in model.__table__.columns}
    codes = {c for c in codes if _CODE.fullmatch(c)}
    assert {"destination", "starts_on", "under_way", "signed_amount"} <= codes
    leaks = [(args, found) for args, text in outputs
             if (found := {c for c in codes if re.search(f"(?<![A-Za-z0-9_-]){c}(?![A-Za-z0-9_-])", text)})]
    assert not leaks
    english = run("prov", "--lang", "en", "trips", "show", ref).out
    assert "back" in english and "destination" in english


def test_row_level_security_keeps_each_citys_trips_to_it(cli, monkeypatch):
    """PostgreSQL, each staff member connected as their own login (crm db create-login): a city's login
    reads and writes its own trips and their visits only, through crm and through a raw connection alike."""
    from sqlalchemy import create_engine, text

    from tests.pgscratch import admin_or_skip, unique

    admin = admin_or_skip()
    name, owner = unique("crm_trips_rls"), unique("crm_trips_owner")
    logins = {role: unique(f"crm_trips_{role}") for role in ("nc", "jj")}
    server = create_engine(admin, isolation_level="AUTOCOMMIT")

    def drop_all(conn):
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in (*logins.values(), owner):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))

    with server.connect() as conn:
        drop_all(conn)
        conn.execute(text(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD 'owner-pw'"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
        conn.execute(text(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC'))
    try:
        owner_url = admin.set(username=owner, password="owner-pw", database=name).render_as_string(hide_password=False)

        def as_(login, url, *args, code=0):
            monkeypatch.setenv("CRM_USER", login)
            result = cli("--db", url, *args)
            assert result.code == code, (login, args, result.err)
            return result

        as_(owner, owner_url, "db", "upgrade")
        for args in (("units", "add", "南昌市政府", "--kind", "city"), ("units", "add", "九江市政府", "--kind", "city"),
                     ("staff", "add", logins["nc"], "--unit", "南昌市政府"),
                     ("staff", "add", logins["jj"], "--unit", "九江市政府")):
            as_(owner, owner_url, *args)
        monkeypatch.setenv("CRM_NEW_PASSWORD", "city-pass-1")
        urls = {}
        for role, login in logins.items():
            as_(owner, owner_url, "db", "create-login", login)
            urls[role] = admin.set(username=login, password="city-pass-1", database=name).render_as_string(
                hide_password=False)
        monkeypatch.delenv("CRM_NEW_PASSWORD")

        nc, jj = logins["nc"], logins["jj"]
        ours = as_(nc, urls["nc"], "trips", "add", "--destination", "深圳", "--from", "2026-11-03", "--to", "2026-11-06",
                   "--visit", "华为技术有限公司@2026-11-04", "--new-org", "--json").json()["ref"]
        theirs = as_(jj, urls["jj"], "trips", "add", "--destination", "上海", "--from", "2026-11-10",
                     "--to", "2026-11-11", "--visit", "上海电气集团股份有限公司", "--new-org", "--json").json()["ref"]
        assert [r["ref"] for r in as_(nc, urls["nc"], "trips", "list", "--json").json()] == [ours]
        assert "找不到招商小分队" in as_(nc, urls["nc"], "trips", "visit", theirs, "--org", "某公司", code=1).err
        assert {r["ref"] for r in as_(owner, owner_url, "trips", "list", "--json").json()} == {ours, theirs}
        engine = create_engine(urls["jj"])
        with engine.connect() as conn:  # past crm: the database itself keeps to the login's unit
            assert conn.execute(text("SELECT count(*) FROM promotion_trips")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM trip_visits")).scalar_one() == 1
            assert conn.execute(text("SELECT destination FROM promotion_trips")).scalar_one() == "上海"
        engine.dispose()
    finally:
        with server.connect() as conn:
            drop_all(conn)
        server.dispose()


def test_the_english_summary_says_which_trips_it_counts(cli, backend):
    everything = cli("--db", backend.url, "--lang", "en", "trips", "summary")
    assert everything.code == 0 and "Promotion trips (setting out on any day, as of 2026-11-27" in everything.out
    since = cli("--db", backend.url, "--lang", "en", "trips", "summary", "--from", "2026-01-01")
    assert "setting out 2026-01-01 to any day" in since.out
