"""A file → its invitee rows: every sheet (or the named ones), each read, laid out and classified.
Nothing here touches the database, so the TUI can preview a file before anything is decided."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crm.errors import CrmError
from crm.importing.reader import ReadAhead, open_workbook, refuse
from crm.importing.rows import Classifier, InviteeRow
from crm.importing.table import Layout, data_rows, find_layout

Progress = Callable[[str, int, int], None]  # (phase, done, total)
RowsRead = Callable[[list[InviteeRow]], None]  # rows classified so far, handed on in batches
ROWS_PER_BATCH = 5000


@dataclass
class SheetReport:
    name: str
    header_row: int | None  # Excel row number of the header, None when no list was found
    headers: dict[str, str] = field(default_factory=dict)  # header text → field
    unknown_columns: list[str] = field(default_factory=list)
    rows: int = 0
    layout: Layout | None = None


@dataclass
class ParsedFile:
    path: Path
    format: str
    file_hash: str
    sheets: list[SheetReport]
    rows: list[InviteeRow]
    skipped_sheets: list[str]  # hidden and chart sheets, left out unless named with --sheet


def parse_file(
    path: str | Path, *, sheets: list[str] | None = None, overrides: dict[str, str] | None = None,
    progress: Progress | None = None, ahead: ReadAhead | None = None, on_rows: RowsRead | None = None,
) -> ParsedFile:
    """Read and classify every row; raises FileRefused for a file that is not a usable list. `ahead`:
    the same file already being read (reader.ReadAhead); `on_rows` sees the rows as they are classified."""
    book = ahead.workbook() if ahead is not None else open_workbook(path)
    try:
        wanted = _wanted_sheets(book.sheet_names, sheets)
        reports: list[SheetReport] = []
        rows: list[InviteeRow] = []
        classifier = Classifier()
        names = wanted or [n for n in book.sheet_names if n not in book.skipped_sheets]
        for number, sheet in enumerate(book.sheets(wanted), start=1):
            layout = find_layout(sheet, overrides or {})
            report = SheetReport(sheet.name, None)
            if layout is not None:
                report.header_row = sheet.first_row + layout.header_index
                report.headers = {layout.headers[i]: f for i, f in layout.columns.items()}
                report.unknown_columns = list(layout.unknown)
                report.layout = layout
                handed = len(rows)
                for raw in data_rows(sheet, layout):
                    rows.append(classifier.classify(raw, layout))
                    report.rows += 1
                    if on_rows and len(rows) - handed == ROWS_PER_BATCH:
                        on_rows(rows[handed:])
                        handed = len(rows)
                if on_rows and len(rows) > handed:
                    on_rows(rows[handed:])
            reports.append(report)
            del sheet  # one sheet's cells in memory at a time
            if progress:
                progress("read", number, len(names))
    finally:
        book.close()
    if all(r.header_row is None for r in reports):
        raise refuse("no_header", path=Path(path).name)
    return ParsedFile(Path(path), book.format, book.file_hash, reports, rows, [
        s for s in book.skipped_sheets if s not in (wanted or [])
    ])


def _wanted_sheets(available: list[str], wanted: list[str] | None) -> list[str] | None:
    if not wanted:
        return None
    missing = [name for name in wanted if name not in available]
    if missing:
        raise CrmError("import_unknown_sheet", sheet=", ".join(missing), sheets=", ".join(available))
    return list(dict.fromkeys(wanted))
