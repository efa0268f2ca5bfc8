"""The rules of dated records (crm.rules.dates) for every command that takes a date, on both backends: no
date in the future, none before the record it depends on, status changes in date order, one conversion of
an agreement only, a summary only once its event can have ended. Each refusal is exit 1 with one line, and
nothing is written. The workbench calls the same services, without naming a day, and gets the same rules;
user text is kept as typed; the small demo keeps to the rules itself."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from crm.errors import RuleViolation
from crm.services import events as event_service
from crm.services import followups as followup_service
from crm.services import projects as project_service
from crm.services.actor import staff_for
from db.models import Event, FigureKind, Project, ProjectStatus
from db.session import Database
from tests.conftest import TODAY
from tests.dbcompare import snapshot

SIGNED = "2026-03-02"
FUTURE = (TODAY + dt.timedelta(days=1)).isoformat()
BEFORE_SIGNING = "2026-03-01"


@pytest.fixture
def db(cli, backend) -> str:
    """P00001 a framework agreement and P00002 a contract, both signed on SIGNED; problem #1 raised on
    2026-04-01; E0001 held on fixed days 2026-11-10..12, E0002 known only as 2026-10, E0003 in 2027."""
    url = backend.url
    for args in (
        ("industries", "add", "光伏", "--code", "pv"),
        ("programmes", "add", "--year", "2026", "--title", "2026年方案"),
        ("events", "add", "--programme", "2026", "--title", "定日活动", "--level", "city", "--when", "2026-11-10..2026-11-12"),
        ("events", "add", "--programme", "2026", "--title", "月份活动", "--level", "city", "--when", "2026-10"),
        ("events", "add", "--programme", "2026", "--title", "明年活动", "--level", "city", "--when", "2027-03"),
        ("projects", "add", "--name", "协议项目", "--investor", "甲公司", "--industry", "pv", "--city", "南昌",
         "--amount", "5000", "--signed-on", SIGNED, "--form", "agreement"),
        ("projects", "add", "--name", "合同项目", "--investor", "乙公司", "--industry", "pv", "--city", "南昌",
         "--amount", "8000", "--signed-on", SIGNED),
        ("problems", "raise", "P00001", "--on", "2026-04-01", "--text", "用地指标"),
    ):
        result = cli("--db", url, *args)
        assert result.code == 0, (args, result.err)
    return url


def refused(cli, db: str, *args: str, words: str = "") -> str:
    """Run a command that must be refused: exit 1, one line, nothing written. Returns the line."""
    before = snapshot(db)
    result = cli("--db", db, *args)
    assert result.code == 1, (args, result.out, result.err)
    assert result.err.startswith("crm: 错误: ") and result.err.count("\n") == 1, result.err
    assert words in result.err, result.err
    assert snapshot(db) == before, args
    return result.err


def accepted(cli, db: str, *args: str):
    result = cli("--db", db, *args)
    assert result.code == 0, (args, result.err)
    return result


# (command, words of the refusal) for every command that takes a date.
REFUSALS = [
    # stage steps
    (("projects", "advance", "P00001", "--to", "construction", "--on", FUTURE), "在今天之后"),
    (("projects", "advance", "P00001", "--to", "construction", "--on", BEFORE_SIGNING), "早于上一阶段"),
    # follow-ups and the problems they raise
    (("followups", "add", "P00001", "--on", FUTURE, "--note", "走访"), "在今天之后"),
    (("followups", "add", "P00001", "--on", BEFORE_SIGNING, "--note", "走访"),
     "跟进日期（2026-03-01）不能早于签约日期（2026-03-02）"),
    (("followups", "add", "P00001", "--on", "2026-04-02", "--note", "走访", "--next-on", "2026-04-01"),
     "下次跟进日期（2026-04-01）不能早于跟进日期（2026-04-02）"),
    (("followups", "add", "P00001", "--on", BEFORE_SIGNING, "--note", "走访", "--problem", "缺电"), "不能早于签约日期"),
    # problems: raised, resolved (today a problem was "resolved" in 2030)
    (("problems", "raise", "P00001", "--on", FUTURE, "--text", "缺电"), "在今天之后"),
    (("problems", "raise", "P00001", "--on", BEFORE_SIGNING, "--text", "缺电"), "提出日期（2026-03-01）不能早于签约日期"),
    (("problems", "resolve", "1", "--on", "2030-01-01"), "日期 2030-01-01 在今天之后"),
    (("problems", "resolve", "1", "--on", "2026-03-31"), "办结日期（2026-03-31）不能早于提出日期（2026-04-01）"),
    # funds and investment figures
    (("projects", "figure", "P00001", "--funds", "100", "--on", FUTURE), "在今天之后"),
    (("projects", "figure", "P00001", "--invested", "100", "--on", BEFORE_SIGNING), "截至日期（2026-03-01）不能早于签约日期"),
    # status changes
    (("projects", "status", "P00001", "--to", "stalled", "--on", FUTURE, "--reason", "资金"), "在今天之后"),
    (("projects", "status", "P00001", "--to", "stalled", "--on", BEFORE_SIGNING, "--reason", "资金"),
     "状态变更日期（2026-03-01）不能早于签约日期"),
    # agreement conversion
    (("projects", "convert", "P00001", "--on", FUTURE), "在今天之后"),
    (("projects", "convert", "P00001", "--on", BEFORE_SIGNING), "转合同日期（2026-03-01）不能早于签约日期"),
    (("projects", "convert", "P00002", "--on", "2026-05-01"), "签约即为合同项目"),
    (("projects", "convert", "P00001", "--on", "2026-05-01", "--why", "录错"), "尚未转为合同项目"),
    # plans and summaries
    (("events", "plan-submitted", "E0003", "--on", FUTURE), "在今天之后"),
    (("events", "summary-submitted", "E0003", "--on", FUTURE), "在今天之后"),
    (("events", "summary-submitted", "E0001", "--on", "2026-11-11"), "总结报送日期（2026-11-11）不能早于活动结束日期（2026-11-12）"),
    (("events", "summary-submitted", "E0002", "--on", "2026-09-30"), "不能早于活动最早可能日期（2026-10-01）"),
    # planned dates
    (("projects", "add", "--name", "丙", "--investor", "丙公司", "--industry", "pv", "--city", "南昌", "--signed-on", SIGNED,
      "--planned-construction", "2027-06-01", "--planned-production", "2027-05-31"),
     "计划投产日期（2027-05-31）不能早于计划开工日期（2027-06-01）"),
    (("projects", "edit", "P00001", "--planned-construction", "2027-06-01", "--planned-production", "2027-05-31"),
     "计划投产日期"),
]


@pytest.mark.parametrize("args,words", REFUSALS, ids=[" ".join(a[:2]) + f" {i}" for i, (a, _w) in enumerate(REFUSALS)])
def test_a_dated_record_out_of_its_rules_is_refused_and_nothing_written(cli, db, args, words):
    refused(cli, db, *args, words=words)


def test_status_changes_in_date_order(cli, db):
    accepted(cli, db, "projects", "status", "P00001", "--to", "stalled", "--on", "2026-06-01", "--reason", "资金紧张")
    refused(cli, db, "projects", "status", "P00001", "--to", "active", "--on", "2026-05-31",
            words="状态变更日期（2026-05-31）不能早于上次状态变更日期（2026-06-01）")
    accepted(cli, db, "projects", "status", "P00001", "--to", "active", "--on", "2026-06-01")
    accepted(cli, db, "projects", "status", "P00001", "--to", "terminated", "--reason", "撤资")  # today
    assert [c["status"] for c in status_changes(db, "P00001")] == ["stalled", "active", "terminated"]


def status_changes(url: str, ref: str) -> list[dict]:
    database = Database(url)
    try:
        with database.unit_of_work(write=False) as session:
            project = project_service.get_project(session, ref)
            return [{"status": c.status.value, "on": c.changed_on} for c in project.status_changes]
    finally:
        database.dispose()


def test_an_agreement_converts_once_and_a_correction_moves_the_date(cli, db):
    accepted(cli, db, "projects", "convert", "P00001", "--on", "2026-05-01")
    refused(cli, db, "projects", "convert", "P00001", "--on", "2026-05-02",
            words="项目 P00001 已于 2026-05-01 转为合同项目；日期有误请更正")
    refused(cli, db, "projects", "convert", "P00001", "--on", "2026-05-02", "--why", "", words="不能为空")
    refused(cli, db, "projects", "convert", "P00001", "--on", BEFORE_SIGNING, "--why", "录错", words="不能早于签约日期")
    accepted(cli, db, "projects", "convert", "P00001", "--on", "2026-04-20", "--why", "合同实为4月20日签订")
    assert cli("--db", db, "projects", "show", "P00001", "--json").json()["contract_on"] == "2026-04-20"
    history = cli("--db", db, "history", "P00001", "--json").json()["changes"]
    moved = [c for c in history if c["field"] == "contract_on" and c["new"] == "2026-04-20"]
    assert moved and moved[0]["old"] == "2026-05-01" and moved[0]["note"] == "合同实为4月20日签订"


def test_a_summary_once_the_event_can_have_ended(cli, db):
    # Known only as October: filed on its first possible day already (it may have been held on the 1st).
    accepted(cli, db, "events", "summary-submitted", "E0002", "--on", "2026-10-01")
    accepted(cli, db, "events", "summary-submitted", "E0001", "--on", "2026-11-12")  # its last day
    accepted(cli, db, "events", "plan-submitted", "E0003", "--on", TODAY.isoformat())  # a plan comes before
    # Days fixed after the summary was filed must end by then; a time edited likewise.
    refused(cli, db, "events", "fix-date", "E0002", "--on", "2026-10-01", "--to", "2026-10-02",
            words="总结报送日期（2026-10-01）不能早于活动结束日期（2026-10-02）")
    refused(cli, db, "events", "edit", "E0001", "--when", "2026-11-20", words="不能早于活动结束日期（2026-11-20）")
    accepted(cli, db, "events", "fix-date", "E0002", "--on", "2026-10-01")


def test_required_fields_of_a_project_are_not_cleared(cli, db):
    for option, words in (("--name", "项目名称不能为空"), ("--investor", "投资方不能为空"), ("--industry", "产业不能为空"),
                          ("--city", "所在地不能为空"), ("--amount", "合同引资额不能为空")):
        refused(cli, db, "projects", "edit", "P00001", option, "", words=words)
    accepted(cli, db, "projects", "edit", "P00001", "--park", "", "--jobs", "", "--notes", "")
    # A lead has no contracted amount to keep.
    lead = accepted(cli, db, "projects", "add", "--name", "线索", "--investor", "丁公司", "--industry", "pv", "--city",
                    "南昌", "--stage", "lead", "--amount", "100").out.strip()
    accepted(cli, db, "projects", "edit", lead, "--amount", "")


def test_the_workbench_naming_no_day_gets_the_same_rules(db, database):
    """The workbench's forms call these services without a day: crm.dates.today (CRM_TODAY here) is used."""
    future = TODAY + dt.timedelta(days=1)
    calls = {
        "status": lambda s, a: project_service.set_status(s, "P00001", ProjectStatus.STALLED, future, reason="x", actor=a),
        "figure": lambda s, a: project_service.record_figure(s, "P00001", FigureKind.FUNDS_IN_PLACE, "1", future,
                                                             note=None, actor=a),
        "convert": lambda s, a: project_service.convert_to_contract(s, "P00001", future),
        "raise": lambda s, a: followup_service.raise_problem(s, "P00001", description="x", on=future, unit=None, actor=a),
        "resolve": lambda s, a: followup_service.resolve_problem(s, 1, on=future, resolution=None),
        "plan": lambda s, a: event_service.mark_plan_submitted(s, "E0001", future),
        "summary": lambda s, a: event_service.mark_summary_submitted(s, "E0001", future),
    }
    for name, call in calls.items():
        with pytest.raises(RuleViolation) as refusal, database.unit_of_work() as session:
            call(session, staff_for(session, "tester"))
        assert refusal.value.key == "stage_date_in_future", name


def test_user_text_is_kept_as_typed(cli, db):
    typed = "企业反映：用地（200亩）　尚未落实，请【自然资源局】协调"
    accepted(cli, db, "projects", "edit", "P00001", "--notes", typed, "--park", "（示例）园区")
    accepted(cli, db, "followups", "add", "P00001", "--on", "2026-04-02", "--note", typed, "--next-step", typed,
             "--problem", typed)
    accepted(cli, db, "projects", "status", "P00001", "--to", "stalled", "--on", "2026-04-03", "--reason", typed)
    accepted(cli, db, "projects", "advance", "P00001", "--to", "construction", "--on", "2026-04-04", "--note", typed)
    accepted(cli, db, "projects", "figure", "P00001", "--funds", "10", "--on", "2026-04-05", "--note", typed)
    accepted(cli, db, "problems", "resolve", "1", "--on", "2026-04-06", "--resolution", typed)
    accepted(cli, db, "staff", "add", "wangfang", "--name", "王　芳（招商科）")
    shown = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert (shown["notes"], shown["park"], shown["status_reason"]) == (typed, "（示例）园区", typed)
    assert shown["followups"][-1]["content"] == shown["followups"][-1]["next_step"] == typed
    assert [p["description"] for p in shown["problems"]][-1] == typed
    assert shown["stage_history"][-1]["note"] == typed and shown["figures"][-1]["note"] == typed
    staff = {s["login"]: s["name"] for s in cli("--db", db, "staff", "list", "--json").json()}
    assert staff["wangfang"] == "王　芳（招商科）"
    # Keys and search fold what is typed: the name as typed is found by its half-width form.
    accepted(cli, db, "organizations", "add", "--name", "示例（中国）投资有限公司")
    hits = cli("--db", db, "organizations", "search", "示例(中国)投资", "--json").json()
    assert [h["name"] for h in hits] == ["示例（中国）投资有限公司"]


def test_the_small_demo_keeps_its_own_dates(demo_database):
    """Loaded through the services under these rules: no conversion after today, follow-ups, problems and
    figures not before their project began, resolutions after raising, status changes in order."""
    with demo_database.unit_of_work(write=False) as session:
        projects = list(session.scalars(select(Project)))
        assert projects
        for project in projects:
            began = project_service.began(project)[0]
            assert project.contract_on is None or project.signed_on <= project.contract_on <= TODAY
            for followup in project.followups:
                assert began <= followup.happened_on <= TODAY
            for problem in project.problems:
                assert began <= problem.raised_on <= TODAY
                assert problem.resolved_on is None or problem.raised_on <= problem.resolved_on <= TODAY
            for figure in project.figures:
                assert began <= figure.reported_on <= TODAY
            changes = [c.changed_on for c in project.status_changes]
            assert changes == sorted(changes) and all(began <= day <= TODAY for day in changes)
        for event in session.scalars(select(Event)):
            assert event.plan_submitted_on is None or event.plan_submitted_on <= TODAY
            if event.summary_submitted_on is not None:
                assert event.summary_submitted_on <= TODAY
                earliest = event.ends_on if event.date_fixed else event.starts_on
                assert event.summary_submitted_on >= earliest
