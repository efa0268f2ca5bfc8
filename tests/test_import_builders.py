"""Hand-made lists for the import tests, written by code (no binary blobs): xlsx through XlsxWriter,
ods as the few XML parts an ODS package needs, csv in any encoding, and hostile files built from a
good one. The tests at the bottom check the builders themselves read back as written."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from python_calamine import CalamineWorkbook

HEADER = ["序号", "单位名称", "姓名", "职务", "手机", "电子邮箱", "类别", "备注"]


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, merges: dict[str, list[tuple]] | None = None,
               hidden: tuple[str, ...] = ()) -> Path:
    """Each sheet's rows as given: str cells as text, int/float cells as numbers, None left empty.
    merges: {sheet: [(first_row, first_col, last_row, last_col, value)]} (0-based)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        for first_row, first_col, last_row, last_col, value in (merges or {}).get(name, []):
            sheet.merge_range(first_row, first_col, last_row, last_col, value)
        if name in hidden:
            sheet.hide()
    book.close()
    return path


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A minimal OpenDocument spreadsheet: mimetype first and stored, manifest, content.xml."""
    tables = []
    for name, rows in sheets.items():
        xml_rows = []
        for row in rows:
            cells = []
            for value in row:
                if value is None or value == "":
                    cells.append("<table:table-cell/>")
                elif isinstance(value, (int, float)):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                                 f"<text:p>{value}</text:p></table:table-cell>")
                else:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                                 "</table:table-cell>")
            xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    text = "\r\n".join(delimiter.join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    """Copy a package, replacing or adding parts (to make hostile variants of a good file)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = (replace or {}).get(item.filename, original.read(item.filename))
            copy.writestr(item.filename, data)
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return target


def billion_laughs(document: bytes) -> bytes:
    """The classic entity bomb put in front of an XML part's root element."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)
    )
    body = document.split(b"?>", 1)[-1]
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>').encode() + body


def person_rows(count: int, *, start: int = 0) -> list[list]:
    """Distinct people at distinct organizations, in HEADER's columns."""
    return [
        [n + 1, f"测试{n:04d}科技有限公司", f"嘉宾{n:04d}", "总经理", f"139{n:08d}", f"guest{n}@example.com", "民企", ""]
        for n in range(start, start + count)
    ]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- the builders read back as written ------------------------------------------------------------


def test_xlsx_builder_reads_back(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"名单": [HEADER, *person_rows(2)]}, merges={"名单": [(3, 0, 3, 7, "注")]})
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == HEADER
    assert rows[1][2] == "嘉宾0000" and rows[1][0] == 1.0
    assert sheet.merged_cell_ranges == [((3, 0), (3, 7))]


def test_ods_builder_reads_back(tmp_path):
    path = write_ods(tmp_path / "a.ods", {"一": [HEADER, *person_rows(1)], "二": [["姓名", "单位"], ["张三", "甲公司"]]})
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["一", "二"]
    assert book.get_sheet_by_name("二").to_python() == [["姓名", "单位"], ["张三", "甲公司"]]


def test_csv_builder_encodes(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["姓名", "单位"], ["张三", "甲公司"]], encoding="gbk")
    assert path.read_bytes().decode("gbk").startswith("姓名,单位\r\n")
