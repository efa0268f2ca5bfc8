"""The indicators as assessments define them (DOMAIN.md): amounts with their currency (dollars at the rate
of the signing day, reports giving both), investors from inside the province, another province or abroad
(省外资金, 境外资金), and the post-landing milestones 入库/纳统, 入规, 达产 — recorded, correctable and
counted as of a date; on both backends."""
from __future__ import annotations

import pytest


@pytest.fixture
def run(cli, backend, monkeypatch):
    def run(*args, code=0):
        result = cli("--db", backend.url, *args)
        assert result.code == code, (args, result.out, result.err)
        return result

    run("industries", "add", "光伏", "--code", "pv")
    return run


def _kpi(run, *args):
    return run("report", "kpi", *args, "--json").json()


def test_dollars_origins_and_milestones(run):
    usd = run("projects", "add", "--name", "外资光伏组件", "--investor", "某港资集团", "--industry", "pv", "--city", "南昌",
              "--signed-on", "2026-03-02", "--amount-usd", "1,500", "--rate", "7.1023").out.strip()
    domestic = run("projects", "add", "--name", "光伏玻璃", "--investor", "某浙商集团", "--industry", "pv",
                   "--city", "九江", "--signed-on", "2026-04-01", "--amount", "20000").out.strip()
    local = run("projects", "add", "--name", "光伏支架", "--investor", "某本地企业", "--industry", "pv",
                "--city", "九江", "--signed-on", "2026-04-02", "--amount", "3000").out.strip()
    shown = run("projects", "show", usd, "--json").json()
    assert (shown["amount"], shown["currency"], shown["amount_usd"], shown["exchange_rate"]) == (
        10653.45, "USD", 1500.0, 7.1023)
    text = run("projects", "show", usd).out
    assert "美元" in text and "USD" not in text and "1,500" in text
    orgs = {o["name"]: o["id"] for o in run("organizations", "search", "集团", "--json").json()}
    run("organizations", "edit", str(orgs["某港资集团"]), "--origin", "境外")
    run("organizations", "edit", str(orgs["某浙商集团"]), "--origin", "outside")
    assert "客商来源" in run("organizations", "edit", str(orgs["某浙商集团"]), "--origin", "火星", code=1).err
    run("projects", "figure", domestic, "--funds", "5000", "--on", "2026-06-30")
    run("projects", "figure", usd, "--funds", "2000", "--on", "2026-06-30")
    figures = _kpi(run)
    assert (figures["signed_amount_usd"], figures["amount_abroad"], figures["amount_outside_province"]) == (
        1500.0, 10653.45, 20000.0)
    assert (figures["funds_abroad"], figures["funds_outside_province"]) == (2000.0, 5000.0)
    assert figures["signed_amount"] == 10653.45 + 20000 + 3000

    for args, words in ((("--amount-usd", "100"), "--rate"), (("--amount-usd", "100", "--rate", "0"), "汇率"),
                        (("--amount-usd", "100", "--rate", "7.1234567"), "汇率"),
                        (("--amount-usd", "100", "--rate", "7", "--amount", "700"), "--amount"),
                        (("--amount-usd", "1e20", "--rate", "7"), "金额")):
        refused = run("projects", "add", "--name", "错", "--investor", "某", "--industry", "pv", "--city", "南昌",
                      "--signed-on", "2026-04-02", *args, code=1)
        assert words in refused.err and refused.err.count("\n") == 1, args

    refused = run("milestones", "add", domestic, "--kind", "in_statistics", "--on", "2026-07-10", code=1)
    assert "尚未开工" in refused.err  # a milestone follows its stage
    run("projects", "advance", domestic, "--to", "construction", "--on", "2026-06-01")
    run("projects", "advance", local, "--to", "construction", "--on", "2026-05-01")
    run("projects", "advance", local, "--to", "production", "--on", "2026-09-20")
    run("milestones", "add", domestic, "--kind", "in_statistics", "--on", "2026-07-10")
    first = run("milestones", "add", local, "--kind", "in_statistics", "--on", "2026-08-01", "--json").json()["id"]
    run("milestones", "add", local, "--kind", "above_size", "--on", "2026-10-01")
    twice = run("milestones", "add", local, "--kind", "in_statistics", "--on", "2026-08-02", code=1)
    assert f"crm milestones correct {first}" in twice.err
    assert "投产日期" in run("milestones", "add", local, "--kind", "full_capacity", "--on", "2026-09-01", code=1).err
    assert (_kpi(run)["in_statistics"], _kpi(run)["above_size"], _kpi(run)["full_capacity"]) == (2, 1, 0)
    assert _kpi(run, "--as-of", "2026-07-31")["in_statistics"] == 1  # as it stood that day
    run("milestones", "correct", str(first), "--on", "2026-09-01", "--why", "统计局回执日期")
    # A report as of an earlier day shows what was known that day; the corrected day from now on.
    assert _kpi(run, "--as-of", "2026-08-15")["in_statistics"] == 2
    assert [m["on"] for m in run("projects", "show", local, "--json").json()["milestones"]
            if m["kind"] == "in_statistics"] == ["2026-09-01"]
    assert _kpi(run)["in_statistics"] == 2
    run("milestones", "retract", str(_current_milestone(run, local)), "--why", "误录")
    assert _kpi(run)["in_statistics"] == 1
    shown = run("projects", "show", local).out
    assert "入规" in shown and "above_size" not in shown


def _current_milestone(run, ref) -> int:
    rows = run("projects", "show", ref, "--json").json()["milestones"]
    return next(m["id"] for m in rows if m["kind"] == "in_statistics")
