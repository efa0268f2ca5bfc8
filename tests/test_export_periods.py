"""The monthly and quarterly forms of `crm export weekly` (--month, --quarter) on the demo, on SQLite and
PostgreSQL: titles and the period's changes, and the 汇总's targets, 序时进度, ranking and chart read back
against `crm targets progress --json` and `crm targets rank --json`."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from crm.errors import CrmError
from crm.services.weekly import parse_month, parse_quarter, report_week
from db.models import Stage, StageStep
from db.session import Database
from tests.test_export_weekly import WEEKLY_SHEETS
from tests.test_export_workbook import assert_no_formulas_or_links, read_book

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PIPELINE = [Stage.SIGNED, Stage.CONSTRUCTION, Stage.PRODUCTION, Stage.RESULTS]
TODAY = dt.date(2026, 11, 27)
# The demo's projects are signed in 2011: targets for that year, by city (two indicators each, one city
# with only one) and one per industry, which the ranking leaves out.
TARGETS = [
    ("南昌市政府", "signed_projects", "5", None),
    ("南昌市政府", "signed_amount", "100000", None),
    ("九江市政府", "signed_projects", "3", None),
    ("九江市政府", "signed_amount", "50000", None),
    ("赣州市政府", "signed_projects", "2", None),
    ("赣州市政府", "signed_amount", "80000", None),
    ("宜春市政府", "signed_projects", "4", None),
    ("南昌市政府", "signed_projects", "2", "光伏"),
]
INDICATOR_LABELS = {"signed_projects": "签约项目数", "signed_amount": "签约金额", "funds": "到位资金",
                    "started": "开工项目数"}
COUNTED = ("signed_projects", "started")


def _export(cli, url, path, *args):
    result = cli("--db", url, "export", "weekly", *args, "--out", path)
    assert result.code == 0, result.err
    return read_book(path)


@pytest.fixture
def with_targets(cli, demo_backend):
    for unit, indicator, value, industry in TARGETS:
        args = ["--industry", industry] if industry else []
        result = cli("--db", demo_backend.url, "targets", "set", "--year", "2011", "--unit", unit,
                     "--" + indicator.replace("_", "-"), value, *args)
        assert result.code == 0, result.err
    return demo_backend.url


def _steps_between(url, first, last) -> list[tuple[dt.date, str]]:
    database = Database(url)
    with database.unit_of_work(write=False) as session:
        found = session.execute(select(StageStep.happened_on, StageStep.stage).where(
            StageStep.happened_on.between(first, last), StageStep.stage.in_(PIPELINE),
            StageStep.superseded.is_(False), StageStep.retracted.is_(False))).all()
    database.dispose()
    return sorted((on, stage.value) for on, stage in found)


def _changes(book, sheet) -> list[tuple[dt.date, str]]:
    labels = {"新签约": "signed", "开工": "construction", "投产": "production", "见效": "results"}
    return sorted((r["日期"], labels[r["变化"]]) for r in book.records(sheet))


# --- the period -----------------------------------------------------------------------------------------
def test_periods_parse_and_run_to_their_end_or_today():
    assert parse_month("2011-11") == (dt.date(2011, 11, 1), dt.date(2011, 11, 30))
    assert parse_month("2012-2") == (dt.date(2012, 2, 1), dt.date(2012, 2, 29))
    assert parse_month("2011年11月") == parse_month("2011-11")
    assert parse_quarter("2011-Q4") == (dt.date(2011, 10, 1), dt.date(2011, 12, 31))
    assert parse_quarter("2011q1") == parse_quarter("2011年第一季度") == (dt.date(2011, 1, 1), dt.date(2011, 3, 31))
    month = report_week(as_of=None, week=None, month="2011-11", today=TODAY)
    assert (month.as_of, month.first, month.last, month.kind, month.label) == (
        dt.date(2011, 11, 30), dt.date(2011, 11, 1), dt.date(2011, 11, 30), "month", "2011-11")
    running = report_week(as_of=None, week=None, quarter="2026-Q4", today=TODAY)
    assert (running.as_of, running.first, running.last, running.last_day, running.label) == (
        TODAY, dt.date(2026, 10, 1), dt.date(2026, 12, 31), TODAY, "2026-Q4")
    for bad in ("2011-13", "2011-00", "11-2011", "2011", "0999-01", ""):
        with pytest.raises(CrmError):
            parse_month(bad)
    for bad in ("2011-Q5", "2011-Q0", "2011-4", "Q4-2011"):
        with pytest.raises(CrmError):
            parse_quarter(bad)


# --- the forms ------------------------------------------------------------------------------------------
def test_month_titles_and_the_months_changes(cli, demo_backend, tmp_path):
    url = demo_backend.url
    book = _export(cli, url, tmp_path / "month.xlsx", "--month", "2011-11")
    assert book.names == ["项目推进表", "本月变化", *WEEKLY_SHEETS[2:]]
    assert book.xl.properties.title == "招商签约项目推进月报（2011年11月）"
    assert book.xl["项目推进表"].cell(2, 1).value.startswith("截至 2011-11-30　本月：2011-11-01 至 2011-11-30")
    changes = book.xl["本月变化"]
    assert changes.cell(1, 1).value == "本月新签约与阶段变化"
    assert "本月进展" in book.header("项目推进表") and "本周进展" not in book.header("项目推进表")

    in_month = _steps_between(url, dt.date(2011, 11, 1), dt.date(2011, 11, 30))
    assert len(in_month) >= 10 and _changes(book, "本月变化") == in_month
    # The progress column holds the month's follow-ups and steps only (lines start MM-DD).
    for row in book.records("项目推进表"):
        for line in filter(None, (row["本月进展"] or "").split("\n")):
            if re.match(r"\d\d-\d\d ", line):
                assert line.startswith("11-"), line
    # Everything else as of the month's end: the projects signed by then.
    signed = {r["项目名称"]: r["签约时间"] for r in book.records("项目推进表")}
    assert signed and max(signed.values()) <= dt.date(2011, 11, 30)
    week = _export(cli, url, tmp_path / "week.xlsx", "--week", "2011-W47")
    assert set(_changes(week, "本周变化")) < set(in_month)
    assert_no_formulas_or_links(book.path)


def test_quarter_titles_and_the_quarters_changes(cli, demo_backend, tmp_path):
    url = demo_backend.url
    book = _export(cli, url, tmp_path / "quarter.xlsx", "--quarter", "2011-Q4")
    assert book.names == ["项目推进表", "本季度变化", *WEEKLY_SHEETS[2:]]
    assert book.xl.properties.title == "招商签约项目推进季报（2011年第四季度）"
    assert book.xl["本季度变化"].cell(1, 1).value == "本季度新签约与阶段变化"
    assert book.xl["汇总"].cell(2, 1).value.startswith("截至 2011-12-31　本季度：2011-10-01 至 2011-12-31")
    in_quarter = _steps_between(url, dt.date(2011, 10, 1), dt.date(2011, 12, 31))
    assert {stage for _, stage in in_quarter} >= {"signed", "construction", "production"}
    assert _changes(book, "本季度变化") == in_quarter
    month = _export(cli, url, tmp_path / "month.xlsx", "--month", "2011-11")
    assert set(_changes(month, "本月变化")) < set(in_quarter)


def test_a_running_period_is_reported_as_of_today(cli, demo_backend, tmp_path):
    book = _export(cli, demo_backend.url, tmp_path / "now.xlsx", "--quarter", "2026-Q4")
    assert book.xl.properties.title == "招商签约项目推进季报（2026年第四季度）"
    assert book.xl["项目推进表"].cell(2, 1).value.startswith("截至 2026-11-27　本季度：2026-10-01 至 2026-12-31")
    book = _export(cli, demo_backend.url, tmp_path / "now.xlsx", "--month", "2026-11")
    assert book.xl["本月变化"].cell(2, 1).value.startswith("截至 2026-11-27　本月：2026-11-01 至 2026-11-30")


# --- the summary: targets, ranking, chart ---------------------------------------------------------------
def _table_after(rows: list[list], caption: str) -> tuple[int, list[str], list[list]]:
    """The table under the caption starting with `caption`: (its first data row, 0-based), header, rows."""
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith(caption))
    header = [h for h in rows[at + 1] if h != ""]
    body = []
    for values in rows[at + 2:]:
        if values[:2] == ["", ""]:
            break
        body.append(values[:len(header)])
    return at + 2, header, body


@pytest.mark.parametrize("period, as_of", [(("--month", "2011-11"), "2011-11-30"),
                                           (("--quarter", "2011-Q4"), "2011-12-31")])
def test_summary_targets_and_ranking_match_the_targets_commands(cli, with_targets, tmp_path, period, as_of):
    url = with_targets
    book = _export(cli, url, tmp_path / "period.xlsx", *period)
    progress = cli("--db", url, "targets", "progress", "--year", "2011", "--as-of", as_of, "--json").json()
    ranking = cli("--db", url, "targets", "rank", "--year", "2011", "--as-of", as_of, "--json").json()
    ws = book.xl["汇总"]
    rows = book.rows("汇总")
    assert f"目标：2011 年度，截至 {as_of}，排名参评设区市 {len(ranking['cohort'])} 个" in ws.cell(2, 1).value

    share = progress["rows"][0]["share_of_year"]
    first, header, body = _table_after(rows, f"2011年度目标任务完成情况（截至 {as_of}，序时进度 {share:.2f}%）")
    assert header == ["单位", "产业", "指标", "目标", "完成", "完成率", "序时进度", "超序时进度\n（百分点）"]
    assert len(body) == len(progress["rows"]) == len(TARGETS)
    for n, (values, expected) in enumerate(zip(body, progress["rows"])):
        indicator = expected["indicator"]
        scale = 1 if indicator in COUNTED else 10_000
        assert values[:3] == [expected["unit"], expected["industry"] or "全部",
                              INDICATOR_LABELS[indicator] + ("（个）" if indicator in COUNTED else "（亿元）")]
        assert values[3] == pytest.approx(expected["target"] / scale)
        assert values[4] == pytest.approx(expected["actual"] / scale)
        assert values[5] == pytest.approx(expected["completion"] / 100)
        assert values[6] == pytest.approx(expected["share_of_year"] / 100)
        assert values[7] == pytest.approx(expected["points_ahead"])
        row = first + n + 1
        assert [ws.cell(row, c).number_format for c in (6, 7, 8)] == ["0.00%", "0.00%", "+0.00;-0.00;0.00"]
        assert ws.cell(row, 4).number_format == ("#,##0" if indicator in COUNTED else "#,##0.00")
        assert all(ws.cell(row, c).data_type == "n" for c in range(4, 9))
    if as_of.endswith("12-31"):
        assert share == 100.0

    first, header, body = _table_after(rows, f"设区市排名（截至 {as_of}，参评 {len(ranking['cohort'])} 个设区市）")
    indicators = list(ranking["rows"][0]["completion"])
    assert indicators == ["signed_projects", "signed_amount"]
    assert header == ["名次", "单位", "得分", "签约项目数\n完成率", "签约金额\n完成率", "序时进度"]
    assert [v[1] for v in body] == ranking["cohort"]
    assert sorted(ranking["cohort"]) == sorted({unit for unit, _, _, industry in TARGETS if industry is None})
    for values, expected in zip(body, ranking["rows"]):
        assert values[0] == expected["rank"] and values[1] == expected["unit"]
        assert values[2] == pytest.approx(expected["score"])
        for value, indicator in zip(values[3:5], indicators):
            completion = expected["completion"][indicator]
            assert value == ("—" if completion is None else pytest.approx(completion / 100))
        assert values[5] == pytest.approx(share / 100)
    assert ws.cell(first + 1, 4).number_format == "0.00%" and ws.cell(first + 1, 3).number_format == "#,##0.00"

    # The chart: columns of each indicator's 完成率 by city and the 序时进度 line, read from the ranking's cells.
    assert len(ws._charts) == 2
    chart = ws._charts[1]
    kinds = [type(part).__name__ for part in chart._charts]
    assert kinds == ["BarChart", "LineChart"] and chart._charts[0].barDir == "col"
    series = [s for part in chart._charts for s in part.series]
    assert len(series) == len(indicators) + 1
    ranked_rows = (first + 1, first + len(body))
    for s, column in zip(series, ["D", "E", "F"]):
        assert _ref(s.val.numRef.f) == (column, *ranked_rows)
        assert _ref(s.cat.strRef.f if s.cat.strRef else s.cat.numRef.f) == ("B", *ranked_rows)
    assert [ws[f"B{r}"].value for r in range(ranked_rows[0], ranked_rows[1] + 1)] == ranking["cohort"]
    assert (chart.anchor._from.row, chart.anchor._from.col) == (first - 1, 7)  # beside the ranking, from its header


def _ref(formula: str) -> tuple[str, int, int]:
    match = re.fullmatch(r"'?汇总'?!\$([A-Z]+)\$(\d+):\$\1\$(\d+)", formula)
    assert match, formula
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_a_filtered_summary_shows_its_citys_targets_and_the_whole_ranking(cli, with_targets, tmp_path):
    book = _export(cli, with_targets, tmp_path / "nc.xlsx", "--month", "2011-11", "--city", "南昌")
    rows = book.rows("汇总")
    _, _, body = _table_after(rows, "2011年度目标任务完成情况")
    assert {v[0] for v in body} == {"南昌市政府"} and len(body) == 3
    _, _, ranked = _table_after(rows, "设区市排名")
    assert len(ranked) == 4


def test_without_targets_the_summary_is_as_before(cli, demo_backend, tmp_path):
    book = _export(cli, demo_backend.url, tmp_path / "month.xlsx", "--month", "2011-11")
    ws = book.xl["汇总"]
    assert len(ws._charts) == 1
    assert not any(isinstance(v, str) and ("目标" in v or "排名" in v) for r in book.rows("汇总") for v in r)
    # Another year's targets leave this year's summary alone.
    assert cli("--db", demo_backend.url, "targets", "set", "--year", "2012", "--unit", "南昌市政府",
               "--signed-projects", "3").code == 0
    again = _export(cli, demo_backend.url, tmp_path / "again.xlsx", "--month", "2011-11")
    assert again.path.read_bytes() == book.path.read_bytes()


def test_same_data_gives_the_same_monthly_file(cli, with_targets, tmp_path):
    first = _export(cli, with_targets, tmp_path / "a.xlsx", "--month", "2011-11").path.read_bytes()
    again = _export(cli, with_targets, tmp_path / "b.xlsx", "--month", "2011-11").path.read_bytes()
    assert first == again
    assert_no_formulas_or_links(tmp_path / "a.xlsx")


@pytest.mark.parametrize("args, message", [
    (["--month", "2011-13"], "月份无效"),
    (["--month", "十一月"], "月份无效"),
    (["--month", "2026-12"], "尚未开始"),
    (["--quarter", "2011-Q5"], "季度无效"),
    (["--quarter", "2011-11"], "季度无效"),
    (["--quarter", "2027-Q1"], "尚未开始"),
    (["--month", "9" * 40 + "-01"], "月份无效"),
    (["--quarter", "2011-Q4\x00; DROP TABLE projects"], "季度无效"),
])
def test_bad_periods_are_one_line_and_leave_the_file(cli, demo_backend, tmp_path, args, message):
    path = tmp_path / "month.xlsx"
    path.write_bytes(b"last month's report")
    result = cli("--db", demo_backend.url, "export", "weekly", *args, "--out", path)
    assert result.code == 1 and message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert path.read_bytes() == b"last month's report"


def test_one_period_at_a_time(cli, demo_backend, tmp_path):
    for args in (["--month", "2011-11", "--quarter", "2011-Q4"], ["--month", "2011-11", "--week", "2011-W47"],
                 ["--quarter", "2011-Q4", "--as-of", "2011-11-30"]):
        assert cli("--db", demo_backend.url, "export", "weekly", *args, "--out", tmp_path / "x.xlsx").code == 2


def test_english_period_titles(cli, demo_backend, tmp_path):
    path = tmp_path / "en.xlsx"
    assert cli("--lang", "en", "--db", demo_backend.url, "export", "weekly", "--quarter", "2011-Q4",
               "--out", path).code == 0
    book = read_book(path)
    assert book.xl.properties.title == "Quarterly progress of signed projects (2011-Q4)"
    assert book.xl["Progress"].cell(2, 1).value.startswith("As of 2011-12-31   quarter: 2011-10-01 to 2011-12-31")
    assert "This quarter" in book.header("Progress")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_monthly_and_quarterly_reports_convert_to_pdf(cli, sqlite_demo_template, tmp_path):
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    for unit, indicator, value, industry in TARGETS[:6]:
        assert cli("--db", url, "targets", "set", "--year", "2011", "--unit", unit,
                   "--" + indicator.replace("_", "-"), value).code == 0
    paths = [tmp_path / "month.xlsx", tmp_path / "quarter.xlsx"]
    _export(cli, url, paths[0], "--month", "2011-11")
    _export(cli, url, paths[1], "--quarter", "2011-Q4")
    converted = subprocess.run(
        [OFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    for path in paths:
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert "目标任务完成情况" in text and "设区市排名" in text and "赣州市政府" in text
