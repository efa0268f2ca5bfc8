"""Supervision orders (督办单) through their whole life on both backends, with the colours right as of any
date: open until the reply is due, yellow after it, red beyond the configured days, replied while a reply
awaits the reviewer, closed once one is accepted; each step audited; each unit sees its own."""
from __future__ import annotations

import pytest


@pytest.fixture
def run(cli, demo_backend, monkeypatch):
    db = demo_backend.url
    for args in (("units", "add", "省工信委推进处", "--kind", "office"),
                 ("staff", "add", "rev", "--unit", "省工信委推进处", "--reviewer"),
                 ("staff", "add", "nc", "--unit", "南昌市政府"),
                 ("staff", "add", "jj", "--unit", "九江市政府")):
        assert cli("--db", db, *args).code == 0, args

    def run(login, *args, code=0):
        monkeypatch.setenv("CRM_USER", login)
        result = cli("--db", db, *args)
        assert result.code == code, (login, args, result.out, result.err)
        return result

    return run


def _nanchang_project(run):
    return next(p["ref"] for p in run("rev", "projects", "list", "--json").json() if p["city"] == "南昌市")


def _state(run, ref, as_of, login="rev"):
    rows = run(login, "supervise", "list", "--as-of", as_of, "--json").json()
    return next(((r["state"], r["days_overdue"]) for r in rows if r["ref"] == ref), None)


def test_an_order_through_its_whole_life(run):
    project = _nanchang_project(run)
    order = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-10-10",
                "--note", "加快办理用地手续", "--on", "2026-10-01", "--json").json()["ref"]
    assert _state(run, order, "2026-09-30") is None  # not issued yet that day
    assert _state(run, order, "2026-10-10") == ("open", 0)
    assert _state(run, order, "2026-10-11") == ("yellow", 1)
    assert _state(run, order, "2026-10-25") == ("yellow", 15)
    assert _state(run, order, "2026-10-26") == ("red", 16)
    run("nc", "supervise", "reply", order, "--note", "已完成土地挂牌", "--on", "2026-10-27")
    assert "等待审核" in run("nc", "supervise", "reply", order, "--note", "再报", "--on", "2026-10-28", code=1).err
    assert "不是省级审核人" in run("nc", "supervise", "accept", order, code=1).err
    run("rev", "supervise", "reject", order, "--reason", "未附证明材料", "--on", "2026-10-29")
    assert _state(run, order, "2026-10-28") == ("replied", 0)  # as it stood then
    assert _state(run, order, "2026-10-30") == ("red", 20)  # rejected: overdue again
    run("nc", "supervise", "reply", order, "--note", "已附土地证", "--on", "2026-11-02")
    run("rev", "supervise", "accept", order, "--on", "2026-11-03")
    assert _state(run, order, "2026-11-03") == ("closed", 0)
    assert _state(run, order, "2026-10-30") == ("red", 20)  # the past does not change
    assert "办结" in run("nc", "supervise", "reply", order, "--note", "又一次", code=1).err
    replies = next(r for r in run("rev", "supervise", "list", "--json").json() if r["ref"] == order)["replies"]
    assert [(r["on"], r["accepted"], r["reason"]) for r in replies] == [
        ("2026-10-27", False, "未附证明材料"), ("2026-11-02", True, None)]
    history = run("rev", "history", project).out
    assert history  # the project's own trail is untouched by the order


def test_red_after_is_configurable_and_dates_are_checked(run, tmp_path, monkeypatch):
    project = _nanchang_project(run)
    order = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-10-10",
                "--note", "协调电力接入", "--on", "2026-10-01", "--json").json()["ref"]
    config = tmp_path / "config.toml"
    config.write_text("[supervision]\nred_after_days = 5\n", encoding="utf-8")
    monkeypatch.setenv("CRM_CONFIG", str(config))
    assert _state(run, order, "2026-10-15") == ("yellow", 5)
    assert _state(run, order, "2026-10-16") == ("red", 6)
    for args, words in ((("supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-09-01", "--note", "x",
                          "--on", "2026-10-01"), "回复期限"),
                        (("supervise", "add", project, "--unit", "南昌市政府", "--due", "2027-01-01", "--note", "x",
                          "--on", "2026-12-30"), "2026-12-30"),
                        (("supervise", "add", project, "--unit", "不存在的单位", "--due", "2026-12-01", "--note", "x"), "单位"),
                        (("supervise", "add", "P99999", "--unit", "南昌市政府", "--due", "2026-12-01", "--note", "x"), "P99999"),
                        (("supervise", "reply", "D9999", "--note", "x"), "D9999"),
                        (("supervise", "reply", order, "--note", "x", "--on", "2026-09-01"), "督办日期")):
        assert words in run("rev", *args, code=1).err, args


def test_each_unit_sees_the_orders_addressed_to_it(run):
    projects = run("rev", "projects", "list", "--json").json()
    nanchang = next(p["ref"] for p in projects if p["city"] == "南昌市")
    jiujiang = next(p["ref"] for p in projects if p["city"] == "九江市")
    first = run("rev", "supervise", "add", nanchang, "--unit", "南昌市政府", "--due", "2026-12-10", "--note", "甲",
                "--json").json()["ref"]
    second = run("rev", "supervise", "add", jiujiang, "--unit", "九江市政府", "--due", "2026-12-10", "--note", "乙",
                 "--json").json()["ref"]
    assert {r["ref"] for r in run("nc", "supervise", "list", "--json").json()} == {first}
    assert {r["ref"] for r in run("jj", "supervise", "list", "--json").json()} == {second}
    assert {r["ref"] for r in run("rev", "supervise", "list", "--json").json()} >= {first, second}
    assert "D" in run("nc", "supervise", "reply", second, "--note", "越权", code=1).err


def test_the_weekly_workbook_lists_the_orders(run, demo_backend, tmp_path):
    import openpyxl

    project = _nanchang_project(run)
    order = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-11-01",
                "--note", "=HYPERLINK(\"x\")", "--on", "2026-10-20", "--json").json()["ref"]
    out = tmp_path / "weekly.xlsx"
    run("rev", "export", "weekly", "--out", str(out))
    sheet = openpyxl.load_workbook(out)["督办事项"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == order]
    assert len(rows) == 1
    _n, _ref, named, note, unit, _due, overdue, state, _reply = rows[0]
    assert (project in named, note, unit, overdue, state) == (True, "=HYPERLINK(\"x\")", "南昌市政府", 26, "严重逾期")
    assert sheet.cell(row=4, column=4).data_type == "s"  # text, never a formula


def test_the_contract_forms(run):
    """Issue 15's forms: `add REF --unit U --due DATE --note T --json` → {"id": …} (and the ref);
    `reply ID --on DATE --note T` and `close ID [--on DATE]` by the numeric id or the ref; `list [--json]`."""
    project = _nanchang_project(run)
    added = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-11-20",
                "--note", "推进开工", "--on", "2026-11-01", "--json").json()
    order_id = added["id"]
    assert type(order_id) is int and added["ref"] == f"D{order_id:04d}"
    assert (added["project"], added["unit"], added["due_on"]) == (project, "南昌市政府", "2026-11-20")
    listed = next(r for r in run("rev", "supervise", "list", "--json").json() if r["id"] == order_id)
    assert (listed["ref"], listed["state"], listed["days_overdue"]) == (added["ref"], "yellow", 7)
    assert added["ref"] in run("rev", "supervise", "list").out and "推进开工" in run("rev", "supervise", "list").out

    assert "没有待审核的回复" in run("rev", "supervise", "close", str(order_id), code=1).err
    run("nc", "supervise", "reply", str(order_id), "--on", "2026-11-24", "--note", "已进场施工")
    assert "不是省级审核人" in run("nc", "supervise", "close", str(order_id), code=1).err
    assert "办结" in run("rev", "supervise", "close", str(order_id), "--on", "2026-11-25").out
    row = next(r for r in run("nc", "supervise", "list", "--json").json() if r["id"] == order_id)
    assert (row["state"], row["closed_on"]) == ("closed", "2026-11-25")
    assert [(r["on"], r["accepted"]) for r in row["replies"]] == [("2026-11-24", True)]
    assert _state(run, added["ref"], "2026-11-24") == ("replied", 0)  # as it stood the day before closing
    assert "办结" in run("rev", "supervise", "close", str(order_id), code=1).err  # closed once
    assert "办结" in run("nc", "supervise", "reply", str(order_id), "--note", "再报", code=1).err

    # By its ref, on today's date where --on is left out; `accept` stays the same step.
    second = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-12-05",
                 "--note", "落实用电指标", "--json").json()
    run("nc", "supervise", "reply", second["ref"], "--note", "已落实")
    run("rev", "supervise", "close", second["ref"])
    assert _state(run, second["ref"], "2026-11-27") == ("closed", 0)
    third = run("rev", "supervise", "add", project, "--unit", "南昌市政府", "--due", "2026-12-05",
                "--note", "协调融资", "--json").json()
    run("nc", "supervise", "reply", str(third["id"]), "--note", "已对接银行")
    run("rev", "supervise", "accept", str(third["id"]))
    assert _state(run, third["ref"], "2026-11-27") == ("closed", 0)
    assert "9999" in run("rev", "supervise", "close", "9999", code=1).err
