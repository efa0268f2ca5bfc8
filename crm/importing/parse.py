"""A file → its rows: every sheet (or the named ones), each read, laid out by a kind's vocabulary and
classified by the kind's row rules (RowRules; invitee lists unless told otherwise). Nothing here
touches the database, so the TUI can preview a file before anything is decided."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crm.errors import CrmError
from crm.importing.layout import Layout, RawRow, RowError, Vocabulary, data_rows, find_layout
from crm.importing.reader import ReadAhead, open_workbook, refuse
from crm.importing.rows import Classifier

Progress = Callable[[str, int, int], None]  # (phase, done, total)
RowsRead = Callable[[list], None]  # rows classified so far, handed on in batches
ROWS_PER_BATCH = 5000


class Row(Protocol):
    """What every kind's rows tell the shared parts (errors, --errors-out, counts)."""

    sheet: str
    row: int  # the Excel row number
    error: RowError | None
    cells: list | None  # the row as read


class RowRules(Protocol):
    """A kind of table: its header vocabulary and its row rules, one instance per file (rules may
    remember what earlier rows said: a section, an activity)."""

    vocabulary: Vocabulary

    def classify(self, raw: RawRow, layout: Layout) -> Row | None:
        """The row as the kind reads it; None for a row that only tells the rows below it something
        (a section title)."""


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
    rows: list[Row]
    skipped_sheets: list[str]  # hidden and chart sheets, left out unless named with --sheet
    vocabulary: Vocabulary  # the kind of table it was read as

    @property
    def errors(self) -> list[RowError]:
        return [row.error for row in self.rows if row.error is not None]


def parse_file(
    path: str | Path, *, sheets: list[str] | None = None, overrides: dict[str, str] | None = None,
    progress: Progress | None = None, ahead: ReadAhead | None = None, on_rows: RowsRead | None = None,
    rules: RowRules | None = None,
) -> ParsedFile:
    """Read and classify every row by `rules` (default: an invitee list); raises FileRefused for a file
    that holds no such table. `ahead`: the same file already being read (reader.ReadAhead); `on_rows`
    sees the rows as they are classified."""
    classifier = rules if rules is not None else Classifier()
    vocabulary = classifier.vocabulary
    book = ahead.workbook() if ahead is not None else open_workbook(path)
    try:
        wanted = _wanted_sheets(book.sheet_names, sheets)
        reports: list[SheetReport] = []
        rows: list[Row] = []
        names = wanted or [n for n in book.sheet_names if n not in book.skipped_sheets]
        for number, sheet in enumerate(book.sheets(wanted), start=1):
            layout = find_layout(sheet, vocabulary, overrides or {})
            report = SheetReport(sheet.name, None)
            if layout is not None:
                report.header_row = sheet.first_row + layout.header_index
                report.headers = {layout.headers[i]: f for i, f in layout.columns.items()}
                report.unknown_columns = list(layout.unknown)
                report.layout = layout
                handed = len(rows)
                for raw in data_rows(sheet, layout):
                    row = classifier.classify(raw, layout)
                    if row is None:
                        continue
                    rows.append(row)
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
        raise refuse(vocabulary.no_header, path=Path(path).name)
    return ParsedFile(Path(path), book.format, book.file_hash, reports, rows, [
        s for s in book.skipped_sheets if s not in (wanted or [])
    ], vocabulary)


def _wanted_sheets(available: list[str], wanted: list[str] | None) -> list[str] | None:
    if not wanted:
        return None
    missing = [name for name in wanted if name not in available]
    if missing:
        raise CrmError("import_unknown_sheet", sheet=", ".join(missing), sheets=", ".join(available))
    return list(dict.fromkeys(wanted))
