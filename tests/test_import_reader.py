"""Formats told by their bytes, encodings, and every kind of file that must be refused whole, quickly."""
from __future__ import annotations

import time
import zipfile

import pytest

from crm.errors import EXIT_FILE_REFUSED, FileRefused
from crm.importing import bounds
from crm.importing.reader import open_workbook
from tests.conftest import CORPUS, SAMPLES, needs_corpus
from tests.test_import_builders import (
    HEADER,
    billion_laughs,
    person_rows,
    rewrite_zip,
    write_csv,
    write_ods,
    write_xlsx,
    zip_bytes,
)


def refusal(path) -> FileRefused:
    start = time.perf_counter()
    with pytest.raises(FileRefused) as caught:
        book = open_workbook(path)
        for _sheet in book.sheets():
            pass
    assert time.perf_counter() - start < 10, "refusals come within seconds"
    assert caught.value.exit_code == EXIT_FILE_REFUSED
    return caught.value


def sheets_of(path) -> dict[str, list[list]]:
    book = open_workbook(path)
    try:
        return {sheet.name: sheet.rows for sheet in book.sheets()}
    finally:
        book.close()


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv", ".bin"])
def test_format_comes_from_the_bytes_not_the_name(tmp_path, suffix):
    source = write_xlsx(tmp_path / "list.xlsx", {"名单": [HEADER, *person_rows(1)]})
    disguised = tmp_path / f"list{suffix}"
    disguised.write_bytes(source.read_bytes())
    book = open_workbook(disguised)
    assert book.format == "xlsx"
    assert next(book.sheets()).rows[1][2] == "嘉宾0000"


def test_ods_is_read(tmp_path):
    path = write_ods(tmp_path / "list.ods", {"名单": [HEADER, *person_rows(2)]})
    book = open_workbook(path)
    assert book.format == "ods"
    assert [row[2] for row in next(book.sheets()).rows] == ["姓名", "嘉宾0000", "嘉宾0001"]


@needs_corpus
def test_old_xls_files_from_excel_and_wps_are_read():
    wps = open_workbook(CORPUS / "calamine__issue_271.xls")  # written by WPS / Kingsoft ET
    assert wps.format == "xls"
    sheet = next(wps.sheets())
    assert sheet.first_row == 3 and sheet.first_column == 1  # data starts at B3: row numbers stay Excel's
    biff5 = open_workbook(CORPUS / "calamine__biff5_write.xls")
    assert next(biff5.sheets()).rows


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8-sig", b""), ("gbk", b""), ("gb18030", b""), ("utf-16", b""),
])
def test_csv_encodings_are_detected(tmp_path, encoding, prefix):
    path = write_csv(tmp_path / "list.csv", [["姓名", "单位", "手机"], ["张三", "赣州稀土集团", "13800138000"]],
                     encoding=encoding)
    (rows,) = sheets_of(path).values()
    assert rows == [["姓名", "单位", "手机"], ["张三", "赣州稀土集团", "13800138000"]]


def test_csv_delimiters_are_sniffed(tmp_path):
    path = write_csv(tmp_path / "list.txt", [["姓名", "单位"], ["张三", "甲公司"]], delimiter="\t")
    assert sheets_of(path)["list"] == [["姓名", "单位"], ["张三", "甲公司"]]


def test_the_gbk_sample_is_read():
    (rows,) = sheets_of(SAMPLES / "invitees-copper-gbk.csv").values()
    assert rows[0] == ["序号", "姓名", "单位", "职务", "联系电话", "E-mail"]
    assert rows[1][1] == "唐玉兰" and len(rows) == 15  # the header and 14 people


def test_hidden_sheets_are_left_out_unless_named(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", {"名单": [HEADER], "下拉选项": [["民企"]]}, hidden=("下拉选项",))
    book = open_workbook(path)
    assert book.skipped_sheets == ["下拉选项"]
    assert [s.name for s in book.sheets()] == ["名单"]
    assert [s.name for s in book.sheets(["下拉选项"])] == ["下拉选项"]


# --- refused whole ---------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert refusal(tmp_path / "empty.xlsx").key == "import_refused_empty"


def test_truncated_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"名单": [HEADER, *person_rows(300)]}).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert refusal(tmp_path / "cut.xlsx").key == "import_refused_corrupt"


def test_not_a_spreadsheet(tmp_path):
    (tmp_path / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert refusal(tmp_path / "photo.xlsx").key == "import_refused_not_spreadsheet"
    (tmp_path / "doc.xlsx").write_bytes(zip_bytes({"word/document.xml": b"<w:document/>"}))
    assert refusal(tmp_path / "doc.xlsx").key == "import_refused_not_spreadsheet"


def test_a_web_page_without_a_table_saved_as_xls(tmp_path):
    """A web system's login page instead of its export (the tables it sends are read: test_import_html.py)."""
    (tmp_path / "export.xls").write_text("<html><body><p>请先登录</p><table></table></body></html>")
    assert refusal(tmp_path / "export.xls").key == "import_refused_html"


@needs_corpus
def test_old_biff4_stream(tmp_path):
    assert refusal(CORPUS / "xlrd__biff4_no_format_no_window2.xls").key == "import_refused_old_biff"


@needs_corpus
@pytest.mark.parametrize("name", [
    "calamine__pass_protected.xlsx", "excelize__encryptAES.xlsx", "calamine__issue_385.xls",
    "calamine__pass_protected.ods", "calamine__pass_protected.xlsb",
])
def test_encrypted_workbooks(name):
    assert refusal(CORPUS / name).key == "import_refused_encrypted"


def test_zip_bomb_by_ratio(tmp_path):
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    (tmp_path / "bomb.xlsx").write_bytes(bomb)
    assert refusal(tmp_path / "bomb.xlsx").key == "import_refused_limit_ratio"


def test_zip_bomb_by_part_count(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_PARTS", 50)
    members = {"[Content_Types].xml": b"<Types/>"} | {f"xl/media/{n}.xml": b"<x/>" for n in range(60)}
    (tmp_path / "many.xlsx").write_bytes(zip_bytes(members))
    assert refusal(tmp_path / "many.xlsx").key == "import_refused_limit_parts"


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entity_bomb(tmp_path, part):
    good = write_xlsx(tmp_path / "good.xlsx", {"名单": [HEADER, *person_rows(3)]})
    with zipfile.ZipFile(good) as archive:
        original = archive.read(part)
    bad = rewrite_zip(good, tmp_path / "bad.xlsx", replace={part: billion_laughs(original)})
    assert refusal(bad).key == "import_refused_xml_bomb"


def test_dtd_hidden_behind_a_long_comment(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"名单": [HEADER, *person_rows(3)]})
    with zipfile.ZipFile(good) as archive:
        original = archive.read("xl/sharedStrings.xml")
    padded = billion_laughs(original).replace(b"?>", b"?><!--" + b"x" * 20000 + b"-->", 1)
    bad = rewrite_zip(good, tmp_path / "bad.xlsx", replace={"xl/sharedStrings.xml": padded})
    assert refusal(bad).key == "import_refused_xml_bomb"


def test_absurd_declared_dimensions(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"名单": [HEADER, *person_rows(3)]})
    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:H4"/>', b'<dimension ref="A1:XFD9999999"/>')
    assert huge != sheet
    bad = rewrite_zip(good, tmp_path / "bad.xlsx", replace={"xl/worksheets/sheet1.xml": huge})
    assert refusal(bad).key == "import_refused_limit_rows"


def test_absurd_real_dimensions(tmp_path):
    """Two cells far apart make a huge sheet in memory: refused before calamine lays it out."""
    rows = [HEADER] + [[None]] * 200_000 + [[None] * 7 + ["备注"]]
    path = write_xlsx(tmp_path / "far.xlsx", {"名单": rows})
    assert path.stat().st_size < 20_000
    assert refusal(path).key == "import_refused_limit_rows"


@needs_corpus
def test_repeat_bomb_ods():
    assert refusal(CORPUS / "calamine__issue_594_dos.ods").key.startswith("import_refused_limit_")


def test_refusals_name_the_file_in_the_users_language(tmp_path):
    from crm import i18n

    (tmp_path / "空.xlsx").write_bytes(b"")
    error = refusal(tmp_path / "空.xlsx")
    assert error.message == "文件为空：空.xlsx"
    i18n.set_language("en")
    assert error.message == "empty file: 空.xlsx"


def test_ods_with_a_dtd_is_refused(tmp_path):
    path = write_ods(tmp_path / "list.ods", {"名单": [HEADER, *person_rows(1)]})
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml")
    bad = rewrite_zip(path, tmp_path / "bad.ods", replace={"content.xml": billion_laughs(content)})
    assert refusal(bad).key == "import_refused_xml_bomb"
