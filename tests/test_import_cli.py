"""`crm import invitees|undo|list`: the JSON shape, exit codes, messages in both languages, --errors-out."""
from __future__ import annotations

import re

import pytest

from tests.conftest import SAMPLES
from tests.test_import_builders import HEADER, person_rows, write_csv, write_xlsx

PV = SAMPLES / "invitees-pv-2011.xlsx"
JSON_KEYS = ["file", "dry_run", "rows", "created", "updated", "duplicates", "errors", "batch"]


def test_json_shape_and_exit_code_zero(cli, backend):
    result = cli("--db", backend.url, "import", "invitees", PV, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert list(data) == JSON_KEYS
    assert data == {"file": "invitees-pv-2011.xlsx", "dry_run": False, "rows": 22,
                    "created": {"contacts": 19, "organizations": 19, "invitations": 0},
                    "updated": {"contacts": 0}, "duplicates": 1, "errors": [], "batch": data["batch"]}
    assert isinstance(data["batch"], int)
    assert "类别" in result.err  # the two category conflicts, on stderr beside the JSON


def test_rejected_rows_exit_four_and_name_sheet_row_and_column(cli, backend, tmp_path):
    path = write_csv(tmp_path / "list.csv", [["姓名", "单位", "状态"], ["张三", "甲公司", "已确认"], ["", "", "已确认"],
                                             ["李四", "乙公司", "或许"]])
    result = cli("--db", backend.url, "import", "invitees", path, "--json")
    assert result.code == 4
    assert result.json()["errors"] == [
        {"sheet": "list", "row": 3, "column": None, "message": "既无姓名也无单位"},
        {"sheet": "list", "row": 4, "column": "状态",
         "message": "无法识别的邀请状态「或许」（可用：拟邀请/已邀请/已确认/已出席/婉拒）"},
    ]
    assert result.json()["created"]["contacts"] == 1


def test_refused_file_exits_three_with_one_line(cli, backend, tmp_path):
    (tmp_path / "list.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = cli("--db", backend.url, "import", "invitees", tmp_path / "list.xlsx")
    assert result.code == 3
    assert result.out == "" and result.err.count("\n") == 1
    assert "list.xlsx" in result.err and "Traceback" not in result.err
    assert cli("--db", backend.url, "import", "list", "--json").json() == []


def test_english(cli, backend, tmp_path):
    result = cli("--lang", "en", "--db", backend.url, "import", "invitees", PV, "--dry-run")
    assert result.code == 0
    assert result.out.splitlines()[:4] == [
        "invitees-pv-2011.xlsx: 22 rows read (xlsx; sheets: 光伏)",
        "  would create: 19 contacts, 19 organizations, 0 invitations",
        "  completed 0 known contacts and 0 organizations (blank fields only); 1 duplicates; 0 rows rejected",
        "  dry run: nothing was written",
    ]
    refused = cli("--lang", "en", "--db", backend.url, "import", "invitees", tmp_path / "missing.xlsx")
    assert refused.code == 3 and "no such file" in refused.err


def test_human_summary_then_undo_and_list(cli, backend):
    result = cli("--db", backend.url, "import", "invitees", PV)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "invitees-pv-2011.xlsx：读取 22 行（xlsx；工作表：光伏）"
    assert lines[1] == "  新建：客商 19 位，单位 19 家，邀请 0 条"
    batch = int(re.search(r"批次 (\d+)", lines[3]).group(1))
    assert lines[3] == f"  导入批次 {batch}（撤销：crm import undo {batch}）"
    listed = cli("--db", backend.url, "import", "list", "--json").json()
    assert [(b["batch"], b["file"], b["counts"]["rows"], b["undone_at"]) for b in listed] == [
        (batch, "invitees-pv-2011.xlsx", 22, None)]
    undone = cli("--db", backend.url, "import", "undo", str(batch), "--json")
    assert undone.code == 0
    assert undone.json() == {"batch": batch, "removed": {"contacts": 19, "organizations": 19, "invitations": 0},
                             "restored": {"contacts": 0, "organizations": 0, "invitations": 0}}
    again = cli("--db", backend.url, "import", "undo", str(batch))
    assert again.code == 1 and "已于" in again.err
    assert cli("--db", backend.url, "import", "undo", "999").code == 1
    assert cli("--db", backend.url, "import", "undo", "x").code == 2


def test_event_sheet_and_map_options(cli, backend, tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", {
        "南昌": [["嘉宾", "所在单位"], ["张三", "甲公司"]],
        "九江": [HEADER, *person_rows(2)],
    })
    result = cli("--db", backend.url, "import", "invitees", path, "--sheet", "南昌", "--map", "嘉宾=name",
                 "--map", "所在单位=organization", "--json")
    assert result.code == 0, result.err
    assert (result.json()["rows"], result.json()["created"]["contacts"]) == (1, 1)
    assert cli("--db", backend.url, "import", "invitees", path, "--map", "嘉宾").code == 2
    missing = cli("--db", backend.url, "import", "invitees", path, "--sheet", "赣州")
    assert missing.code == 1 and "南昌, 九江" in missing.err
    no_event = cli("--db", backend.url, "import", "invitees", path, "--event", "Z9")
    assert no_event.code == 1 and "Z9" in no_event.err


def test_strict_exits_four_and_writes_nothing(cli, backend, tmp_path):
    path = write_csv(tmp_path / "list.csv", [["姓名", "单位", "手机"], ["张三", "甲公司", ""], ["", "", "13800138000"]])
    result = cli("--db", backend.url, "import", "invitees", path, "--strict", "--json")
    assert result.code == 4
    data = result.json()
    assert (data["batch"], data["created"]["contacts"], len(data["errors"])) == (None, 0, 1)
    assert "严格模式" in cli("--db", backend.url, "import", "invitees", path, "--strict").out
    assert cli("--db", backend.url, "import", "list", "--json").json() == []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_errors_out(cli, backend, tmp_path, suffix):
    path = write_csv(tmp_path / "list.csv", [["姓名", "单位", "手机"], ["张三", "甲公司", ""], ["", "", "13800138000"]])
    out = tmp_path / f"rejected{suffix}"
    result = cli("--db", backend.url, "import", "invitees", path, "--errors-out", out)
    assert result.code == 4
    assert out.exists() and f"rejected{suffix}" in result.out
    fixed = out.with_name(f"fixed{suffix}")
    if suffix == ".csv":
        fixed.write_text(out.read_text(encoding="utf-8-sig").replace("\n,,", "\n李四,乙公司,", 1), encoding="utf-8-sig")
    else:
        import openpyxl

        book = openpyxl.load_workbook(out)
        book.active.cell(row=2, column=1, value="李四")
        book.save(fixed)
    again = cli("--db", backend.url, "import", "invitees", fixed, "--json")
    assert again.code == 0, again.out + again.err
    assert again.json()["created"]["contacts"] == 1
    clean = cli("--db", backend.url, "import", "invitees", PV, "--errors-out", tmp_path / "none.xlsx")
    assert clean.code == 0 and not (tmp_path / "none.xlsx").exists()
    bad_dir = cli("--db", backend.url, "import", "invitees", PV, "--errors-out", tmp_path / "no" / "x.xlsx")
    assert bad_dir.code == 1


def test_no_progress_bar_when_not_on_a_terminal(cli, backend):
    result = cli("--db", backend.url, "import", "invitees", PV)
    assert "━" not in result.err and "\r" not in result.err


# --- lists as staff and web systems send them ----------------------------------------------------


def _read(backend, query):
    from db.session import Database

    db = Database(backend.url)
    try:
        with db.unit_of_work(write=False) as session:
            return session.execute(query).all()
    finally:
        db.dispose()


def _table_counts(backend) -> tuple[int, ...]:
    from sqlalchemy import func, select

    from db.models import Contact, ImportBatch, Organization

    return tuple(_read(backend, select(*(select(func.count()).select_from(m).scalar_subquery()
                                         for m in (Contact, Organization, ImportBatch))))[0])


@pytest.mark.parametrize("header", [
    ["序号", "参会人员", "单位全称", "职称", "手机号", "电子信箱", "联系方式"],
    ["嘉宾姓名", "工作单位", "职务", "移动电话", "电子邮件", "固定电话"],
    ["联系人姓名", "所在单位", "职务/职称", "手机号码", "邮箱地址", "办公电话"],
    ["Contact Person", "Affiliation", "Position", "Cell Phone", "Email Address", "Contact Number"],
])
def test_header_words_of_lists_as_sent(cli, backend, tmp_path, header):
    rows = [header, [*(["1"] if header[0] == "序号" else []), "张三", "甲公司", "总经理", "138 0013 8000",
                     "zs@jia.com", "0791-88888888"]]
    result = cli("--db", backend.url, "import", "invitees", write_csv(tmp_path / "list.csv", rows), "--json")
    assert result.code == 0, result.err
    assert result.err == ""  # every column known: no notice
    assert result.json()["created"] == {"contacts": 1, "organizations": 1, "invitations": 0}
    from sqlalchemy import select

    from db.models import Contact

    assert _read(backend, select(Contact.name, Contact.mobile, Contact.phone, Contact.email, Contact.title)) == [
        ("张三", "13800138000", "0791-88888888", "zs@jia.com", "总经理")]


def test_a_list_of_people_whose_name_column_is_unknown_is_refused_whole(cli, backend, tmp_path):
    """Twenty people under a header nobody uses for names were stored as twenty organizations: now the
    file is refused (exit 3, nothing written), naming the columns it did not know and the --map to give."""
    rows = [["贵宾", "工作单位", "职务", "手机", "QQ"],
            *[[f"嘉宾{n:02d}", f"测试{n:02d}科技有限公司", "总经理", f"139{n:08d}", str(10000 + n)] for n in range(20)]]
    path = write_csv(tmp_path / "guests.csv", rows)
    for options in ((), ("--dry-run",), ("--json",)):
        result = cli("--db", backend.url, "import", "invitees", path, *options)
        assert result.code == 3 and result.out == "" and result.err.count("\n") == 1
        assert "工作表「guests」" in result.err and "未识别的列：贵宾、QQ" in result.err
        assert '--map "贵宾=name"' in result.err and "Traceback" not in result.err
    assert _table_counts(backend) == (0, 0, 0)
    english = cli("--lang", "en", "--db", backend.url, "import", "invitees", path)
    assert english.code == 3 and "columns not recognised: 贵宾, QQ" in english.err
    assert '--map "贵宾=name"' in english.err
    mapped = cli("--db", backend.url, "import", "invitees", path, "--map", "贵宾=name", "--map", "QQ=ignore", "--json")
    assert mapped.code == 0, mapped.err
    assert mapped.json()["created"] == {"contacts": 20, "organizations": 20, "invitations": 0}


def test_a_sheet_of_organizations_without_people_columns_is_not_refused(cli, backend, tmp_path):
    path = write_csv(tmp_path / "units.csv", [["单位", "类别", "地址"], ["甲公司", "民企", "南昌"]])
    result = cli("--db", backend.url, "import", "invitees", path, "--json")
    assert result.code == 0 and result.json()["created"]["organizations"] == 1


def test_a_mobile_that_is_no_phone_number_is_a_rejected_row_naming_its_column(cli, backend, tmp_path):
    path = write_csv(tmp_path / "list.csv", [["姓名", "单位", "手机号"], ["张三", "甲公司", "abc"],
                                             ["李四", "乙公司", "12"], ["王五", "丙公司", "+86 138-0013-8000"]])
    result = cli("--db", backend.url, "import", "invitees", path, "--json")
    assert result.code == 4
    data = result.json()
    assert data["errors"] == [
        {"sheet": "list", "row": 2, "column": "手机号",
         "message": "不是手机号码：abc（如 13800138000，境外号码如 +852 9123 4567；座机请填在电话列）"},
        {"sheet": "list", "row": 3, "column": "手机号",
         "message": "不是手机号码：12（如 13800138000，境外号码如 +852 9123 4567；座机请填在电话列）"},
    ]
    assert data["created"] == {"contacts": 1, "organizations": 1, "invitations": 0}
    english = cli("--lang", "en", "--db", backend.url, "import", "invitees", path, "--dry-run")
    assert english.code == 4 and "list row 2［手机号］: not a mobile number: abc (" in english.out
    assert cli("--db", backend.url, "contacts", "search", "张三", "--json").json() == []


def test_a_web_export_saved_as_xls_is_read_like_a_workbook(cli, backend):
    result = cli("--db", backend.url, "import", "invitees", SAMPLES / "invitees-web-export.xls")
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == ["invitees-web-export.xls：读取 5 行（html；工作表：invitees-web-export）",
                                           "  新建：客商 5 位，单位 4 家，邀请 0 条"]


def test_text_is_kept_as_typed_and_matched_by_its_keys(cli, backend, tmp_path):
    """Names, organizations, titles and notes are stored as the list wrote them (full-width punctuation,
    brackets and spaces), as a contact entered by hand is; only identity keys and search are normalised."""
    import openpyxl

    def workbook(name: str, rows: list[list]) -> str:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "名单"
        for row in [["姓名", "单位", "职务", "手机", "备注"], *rows]:
            sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return str(path)

    first = workbook("名单.xlsx", [
        ["王  小明", "江西（南昌）光伏有限公司", "总经理（兼）", "13800138000", "企业反映：用地（200亩）"],
        ["李　四", "ＡＢＣ　Ｌｔｄ．", "董事长", 13800138001, "需接站\n住宿两晚"],
    ])
    result = cli("--db", backend.url, "import", "invitees", first, "--json")
    assert result.code == 0, result.err
    assert result.json()["created"] == {"contacts": 2, "organizations": 2, "invitations": 0}
    wang = cli("--db", backend.url, "contacts", "search", "王小明", "--json").json()  # found by its key
    assert [w["name"] for w in wang] == ["王  小明"]
    shown = cli("--db", backend.url, "contacts", "show", str(wang[0]["id"]), "--json").json()
    assert (shown["name"], shown["organization"]["name"], shown["title"], shown["notes"]) == (
        "王  小明", "江西（南昌）光伏有限公司", "总经理（兼）", "企业反映：用地（200亩）")
    li = cli("--db", backend.url, "contacts", "search", "李四", "--json").json()
    shown = cli("--db", backend.url, "contacts", "show", str(li[0]["id"]), "--json").json()
    assert (shown["name"], shown["organization"]["name"], shown["notes"]) == ("李　四", "ＡＢＣ　Ｌｔｄ．", "需接站\n住宿两晚")
    assert "企业反映：用地（200亩）" in cli("--db", backend.url, "contacts", "show", str(wang[0]["id"])).out

    # The same people written another way are the same people: matched by their keys, nothing differs.
    again = workbook("名单2.xlsx", [
        ["王小明", "江西(南昌)光伏有限公司", "总经理(兼)", "138 0013 8000", "企业反映:用地(200亩)"],
        ["李四", "ABC Ltd.", "董事长", "13800138001", None],
    ])
    result = cli("--db", backend.url, "import", "invitees", again, "--json")
    assert result.code == 0, result.err
    assert (result.json()["created"], result.json()["duplicates"]) == (
        {"contacts": 0, "organizations": 0, "invitations": 0}, 2)
    assert "不一致" not in result.err  # （ and ( are no conflict
    shown = cli("--db", backend.url, "contacts", "show", str(wang[0]["id"]), "--json").json()
    assert (shown["name"], shown["title"], shown["notes"]) == ("王  小明", "总经理（兼）", "企业反映：用地（200亩）")


def test_the_trail_of_an_imported_list_belongs_to_the_events_unit(cli, backend):
    """An import and its undo write their trail in bulk; the entries of a city's invitations name the city,
    as the entries db.audit writes do, so that each unit's history shows its own (contacts and
    organizations, the shared 客商库, name none)."""
    from sqlalchemy import select

    from db.models import AuditEntry, Event
    from db.session import Database

    def run(*args):
        result = cli("--db", backend.url, *args)
        assert result.code == 0, (args, result.err)
        return result

    run("programmes", "add", "--year", "2027", "--title", "方案")
    event = run("events", "add", "--programme", "2027", "--title", "九江光伏推介会", "--level", "city",
                "--city", "九江", "--json").json()["ref"]
    batch = run("import", "invitees", PV, "--event", event, "--json").json()["batch"]
    run("import", "undo", str(batch))
    database = Database(backend.url)
    try:
        with database.unit_of_work(write=False) as session:
            unit = session.scalar(select(Event.owner_unit_id).where(Event.ref == event))
            entries = session.execute(select(AuditEntry.entity, AuditEntry.action, AuditEntry.unit_id)
                                      .where(AuditEntry.note.contains(f"undo {batch}"))).all()
    finally:
        database.dispose()
    assert unit is not None
    assert {(entity, action, unit_id) for entity, action, unit_id in entries} == {
        ("invitations", "purge", unit), ("contacts", "purge", None), ("organizations", "purge", None)}
