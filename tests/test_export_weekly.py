"""`crm export weekly` on a known scenario and on the demo, read back with openpyxl and python-calamine,
on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
from decimal import Decimal

import pytest
from sqlalchemy import select

from crm.exporting.workbook import SIGNAL_FILLS, STAGE_FILLS
from crm.services import followups as followup_service
from crm.services import projects as project_service
from crm.services.actor import staff_for
from db.models import (
    Contact,
    Event,
    FollowUpKind,
    Invitation,
    InvitationStatus,
    Organization,
    Project,
    ProjectStatus,
    Stage,
    StageStep,
    Staff,
)
from db.session import Database
from tests.test_export_workbook import (
    INJECTIONS,
    LEADING_BLANKS,
    assert_list_form,
    assert_literal_text,
    assert_no_formulas_or_links,
    read_book,
)

AS_OF = dt.date(2012, 3, 14)  # a Wednesday: week 2012-W11 runs 12–18 March
HYPERLINK, PLUS, MINUS, AT = INJECTIONS
WEEKLY_SHEETS = ["项目推进表", "本周变化", "问题清单", "督办事项", "活动与时限", "汇总"]
PROGRESS_HEADER = ["序号", "项目名称", "投资方", "产业", "所在地", "合同引资额\n（亿元）", "签约时间", "签约活动", "当前阶段",
                   "阶段日期", "本周进展", "存在问题", "下步计划", "责任单位", "责任人", "最近跟进", "状态"]


def fill(cell) -> str:
    return "#" + cell.fill.fgColor.rgb[-6:]


# When the invitations were recorded: exports as of a day before today list what existed then.
INVITED_AT = dt.datetime(2011, 8, 1, 2, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def scenario(cli, backend):
    """The 2011 programme plus projects whose names, investors, notes and problems look like formulas,
    and invitees whose names start with a tab or a line break."""
    assert cli("--db", backend.url, "demo").code == 0
    database = Database(backend.url)
    today = dt.date(2026, 11, 27)
    with database.unit_of_work() as session:
        actor = staff_for(session, "tester")

        def add(name, investor, industry, city, amount, signed_on, **extra):
            new = project_service.NewProject(name=name, investor=investor, industry=industry, city=city,
                                             amount=amount, signed_on=signed_on, **extra)
            return project_service.add_project(session, new, actor=actor, today=today).ref

        refs = {
            "hyperlink": add(HYPERLINK, PLUS, "光伏", "南昌", "123456.78", dt.date(2011, 11, 20), event_ref="A2-PV",
                             responsible_unit="省工信委新兴产业处", planned_construction_on=dt.date(2012, 6, 1)),
            "minus": add(MINUS, "示例铜业集团", "铜", "九江", "5000", dt.date(2012, 3, 12),
                         planned_construction_on=dt.date(2012, 3, 1)),
            # Signed at A2-PV (2011-11): not before the event (crm.rules.dates.check_signed_at_event).
            "at": add(AT, "示例光伏股份", "光伏", "南昌", "30000", dt.date(2011, 11, 18), event_ref="A2-PV"),
            "terminated": add("已终止的铜项目", "示例铜业集团", "铜", "鹰潭", "8000", dt.date(2011, 5, 1)),
            "later": add("今后签约的项目", "示例光伏股份", "光伏", "南昌", "1000", dt.date(2012, 4, 1)),
        }
        project_service.add_project(session, project_service.NewProject(
            name="线索项目", investor="示例光伏股份", industry="光伏", city="南昌", stage=Stage.LEAD,
            entered_on=dt.date(2012, 1, 1)), actor=actor, today=today)
        project_service.advance(session, refs["hyperlink"], Stage.CONSTRUCTION, dt.date(2012, 3, 13), note=AT,
                                actor=actor, today=today)
        followup_service.add_followup(session, refs["hyperlink"], on=dt.date(2012, 3, 12), content=f"{MINUS} 现场走访",
                                      kind=FollowUpKind.VISIT, next_step="=1+2", next_on=dt.date(2012, 3, 20),
                                      actor=actor, today=today)
        followup_service.raise_problem(session, refs["hyperlink"], description="@用地指标", on=dt.date(2012, 2, 1),
                                       unit="省工信委装备工业处", actor=actor)
        followup_service.add_followup(session, refs["at"], on=dt.date(2012, 3, 1), content="电话了解进度",
                                      kind=FollowUpKind.CALL, actor=actor, today=today)
        project_service.set_status(session, refs["at"], ProjectStatus.STALLED, dt.date(2012, 1, 10),
                                   reason="资金未到位", actor=actor)
        project_service.set_status(session, refs["terminated"], ProjectStatus.TERMINATED, dt.date(2011, 12, 1),
                                   reason="投资方撤资", actor=actor)
        # No service renames an event or enters contacts yet: these come straight from the table, as data
        # written by other tools would.
        session.scalar(select(Project).where(Project.ref == refs["hyperlink"])).responsible_staff = \
            Staff(login="zhang", name="张科长")
        event = session.scalar(select(Event).where(Event.ref == "A2-PV"))
        org = Organization(name="=cmd|' /C calc'!A0", name_key="=cmd|'/ccalc'!a0")
        session.add(org)
        for n, name in enumerate(LEADING_BLANKS):
            contact = Contact(name=name, name_key=f"blank{n}", organization=org, mobile="19900000001")
            session.add(Invitation(event=event, contact=contact, organization=org, status=InvitationStatus.CONFIRMED,
                                   category="跨国公司", created_at=INVITED_AT, owner_unit_id=event.owner_unit_id))
        session.add(Invitation(event=event, organization=org, status=InvitationStatus.PROPOSED, category=None,
                               created_at=INVITED_AT, owner_unit_id=event.owner_unit_id))
    database.dispose()
    return backend.url, refs


def _export(cli, url, tmp_path, *args):
    path = tmp_path / "weekly.xlsx"
    result = cli("--db", url, "export", "weekly", *args, "--out", path)
    assert result.code == 0, result.err
    assert str(path) in result.out
    return read_book(path)


def test_progress_sheet_against_the_database(cli, scenario, tmp_path):
    url, refs = scenario
    book = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat())
    assert book.names == WEEKLY_SHEETS
    assert book.header("项目推进表") == PROGRESS_HEADER
    rows = book.records("项目推进表")
    # Signed by the as-of date and not terminated: by industry (光伏 before 铜), city, signing date.
    assert [r["项目名称"] for r in rows] == [AT, HYPERLINK, MINUS]
    assert [r["序号"] for r in rows] == [1, 2, 3]

    database = Database(url)
    with database.unit_of_work(write=False) as session:
        project = session.scalar(select(Project).where(Project.ref == refs["hyperlink"]))
        expected_amount = float(project.contracted_amount / Decimal(10_000))
        event_title = project.signing_event.title
    database.dispose()
    row = rows[1]
    assert row["投资方"] == PLUS and row["产业"] == "光伏" and row["所在地"] == "南昌市"
    assert row["合同引资额\n（亿元）"] == pytest.approx(expected_amount) == pytest.approx(12.345678)
    assert row["签约时间"] == dt.date(2011, 11, 20) and row["签约活动"] == event_title
    assert row["当前阶段"] == "开工" and row["阶段日期"] == dt.date(2012, 3, 13)
    assert row["本周进展"] == f"03-12 走访：{MINUS} 现场走访\n03-13 开工（阶段）：{AT}"
    assert row["存在问题"] == "@用地指标（2012-02-01 提出，省工信委装备工业处）"
    assert row["下步计划"] == "=1+2（2012-03-20）"
    assert (row["责任单位"], row["责任人"], row["最近跟进"]) == ("省工信委新兴产业处", "张科长", dt.date(2012, 3, 12))
    assert [r["状态"] for r in rows] == ["停滞", "正常", "超期"]

    ws = book.xl["项目推进表"]
    assert_list_form(ws, columns=17, rows=3, freeze="C4")
    assert [fill(ws.cell(r, 17)) for r in (4, 5, 6)] == [SIGNAL_FILLS[c][0] for c in ("yellow", "green", "red")]
    assert [fill(ws.cell(r, 9)) for r in (4, 5, 6)] == [STAGE_FILLS[s][0] for s in ("signed", "construction", "signed")]
    assert ws.cell(5, 6).number_format == "#,##0.00" and ws.cell(5, 7).number_format == "yyyy-mm-dd"
    assert ws.cell(5, 7).is_date and ws.cell(5, 6).data_type == "n"
    assert ws.cell(1, 1).value == "签约项目推进表"
    assert ws.cell(2, 1).value.startswith("截至 2012-03-14　本周：2012-03-12 至 2012-03-18")


def test_formula_like_text_stays_text(cli, scenario, tmp_path):
    url, _ = scenario
    book = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat())
    for text in INJECTIONS:
        assert_literal_text(book, text)
    assert_literal_text(book, "=1+2（2012-03-20）")
    assert_literal_text(book, "@用地指标")
    assert_no_formulas_or_links(book.path)


def test_week_changes_problems_and_deadlines(cli, scenario, tmp_path):
    url, refs = scenario
    book = _export(cli, url, tmp_path, "--week", "2012-W11")
    assert book.xl["项目推进表"].cell(2, 1).value.startswith("截至 2012-03-18")
    changes = book.records("本周变化")
    assert [(r["日期"], r["变化"], r["项目名称"]) for r in changes] == [
        (dt.date(2012, 3, 12), "新签约", MINUS), (dt.date(2012, 3, 13), "开工", HYPERLINK)]
    assert changes[1]["说明"] == AT

    database = Database(url)
    with database.unit_of_work(write=False) as session:
        in_week = session.scalars(select(StageStep.happened_on).where(
            StageStep.happened_on.between(dt.date(2012, 3, 12), dt.date(2012, 3, 18)),
            StageStep.stage.in_([Stage.SIGNED, Stage.CONSTRUCTION, Stage.PRODUCTION, Stage.RESULTS]))).all()
    database.dispose()
    assert sorted(in_week) == [r["日期"] for r in changes]

    problems = book.records("问题清单")
    assert [(p["问题"], p["项目名称"], p["提出日期"], p["已历时\n（天）"], p["责任单位"]) for p in problems] == [
        ("@用地指标", HYPERLINK, dt.date(2012, 2, 1), 46, "省工信委装备工业处")]

    expected = [d for d in cli("--db", url, "deadlines", "--as-of", "2012-03-18", "--json").json()
                if d["kind"] in ("plan", "summary") and d["status"] != "done"]
    deadlines = book.records("活动与时限")
    assert sorted((d["截止日期"].isoformat(), d["事项"]) for d in deadlines) == sorted(
        (d["due"], {"plan": "工作方案", "summary": "工作总结"}[d["kind"]]) for d in expected)
    assert all(d["状态"].startswith(("已超期", "即将到期")) for d in deadlines)
    for name, count in (("本周变化", 2), ("问题清单", 1), ("活动与时限", len(expected))):
        assert_list_form(book.xl[name], columns=len(book.header(name)), rows=count, freeze="A4")


def test_summary_matches_the_kpi_report(cli, scenario, tmp_path):
    url, _ = scenario
    book = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat())
    kpi = cli("--db", url, "report", "kpi", "--as-of", AS_OF.isoformat(), "--json").json()
    rows = {r["产业"]: r for r in book.records("汇总")}
    assert set(kpi["by_industry"]) <= set(rows)
    for industry, figures in kpi["by_industry"].items():
        row = rows[industry]
        assert row["签约项目\n（个）"] == figures["signed"]
        assert row["签约投资\n（亿元）"] == pytest.approx(figures["signed_amount"] / 10_000)
        assert row["开工率"] == pytest.approx(figures["started_rate"])
        assert row["问题办结率"] in ("—", pytest.approx(figures["problems_resolved_rate"] or 0))
    copper = rows["铜"]
    assert (copper["签约项目\n（个）"], copper["处于签约\n（个）"], copper["已终止\n（个）"]) == (2, 1, 1)
    pv = rows["光伏"]
    assert (pv["处于签约\n（个）"], pv["处于开工\n（个）"], pv["开工率"]) == (1, 1, 0.5)
    assert rows["手机"]["签约项目\n（个）"] == 0 and rows["手机"]["开工率"] == "—"
    values = book.rows("汇总")
    total = next(r for r in values if r[0] == "合计")
    assert total[1] == kpi["signed"] == 4
    city_header = next(i for i, r in enumerate(values) if r[0] == "设区市")
    cities = {r[0]: r for r in values[city_header + 1:] if r[0] and r[0] != "合计"}
    assert set(kpi["by_city"]) <= set(cities) and len(cities) >= 11
    assert cities["九江市"][1] == kpi["by_city"]["九江市"]["signed"]
    ws = book.xl["汇总"]
    assert len(ws._charts) == 1 and ws.cell(4, 13).number_format == "0.00%"
    assert ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_filters_by_city_and_industry(cli, scenario, tmp_path):
    url, _ = scenario
    book = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat(), "--city", "九江", "--industry", "铜")
    assert [r["项目名称"] for r in book.records("项目推进表")] == [MINUS]
    assert "范围：九江市、铜" in book.rows("项目推进表")[1][0]
    assert [r["产业"] for r in book.records("汇总")] == ["铜"]
    book = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat(), "--industry", "pv")
    assert {r["产业"] for r in book.records("项目推进表")} == {"光伏"}


def test_same_data_gives_the_same_file(cli, scenario, tmp_path):
    url, _ = scenario
    first = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat()).path.read_bytes()
    again = _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat()).path.read_bytes()
    assert first == again


def test_the_collector_runs_again_after_an_export(cli, scenario, tmp_path):
    """Exports pause Python's cyclic collector while they run (crm.cli.context.batch), never beyond."""
    url, _ = scenario
    _export(cli, url, tmp_path, "--as-of", AS_OF.isoformat())
    assert gc.isenabled()
    assert cli("--db", url, "export", "weekly", "--week", "2012-W60", "--out", tmp_path / "w.xlsx").code == 1
    assert gc.isenabled()


def test_a_batch_process_freezes_its_heap_at_exit():
    """No collection over the whole heap while the process shuts down (registered once, however many batches)."""
    code = ("import atexit, gc\n"
            "atexit.register(lambda: print(gc.get_freeze_count() > 0, gc.isenabled()))  # runs last\n"
            "from crm.cli.context import batch\n"
            "with batch(): pass\n"
            "with batch(): pass\n"
            "print(gc.get_freeze_count())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "True", "True"]


@pytest.mark.parametrize("args, message", [
    (["--week", "2012-W60"], "周次无效"),
    (["--week", "十一周"], "周次无效"),
    (["--week", "2030-W01"], "尚未开始"),
    (["--as-of", "2012-02-30"], "日期无效"),
    (["--city", "火星"], "未知的地区"),
    (["--industry", "造船"], "未知的产业"),
])
def test_bad_input_is_one_line_and_leaves_the_file(cli, scenario, tmp_path, args, message):
    url, _ = scenario
    path = tmp_path / "weekly.xlsx"
    path.write_bytes(b"last week's report")
    result = cli("--db", url, "export", "weekly", *args, "--out", path)
    assert result.code == 1 and message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert path.read_bytes() == b"last week's report"


def test_unwritable_targets(cli, scenario, tmp_path):
    url, _ = scenario
    (tmp_path / "afile").write_text("x")
    before = sorted(p.name for p in tmp_path.iterdir())
    for target, message in ((tmp_path / "afile" / "weekly.xlsx", "不是文件夹"), (tmp_path / "no" / "w.xlsx", "文件夹不存在"),
                            (tmp_path, "这是一个文件夹"), (tmp_path / "weekly.csv", "须以 .xlsx 结尾")):
        result = cli("--db", url, "export", "weekly", "--out", target)
        assert result.code == 1 and message in result.err and result.err.count("\n") == 1, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    result = cli("--db", url, "export", "weekly", "--week", "2012-W11", "--as-of", "2012-03-14", "--out", "x.xlsx")
    assert result.code == 2


def test_english_headers(cli, scenario, tmp_path):
    url, _ = scenario
    path = tmp_path / "weekly-en.xlsx"
    assert cli("--lang", "en", "--db", url, "export", "weekly", "--as-of", "2012-03-14", "--out", path).code == 0
    book = read_book(path)
    assert book.names == ["Progress", "Changes", "Problems", "Supervision", "Deadlines", "Summary"]
    assert book.header("Progress")[:3] == ["No.", "Project", "Investor"]


def test_demo_progress_rows_are_the_live_signed_projects(cli, demo_backend, demo_database, tmp_path):
    book = _export(cli, demo_backend.url, tmp_path)
    with demo_database.unit_of_work(write=False) as session:
        live = session.scalars(select(Project).where(
            Project.signed_on.is_not(None), Project.status != ProjectStatus.TERMINATED)).all()
        expected = {p.name: p for p in live}
        rows = book.records("项目推进表")
        assert sorted(r["项目名称"] for r in rows) == sorted(expected)
        for row in rows:
            project = expected[row["项目名称"]]
            assert row["签约时间"] == project.signed_on
            assert row["合同引资额\n（亿元）"] == pytest.approx(float(project.contracted_amount / 10_000))
            assert row["当前阶段"] == {"signed": "签约", "construction": "开工", "production": "投产",
                                    "results": "见效"}[project.stage.value]
            assert row["所在地"] == project.region.name and row["投资方"] == project.investor.name
    ws = book.xl["项目推进表"]
    assert_list_form(ws, columns=17, rows=len(rows), freeze="C4")
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert_no_formulas_or_links(book.path)
