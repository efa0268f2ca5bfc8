"""Reporting up (上报) and confirming (认定) on both backends: submit, return with a reason, resubmit, accept,
the history of every step; deadlines met or late; a project reported by two units flagged and counted once;
each unit seeing its own scope (SQLite: a view filter, the same rule row-level security applies on PostgreSQL)."""
from __future__ import annotations

import pytest


@pytest.fixture
def team(cli, demo_backend, monkeypatch):
    db = demo_backend.url
    for args in (("units", "add", "省工信委审核处", "--kind", "office"),
                 ("staff", "add", "nc", "--unit", "南昌市政府"),
                 ("staff", "add", "jj", "--unit", "九江市政府"),
                 ("staff", "add", "rev", "--unit", "省工信委审核处", "--reviewer")):
        assert cli("--db", db, *args).code == 0, args

    def run(login, *args, code=0):
        monkeypatch.setenv("CRM_USER", login)
        result = cli("--db", db, *args)
        assert result.code == code, (login, args, result.out, result.err)
        return result

    return run


def _project(run, login, name, investor, city):
    return run(login, "projects", "add", "--name", name, "--investor", investor, "--industry", "pv", "--city", city,
               "--signed-on", "2026-10-05", "--amount", "5000").out.strip()


def test_a_project_submitted_returned_resubmitted_and_accepted(team):
    run = team
    ref = _project(run, "nc", "锂电池隔膜项目", "某新材料集团", "南昌")
    assert run("nc", "submit", "project", ref, "--on", "2026-10-10", "--json").json()["status"] == "submitted"
    pending = run("nc", "submit", "project", ref, "--on", "2026-10-11", code=1)
    assert "正在等待审核" in pending.err
    refused = run("nc", "review", "accept", "project", ref, code=1)  # a city does not confirm its own
    assert "不是省级审核人" in refused.err
    run("rev", "review", "return", "project", ref, "--reason", "缺合同扫描件", "--on", "2026-10-12")
    assert run("nc", "review", "list", "--json").json()[0]["status"] == "returned"
    early = run("nc", "submit", "project", ref, "--on", "2026-10-11", code=1)  # not before it was returned
    assert "退回日期" in early.err
    run("nc", "submit", "project", ref, "--on", "2026-10-15", "--note", "已补合同")
    run("rev", "review", "accept", "project", ref, "--on", "2026-10-16")
    run("nc", "submit", "project", ref, code=1)  # accepted: nothing to submit again
    steps = run("rev", "review", "history", "project", ref, "--json").json()
    assert [(s["action"], s["on"], s["by"], s["note"]) for s in steps] == [
        ("submitted", "2026-10-10", "nc", None), ("returned", "2026-10-12", "rev", "缺合同扫描件"),
        ("submitted", "2026-10-15", "nc", "已补合同"), ("accepted", "2026-10-16", "rev", None)]
    shown = run("rev", "review", "history", "project", ref).out
    assert "退回" in shown and "认定" in shown and "returned" not in shown
    confirmed = run("rev", "report", "kpi", "--confirmed", "--json").json()
    assert (confirmed["signed"], confirmed["cohort"]["counting"]) == (1, "confirmed")
    assert run("rev", "report", "kpi", "--confirmed", "--as-of", "2026-10-15", "--json").json()["signed"] == 0


def test_a_project_reported_by_two_units_counts_once(team):
    run = team
    before = run("rev", "report", "kpi", "--json").json()["signed"]
    first = _project(run, "nc", "锂电池新材料项目", "某锂业集团", "南昌")
    second = _project(run, "jj", "锂电池新材料二期项目", "某锂业集团", "九江")
    other = _project(run, "jj", "光伏玻璃项目", "某锂业集团", "九江")  # same investor, another project
    run("nc", "submit", "project", first, "--on", "2026-10-10")
    flagged = run("jj", "submit", "project", second, "--on", "2026-10-11")
    assert "疑似重复上报" in flagged.out and first in flagged.out
    run("jj", "submit", "project", other, "--on", "2026-10-11")
    queue = {r["ref"]: r for r in run("rev", "review", "list", "--json").json()}
    assert queue[second]["duplicate_of"].startswith(first) and queue[other]["duplicate_of"] is None
    assert run("rev", "report", "kpi", "--json").json()["signed"] == before + 2  # the pair once
    run("rev", "review", "return", "project", second, "--reason", "重复上报")
    assert run("rev", "report", "kpi", "--json").json()["signed"] == before + 2
    # Each city sees only its own projects and submissions.
    assert {r["ref"] for r in run("nc", "review", "list", "--json").json()} == {first}
    nc_projects = {p["ref"] for p in run("nc", "projects", "list", "--json").json()}
    assert first in nc_projects and second not in nc_projects and other not in nc_projects
    assert "找不到" in run("nc", "projects", "show", second, code=1).err


def test_plans_and_summaries_on_time_and_late(team, cli, demo_backend):
    run = team
    run("rev", "programmes", "add", "--year", "2026", "--title", "2026年方案")
    on_time = run("nc", "events", "add", "--programme", "2026", "--title", "南昌光伏对接会", "--level", "city",
                  "--city", "南昌", "--when", "2026-10-20", "--json").json()["ref"]
    late = run("nc", "events", "add", "--programme", "2026", "--title", "南昌锂电对接会", "--level", "city",
               "--city", "南昌", "--when", "2026-10-22", "--json").json()["ref"]
    shown = {e["ref"]: e for e in run("nc", "events", "list", "--programme", "2026", "--json").json()}
    assert shown[on_time]["plan_due"] == "2026-09-20"
    run("nc", "submit", "plan", on_time, "--on", "2026-09-18")
    run("nc", "submit", "plan", late, "--on", "2026-09-25")
    early = run("nc", "submit", "summary", on_time, "--on", "2026-10-19", code=1)  # before the event
    assert "总结" in early.err
    run("nc", "submit", "summary", on_time, "--on", "2026-10-30")
    run("rev", "review", "return", "plan", late, "--reason", "规模未定", "--on", "2026-09-26")
    run("nc", "submit", "plan", late, "--on", "2026-09-30")
    statuses = {(d["ref"], d["kind"]): d["status"]
                for d in run("rev", "deadlines", "--as-of", "2026-11-01", "--json").json()}
    assert statuses[(on_time, "plan")] == "done" and statuses[(late, "plan")] == "late"
    assert statuses[(on_time, "summary")] == "done"
    jj_events = {e["ref"] for e in run("jj", "events", "list", "--programme", "2026", "--json").json()}
    assert not jj_events & {on_time, late}
    refused = run("jj", "submit", "plan", "A1", code=1)  # the province's event: read by a city, not reported
    assert "不属于本单位" in refused.err
