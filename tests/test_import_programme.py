"""`crm import programme`: the commission's table (tests/fixtures, written by make_programme_tables.py) in
every format gives the same events with their deadlines; the same file twice creates nothing, a changed
table updates and its undo restores; dry run = real run; --strict; errors name sheet, row and column;
hostile files are refused whole; the import makes what `crm events add` makes of the same values."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crm.i18n import t
from tests.conftest import CORPUS, needs_corpus
from tests.test_import_builders import HEADER, billion_laughs, person_rows, rewrite_zip, write_xlsx

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAIN = FIXTURES / "programme-2026.xlsx"
CHANGED = FIXTURES / "programme-2026-changed.xlsx"
FORMATS = ["programme-2026.xlsx", "programme-2026-wps.xls", "programme-2026.ods", "programme-2026-gbk.csv"]
JSON_KEYS = ["file", "dry_run", "rows", "created", "updated", "errors", "batch"]
P1, C1, P3 = "以省政府名义举办的重大活动", "以设区市为主举办的产业对接会", "以省政府名义举办的合作推进会"
SUPPORT = ["有关设区市政府", "相关省直部门"]

# ref, title, parent, level, kind, group, city, venue, (starts_on, ends_on, precision), scale,
# (hosts, co_hosts, supporters, coordinators), industries, invitee_types, (plan_due, summary_due)
EXPECTED = [
    ("E0001", "江西省战略性新兴产业发展合作推介会", None, "provincial", "promotion", P1, None, "北京人民大会堂",
     ("2026-03-01", "2026-03-31", "month"), 500,
     (["江西省人民政府", "省工信委", "省发改委", "省商务厅", "南昌市政府"], [], ["相关部门"], ["推进办"]),
     ["光伏", "新能源汽车"], ["国家部委领导", "国内外客商"], ("2026-01-15", "2026-04-14")),
    ("E0002", "第二届世界低碳与生态经济大会系列合作推进会", None, "provincial", "cooperation", P1, "南昌市", None,
     ("2026-11-01", "2026-11-30", "month"), None, (["省工信委"], [], SUPPORT, ["推进办"]), [], [],
     (None, None)),  # an activity holding meetings: its meetings file the plans and summaries
    ("E0003", "光伏产业合作推进会", "E0002", "provincial", "cooperation", P1, "南昌市", None,
     ("2026-11-01", "2026-11-30", "month"), 250, (["新余市政府", "上饶市政府", "南昌市政府"], [], SUPPORT, ["新兴产业处"]),
     ["光伏"], ["国家部委领导", "国内外客商", "重点产业园区"], ("2026-09-17", "2026-12-14")),
    ("E0004", "新能源汽车及动力电池产业合作推进会", "E0002", "provincial", "cooperation", P1, "南昌市", None,
     ("2026-11-01", "2026-11-30", "month"), 200,
     (["宜春市政府"], ["南昌市政府", "吉安市政府", "赣州市政府"], SUPPORT, ["装备工业处"]), ["新能源汽车", "动力电池"],
     ["国家部委领导", "科研院所"], ("2026-09-17", "2026-12-14")),
    ("E0005", "香港招商引资活动周战略性新兴产业合作推进会", None, "provincial", "cooperation", P1, None, "香港",
     ("2026-05-11", "2026-05-20", "dekad"), None, (["省工信委"], ["省商务厅"], ["有关设区市政府"], ["推进办"]),
     ["光伏", "绿色照明", "生物和新医药", "服务外包"], [], ("2026-03-27", "2026-06-03")),
    ("E0006", "战略性新兴产业重大项目与金融机构合作对接会", None, "provincial", "finance", P1, "南昌市", None,
     ("2026-07-01", "2026-09-30", "quarter"), None, (["省工信委", "省金融办"], [], ["有关设区市政府"], ["推进办", "综合处"]),
     [], ["金融机构"], ("2026-05-17", "2026-10-14")),
    ("E0007", "战略性新兴产业签约项目集中开工仪式", None, "provincial", "groundbreaking", P1, None, None,
     ("2026-07-01", "2026-12-31", "half"), None, (["项目相对集中的设区市政府"], [], ["有关设区市政府"], ["投资规划处"]),
     [], [], ("2026-05-17", "2027-01-14")),
    ("E0008", "生物和新医药产业融资对接会", None, "city", "finance", C1, "抚州市", None,
     ("2026-04-15", "2026-04-16", "day"), 60, (["抚州市政府"], [], [], ["医药工业处"]), ["生物和新医药"],
     ["省内重点企业", "金融机构"], ("2026-03-16", "2026-04-30")),
    ("E0009", "化工博士与企业家对接会", None, "city", "matchmaking", C1, "九江市", None,
     ("2026-04-20", "2026-04-21", "day"), 60, (["九江市政府"], [], [], ["石化工业处"]), ["有机硅"], [],
     ("2026-03-21", "2026-05-05")),
    ("E0010", "稀土钨新材料研讨会", None, "city", "seminar", C1, "赣州市", None, ("2026-06-18", "2026-06-18", "day"), 200,
     (["赣州市政府"], [], [], ["有色工业处"]), ["稀土", "钨"], [], ("2026-05-19", "2026-07-02")),
    ("E0011", "铜产业合作论坛", None, "city", "forum", C1, "鹰潭市", None, ("2026-03-11", "2026-03-20", "dekad"), 100,
     (["鹰潭市政府"], [], [], ["有色工业处"]), ["铜"], [], ("2026-02-09", "2026-04-03")),
    ("E0012", "新能源汽车及配套产业合作推进会", None, "provincial", "cooperation", P3, "赣州市", None,
     ("2026-09-01", "2026-09-30", "month"), 200, (["赣州市政府"], [], SUPPORT, ["装备工业处"]), ["新能源汽车"], [],
     ("2026-07-18", "2026-10-14")),
    ("E0013", "半导体照明产业合作推进会", None, "provincial", "cooperation", P3, "吉安市", None,
     ("2026-04-01", "2026-06-30", "quarter"), 240, (["吉安市政府"], [], ["有关设区市政府"], ["电子信息处"]), ["绿色照明"],
     [], ("2026-02-15", "2026-07-14")),
    ("E0014", "非金属新材料(工业陶瓷)产业合作推进会", None, "provincial", "cooperation", P3, "萍乡市", None,
     ("2026-01-01", "2026-12-31", "year"), 200, (["萍乡市政府"], [], ["有关设区市政府"], ["建材工业处"]), ["工业陶瓷"], [],
     ("2025-11-17", "2027-01-14")),
    ("E0015", "手机产业合作推进会", None, "provincial", "cooperation", P3, "九江市", "九江市共青城",
     ("2026-01-01", "2026-12-31", "unknown"), 160, (["九江市政府"], [], ["有关设区市政府"], ["电子信息处"]), ["手机"], [],
     (None, None)),
]
CREATED = {"events": 15, "units": 29, "industries": 12}


@pytest.fixture
def db(backend, cli):
    result = cli("--db", backend.url, "programmes", "add", "--year", "2026", "--title", "2026年招商推介活动方案", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"ref": "2026"}
    return backend.url


def _import(cli, db, path, *options):
    return cli("--db", db, "import", "programme", path, "--programme", "2026", *options)


def _events(cli, db) -> list[dict]:
    return cli("--db", db, "events", "list", "--json").json()


def _as_expected(event: dict) -> tuple:
    return (event["ref"], event["title"], event["parent"], event["level"], event["kind"], event["programme_group"],
            event["city"], event["venue"], (event["starts_on"], event["ends_on"], event["date_precision"]),
            event["planned_scale"], (event["hosts"], event["co_hosts"], event["supporters"], event["coordinators"]),
            event["industries"], event["invitee_types"], (event["plan_due"], event["summary_due"]))


def _names(cli, db, what: str) -> list[str]:
    return [row["name"] for row in cli("--db", db, what, "list", "--json").json()]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_gives_the_programme(cli, db, name):
    result = _import(cli, db, FIXTURES / name, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert list(data) == JSON_KEYS
    assert data == {"file": name, "dry_run": False, "rows": 15, "created": CREATED, "updated": {"events": 0},
                    "errors": [], "batch": data["batch"]}
    assert [_as_expected(e) for e in _events(cli, db)] == EXPECTED
    assert "软件服务业处" not in _names(cli, db, "units") and "推进办" in _names(cli, db, "units")


def test_the_same_file_twice_creates_nothing_and_a_dry_run_counts_what_a_run_writes(cli, db):
    dry = _import(cli, db, MAIN, "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert (dry.json()["dry_run"], dry.json()["created"], dry.json()["batch"]) == (True, CREATED, None)
    assert _events(cli, db) == [] and cli("--db", db, "import", "list", "--json").json() == []
    first = _import(cli, db, MAIN, "--json").json()
    assert {**first, "dry_run": True, "batch": None} == dry.json()
    events = _events(cli, db)
    again = _import(cli, db, MAIN, "--json")
    assert again.code == 0
    assert (again.json()["created"], again.json()["updated"]) == (dict.fromkeys(CREATED, 0), {"events": 0})
    assert again.json()["batch"] is None  # nothing changed: no empty batch to undo
    assert f"批次 {first['batch']}" in again.err  # the same file was imported before
    assert _events(cli, db) == events
    listed = cli("--db", db, "import", "list", "--json").json()
    assert [(b["kind"], b["programme"], b["event"], b["counts"]["rows"], b["counts"]["created"]) for b in listed] == [
        ("programme", "2026", None, 15, CREATED)]
    said = _import(cli, db, MAIN)
    assert said.code == 0 and said.err == ""
    assert said.out.splitlines()[3:] == ["  " + t("import_nothing_changed"), t("import_same_file", batch=first["batch"])]
    assert "无变化" in said.out
    english = cli("--lang", "en", "--db", db, "import", "programme", MAIN, "--programme", "2026")
    assert english.code == 0 and "  nothing changed: " in english.out
    assert len(cli("--db", db, "import", "list", "--json").json()) == 1
    # A table that does change something records its batch as before.
    changed = _import(cli, db, CHANGED, "--json")
    assert changed.code == 0 and changed.json()["batch"] is not None


def test_a_changed_table_updates_what_changed_and_its_undo_restores_it(cli, db):
    first = _import(cli, db, MAIN, "--json").json()
    before = _events(cli, db)
    dry = _import(cli, db, CHANGED, "--dry-run", "--json")
    result = _import(cli, db, CHANGED, "--json")
    assert result.code == 0, result.err
    expected = {"file": CHANGED.name, "dry_run": False, "rows": 16,
                "created": {"events": 1, "units": 1, "industries": 0}, "updated": {"events": 3}, "errors": []}
    assert {k: v for k, v in result.json().items() if k != "batch"} == expected
    assert {k: v for k, v in dry.json().items() if k != "batch"} == {**expected, "dry_run": True}
    after = {e["title"]: e for e in _events(cli, db)}
    assert len(after) == 16
    assert after["光伏产业合作推进会"]["planned_scale"] == 300
    hk = after["香港招商引资活动周战略性新兴产业合作推进会"]
    assert (hk["starts_on"], hk["ends_on"], hk["date_precision"], hk["plan_due"]) == (
        "2026-05-21", "2026-05-31", "dekad", "2026-04-06")
    assert after["战略性新兴产业重大项目与金融机构合作对接会"]["hosts"] == ["省工信委", "省金融办", "省发改委"]
    new = after["服务外包产业合作推进会"]
    # (Its ref is the next free one: E0016, or later on PostgreSQL, whose sequences the dry run advanced.)
    assert (new["parent"], new["level"], new["coordinators"]) == ("E0002", "provincial", ["软件服务业处"])
    assert (new["starts_on"], new["ends_on"]) == ("2026-11-01", "2026-11-30")  # the activity's merged time

    batch = result.json()["batch"]
    undone = cli("--db", db, "import", "undo", str(batch), "--json")
    assert undone.code == 0, undone.err
    assert undone.json() == {"batch": batch, "removed": {"events": 1, "units": 1, "industries": 0},
                             "restored": {"events": 3, "units": 0, "industries": 0}}
    assert _events(cli, db) == before
    assert "软件服务业处" not in _names(cli, db, "units")
    # The first import again, undone after the one that changed its events was: everything goes.
    undone = cli("--db", db, "import", "undo", str(first["batch"]))
    assert undone.code == 0, undone.err
    assert undone.out.strip() == f"已撤销批次 {first['batch']}：删除活动 15 个、单位 29 家、产业 12 个，恢复 0 个活动"
    assert (_events(cli, db), _names(cli, db, "industries")) == ([], [])
    # What stays: the units standing for the province and the cities its events belonged to (crm.rules.scope).
    kinds = {u["name"]: u["kind"] for u in cli("--db", db, "units", "list", "--json").json()}
    assert set(kinds.values()) <= {"province", "city"} and "省本级" in kinds


def test_undo_is_refused_once_an_imported_event_was_edited_or_used(cli, db):
    batch = _import(cli, db, MAIN, "--json").json()["batch"]
    assert cli("--db", db, "events", "edit", "E0001", "--scale", "600").code == 0
    refused = cli("--db", db, "import", "undo", str(batch))
    assert refused.code == 1 and "导入后又被修改过" in refused.err
    assert cli("--db", db, "events", "edit", "E0001", "--scale", "约500人").code == 0  # put back: still changed since
    assert cli("--db", db, "import", "undo", str(batch)).code == 1


def test_undo_is_refused_while_a_meeting_added_by_hand_hangs_under_an_imported_activity(cli, db):
    batch = _import(cli, db, MAIN, "--json").json()["batch"]
    added = cli("--db", db, "events", "add", "--programme", "2026", "--title", "（3）服务外包产业合作推进会",
                "--parent", "E0002", "--json")
    assert added.code == 0, added.err
    refused = cli("--db", db, "import", "undo", str(batch))
    assert refused.code == 1
    assert refused.err.strip().endswith(t("import_programme_undo_referenced", count=1))
    assert len(_events(cli, db)) == 16


def test_an_imported_event_is_what_events_add_makes_of_the_same_values(cli, backend, db, tmp_path):
    if backend.name != "sqlite":
        pytest.skip("compared on SQLite: a second database of its own")
    assert _import(cli, db, MAIN).code == 0
    imported = cli("--db", db, "events", "show", "E0001", "--json").json()
    other = str(tmp_path / "by-hand.sqlite3")
    assert cli("--db", other, "programmes", "add", "--year", "2026", "--title", "2026年招商推介活动方案").code == 0
    for industry in ("光伏", "新能源汽车"):  # by hand, industries are entered before an event names them
        assert cli("--db", other, "industries", "add", industry).code == 0
    typed = cli("--db", other, "events", "add", "--programme", "2026", "--title", "江西省战略性新兴产业发展合作推介会",
                "--level", "provincial", "--group", P1, "--place", "北京人民大会堂", "--when", "2026年3月",
                "--scale", "约500人", "--host", "江西省人民政府", "--host", "省工信委、省发改委，省商务厅\n南昌市政府",
                "--supporter", "相关部门", "--coordinator", "推进办", "--industry", "光伏；新能源汽车",
                "--invitee-type", "国家部委领导", "--invitee-type", "国内外客商", "--notes", "在人民大会堂举行")
    assert typed.code == 0, typed.err
    assert cli("--db", other, "events", "show", "E0001", "--json").json() == imported


ERROR_ROWS = [
    ["2026年招商推介活动安排表"],
    ["序号", "活动名称", "时间", "地点", "承办单位", "规模", "产业"],
    ["一、以省政府名义举办的重大活动"],
    ["1", "光伏产业合作推进会", "3月32日", "南昌", "新余市政府", "约250人", "光伏"],
    [None, "（1）光伏分会", "3月", "南昌", "新余市政府", None, None],
    ["2", "铜产业合作论坛", "10月", "鹰潭", "鹰潭市政府", "很多人", "铜"],
    ["3", "稀土钨新材料研讨会", "6月", "赣州", "赣" * 130, 150, "稀土"],
    ["4", "光伏产业合作推进会", "11月", "南昌", "南昌市政府", 200, "光伏"],
    ["5", None, "9月", "吉安", "吉安市政府", 240, None],
    ["6", "手机产业合作推进会", "待定", "九江", "九江市政府", "约160人", "手机"],
]


def _error_table(tmp_path) -> Path:
    return write_xlsx(tmp_path / "安排表.xlsx", {"安排表": ERROR_ROWS})


def test_rejected_rows_name_sheet_row_and_column(cli, db, tmp_path):
    result = _import(cli, db, _error_table(tmp_path), "--json")
    assert result.code == 4
    assert result.json()["errors"] == [
        {"sheet": "安排表", "row": 4, "column": "时间", "message": t("bad_when", value="3月32日")},
        {"sheet": "安排表", "row": 5, "column": None, "message": "所属活动（第 4 行）未能导入"},
        {"sheet": "安排表", "row": 6, "column": "规模", "message": t("bad_scale", value="很多人")},
        {"sheet": "安排表", "row": 7, "column": "承办单位", "message": "承办单位过长：130 个字符（最多 128 个）"},
        {"sheet": "安排表", "row": 8, "column": "活动名称",
         "message": "与 安排表 第 4 行的活动同名（方案中的活动以名称区分）"},
        {"sheet": "安排表", "row": 9, "column": "活动名称", "message": "活动名称不能为空"},
    ]
    assert (result.json()["rows"], result.json()["created"]["events"]) == (7, 1)
    assert [e["title"] for e in _events(cli, db)] == ["手机产业合作推进会"]
    human = _import(cli, db, _error_table(tmp_path), "--dry-run")
    assert "安排表 第 4 行［时间］：时间无法识别：3月32日" in human.out


def test_strict_writes_nothing_when_a_row_is_rejected(cli, db, tmp_path):
    result = _import(cli, db, _error_table(tmp_path), "--strict", "--json")
    assert result.code == 4
    assert (result.json()["created"], result.json()["batch"]) == ({"events": 0, "units": 0, "industries": 0}, None)
    assert _events(cli, db) == [] and cli("--db", db, "import", "list", "--json").json() == []
    assert "严格模式：6 行被拒绝，未写入任何数据" in _import(cli, db, _error_table(tmp_path), "--strict").out


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_errors_out_writes_the_rejected_rows_to_fix(cli, db, tmp_path, suffix):
    out = tmp_path / f"rejected{suffix}"
    result = _import(cli, db, _error_table(tmp_path), "--errors-out", out)
    assert result.code == 4 and f"被拒绝的 6 行已写入 {out}" in result.out
    from crm.importing.reader import open_workbook

    rows = next(open_workbook(out).sheets()).rows
    header = rows[0]
    assert header[-3:] == ["错误原因", "来源工作表", "来源行号"]
    assert [str(r[-1]).removesuffix(".0") for r in rows[1:]] == ["4", "5", "6", "7", "8", "9"]
    if suffix == ".csv":
        assert header[:4] == ["序号", "活动名称", "时间", "地点"]  # the fields under their standard names


def _hostile(tmp_path) -> list[tuple[str, Path]]:
    good = write_xlsx(tmp_path / "good.xlsx", {"名单": [HEADER, *person_rows(3)]})
    import zipfile

    with zipfile.ZipFile(MAIN) as archive:
        shared = archive.read("xl/sharedStrings.xml")
    files = [
        ("import_refused_xml_bomb", rewrite_zip(MAIN, tmp_path / "bomb.xlsx",
                                                replace={"xl/sharedStrings.xml": billion_laughs(shared)})),
        ("import_refused_corrupt", tmp_path / "cut.xlsx"),
        ("import_refused_html", tmp_path / "login.xls"),  # the web system's login page, not its table
        ("import_refused_no_programme_header", good),  # an invitee list is not a programme table
        ("import_refused_no_programme_header", tmp_path / "page.xls"),  # a web page's table: read, no programme
    ]
    (tmp_path / "cut.xlsx").write_bytes(MAIN.read_bytes()[: MAIN.stat().st_size // 2])
    (tmp_path / "login.xls").write_text("<html><body><form>会话已过期，请重新登录</form></body></html>")
    (tmp_path / "page.xls").write_text("<html><body><table><tr><td>活动名称</td></tr></table></body></html>")
    return files


def _refused_whole(cli, db, files: list[tuple[str, Path]]) -> None:
    for key, path in files:
        result = _import(cli, db, path)
        assert result.code == 3, (key, result.err)
        assert result.out == "" and result.err.count("\n") == 1 and "Traceback" not in result.err
        assert path.name in result.err
    assert cli("--db", db, "import", "list", "--json").json() == [] and _events(cli, db) == []


def test_hostile_and_foreign_files_are_refused_whole(cli, db, tmp_path):
    _refused_whole(cli, db, _hostile(tmp_path))
    assert "找不到活动安排表的表头" in _import(cli, db, tmp_path / "good.xlsx").err


@needs_corpus
def test_encrypted_files_and_repeat_bombs_of_other_programs_are_refused_whole(cli, db):
    _refused_whole(cli, db, [("import_refused_encrypted", CORPUS / "calamine__pass_protected.xlsx"),
                             ("import_refused_too_many_cells", CORPUS / "calamine__issue_594_dos.ods")])


def test_an_unknown_programme_is_one_line_and_exit_one(cli, db):
    result = cli("--db", db, "import", "programme", MAIN, "--programme", "2031")
    assert result.code == 1 and "找不到活动方案：2031" in result.err
    assert cli("--db", db, "import", "programme", MAIN).code == 2  # --programme is required


def test_english_summary(cli, db):
    result = cli("--lang", "en", "--db", db, "import", "programme", MAIN, "--programme", "2026", "--dry-run")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "programme-2026.xlsx: 15 rows read (xlsx; sheets: 活动安排表)",
        "  would create: 15 events, 29 units, 12 industries",
        "  0 known events updated; 0 rows rejected",
        "  dry run: nothing was written",
    ]


def test_english_headers_and_line_breaks(cli, db, tmp_path):
    path = tmp_path / "programme.csv"

    def write(scale: str) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([
                ["No.", "Title", "Time", "Venue", "Host", "Co-host", "Support", "Coordinator", "Scale", "Industries",
                 "Invitees", "Notes"],
                ["1", "Solar\nForum", "2026-Q2", "南昌市红谷滩", "南昌市政府", "", "", "新兴产业处", scale, "光伏", "", ""],
            ])

    write("about 200")
    result = _import(cli, db, path, "--json")
    assert result.code == 4
    assert [(e["row"], e["column"]) for e in result.json()["errors"]] == [(2, "Scale")]
    write("200")
    assert _import(cli, db, path).code == 0
    (event,) = _events(cli, db)
    assert (event["title"], event["city"], event["venue"], event["date_precision"], event["level"]) == (
        "Solar Forum", "南昌市", "南昌市红谷滩", "quarter", "city")
