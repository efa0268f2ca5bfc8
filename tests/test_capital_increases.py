"""A capital increase (增资扩产) is a signing of its own that counts only the increase (DOMAIN.md: "a project
counts once, at its first signing; a capital increase counts only the increase"): its amount adds to the
signed amount, dollars and origin splits, never a second project to the counts, rates, targets or tiers;
on both backends."""
from __future__ import annotations

import pytest


@pytest.fixture
def run(cli, backend):
    def run(*args, code=0):
        result = cli("--db", backend.url, *args)
        assert result.code == code, (args, result.out, result.err)
        return result

    run("industries", "add", "光伏", "--code", "pv")
    return run


def _kpi(run, *args):
    return run("report", "kpi", *args, "--json").json()


def _add(run, *args, code=0):
    return run("projects", "add", *args, code=code)


def test_an_increase_adds_its_amount_and_no_project(run):
    original = _add(run, "--name", "光伏组件", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                    "--signed-on", "2026-03-02", "--amount", "50000").out.strip()
    before = _kpi(run)
    increase = _add(run, "--name", "光伏组件二期", "--increase-of", original, "--signed-on", "2026-09-01",
                    "--amount", "20000").out.strip()
    after = _kpi(run)
    assert (before["signed"], after["signed"]) == (1, 1)
    assert (before["signed_amount"], after["signed_amount"]) == (50000.0, 70000.0)
    # Tiers count projects: the original alone (5亿元 reaches the 亿元 and 5亿元 tiers, the increase is money).
    assert [t["count"] for t in after["size_tiers"]] == [1, 1, 0, 0, 0]

    # The increase takes the original's investor, industry and city unless given; each names the other.
    shown = run("projects", "show", increase, "--json").json()
    assert (shown["investor"], shown["industry"], shown["city"], shown["increase_of"]) == (
        "某浙商集团", "光伏", "南昌市", original)
    assert run("projects", "show", original, "--json").json()["increases"] == [increase]
    assert "增资原项目" in run("projects", "show", increase).out
    assert increase in run("projects", "show", original).out

    # Construction of the expansion is not a second project started.
    run("projects", "advance", increase, "--to", "construction", "--on", "2026-10-08")
    assert _kpi(run)["started"] == 0
    run("projects", "advance", original, "--to", "construction", "--on", "2026-05-01")
    assert _kpi(run)["started"] == 1

    # Targets: the amount counts, the project does not (a second project would make it 2 of 4).
    run("targets", "set", "--year", "2026", "--city", "南昌", "--signed-projects", "4", "--signed-amount", "100000")
    rows = {r["indicator"]: r for r in run("report", "targets", "--as-of", "2026-11-27", "--json").json()}
    assert (rows["signed_projects"]["actual"], rows["signed_amount"]["actual"]) == (1, 70000)

    # As of a day before the increase was signed, only the original.
    assert _kpi(run, "--as-of", "2026-08-31")["signed_amount"] == 50000.0


def test_what_an_increase_cannot_be(run):
    original = _add(run, "--name", "光伏组件", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                    "--signed-on", "2026-03-02", "--amount", "50000").out.strip()
    increase = _add(run, "--name", "二期", "--increase-of", original, "--signed-on", "2026-09-01",
                    "--amount", "20000").out.strip()
    lead = _add(run, "--name", "光伏玻璃", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                "--stage", "lead").out.strip()
    signed = ("--signed-on", "2026-10-01", "--amount", "100")
    for args, words in (
        (("--increase-of", increase, *signed), original),  # an increase of an increase: link the original
        (("--increase-of", original, "--signed-on", "2026-01-05", "--amount", "100"), "2026-03-02"),
        (("--increase-of", lead, *signed), "尚未签约"),
        (("--increase-of", original, "--stage", "lead"), "--stage signed"),
    ):
        refused = _add(run, "--name", "错", *args, code=1)
        assert words in refused.err and refused.err.count("\n") == 1, (args, refused.err)
    assert "找不到项目" in _add(run, "--name", "错", "--increase-of", "P09999", *signed, code=1).err
    # Without --increase-of the investor, industry and city are required, as before.
    missing = _add(run, "--name", "错", "--industry", "pv", "--city", "南昌", *signed, code=2)
    assert "--investor" in missing.err
    run("projects", "status", original, "--to", "terminated", "--on", "2026-11-01", "--reason", "企业撤资")
    assert "已终止" in _add(run, "--name", "三期", "--increase-of", original, *signed, code=1).err
    assert _kpi(run)["signed"] == 1  # nothing refused was stored


def test_the_weekly_sheet_shows_an_increase_as_such(run, tmp_path):
    from openpyxl import load_workbook

    original = _add(run, "--name", "光伏组件", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                    "--signed-on", "2026-03-02", "--amount", "50000").out.strip()
    _add(run, "--name", "光伏组件二期", "--increase-of", original, "--signed-on", "2026-09-01", "--amount", "20000")
    out = tmp_path / "weekly.xlsx"
    assert "1 个项目" in run("export", "weekly", "--out", str(out)).out
    sheet = load_workbook(out)["项目推进表"]
    assert "共 1 个项目，另有增资扩产 1 项" in sheet["A2"].value
    names = [sheet.cell(row, 2).value for row in range(4, sheet.max_row + 1)]
    assert names == ["光伏组件", "光伏组件二期（增资扩产）"]


def test_an_event_counts_its_projects_not_its_increases(run, backend, tmp_path):
    """Signed at the same event: the original and its increase are one project of two amounts — in the
    event's panel and summary workbook and document, and in the dashboard's pipeline."""
    import datetime as dt

    from docx import Document
    from openpyxl import load_workbook

    from crm.services.dashboard import dashboard
    from crm.services.event_detail import event_detail
    from db.session import Database

    run("programmes", "add", "--year", "2026", "--title", "方案")
    event = run("events", "add", "--programme", "2026", "--title", "光伏推介会", "--level", "provincial",
                "--when", "2026-03-02", "--json").json()["ref"]
    original = _add(run, "--name", "光伏组件", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                    "--signed-on", "2026-03-02", "--amount", "50000", "--event", event).out.strip()
    _add(run, "--name", "光伏组件二期", "--increase-of", original, "--signed-on", "2026-03-02", "--amount", "20000",
         "--event", event)
    book = tmp_path / "event.xlsx"
    run("export", "event", event, "--out", str(book))
    signed = load_workbook(book)["签约项目"]
    assert "共 1 个，合同引资额 7.00 亿元" in signed["A2"].value
    assert [signed.cell(row, 2).value for row in (4, 5)] == ["光伏组件", "光伏组件二期（增资扩产）"]
    document = tmp_path / "summary.docx"
    run("export", "summary", event, "--format", "docx", "--out", str(document))
    text = "\n".join(p.text for p in Document(document).paragraphs)
    assert "活动共签约项目1个，合同引资额7.00亿元" in text

    database = Database(backend.url)
    try:
        with database.unit_of_work(write=False) as session:
            detail = event_detail(session, event, dt.date(2026, 11, 27))
            pipeline = dashboard(session, dt.date(2026, 11, 27)).pipeline
    finally:
        database.dispose()
    assert len(detail.signed_projects) == 2 and [p.increase_of_id is not None for p in detail.signed_projects] == [
        False, True]
    assert sum(row.total for row in pipeline) == 1


def test_an_increase_has_an_amount_and_keeps_its_original(run):
    original = _add(run, "--name", "光伏组件", "--investor", "某浙商集团", "--industry", "pv", "--city", "南昌",
                    "--signed-on", "2026-03-02", "--amount", "50000").out.strip()
    assert "增资金额" in _add(run, "--name", "二期", "--increase-of", original, "--signed-on", "2026-09-01",
                            code=1).err
    increase = _add(run, "--name", "二期", "--increase-of", original, "--signed-on", "2026-09-01",
                    "--amount", "20000").out.strip()
    refused = run("projects", "delete", original, "--reason", "误录", code=1)
    assert increase in refused.err and refused.err.count("\n") == 1
    run("projects", "delete", increase, "--reason", "误录")
    run("projects", "delete", original, "--reason", "误录")
    assert _kpi(run)["signed_amount"] == 0.0
