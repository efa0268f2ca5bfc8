"""`crm export calendar`: the demo's deadlines as an iCalendar file, read back with the icalendar library —
every item with a UID, a start in Asia/Shanghai and a summary; the same UIDs export after export, an item
done written again cancelled under its UID with a higher SEQUENCE; `--mine` a subset; user text kept as text;
a wrong output file refused."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from icalendar import Calendar

from crm.exporting.calendar import clean, item_uid

SHANGHAI = "Asia/Shanghai"


@pytest.fixture
def sqlite_demo(tmp_path, sqlite_demo_template) -> str:
    """The small demo on SQLite only, for what does not depend on the backend."""
    path = tmp_path / "crm.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    return str(path)


def _export(cli, db, path, *args, user: str | None = None, lang: str | None = None) -> Calendar:
    result = cli("--db", db, *(("--user", user) if user else ()), *(("--lang", lang) if lang else ()),
                 "export", "calendar", "--out", path, *args)
    assert result.code == 0, result.err
    assert str(path) in result.out
    return Calendar.from_ical(path.read_bytes())


def _events(calendar: Calendar) -> dict:
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "UIDs repeat within one file"
    return dict(zip(uids, events))


def _cancelled(event) -> bool:
    return str(event.get("STATUS")) == "CANCELLED"


def test_the_demo_as_a_calendar(cli, demo_backend, tmp_path):
    first = tmp_path / "deadlines.ics"
    calendar = _export(cli, demo_backend.url, first)
    calendar.validate()  # the library's own check of required properties and components
    assert not calendar.errors and not any(e.errors for e in calendar.walk())
    assert str(calendar["X-WR-TIMEZONE"]) == SHANGHAI
    assert [tz.tz_name for tz in calendar.timezones] == [SHANGHAI] and not calendar.get_missing_tzids()
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    events = _events(calendar)
    assert {uid.split("-")[0] for uid in events} >= {"plan", "summary", "construction", "production", "followup"}
    for uid, event in events.items():
        assert uid.endswith("@crm") and str(event["SUMMARY"]).strip()
        start = event.start
        assert isinstance(start, dt.datetime) and str(start.tzinfo) == SHANGHAI, uid
        assert start.time() == dt.time(9, 0) and start.utcoffset() == dt.timedelta(hours=8)
        assert event.end - start == dt.timedelta(minutes=30)
        assert event.DTSTAMP.tzinfo is not None and event.DTSTAMP.utcoffset() == dt.timedelta(0)
        assert isinstance(event["SEQUENCE"], int) and event["SEQUENCE"] >= 2

    plan = events["plan-A5@crm"]  # provincial, October 2011: the plan is due 45 days before the 1st
    assert str(plan["SUMMARY"]) == "工作方案截止：战略性新兴产业签约项目集中开工仪式"
    assert plan.start.date() == dt.date(2011, 8, 17) and not _cancelled(plan)
    assert "A5" in str(plan["DESCRIPTION"]) and "省本级" in str(plan["DESCRIPTION"])
    assert "plan-A1@crm" not in events  # filed in 2010: long done, left out

    # What `crm deadlines` says is due or overdue is on the calendar, on its day and not cancelled.
    warnings = cli("--db", demo_backend.url, "deadlines", "--json").json()
    due = [w for w in warnings if w["status"] in ("due", "overdue")
           and w["kind"] in ("plan", "summary", "construction", "production", "followup")]
    assert due
    for w in due:
        event = events[item_uid(w["kind"], w["ref"])]
        assert event.start.date().isoformat() == w["due"] and not _cancelled(event), w

    # Exporting again gives the same file: the same UIDs, SEQUENCEs and stamps.
    second = tmp_path / "again.ics"
    _export(cli, demo_backend.url, second)
    assert second.read_bytes() == first.read_bytes()


def test_a_filed_plan_is_cancelled_under_its_uid(cli, demo_backend, tmp_path):
    db = demo_backend.url
    before = _events(_export(cli, db, tmp_path / "before.ics"))
    assert cli("--db", db, "events", "plan-submitted", "A5", "--on", "2026-11-26").code == 0
    after = _events(_export(cli, db, tmp_path / "after.ics"))

    assert set(after) == set(before)  # nothing duplicated, nothing lost: importing again updates
    plan = after["plan-A5@crm"]
    assert _cancelled(plan) and str(plan["SUMMARY"]).startswith("【已办结】工作方案截止：")
    assert plan["SEQUENCE"] > before["plan-A5@crm"]["SEQUENCE"]
    assert plan.start == before["plan-A5@crm"].start
    assert "2026-11-26" in str(plan["DESCRIPTION"])
    assert not _cancelled(after["summary-A5@crm"])  # the same event's summary is still due
    unchanged = {uid: e.to_ical() for uid, e in before.items() if not uid.endswith("-A5@crm")}
    assert unchanged == {uid: e.to_ical() for uid, e in after.items() if not uid.endswith("-A5@crm")}

    # As of the day before it was filed, it was due; 90 days after, its cancellation is no longer written.
    assert not _cancelled(_events(_export(cli, db, tmp_path / "then.ics", "--as-of", "2026-11-25"))["plan-A5@crm"])
    later = _events(_export(cli, db, tmp_path / "later.ics", "--as-of", "2027-03-01"))
    assert "plan-A5@crm" not in later and "summary-A5@crm" in later


def test_a_supervision_order_until_it_closes(cli, demo_backend, tmp_path, monkeypatch):
    db = demo_backend.url
    for args in (("staff", "add", "rev", "--unit", "省工信委综合处", "--reviewer"),
                 ("staff", "add", "nc", "--unit", "南昌市政府")):
        assert cli("--db", db, *args).code == 0, args
    added = cli("--db", db, "supervise", "add", "P00016", "--unit", "南昌市政府", "--due", "2026-12-05",
                "--note", "加快办理用地手续", "--json")
    assert added.code == 0, added.err
    ref = added.json()["ref"]
    uid = f"order-{ref}@crm"

    def order(name):
        return _events(_export(cli, db, tmp_path / f"{name}.ics")).get(uid)

    issued = order("issued")
    assert str(issued["SUMMARY"]).startswith(f"督办回复期限：{ref} ")
    assert issued.start == dt.datetime(2026, 12, 5, 9, 0, tzinfo=issued.start.tzinfo)
    assert "南昌市政府" in str(issued["DESCRIPTION"]) and "加快办理用地手续" in str(issued["DESCRIPTION"])
    assert cli("--db", db, "--user", "nc", "supervise", "reply", ref, "--note", "已完成土地挂牌").code == 0
    replied = order("replied")
    assert not _cancelled(replied) and replied["SEQUENCE"] > issued["SEQUENCE"]
    assert cli("--db", db, "--user", "rev", "supervise", "accept", ref).code == 0
    closed = order("closed")
    assert _cancelled(closed) and closed["SEQUENCE"] > replied["SEQUENCE"]
    assert str(closed["SUMMARY"]).startswith("【已办结】督办回复期限：")


def test_mine_is_a_subset(cli, demo_backend, tmp_path):
    db = demo_backend.url
    for args in (("staff", "add", "alice", "--unit", "省工信委新兴产业处"),
                 ("staff", "add", "nc", "--unit", "南昌市政府"),
                 ("projects", "edit", "P00016", "--owner", "nc"),  # Nanchang's; 新兴产业处 answers for it
                 ("projects", "edit", "P00004", "--owner", "alice"),  # Yichun's; 医药工业处 answers for it
                 ("supervise", "add", "P00016", "--unit", "南昌市政府", "--due", "2026-12-05", "--note", "甲"),
                 ("supervise", "add", "P00004", "--unit", "宜春市政府", "--due", "2026-12-06", "--note", "乙")):
        assert cli("--db", db, *args).code == 0, args
    everything = set(_events(_export(cli, db, tmp_path / "all.ics")))
    nanchang = set(_events(_export(cli, db, tmp_path / "nc-all.ics", user="nc")))  # the city's records
    nc = set(_events(_export(cli, db, tmp_path / "nc.ics", "--mine", user="nc")))
    alice = set(_events(_export(cli, db, tmp_path / "alice.ics", "--mine", user="alice")))

    assert nc < nanchang < everything and alice < everything
    # nc: the city's projects and orders, not the province's events it may read
    assert {"order-D0001@crm", "followup-P00016@crm", "followup-P00023@crm"} <= nc
    assert "plan-A5@crm" in nanchang and "plan-A5@crm" not in nc and "order-D0002@crm" not in nanchang
    # alice: the projects her office answers for (P00003, P00016), the one she answers for and its order
    assert {"followup-P00003@crm", "followup-P00016@crm", "followup-P00004@crm", "order-D0002@crm"} <= alice
    assert "order-D0001@crm" not in alice and "followup-P00023@crm" not in alice

    result = cli("--db", db, "--user", "nobody", "export", "calendar", "--mine", "--out", tmp_path / "no.ics")
    assert result.code == 0 and "nobody" in result.err
    empty = Calendar.from_ical((tmp_path / "no.ics").read_bytes())
    empty.validate()
    assert not empty.walk("VEVENT") and [tz.tz_name for tz in empty.timezones] == [SHANGHAI]


HOSTILE = '甲,乙;丙 <b>丁</b> \\戊\n己："引号"\t尾'


def test_user_text_is_text(cli, demo_backend, tmp_path):
    db = demo_backend.url
    for args in (("projects", "edit", "P00001", "--name", HOSTILE),
                 ("followups", "add", "P00001", "--on", "2026-11-27", "--note", "x",
                  "--next-step", HOSTILE + "\x07\x1b[31m", "--next-on", "2026-12-10")):
        assert cli("--db", db, *args).code == 0, args
    path = tmp_path / "hostile.ics"
    events = _events(_export(cli, db, path))
    followup = events["followup-P00001@crm"]
    assert str(followup["SUMMARY"]) == '跟踪服务：P00001 甲,乙;丙 <b>丁</b> \\戊 己："引号" 尾'  # one line
    assert followup.start.date() == dt.date(2026, 12, 10)
    description = str(followup["DESCRIPTION"])
    assert '下一步：甲,乙;丙 <b>丁</b> \\戊\n己："引号" 尾[31m' in description
    raw = path.read_bytes()
    assert b"\x07" not in raw and b"\x1b" not in raw and b"\t" not in raw
    assert "甲\\,乙\\;丙".encode() in raw  # escaped by the library, not by hand
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded


def test_in_english(cli, sqlite_demo, tmp_path):
    events = _events(_export(cli, sqlite_demo, tmp_path / "en.ics", lang="en"))
    assert str(events["plan-A5@crm"]["SUMMARY"]) == "Work plan due: 战略性新兴产业签约项目集中开工仪式"
    assert "Event: A5" in str(events["plan-A5@crm"]["DESCRIPTION"])


def test_a_wrong_output_is_refused(cli, sqlite_demo, tmp_path):
    db = sqlite_demo
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for out, says in ((tmp_path / "deadlines.txt", ".ics"), (tmp_path / "deadlines", ".ics"),
                      (tmp_path / "missing" / "x.ics", "所在文件夹不存在")):
        result = cli("--db", db, "export", "calendar", "--out", out)
        assert result.code == 1 and says in result.err and len(result.err.strip().splitlines()) == 1, result.err
        assert not out.exists()
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    result = cli("--db", db, "export", "calendar", "--out", folder)
    assert result.code == 1 and "文件夹" in result.err
    assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())


def test_clean():
    assert clean("a\r\nb\rc\u2028d\x00e\x7f\x85f\tg") == "a\nb\nc\ndef g"
    assert clean(" 一\n\n 二 \n", one_line=True) == "一 二"
    assert clean(None) == ""
    assert item_uid("plan", "A2-PV") == "plan-A2-PV@crm"
    assert item_uid("plan", "活动 1/2") == "plan-%E6%B4%BB%E5%8A%A8%201%2F2@crm"

