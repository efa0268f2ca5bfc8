"""Rejected rows back to the user: one sheet per source sheet, the original header and cells, and a
reason column — fix the cells, import the file again (the reason and source columns are ignored).

Cells are written as text, never as formulas: xlsx cells are typed strings (XlsxWriter with formula
and URL conversion off); a .csv gets the OWASP quote prefix on anything a spreadsheet would evaluate."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from crm.i18n import pick
from crm.outputs import check_output_path, written_whole
from crm.importing.layout import Layout, Vocabulary
from crm.importing.parse import ParsedFile, Row

MAX_CELL = 32767  # Excel's limit for one cell's text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_rejected(parsed: ParsedFile, path: str | Path) -> int:
    """Write the error rows of `parsed` to path (.xlsx, or .csv by its suffix), whole or not at all.
    Returns rows written."""
    target = check_output_path(path, input_file=parsed.path)
    groups = _by_sheet(parsed)
    with written_whole(target) as temporary:
        if target.suffix.lower() == ".csv":
            return _write_csv(groups, temporary, parsed.vocabulary)
        return _write_xlsx(groups, temporary)


def _by_sheet(parsed: ParsedFile) -> list[tuple[str, object, list[Row]]]:
    groups = []
    for report in parsed.sheets:
        rejected = [r for r in parsed.rows if r.error is not None and r.sheet == report.name]
        if rejected and report.layout is not None:
            groups.append((report.name, report.layout, rejected))
    return groups


def _reason_columns() -> list[str]:
    return [pick("错误原因", "error"), pick("来源工作表", "sheet"), pick("来源行号", "row")]


def _reasons(row: Row) -> list[str]:
    return [row.error.message, row.sheet, str(row.row)]


def _original_header(layout: Layout, rows: list[Row]) -> list[str]:
    width = max(len(layout.header_cells), *(len(r.cells or []) for r in rows))
    return layout.header_cells + [""] * (width - len(layout.header_cells))


def _original_cells(row: Row, width: int) -> list[str]:
    cells = list(row.cells or [])[:width]
    return [_text(c) for c in cells] + [""] * (width - len(cells))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800138000.0 as the user typed it
    return _CONTROL.sub("", str(value))[:MAX_CELL]


def _write_xlsx(groups, path: Path) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    used: set[str] = set()
    count = 0
    try:
        for sheet_name, layout, rows in groups:
            sheet = book.add_worksheet(_sheet_name(sheet_name, used))
            bold = book.add_format({"bold": True})
            header = _original_header(layout, rows)
            for column, text in enumerate(header + _reason_columns()):
                sheet.write_string(0, column, text, bold)
            for line, row in enumerate(rows, start=1):
                for column, text in enumerate(_original_cells(row, len(header)) + _reasons(row)):
                    sheet.write_string(line, column, text)
                count += 1
        if not groups:
            book.add_worksheet()
    finally:
        book.close()
    return count


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f"~{number}"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _write_csv(groups, path: Path, vocabulary: Vocabulary) -> int:
    """One CSV holds one header: the fields under their standard names, whatever each sheet called them."""
    count = 0
    fields = vocabulary.fields
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_escape(vocabulary.label(f)) for f in fields] + _reason_columns())
        for _sheet_name, layout, rows in groups:
            by_field = {target: index for index, target in layout.columns.items()}
            for row in rows:
                cells = row.cells or []
                values = [_text(cells[by_field[f]]) if by_field.get(f, len(cells)) < len(cells) else "" for f in fields]
                writer.writerow([_escape(c) for c in values + _reasons(row)])
                count += 1
    return count


def _escape(text: str) -> str:
    """OWASP CSV injection: a leading ' keeps a spreadsheet from evaluating the cell."""
    return "'" + text if text.startswith(_FORMULA_START) else text
