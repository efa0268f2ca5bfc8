"""Targets, 序时进度 and the ranking of the cities (DOMAIN.md "Targets, assessment and indicators"): the
published checks, and the commands on both backends against projects signed by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from crm.rules import targets as rules


@pytest.mark.parametrize("completion, as_of, ahead", [
    ("0.5718", dt.date(2026, 5, 31), "15.51"),  # 57.18% − 5/12
    ("0.7769", dt.date(2026, 9, 30), "2.69"),  # 77.69% − 9/12
    ("1.2564", dt.date(2026, 10, 31), "42.31"),  # 125.64% − 10/12
])
def test_the_published_checks(completion, as_of, ahead):
    assert rules.points_ahead(D(completion), rules.share_of_year(as_of)) == D(ahead)


def test_share_of_year_by_months_and_by_days():
    assert rules.share_of_year(dt.date(2026, 5, 30)) == D(4) / 12  # May not over yet
    assert rules.share_of_year(dt.date(2026, 12, 31)) == 1
    assert rules.share_of_year(dt.date(2026, 7, 2), by="days") == D(183) / 365
    assert rules.share_of_year(dt.date(2028, 12, 31), by="days") == 1  # a leap year
    assert rules.share_of_year(dt.date(2027, 1, 15), year=2026) == 1  # last year's targets read in January
    assert rules.share_of_year(dt.date(2025, 6, 30), year=2026) == 0


def test_scores_by_the_efficacy_rule_and_capped():
    values = {"甲": D("0.5"), "乙": D("1.0"), "丙": D("0.75"), "丁": None}
    assert rules.scores(values, D(30)) == {"甲": D("24.00"), "乙": D("30.00"), "丙": D("27.00"), "丁": D("18.00")}
    assert rules.scores({"甲": D("0.5"), "乙": D("0.5")}, D(30)) == {"甲": D("30.00"), "乙": D("30.00")}
    assert rules.scores(values, D(30), rules.CAPPED) == {"甲": D("15.00"), "乙": D("30.00"), "丙": D("22.50"),
                                                          "丁": D("0.00")}


def test_progress_and_ranking(cli, backend, monkeypatch, tmp_path):
    db = backend.url

    def run(*args, code=0, login="tester"):
        monkeypatch.setenv("CRM_USER", login)
        result = cli("--db", db, *args)
        assert result.code == code, (args, result.err)
        return result

    run("industries", "add", "光伏", "--code", "pv")
    signed = (("南昌", "2026-02-10", "30000"), ("南昌", "2026-05-20", "20000"), ("南昌", "2025-12-30", "90000"),
              ("九江", "2026-03-01", "10000"), ("赣州", "2026-06-15", "80000"))
    for n, (city, on, amount) in enumerate(signed):
        run("projects", "add", "--name", f"目标测试项目{n}", "--investor", f"投资方{n}", "--industry", "pv",
            "--city", city, "--signed-on", on, "--amount", amount)
    refs = [p["ref"] for p in run("projects", "list", "--json").json()]
    run("projects", "advance", refs[0], "--to", "construction", "--on", "2026-04-01")
    run("projects", "figure", refs[2], "--funds", "5000", "--on", "2025-12-31")
    run("projects", "figure", refs[2], "--funds", "12000", "--on", "2026-04-30")
    for city in ("南昌市", "九江市", "赣州市"):
        run("targets", "set", "--year", "2026", "--city", city, "--signed-projects", "4", "--signed-amount", "100000")
    run("targets", "set", "--year", "2026", "--city", "南昌", "--funds", "10000", "--started", "2")
    run("targets", "set", "--year", "2026", "--city", "南昌市", "--signed-projects", "5")
    run("targets", "set", "--year", "2026", "--industry", "光伏", "--signed-projects", "10")  # the province's
    got = run("targets", "progress", "--year", "2026", "--as-of", "2026-05-31", "--json").json()
    rows = {(r["unit"], r["indicator"]): r for r in got["rows"]}
    assert len(got["rows"]) == 9  # the second setting replaced the first
    nanchang = rows["南昌市", "signed_projects"]
    assert (nanchang["target"], nanchang["actual"], nanchang["completion"]) == (5, 2, 40.0)
    assert (nanchang["share_of_year"], nanchang["points_ahead"]) == (41.67, -1.67)
    assert rows["南昌市", "signed_amount"]["actual"] == 50000  # the project of 2025 is last year's
    assert rows["南昌市", "funds"]["actual"] == 7000  # 12,000 by the day, less 5,000 by year end
    assert rows["南昌市", "started"]["completion"] == 50.0
    assert rows["赣州市", "signed_projects"]["actual"] == 0  # signed in June: not by the end of May
    ranked = run("targets", "rank", "--year", "2026", "--as-of", "2026-06-30", "--json").json()
    assert [r["unit"] for r in ranked["rows"]] == ["南昌市", "赣州市", "九江市"] and ranked["rule"] == "efficacy"
    assert ranked["cohort"] == ["南昌市", "赣州市", "九江市"]
    shown = run("targets", "progress", "--year", "2026", "--as-of", "2026-05-31").out
    assert "序时进度" in shown and "41.67%" in shown and "-1.67" in shown
    config = tmp_path / "config.toml"
    config.write_text('[ranking]\nrule = "capped"\n[ranking.weights]\nsigned_projects = 100\nsigned_amount = 0\n'
                      'funds = 0\nstarted = 0\n',
                      encoding="utf-8")
    monkeypatch.setenv("CRM_CONFIG", str(config))
    capped = run("targets", "rank", "--year", "2026", "--as-of", "2026-06-30", "--json").json()
    assert capped["rule"] == "capped" and capped["rows"][0]["score"] == 40.0
    for args in (("--year", "2026", "--city", "南昌市", "--jobs", "1"),
                 ("--year", "1800", "--city", "南昌市", "--started", "1"),
                 ("--year", "2026", "--city", "南昌市", "--started", "-1"),
                 ("--year", "2026", "--city", "南昌市", "--signed-amount", "1e20"),
                 ("--year", "2026", "--city", "火星", "--started", "1"),
                 ("--year", "2026", "--signed-projects", "1"),
                 ("--year", "2026", "--city", "南昌市")):
        assert run("targets", "set", *args, code=2 if "--jobs" in args else 1).err.count("\n") == 1, args
    # The contract forms: rates as fractions, points, ranks; the ranking by the configured rule.
    monkeypatch.delenv("CRM_CONFIG")
    contract = run("report", "targets", "--as-of", "2026-05-31", "--json").json()
    nanchang = next(r for r in contract if r.get("city") == "南昌市" and r["indicator"] == "signed_projects")
    assert (nanchang["completion_rate"], nanchang["schedule_rate"], nanchang["ahead_points"], nanchang["rank"]) == (
        0.4, 0.4167, -1.67, 1)
    province = next(r for r in contract if "city" not in r)
    assert (province["industry"], province["actual"], province["completion_rate"]) == ("光伏", 3, 0.3)  # 赣州 signs in June
    assert run("report", "ranking", "--as-of", "2026-06-30", "--json").json() == [
        {"city": r["unit"], "score": r["score"], "rank": r["rank"]} for r in ranked["rows"]]
