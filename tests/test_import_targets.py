"""`crm targets import`: the target table a commission circulates (a title above the header, amounts in
亿元, a 合计 row), written here with openpyxl or csv, lands as `crm targets progress` shows it on both
backends; a bad cell or an unknown unit is a rejected row naming its column; a dry run reports what the run
writes; the same file twice changes nothing; --strict writes nothing; undo takes a batch back; a hostile
file is refused whole and a city's login before anything is read."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crm.i18n import t
from tests.hostile_files import HOSTILE

TITLE = "2026年全省招商引资目标任务分解表"
HEADER = ["序号", "设区市", "签约项目数（个）", "签约资金（亿元）", "实际到位资金（亿元）", "开工项目数", "备注"]
ROWS = [
    [1, "南昌市", 120, 850.5, 600, 80, None],  # a city as commissions write it: the unit list says 南昌市政府
    [2, "九江", 90, 500, 350.25, 60, "含共青城"],
    [3, "赣州市政府", 100, 420.75, 300, 55, None],
    [None, "其中：南昌高新区", 30, 120, 80.5, 20, None],  # a park under its city
]
TOTAL = [None, "合计", 340, 1891.25, 1330.75, 215, None]
# (unit, indicator) → the target in 万元 or as a count: 亿元 × 10,000.
EXPECTED = {
    ("南昌市政府", "signed_projects"): 120, ("南昌市政府", "signed_amount"): 8505000,
    ("南昌市政府", "funds"): 6000000, ("南昌市政府", "started"): 80,
    ("九江市政府", "signed_projects"): 90, ("九江市政府", "signed_amount"): 5000000,
    ("九江市政府", "funds"): 3502500, ("九江市政府", "started"): 60,
    ("赣州市政府", "signed_projects"): 100, ("赣州市政府", "signed_amount"): 4207500,
    ("赣州市政府", "funds"): 3000000, ("赣州市政府", "started"): 55,
    ("南昌高新区", "signed_projects"): 30, ("南昌高新区", "signed_amount"): 1200000,
    ("南昌高新区", "funds"): 805000, ("南昌高新区", "started"): 20,
}


def commission_table(path: Path, rows: list[list] | None = None) -> Path:
    """As a commission sends it: a merged title, the unit line, the header, a row per unit, 合计, a note."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "目标任务"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([None, None, None, None, None, "单位：个、亿元"])
    sheet.append(HEADER)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    sheet.append(TOTAL)
    sheet.append(["注：到位资金为省外资金"])
    book.save(path)
    return path


@pytest.fixture
def db(backend, cli):
    """The cities' units as the demo names them, a park under 南昌, a provincial department."""
    for args in (("南昌市政府", "--kind", "city", "--city", "南昌"), ("九江市政府", "--kind", "city", "--city", "九江"),
                 ("赣州市政府", "--kind", "city", "--city", "赣州"),
                 ("南昌高新区", "--kind", "park", "--parent", "南昌市政府"), ("省商务厅", "--kind", "department")):
        result = cli("--db", backend.url, "units", "add", *args)
        assert result.code == 0, result.err
    return backend.url


def _import(cli, db, path, *options):
    return cli("--db", db, "targets", "import", path, *options)


def _targets(cli, db, year: int = 2026) -> dict:
    result = cli("--db", db, "targets", "progress", "--year", str(year), "--as-of", "2026-05-31", "--json")
    assert result.code == 0, result.err
    return {(r["unit"], r["indicator"]): r["target"] for r in result.json()["rows"]}


def _batches(cli, db) -> list[dict]:
    return cli("--db", db, "import", "list", "--json").json()


def test_a_commission_table_lands_as_progress_shows_it(cli, db, tmp_path):
    result = _import(cli, db, commission_table(tmp_path / "目标.xlsx"), "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data == {"file": "目标.xlsx", "dry_run": False, "rows": 4, "created": {"targets": 16},
                    "updated": {"targets": 0}, "errors": [], "batch": data["batch"],
                    "amounts": [{"sheet": "目标任务", "column": "签约资金（亿元）", "unit": "亿元", "stated": True},
                                {"sheet": "目标任务", "column": "实际到位资金（亿元）", "unit": "亿元", "stated": True}]}
    assert _targets(cli, db) == EXPECTED  # the year from the title; 合计 and the note are no units
    progress = cli("--db", db, "targets", "progress", "--year", "2026", "--as-of", "2026-05-31", "--json").json()
    row = next(r for r in progress["rows"] if (r["unit"], r["indicator"]) == ("南昌市政府", "signed_projects"))
    assert (row["actual"], row["completion"], row["share_of_year"], row["points_ahead"]) == (0, 0.0, 41.67, -41.67)
    assert [(b["kind"], b["counts"]["created"]) for b in _batches(cli, db)] == [("targets", {"targets": 16})]
    listed = cli("--db", db, "import", "list")
    assert listed.code == 0 and "目标" in listed.out and "16" in listed.out, listed.out + listed.err
    said = _import(cli, db, commission_table(tmp_path / "again.xlsx"))
    assert said.code == 0 and t("import_nothing_changed") in said.out
    assert "［签约资金（亿元）］按亿元读取" in said.out  # how the amounts were read is said


def test_a_bad_cell_or_an_unknown_unit_is_a_rejected_row_naming_its_column(cli, db, tmp_path):
    rows = [*ROWS[:2],
            [3, "赣州市政府", "十个", 420.75, 300, 55, None],
            [4, "抚州市", 10, 10, 10, 10, None],  # no unit of 抚州 in the list
            [5, "省商务厅", 10, 10, 10, 10, None],  # targets go to cities and parks
            [6, "南昌高新区", 30, -5, 80.5, 20, None],
            [7, "九江市", 1, 1, 1, 1, None]]  # 九江 again
    path = commission_table(tmp_path / "errors.xlsx", rows)
    strict = _import(cli, db, path, "--strict", "--json")
    assert strict.code == 4
    assert (strict.json()["created"], strict.json()["batch"]) == ({"targets": 0}, None)
    assert _targets(cli, db) == {} and _batches(cli, db) == []

    out = tmp_path / "rejected.xlsx"
    result = _import(cli, db, path, "--json", "--errors-out", out)
    assert result.code == 4
    errors = [(e["row"], e["column"], e["message"]) for e in result.json()["errors"]]
    assert [e[:2] for e in errors] == [(6, "签约项目数（个）"), (7, "设区市"), (8, "设区市"), (9, "签约资金（亿元）"),
                                       (10, "设区市")]
    assert "十个" in errors[0][2] and "抚州市" in errors[1][2]
    assert errors[2][2] == t("target_unit_kind", unit="省商务厅")
    assert "-5（亿元，-50000万元）" in errors[3][2]
    assert errors[4][2] == t("import_targets_same_unit", sheet="目标任务", row=5, unit="九江市政府")
    assert result.json()["created"] == {"targets": 8}  # the good rows are written, a rejected row not at all
    assert set(_targets(cli, db)) == {k for k in EXPECTED if k[0] in ("南昌市政府", "九江市政府")}

    from crm.importing.reader import open_workbook

    written = next(open_workbook(out).sheets()).rows
    assert written[0][:2] == ["序号", "设区市"] and written[0][-3:] == ["错误原因", "来源工作表", "来源行号"]
    assert [(r[1], str(r[-1]).removesuffix(".0")) for r in written[1:]] == [
        ("赣州市政府", "6"), ("抚州市", "7"), ("省商务厅", "8"), ("南昌高新区", "9"), ("九江市", "10")]


def test_a_dry_run_reports_what_the_run_writes_and_the_same_file_twice_changes_nothing(cli, db, tmp_path):
    path = commission_table(tmp_path / "目标.xlsx")
    dry = _import(cli, db, path, "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert _targets(cli, db) == {} and _batches(cli, db) == []
    real = _import(cli, db, path, "--json")
    assert {**real.json(), "dry_run": True, "batch": None} == dry.json()
    first = real.json()["batch"]

    again = _import(cli, db, path, "--json")
    assert again.code == 0
    assert (again.json()["created"], again.json()["updated"], again.json()["batch"]) == (
        {"targets": 0}, {"targets": 0}, None)
    assert t("import_same_file", batch=first) in again.err
    assert _targets(cli, db) == EXPECTED and len(_batches(cli, db)) == 1

    # A table with a changed value: the dry run and the run change that one target.
    changed = commission_table(tmp_path / "changed.xlsx", [ROWS[0][:2] + [125] + ROWS[0][3:], *ROWS[1:]])
    dry = _import(cli, db, changed, "--dry-run", "--json").json()
    assert (dry["created"], dry["updated"]) == ({"targets": 0}, {"targets": 1})
    assert _targets(cli, db) == EXPECTED
    second = _import(cli, db, changed, "--json").json()
    assert {**second, "dry_run": True, "batch": None} == dry
    assert _targets(cli, db)[("南昌市政府", "signed_projects")] == 125

    # Undo: the batches in turn, newest first; the first cannot go while the second stands.
    assert cli("--db", db, "import", "undo", str(first)).code == 1
    undone = cli("--db", db, "import", "undo", str(second["batch"]), "--json")
    assert undone.code == 0, undone.err
    assert undone.json() == {"batch": second["batch"], "removed": {"targets": 0}, "restored": {"targets": 1}}
    assert _targets(cli, db) == EXPECTED
    assert cli("--db", db, "import", "undo", str(first)).out.strip() == t(
        "import_targets_undone", batch=first, targets=16, restored=0)
    assert _targets(cli, db) == {}
    # A target set by hand after an import keeps the import from being undone over it.
    third = _import(cli, db, path, "--json").json()["batch"]
    assert cli("--db", db, "targets", "set", "--year", "2026", "--unit", "九江市政府", "--started", "61").code == 0
    refused = cli("--db", db, "import", "undo", str(third))
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert _targets(cli, db)[("九江市政府", "started")] == 61


def test_a_csv_with_a_year_column_and_industries(cli, db, tmp_path):
    assert cli("--db", db, "industries", "add", "光伏", "--code", "pv").code == 0
    path = tmp_path / "targets.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位", "年度", "产业", "签约项目数", "签约金额（万元）", "到位资金（万元）", "开工项目数"])
        writer.writerow(["南昌市政府", "2027", "", "5", "1,000", "200", "3"])
        writer.writerow(["南昌市政府", "2027年", "光伏", "2", "3亿元", "", "—"])  # a cell's own unit; no target
        writer.writerow(["九江市政府", "2026", "", "4", "1200", "100", "2"])
        writer.writerow(["九江市政府", "2027", "光伏、锂电", "4", "1200", "100", "2"])
    result = _import(cli, db, path, "--year", "2027", "--json")
    assert result.code == 4
    assert [(e["row"], e["column"]) for e in result.json()["errors"]] == [(4, "年度"), (5, "产业")]
    got = cli("--db", db, "targets", "progress", "--year", "2027", "--as-of", "2027-05-31", "--json").json()["rows"]
    assert {(r["unit"], r["industry"], r["indicator"]): r["target"] for r in got} == {
        ("南昌市政府", None, "signed_projects"): 5, ("南昌市政府", None, "signed_amount"): 1000,
        ("南昌市政府", None, "funds"): 200, ("南昌市政府", None, "started"): 3,
        ("南昌市政府", "光伏", "signed_projects"): 2, ("南昌市政府", "光伏", "signed_amount"): 30000}
    no_year = tmp_path / "no-year.csv"
    no_year.write_text("单位,签约项目数\n南昌市政府,5\n", encoding="utf-8")
    refused = _import(cli, db, no_year)
    assert refused.code == 1 and refused.err.count("\n") == 1 and "--year" in refused.err


def test_a_hostile_file_is_refused_whole(cli, db, tmp_path):
    path = HOSTILE["xlsx cell XFD1048576"](tmp_path)
    result = _import(cli, db, path, "--year", "2026")
    assert result.code == 3 and result.err.count("\n") == 1 and result.out == ""
    assert _targets(cli, db) == {} and _batches(cli, db) == []
    page = tmp_path / "page.xls"
    page.write_text("<html><body><table><tr><td>姓名</td><td>手机</td></tr></table></body></html>", encoding="utf-8")
    assert _import(cli, db, page).code == 3  # a web page's table, but no target table


def test_a_city_login_is_refused_in_one_line(cli, db, tmp_path, monkeypatch):
    path = commission_table(tmp_path / "目标.xlsx")
    batch = _import(cli, db, path, "--json").json()["batch"]
    assert cli("--db", db, "staff", "add", "nc", "--unit", "南昌市政府").code == 0
    monkeypatch.setenv("CRM_USER", "nc")
    changed = commission_table(tmp_path / "changed.xlsx", [ROWS[0][:2] + [1] + ROWS[0][3:]])
    for args in ((changed,), (changed, "--dry-run", "--json")):
        result = _import(cli, db, *args)
        assert (result.code, result.out, result.err) == (1, "", f"crm: 错误: {t('targets_provincial')}\n")
    undo = cli("--db", db, "import", "undo", str(batch))
    assert (undo.code, undo.err) == (1, f"crm: 错误: {t('targets_provincial')}\n")
    monkeypatch.setenv("CRM_USER", "tester")
    assert _targets(cli, db) == EXPECTED
