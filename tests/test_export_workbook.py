"""The shared sheet form (crm.exporting.workbook), and the helpers the other export tests use: reading a
workbook back with openpyxl and python-calamine, checking print settings, building a known scenario."""
from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from crm.errors import CrmError
from crm.exporting.workbook import (
    TEXT,
    Column,
    display_width,
    export_book,
    looks_like_formula,
    safe_text,
)

# Text users may type that a spreadsheet could take for a formula, a link or a command.
INJECTIONS = ('=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)")
LEADING_BLANKS = ("\t制表符开头", "\n换行开头", "\r回车开头")
HEADER_ROW = 3  # title, as-of line, header


# --- reading workbooks back ---------------------------------------------------------------------------
@dataclass
class Book:
    path: Path
    xl: openpyxl.Workbook  # styles, print settings, data types
    cal: CalamineWorkbook  # values as another reader sees them

    @property
    def names(self) -> list[str]:
        assert self.xl.sheetnames == self.cal.sheet_names
        return self.xl.sheetnames

    def rows(self, sheet: str) -> list[list]:
        return self.cal.get_sheet_by_name(sheet).to_python()

    def header(self, sheet: str, row: int = HEADER_ROW) -> list[str]:
        return [h for h in self.rows(sheet)[row - 1] if h != ""]

    def records(self, sheet: str, row: int = HEADER_ROW) -> list[dict]:
        """The main table under its header, as dicts, up to the first blank or total row."""
        rows = self.rows(sheet)
        header = rows[row - 1]
        found = []
        for values in rows[row:]:
            if "合计" in values[:2] or values[:2] == ["", ""]:
                break
            found.append({h: v for h, v in zip(header, values) if h != ""})
        return found


def read_book(path: Path) -> Book:
    return Book(path, openpyxl.load_workbook(path), CalamineWorkbook.from_path(str(path)))


def assert_list_form(ws, *, columns: int, rows: int, freeze: str) -> None:
    """A list sheet: A4 landscape, one page wide, header frozen and repeated, autofilter over the data."""
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.freeze_panes == freeze
    last = openpyxl.utils.get_column_letter(columns)
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + rows}"
    assert ws.cell(1, 1).font.sz >= 14  # the title
    assert ws.cell(HEADER_ROW, 1).font.name == "黑体"
    assert ws.cell(HEADER_ROW + 1, 2).font.name == "宋体"


def assert_form_page(ws) -> None:
    """A form sheet (overview, work plan): A4 landscape on one page, no filter."""
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth or 1) == 1 and (ws.page_setup.fitToHeight or 1) == 1
    assert ws.auto_filter.ref is None and ws.freeze_panes is None


def assert_no_formulas_or_links(path: Path) -> None:
    """No formula, link or external reference anywhere; rows and cells in the order Excel demands
    (table rows are laid out by our own code and merged with XlsxWriter's)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert not any("externalLink" in n for n in names)
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name
                rows = [int(r) for r in re.findall(r'<row r="(\d+)"', xml)]
                assert rows == sorted(set(rows)), name
                for row in re.findall(r'<row r="\d+"[^>]*>(.*?)</row>', xml):
                    columns = [openpyxl.utils.column_index_from_string(c) for c in re.findall(r'<c r="([A-Z]+)\d+"', row)]
                    assert columns == sorted(set(columns)), name


def find_cells(book: Book, text: str) -> list[tuple[str, openpyxl.cell.Cell]]:
    found = []
    for ws in book.xl.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and text in cell.value.replace("_x000D_", "\r"):
                    found.append((ws.title, cell))
    return found


def assert_literal_text(book: Book, text: str, *, whole_cell: bool = True) -> None:
    """Every cell showing `text` holds it as a string (never a formula); whole cells keep the quote prefix,
    and python-calamine reads exactly the same characters back."""
    cells = find_cells(book, text)
    assert cells, f"{text!r} not found"
    for sheet, cell in cells:
        assert cell.data_type == "s", (sheet, cell.coordinate, cell.data_type)
        value = book.rows(sheet)[cell.row - 1][cell.column - 1]
        assert text in value
        if whole_cell and value.startswith(text):
            assert cell.quotePrefix is True, (sheet, cell.coordinate)


# --- the sheet form itself ------------------------------------------------------------------------------
def test_safe_text_drops_what_xml_cannot_hold():
    assert safe_text("a\x00b\x07c\x1fd\ufffe") == "abcd"
    assert safe_text("\t\r\n保留") == "\t\r\n保留"
    assert len(safe_text("长" * 40_000)) == 32_767


def test_formula_starts_and_widths():
    assert all(looks_like_formula(t) for t in (*INJECTIONS, *LEADING_BLANKS))
    assert not looks_like_formula("示例项目") and not looks_like_formula("＝全角")
    assert display_width("光伏abc") == 7 and display_width("ＡＢ") == 4 and display_width("短\n长一点的") == 8


def _write(path: Path, rows: list[list], *, fail: bool = False) -> None:
    with export_book(path, title="测试", as_of=dt.date(2012, 3, 14)) as book:
        sheet = book.sheet("表", title="标题", subtitle="截至 2012-03-14", width=3)
        sheet.table([Column("名称", TEXT), Column("金额", "yi"), Column("日期", "date")])
        for row in rows:
            sheet.row(row)
        if fail:
            raise RuntimeError("interrupted while writing")


def test_values_keep_their_types_and_text_stays_text(tmp_path):
    path = tmp_path / "out.xlsx"
    _write(path, [[text, Decimal("1.5"), dt.date(2012, 3, 1)] for text in (*INJECTIONS, *LEADING_BLANKS)])
    book = read_book(path)
    rows = book.rows("表")
    assert [r[0] for r in rows[3:]] == [*INJECTIONS, *LEADING_BLANKS]
    assert rows[3][1:] == [1.5, dt.date(2012, 3, 1)]
    for text in (*INJECTIONS, *LEADING_BLANKS):
        assert_literal_text(book, text)
    ws = book.xl["表"]
    assert ws["B4"].number_format == "#,##0.00" and ws["C4"].number_format == "yyyy-mm-dd"
    assert_no_formulas_or_links(path)


def test_same_data_same_bytes(tmp_path):
    rows = [["光伏项目", 12, dt.date(2012, 1, 2)]]
    _write(tmp_path / "a.xlsx", rows)
    _write(tmp_path / "b.xlsx", rows)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert read_book(tmp_path / "a.xlsx").xl.properties.created == dt.datetime(2012, 3, 14)


def test_zipped_fast_and_xlsxwriter_left_as_it_was(tmp_path):
    """The book's zip at zlib's fastest level (crm.exporting.workbook._Workbook), and XlsxWriter's own
    ZipFile back in place for anyone else once it is written."""
    import zlib

    import xlsxwriter.workbook

    _write(tmp_path / "a.xlsx", [["光伏项目" * 50, 12, dt.date(2012, 1, 2)]] * 200)
    with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
        sheet = book.getinfo("xl/worksheets/sheet1.xml")
        xml = book.read(sheet)

    def deflated(level: int) -> int:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(packer.compress(xml) + packer.flush())

    assert sheet.compress_size == deflated(1) != deflated(6)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_failure_leaves_the_existing_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"previous report")
    with pytest.raises(RuntimeError):
        _write(path, [["x", 1, dt.date(2012, 1, 1)]], fail=True)
    assert path.read_bytes() == b"previous report"
    assert os.listdir(tmp_path) == ["out.xlsx"]


def test_replacing_keeps_permissions(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o640)
    _write(path, [["x", 1, dt.date(2012, 1, 1)]])
    assert path.stat().st_mode & 0o777 == 0o640
    assert read_book(path).rows("表")[3][0] == "x"


@pytest.mark.parametrize("target", ["out.csv", "missing-folder/out.xlsx", "afile.txt/out.xlsx", "."])
def test_refused_targets(tmp_path, target):
    (tmp_path / "afile.txt").write_text("x")
    path = tmp_path / target if target != "." else tmp_path / "folder.xlsx"
    if target == ".":
        path.mkdir()
    with pytest.raises(CrmError) as error:
        _write(path, [])
    assert error.value.key in ("export_not_xlsx", "write_failed")
    assert "\n" not in error.value.message
    assert sorted(os.listdir(tmp_path)) == sorted({"afile.txt", *(["folder.xlsx"] if target == "." else [])})
