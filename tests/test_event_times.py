"""An event's time against the events and projects it belongs with, through `crm` and the programme import:
a meeting is held within its activity's time (refused only when certainly outside: a month, a quarter or
待定 may still hold it), on adding and editing either side and fixing dates; and a project signed at an
event is not signed before the event can have begun (adding it, signing a lead, correcting the signing
date). A refusal is exit 1 and one line, and nothing is written."""
from __future__ import annotations

import pytest

from crm.i18n import t
from tests.test_import_builders import write_xlsx


@pytest.fixture
def db(cli, backend):
    for args in (("programmes", "add", "--year", "2026", "--title", "2026年招商推介活动方案"),
                 ("industries", "add", "光伏")):
        result = cli("--db", backend.url, *args)
        assert result.code == 0, result.err
    return backend.url


def _add(cli, db, title, *args):
    result = cli("--db", db, "events", "add", "--programme", "2026", "--title", title, "--level", "city", *args, "--json")
    assert result.code == 0, result.err
    return result.json()["ref"]


def _time(cli, db, ref):
    shown = cli("--db", db, "events", "show", ref, "--json").json()
    return shown["starts_on"], shown["ends_on"], shown["date_precision"]


def _refused(result, message: str) -> None:
    assert result.code == 1, result.out
    assert result.out == "" and result.err.count("\n") == 1 and message in result.err, result.err


def _outside(meeting, meeting_when, activity, activity_when) -> str:
    return t("meeting_outside_activity", meeting=meeting, meeting_when=meeting_when, activity=activity,
             activity_when=activity_when)


def test_a_meeting_added_outside_its_activity_is_refused(cli, db):
    activity = _add(cli, db, "低碳大会系列合作推进会", "--when", "2026年11月")
    assert _add(cli, db, "光伏分会", "--parent", activity, "--when", "11月中旬")
    assert _add(cli, db, "待定的分会", "--parent", activity)  # 待定: nothing says it is outside
    refused = cli("--db", db, "events", "add", "--programme", "2026", "--title", "铜分会", "--parent", activity,
                  "--when", "2026-12-05")
    _refused(refused, _outside("铜分会", "2026年12月5日", activity, "2026年11月"))
    english = cli("--lang", "en", "--db", db, "events", "add", "--programme", "2026", "--title", "铜分会",
                  "--parent", activity, "--when", "2026-10-31")
    assert english.code == 1 and english.err.count("\n") == 1
    assert "the meeting 铜分会 (2026-10-31) falls outside the time of its activity" in english.err
    assert len(cli("--db", db, "events", "list", "--json").json()) == 3


@pytest.mark.parametrize(("activity_when", "meeting_when", "kept"), [
    ("2026-Q4", "2026年12月", True),  # a month within the quarter
    ("2026-Q4", "2026-09", False),  # a month before it
    ("2026年11月", "2026-Q4", True),  # a quarter that may hold the month: not certainly outside
    ("2026年11月", "2026-10-15..2026-11-02", True),  # overlapping days
    ("2026-11-18..2026-11-19", "2026-11-20", False),  # fixed days: the day after
    ("2026年11月中旬", "2026年11月下旬", False),
    ("待定", "2026-03-01", True),  # an activity 待定 says nothing
])
def test_imprecise_times_are_refused_only_when_certainly_outside(cli, db, activity_when, meeting_when, kept):
    activity = _add(cli, db, "活动", "--when", activity_when)
    result = cli("--db", db, "events", "add", "--programme", "2026", "--title", "会议", "--parent", activity,
                 "--when", meeting_when)
    assert (result.code == 0) is kept, result.err
    if not kept:
        assert "不在所属活动" in result.err


def test_editing_the_meeting_or_the_activity_cannot_leave_a_meeting_outside(cli, db):
    activity = _add(cli, db, "低碳大会系列合作推进会", "--when", "2026年11月")
    other = _add(cli, db, "香港活动周", "--when", "2026年5月")
    meeting = _add(cli, db, "光伏分会", "--parent", activity, "--when", "11月中旬")
    _refused(cli("--db", db, "events", "edit", meeting, "--when", "2026-12-10"),
             _outside("光伏分会", "2026年12月10日", activity, "2026年11月"))
    _refused(cli("--db", db, "events", "edit", meeting, "--parent", other),  # moved under an activity of May
             _outside("光伏分会", "2026年11月中旬", other, "2026年5月"))
    _refused(cli("--db", db, "events", "edit", activity, "--when", "2026年12月"),
             _outside("光伏分会", "2026年11月中旬", activity, "2026年12月"))
    _refused(cli("--db", db, "events", "fix-date", activity, "--on", "2026-11-21", "--to", "2026-11-22"),
             _outside("光伏分会", "2026年11月中旬", activity, "2026年11月21日至22日"))
    _refused(cli("--db", db, "events", "fix-date", meeting, "--on", "2026-12-01"),
             _outside("光伏分会", "2026年12月1日", activity, "2026年11月"))
    assert _time(cli, db, activity) == ("2026-11-01", "2026-11-30", "month")
    assert _time(cli, db, meeting) == ("2026-11-11", "2026-11-20", "dekad")
    # Within: accepted, each side in turn.
    assert cli("--db", db, "events", "edit", activity, "--when", "2026-Q4").code == 0
    assert cli("--db", db, "events", "fix-date", activity, "--on", "2026-11-18", "--to", "2026-11-19").code == 0
    assert cli("--db", db, "events", "fix-date", meeting, "--on", "2026-11-19").code == 0
    assert cli("--db", db, "events", "edit", meeting, "--parent", "").code == 0  # no longer a meeting of it
    assert cli("--db", db, "events", "edit", meeting, "--when", "2026-12-10").code == 0


PROGRAMME_HEADER = [["2026年招商推介活动安排表"], ["序号", "活动名称", "时间", "地点", "承办单位"],
                    ["一、以省政府名义举办的重大活动"]]


def _programme(tmp_path, name, activity_when, meeting_when):
    return write_xlsx(tmp_path / name, {"安排表": [
        *PROGRAMME_HEADER,
        ["1", "低碳大会系列合作推进会", activity_when, "南昌", "省工信委"],
        [None, "（1）光伏产业合作推进会", meeting_when, "南昌", "新余市政府"],
    ]})


def _import(cli, db, path):
    return cli("--db", db, "import", "programme", str(path), "--programme", "2026", "--json")


def test_the_programme_import_judges_an_activity_by_its_meetings_in_the_same_table(cli, db, tmp_path):
    first = _import(cli, db, _programme(tmp_path, "安排表.xlsx", "11月", "11月中旬"))
    assert first.code == 0, first.err
    refs = {e["title"]: e["ref"] for e in cli("--db", db, "events", "list", "--json").json()}
    activity, meeting = refs["低碳大会系列合作推进会"], refs["光伏产业合作推进会"]
    # The activity postponed with its meeting: both move in one table.
    moved = _import(cli, db, _programme(tmp_path, "延期.xlsx", "12月", "12月上旬"))
    assert moved.code == 0, moved.err
    assert moved.json()["updated"] == {"events": 2}
    assert (_time(cli, db, activity), _time(cli, db, meeting)) == (
        ("2026-12-01", "2026-12-31", "month"), ("2026-12-01", "2026-12-10", "dekad"))
    # Its undo puts both back, judged as it leaves them.
    undone = cli("--db", db, "import", "undo", str(moved.json()["batch"]))
    assert undone.code == 0, undone.err
    assert (_time(cli, db, activity), _time(cli, db, meeting)) == (
        ("2026-11-01", "2026-11-30", "month"), ("2026-11-11", "2026-11-20", "dekad"))
    # A table whose meeting falls outside its activity: the activity row is rejected, and with it the meeting.
    apart = _import(cli, db, _programme(tmp_path, "错开.xlsx", "12月", "11月中旬"))
    assert apart.code == 4
    assert [(e["row"], e["message"]) for e in apart.json()["errors"]] == [
        (4, _outside("光伏产业合作推进会", "2026年11月中旬", activity, "2026年12月")),
        (5, t("import_programme_activity_rejected", row=4))]
    assert _time(cli, db, activity) == ("2026-11-01", "2026-11-30", "month")


# --- signing at an event --------------------------------------------------------------------------


def _project(cli, db, *args):
    return cli("--db", db, "projects", "add", "--name", "光伏组件项目", "--investor", "示例光伏有限公司",
               "--industry", "光伏", "--city", "南昌", "--amount", "5000", *args)


def _signed_before(date, event, first_day) -> str:
    return t("date_before", field="签约日期", date=date, other=f"签约活动 {event} 的最早可能日期", other_date=first_day)


def test_a_project_is_not_signed_at_an_event_before_the_event(cli, db):
    event = _add(cli, db, "光伏产业对接会", "--when", "2026年10月")
    _refused(_project(cli, db, "--event", event, "--signed-on", "2026-09-30"),
             _signed_before("2026-09-30", event, "2026-10-01"))
    english = cli("--lang", "en", "--db", db, "projects", "add", "--name", "光伏组件项目", "--investor", "示例光伏有限公司",
                  "--industry", "光伏", "--city", "南昌", "--amount", "5000", "--event", event, "--signed-on", "2026-09-30")
    assert english.code == 1 and english.err.count("\n") == 1
    assert (f"signing date (2026-09-30) cannot be before the first possible day of the event {event} (2026-10-01)"
            in english.err)
    assert cli("--db", db, "projects", "list", "--json").json() == []
    assert _project(cli, db, "--event", event, "--signed-on", "2026-10-01").code == 0  # the month's first day
    assert _project(cli, db, "--signed-on", "2026-09-30").code == 0  # signed at no event: no such rule


def test_signing_a_lead_and_correcting_the_signing_date_keep_to_the_event(cli, db):
    event = _add(cli, db, "光伏产业对接会", "--when", "2026-10-15..2026-10-16")
    lead = _project(cli, db, "--stage", "lead", "--event", event, "--entered-on", "2026-09-01", "--json")
    assert lead.code == 0, lead.err  # a lead is followed before the event: only its signing is dated by it
    ref = lead.json()["ref"]
    _refused(cli("--db", db, "projects", "advance", ref, "--to", "signed", "--on", "2026-10-14"),
             _signed_before("2026-10-14", event, "2026-10-15"))
    assert cli("--db", db, "projects", "advance", ref, "--to", "signed", "--on", "2026-10-15").code == 0
    _refused(cli("--db", db, "projects", "correct", ref, "--on", "2026-10-10", "--note", "录错"),
             _signed_before("2026-10-10", event, "2026-10-15"))
    assert cli("--db", db, "projects", "correct", ref, "--on", "2026-10-16", "--note", "录错").code == 0
    assert cli("--db", db, "projects", "show", ref, "--json").json()["signed_on"] == "2026-10-16"
