"""Corrections of follow-ups, figures and problems, and reopening problems: recorded, the original kept,
reports as of a date using what was known then. Through `crm` and the services, on both backends."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.errors import CrmError, RuleViolation
from crm.rules import corrections
from crm.rules.corrections import in_effect, is_current
from crm.services import corrections as service
from crm.services.actor import staff_for
from crm.services.contact_view import contact_detail
from crm.services.followups import add_followup, raise_problem
from crm.services.projects import NewProject, add_project, latest_figure, record_figure
from crm.services.snapshot import project_states
from crm.services.weekly import report_week, weekly_report
from db.models import AuditEntry, Contact, FigureKind, FollowUp, FollowUpKind, Project
from tests.conftest import TODAY

D = dt.date
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def db(cli, backend):
    assert cli("--db", backend.url, "demo").code == 0  # the 2011 programme, no sample projects
    return backend.url


def project(cli, db, name="光伏组件项目", amount="100000", signed="2026-06-01") -> str:
    result = cli("--db", db, "projects", "add", "--name", name, "--investor", f"{name}投资方", "--industry", "光伏",
                 "--city", "新余", "--amount", amount, "--signed-on", signed, "--json")
    assert result.code == 0, result.err
    return result.json()["ref"]


def show(cli, db, ref, *extra) -> dict:
    result = cli("--db", db, "projects", "show", ref, "--json", *extra)
    assert result.code == 0, result.err
    return result.json()


def new_id(result) -> int:
    assert result.code == 0, result.err
    return result.json()["id"]


def kpi(cli, db, as_of: dt.date) -> dict:
    return cli("--db", db, "report", "kpi", "--as-of", as_of.isoformat(), "--json").json()


# -- the rule ---------------------------------------------------------------------------------------------


class Row:
    def __init__(self, effective_on=None, superseded_on=None, retracted=False):
        self.id, self.effective_on, self.superseded_on, self.retracted = 1, effective_on, superseded_on, retracted


def test_the_rule_as_of_a_day_and_today():
    original, correction = Row(superseded_on=D(2026, 5, 10)), Row(effective_on=D(2026, 5, 10))
    assert [in_effect(original, d) for d in (D(2026, 5, 9), D(2026, 5, 10))] == [True, False]
    assert [in_effect(correction, d) for d in (D(2026, 5, 9), D(2026, 5, 10))] == [False, True]
    assert not is_current(original) and is_current(correction)
    retraction = Row(effective_on=D(2026, 5, 10), retracted=True)
    assert not in_effect(retraction, D(2030, 1, 1)) and not is_current(retraction)
    corrected_twice_that_day = Row(effective_on=D(2026, 5, 10), superseded_on=D(2026, 5, 10))
    assert not any(in_effect(corrected_twice_that_day, D(2026, 5, d)) for d in (9, 10, 11))


def test_the_rule_refuses_an_old_row_naming_the_current_one():
    old, latest = Row(superseded_on=D(2026, 5, 10)), Row(effective_on=D(2026, 5, 10))
    latest.id = 9
    with pytest.raises(RuleViolation) as refused:
        corrections.check_correctable(old, latest, "问题")
    assert "#9" in refused.value.message and "2026-05-10" in refused.value.message
    latest.retracted = True
    with pytest.raises(RuleViolation) as refused:
        corrections.check_correctable(old, latest, "问题")
    assert refused.value.key == "record_retracted"


# -- follow-ups -------------------------------------------------------------------------------------------


def test_correct_a_followup_keeps_the_original_and_shows_the_current_row(cli, db):
    ref = project(cli, db)
    assert cli("--db", db, "followups", "add", ref, "--on", "2026-09-01", "--note", "走访企业",
               "--next-step", "协调用地", "--next-on", "2026-09-15").code == 0
    old = show(cli, db, ref)["followups"][0]["id"]
    result = cli("--db", db, "followups", "correct", str(old), "--on", "2026-08-30", "--kind", "call",
                 "--note", "电话了解进度", "--next-on", "", "--why", "日期和方式录错")
    assert result.code == 0, result.err
    assert result.out.strip().startswith(f"已更正跟踪服务 #{old}，当前记录为 #")
    shown = show(cli, db, ref)["followups"]
    assert [(f["on"], f["kind"], f["content"], f["next_step"], f["next_on"], f["corrects"]) for f in shown] == [
        ("2026-08-30", "call", "电话了解进度", "协调用地", None, old)]
    chain = show(cli, db, ref, "--with-corrections")["followups"]
    assert [(f["id"] == old, f["current"], f["superseded_on"], f["effective_on"], f["correction_note"])
            for f in chain] == [(False, True, None, TODAY.isoformat(), "日期和方式录错"),
                                (True, False, TODAY.isoformat(), None, None)]
    assert chain[1]["content"] == "走访企业"  # the original is kept as it was
    text = cli("--db", db, "projects", "show", ref, "--with-corrections")
    assert "已被更正" in text.out and f"更正 #{old}" in text.out
    plain = cli("--db", db, "projects", "show", ref).out
    assert "电话了解进度" in plain and "走访企业" not in plain  # ids and current rows only


def test_a_retracted_followup_leaves_the_deadlines_from_the_day_it_was_retracted(cli, db):
    ref = project(cli, db, signed="2026-10-01")
    cli("--db", db, "followups", "add", ref, "--on", "2026-11-01", "--note", "走访", "--next-on", "2026-11-10")
    followup = show(cli, db, ref)["followups"][0]["id"]

    def followup_warnings(as_of: dt.date) -> dict:
        rows = cli("--db", db, "deadlines", "--as-of", as_of.isoformat(), "--json").json()
        return {r["kind"]: r["due"] for r in rows if r["ref"] == ref}

    assert followup_warnings(YESTERDAY) == {"followup": "2026-11-10"}
    assert cli("--db", db, "followups", "retract", f"#{followup}", "--why", "录入了别的项目").code == 0
    assert show(cli, db, ref)["followups"] == []
    assert followup_warnings(YESTERDAY) == {"followup": "2026-11-10"}  # as known then
    assert followup_warnings(TODAY) == {"stale": "2026-10-31"}  # no follow-up since signing, as known now
    again = cli("--db", db, "followups", "correct", str(followup), "--note", "x", "--why", "y")
    assert again.code == 1 and f"跟踪服务 #{followup} 已于 {TODAY} 撤销" in again.err


def test_a_corrected_next_date_counts_from_the_day_of_the_correction(cli, db):
    ref = project(cli, db, signed="2026-10-01")
    cli("--db", db, "followups", "add", ref, "--on", "2026-11-20", "--note", "走访", "--next-on", "2026-11-21")
    followup = show(cli, db, ref)["followups"][0]["id"]
    assert new_id(cli("--db", db, "followups", "correct", str(followup), "--next-on", "2026-12-20",
                      "--why", "下次日期录错", "--json")) > followup
    rows = cli("--db", db, "deadlines", "--as-of", TODAY.isoformat(), "--json").json()
    assert not [r for r in rows if r["ref"] == ref]
    rows = cli("--db", db, "deadlines", "--as-of", YESTERDAY.isoformat(), "--json").json()
    assert [(r["kind"], r["due"]) for r in rows if r["ref"] == ref] == [("followup", "2026-11-21")]


def test_followup_corrections_refused(cli, db):
    ref = project(cli, db)
    cli("--db", db, "followups", "add", ref, "--on", "2026-09-01", "--note", "走访", "--next-on", "2026-09-10")
    followup = show(cli, db, ref)["followups"][0]["id"]
    future = cli("--db", db, "followups", "correct", str(followup), "--on", "2026-12-01", "--why", "x")
    assert future.code == 1 and future.err == "crm: 错误: 日期 2026-12-01 在今天之后\n"
    after_next = cli("--db", db, "followups", "correct", str(followup), "--on", "2026-09-11", "--why", "x")
    assert after_next.code == 1 and "下次跟进日期（2026-09-10）不能早于跟进日期（2026-09-11）" in after_next.err
    same = cli("--db", db, "followups", "correct", str(followup), "--note", " 走访 ", "--why", "x")
    assert same.code == 1 and "未作更正" in same.err
    nothing = cli("--db", db, "followups", "correct", str(followup), "--why", "x")
    assert nothing.code == 1 and "没有要修改的内容" in nothing.err
    assert cli("--db", db, "followups", "correct", str(followup), "--note", "x").code == 2  # --why is required
    blank = cli("--db", db, "followups", "correct", str(followup), "--note", "x", "--why", "  ")
    assert blank.code == 1 and "更正原因不能为空" in blank.err
    missing = cli("--db", db, "followups", "retract", "999", "--why", "x")
    assert missing.code == 1 and missing.err == "crm: 错误: 找不到跟踪服务记录：999\n"
    assert cli("--db", db, "followups", "retract", "abc", "--why", "x").code == 1
    current = new_id(cli("--db", db, "followups", "correct", str(followup), "--note", "座谈", "--why", "x", "--json"))
    superseded = cli("--db", db, "--lang", "en", "followups", "correct", str(followup), "--note", "y", "--why", "x")
    assert superseded.code == 1 and superseded.err == (
        f"crm: error: follow-up #{followup} was corrected or reopened on {TODAY}; the current record is "
        f"#{current}: use #{current}\n")
    assert "Traceback" not in superseded.err
    assert len(show(cli, db, ref, "--with-corrections")["followups"]) == 2  # nothing written by the refusals


# -- figures and the funds rate ---------------------------------------------------------------------------


def test_funds_rate_as_of_before_and_after_a_corrected_and_a_retracted_figure(cli, db):
    a = project(cli, db, "甲", amount="100000")
    b = project(cli, db, "乙", amount="50000")
    cli("--db", db, "projects", "figure", a, "--funds", "60000", "--on", "2026-06-30")  # should have been 6000
    cli("--db", db, "projects", "figure", b, "--funds", "15000", "--on", "2026-07-31")
    wrong, other = show(cli, db, a)["figures"][0]["id"], show(cli, db, b)["figures"][0]["id"]
    assert kpi(cli, db, YESTERDAY)["funds_in_place_rate"] == 0.5  # (60000 + 15000) / 150000

    corrected = cli("--db", db, "figures", "correct", str(wrong), "--amount", "6000", "--why", "多录一个零", "--json")
    assert new_id(corrected) != wrong
    assert show(cli, db, a)["funds_in_place"] == 6000.0
    assert [(f["id"], f["amount"], f["corrects"]) for f in show(cli, db, a)["figures"]] == [
        (corrected.json()["id"], 6000.0, wrong)]
    assert kpi(cli, db, YESTERDAY)["funds_in_place_rate"] == 0.5  # what was known then
    assert kpi(cli, db, TODAY)["funds_in_place_rate"] == 0.14  # (6000 + 15000) / 150000

    retracted = cli("--db", db, "figures", "retract", str(other), "--why", "数据未经核实")
    assert retracted.code == 0 and retracted.out.startswith(f"已撤销资金数据 #{other}（撤销记录 #")
    assert show(cli, db, b)["funds_in_place"] == 0.0 and show(cli, db, b)["figures"] == []
    assert kpi(cli, db, TODAY)["funds_in_place_rate"] == 0.04  # 6000 / 150000
    assert kpi(cli, db, YESTERDAY)["funds_in_place_rate"] == 0.5


def test_figure_corrections_refused_and_a_date_moved(cli, db):
    ref = project(cli, db, signed="2026-06-01")
    cli("--db", db, "projects", "figure", ref, "--invested", "12000", "--on", "2026-09-30")
    figure = show(cli, db, ref)["figures"][0]["id"]
    for amount in ("-5", "abc", ""):
        bad = cli("--db", db, "figures", "correct", str(figure), "--amount", amount, "--why", "x")
        assert bad.code == 1 and "金额无效" in bad.err, amount
    early = cli("--db", db, "figures", "correct", str(figure), "--on", "2026-05-31", "--why", "x")
    assert early.code == 1 and "截至日期（2026-05-31）不能早于签约日期（2026-06-01）" in early.err
    future = cli("--db", db, "figures", "correct", str(figure), "--on", "2026-11-28", "--why", "x")
    assert future.code == 1 and "在今天之后" in future.err
    moved = new_id(cli("--db", db, "figures", "correct", str(figure), "--on", "2026-10-31", "--why", "报表期错",
                       "--json"))
    shown = show(cli, db, ref)
    assert [(f["id"], f["kind"], f["on"], f["amount"]) for f in shown["figures"]] == [
        (moved, "investment_completed", "2026-10-31", 12000.0)]
    assert shown["investment_completed"] == 12000.0
    superseded = cli("--db", db, "figures", "retract", str(figure), "--why", "x")
    assert superseded.code == 1 and f"当前记录为 #{moved}" in superseded.err


# -- problems, reopening, the resolved rate ---------------------------------------------------------------


def test_reopen_then_resolve_again_and_the_resolved_rate_as_of_each_day(cli, db):
    ref = project(cli, db)
    first = int(cli("--db", db, "problems", "raise", ref, "--on", "2026-07-01", "--text", "用地指标").out)
    second = int(cli("--db", db, "problems", "raise", ref, "--on", "2026-07-15", "--text", "电力增容").out)
    assert cli("--db", db, "problems", "resolve", str(first), "--on", "2026-08-01").code == 0
    assert kpi(cli, db, YESTERDAY)["problems_resolved_rate"] == 0.5  # 1 of 2

    early = cli("--db", db, "problems", "reopen", str(first), "--on", "2026-07-31", "--reason", "x")
    assert early.code == 1 and "重新打开日期（2026-07-31）不能早于办结日期（2026-08-01）" in early.err
    open_one = cli("--db", db, "problems", "reopen", str(second), "--on", "2026-11-27", "--reason", "x")
    assert open_one.code == 1 and f"问题 #{second} 尚未办结" in open_one.err
    reopened = cli("--db", db, "problems", "reopen", f"#{first}", "--on", "2026-11-20", "--reason", "企业反映问题复现")
    assert reopened.code == 0, reopened.err
    current = int(reopened.out.split("#")[-1])
    assert reopened.out.strip() == f"问题 #{first} 已于 2026-11-20 重新打开，当前记录为 #{current}"
    assert kpi(cli, db, D(2026, 11, 19))["problems_resolved_rate"] == 0.5
    assert kpi(cli, db, TODAY)["problems_resolved_rate"] == 0.0  # 0 of 2: reopened on the 20th
    listed = cli("--db", db, "problems", "list", "--json").json()
    assert sorted(p["id"] for p in listed) == sorted([current, second])
    assert [p["id"] for p in cli("--db", db, "problems", "list", "--as-of", "2026-11-19", "--json").json()] == [second]

    old = cli("--db", db, "problems", "resolve", str(first), "--on", "2026-11-26")
    assert old.code == 1 and f"问题 #{first} 已于 2026-11-20 被更正或重新打开，当前记录为 #{current}" in old.err
    before_reopening = cli("--db", db, "problems", "resolve", str(current), "--on", "2026-11-19")
    assert before_reopening.code == 1 and "不能早于重新打开日期（2026-11-20）" in before_reopening.err
    assert cli("--db", db, "problems", "resolve", str(current), "--on", "2026-11-26", "--resolution", "已解决").code == 0
    assert kpi(cli, db, TODAY)["problems_resolved_rate"] == 0.5
    assert kpi(cli, db, D(2026, 11, 25))["problems_resolved_rate"] == 0.0

    assert cli("--db", db, "problems", "retract", str(second), "--why", "重复登记").code == 0
    assert kpi(cli, db, TODAY)["problems_resolved_rate"] == 1.0  # 1 of 1
    assert kpi(cli, db, YESTERDAY)["problems_resolved_rate"] == 0.5  # the retraction counts from today
    problems = show(cli, db, ref)["problems"]
    assert [(p["id"], p["resolved_on"], p["resolution"], p["corrects"]) for p in problems] == [
        (current, "2026-11-26", "已解决", first)]


def test_correct_a_problem_keeps_its_resolution_and_is_in_its_history(cli, db):
    ref = project(cli, db)
    problem = int(cli("--db", db, "problems", "raise", ref, "--on", "2026-07-01", "--text", "用地指际",
                      "--unit", "新余市自然资源局").out)
    cli("--db", db, "problems", "resolve", str(problem), "--on", "2026-08-01", "--resolution", "已落实")
    late = cli("--db", db, "problems", "correct", str(problem), "--raised-on", "2026-08-02", "--why", "x")
    assert late.code == 1 and "办结日期（2026-08-01）不能早于提出日期（2026-08-02）" in late.err
    empty = cli("--db", db, "problems", "correct", str(problem), "--description", " ", "--why", "x")
    assert empty.code == 1 and "问题描述不能为空" in empty.err
    current = new_id(cli("--db", db, "problems", "correct", str(problem), "--description", "用地指标",
                         "--raised-on", "2026-06-28", "--unit", "", "--why", "错别字，日期", "--json"))
    shown = show(cli, db, ref)["problems"]
    assert [(p["id"], p["description"], p["raised_on"], p["responsible_unit"], p["resolved_on"], p["resolution"])
            for p in shown] == [(current, "用地指标", "2026-06-28", None, "2026-08-01", "已落实")]
    history = cli("--db", db, "history", f"#{problem}", "--json").json()["changes"]
    assert [(h["new"], h["note"]) for h in history if h["field"] == "superseded_on"] == [(TODAY.isoformat(), "错别字，日期")]
    created = cli("--db", db, "history", f"#{current}", "--json").json()["changes"]
    assert {h["field"]: h["new"] for h in created}["corrects_id"] == f"#{problem}"
    assert {h["login"] for h in created} == {"tester"}


def test_correction_rows_name_who_recorded_them(demo_database):
    with demo_database.unit_of_work() as session:
        alice, bob = staff_for(session, "alice"), staff_for(session, "bob")
        ref = add_project(session, NewProject(name="记录人项目", investor="某公司", industry="pv", city="南昌",
                                              amount="1000", signed_on=D(2026, 6, 1)), actor=alice, today=TODAY).ref
        followup = add_followup(session, ref, on=D(2026, 9, 1), content="走访", actor=alice, today=TODAY)
        figure = record_figure(session, ref, FigureKind.FUNDS_IN_PLACE, "100", D(2026, 9, 1), note=None, actor=alice)
        problem = raise_problem(session, ref, description="用地", on=D(2026, 9, 1), unit=None, actor=alice)
        rows = [
            service.correct_followup(session, followup.id, {"kind": FollowUpKind.CALL}, why="方式", actor=bob,
                                     today=TODAY),
            service.correct_figure(session, figure.id, {"amount": "120"}, why="金额", actor=bob, today=TODAY),
            service.retract(session, "problem", problem.id, why="重复", actor=bob, today=TODAY),
        ]
        assert [r.corrects_id for r in rows] == [followup.id, figure.id, problem.id]
        assert (rows[0].staff.login, followup.staff.login) == ("bob", "alice")
        assert (rows[1].recorded_by_id, figure.recorded_by_id) == (bob.id, alice.id)
        assert (rows[2].recorded_by_id, rows[2].retracted, problem.recorded_by_id) == (bob.id, True, alice.id)
        with pytest.raises(CrmError) as refused:
            service.correct_followup(session, followup.id, {"content": "x"}, why="x", actor=bob, today=TODAY)
        assert refused.value.key == "record_superseded"


# -- every reader ------------------------------------------------------------------------------------------


@pytest.fixture
def corrected(demo_database):
    """The small demo with a correction, a retraction and a reopening of each kind, recorded on days before
    TODAY (as another day's CRM_TODAY would), so that reports as of each day can be held against the rule."""
    db = demo_database
    with db.unit_of_work() as session:
        actor = staff_for(session, "alice")
        projects = session.scalars(select(Project).options(
            selectinload(Project.followups), selectinload(Project.figures), selectinload(Project.problems))
            .where(Project.signed_on.is_not(None)).order_by(Project.id)).all()
        for n, p in enumerate(projects[:12]):
            day = D(2026, 11, 10) + dt.timedelta(days=n)
            latest = max(p.followups, key=lambda f: (f.happened_on, f.id), default=None)
            if latest is not None and latest.happened_on <= day:
                if n % 2:
                    service.retract(session, "followup", latest.id, why="录错", actor=actor, today=day)
                else:
                    service.correct_followup(session, latest.id, {"next_on": day + dt.timedelta(days=5)},
                                             why="改期", actor=actor, today=day)
            figure = max(p.figures, key=lambda f: (f.reported_on, f.id), default=None)
            if figure is not None and figure.reported_on <= day:
                if n % 3:
                    service.correct_figure(session, figure.id, {"amount": figure.amount + 1000}, why="更正",
                                           actor=actor, today=day)
                else:
                    service.retract(session, "figure", figure.id, why="撤销", actor=actor, today=day)
            for problem in p.problems:
                if problem.resolved_on is not None and problem.resolved_on <= day:
                    service.reopen_problem(session, problem.id, on=day, reason="复现", actor=actor, today=day)
                    break
                if problem.raised_on <= day and problem.resolved_on is None:
                    service.retract(session, "problem", problem.id, why="重复", actor=actor, today=day)
                    break
    return db


def plain(project: Project, as_of: dt.date) -> tuple:
    """What the rule says of a project as of a day, row by row (crm.rules.corrections.in_effect)."""
    followups = sorted((f for f in project.followups if f.happened_on <= as_of and in_effect(f, as_of)),
                       key=lambda f: (f.happened_on, f.id))
    problems = [p for p in project.problems if p.raised_on <= as_of and in_effect(p, as_of)]
    last = followups[-1] if followups else None
    return (
        latest_figure(project, FigureKind.FUNDS_IN_PLACE, as_of),
        latest_figure(project, FigureKind.INVESTMENT_COMPLETED, as_of),
        len(problems),
        sum(1 for p in problems if p.resolved_on is not None and p.resolved_on <= as_of),
        last.happened_on if last else None,
        last.next_on if last else None,
        last.next_step if last else None,
    )


@pytest.mark.parametrize("as_of", [D(2026, 11, 9), D(2026, 11, 12), D(2026, 11, 15), D(2026, 11, 21), TODAY])
def test_project_states_apply_the_rule_as_of_each_day(corrected, as_of):
    with corrected.unit_of_work(write=False) as session:
        projects = {p.id: p for p in session.scalars(select(Project).options(
            selectinload(Project.followups), selectinload(Project.figures), selectinload(Project.problems)))}
        states = project_states(session, as_of)
        got = {s.id: (s.funds_in_place, s.investment_completed, s.problems_raised, s.problems_resolved,
                      s.last_followup_on, s.next_followup_on, s.next_step) for s in states}
        assert got == {pid: plain(projects[pid], as_of) for pid in got}
        replaced = session.scalars(select(FollowUp.id).where(FollowUp.superseded_on.is_not(None))).all()
        assert replaced  # the fixture did correct something


def test_the_weekly_report_shows_what_was_known_that_week(demo_database):
    with demo_database.unit_of_work() as session:
        actor = staff_for(session, "alice")
        ref = add_project(session, NewProject(name="周报项目", investor="某公司", industry="pv", city="南昌",
                                              amount="1000", signed_on=D(2026, 6, 1)), actor=actor, today=TODAY).ref
        followup = add_followup(session, ref, on=D(2026, 11, 24), content="原记录", actor=actor, today=TODAY)
        problem = raise_problem(session, ref, description="原问题", on=D(2026, 11, 24), unit=None, actor=actor)
        service.correct_followup(session, followup.id, {"content": "更正后的记录"}, why="x", actor=actor, today=TODAY)
        service.retract(session, "problem", problem.id, why="x", actor=actor, today=TODAY)

    def week_of(as_of: dt.date) -> tuple[list, list]:
        with demo_database.unit_of_work(write=False) as session:
            report = weekly_report(session, report_week(as_of=as_of, week=None, today=TODAY))
            row = next(r for r in report.projects if r.project.ref == ref)
            return [i.text for i in row.week_items], [p.description for p in report.problems if p.project.ref == ref]

    assert week_of(D(2026, 11, 26)) == (["原记录"], ["原问题"])
    assert week_of(TODAY) == (["更正后的记录"], [])


def test_the_contact_view_shows_current_followups(demo_database):
    with demo_database.unit_of_work() as session:
        contact = session.scalars(
            select(Contact).join(Project, Project.investor_id == Contact.organization_id)
            .where(Project.followups.any()).order_by(Contact.id)).first()
        latest = session.scalars(select(FollowUp).join(Project).where(Project.investor_id == contact.organization_id)
                                 .order_by(FollowUp.happened_on.desc(), FollowUp.id.desc())).first()
        service.correct_followup(session, latest.id, {"content": "更正后的走访记录"}, why="x",
                                 actor=staff_for(session, "alice"), today=TODAY)
        current = session.scalar(select(func.count(FollowUp.id)).join(Project).where(
            Project.investor_id == contact.organization_id, FollowUp.superseded_on.is_(None)))
        contact_id = contact.id
    with demo_database.unit_of_work(write=False) as session:
        shown = contact_detail(session, contact_id)["followups"]
    assert len(shown) == min(current, 20)  # the superseded row is not among them
    assert shown[0]["content"] == "更正后的走访记录" and [f["content"] for f in shown].count("更正后的走访记录") == 1


def test_dashboard_and_kpi_agree_after_corrections(corrected):
    from crm.services.dashboard import dashboard
    from crm.services.kpi import kpi_report

    with corrected.unit_of_work(write=False) as session:
        board, report = dashboard(session, TODAY), kpi_report(session, TODAY)
        audited = session.scalars(select(AuditEntry).where(AuditEntry.entity == "problems",
                                                           AuditEntry.field == "superseded_on")).all()
    for key in ("funds_in_place", "problems_raised", "problems_resolved", "problems_resolved_rate"):
        assert board.kpi[key] == report[key], key
    assert audited  # problems are audited: superseding one is in the trail
