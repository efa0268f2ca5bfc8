"""The sheet form every export shares, so that each workbook looks like what a careful staff member makes
in Excel: A4 landscape fitted to one page wide, the header row repeated on every printed page, a frozen
header and an autofilter, columns sized for Chinese text, wrapped long text, a title and the as-of date
on top, 亿元 with two decimals, real dates, a CJK font.

User text is written as text and nothing else: always a string cell (XlsxWriter with formulas and URLs
off), with Excel's quote prefix when it starts like a formula, minus the control characters XML cannot
hold. The file appears whole or not at all: written beside the target, then renamed over it.

XlsxWriter (formulas and URLs from strings off) writes the workbook: titles, headers, forms, styles, the
chart, print settings. Table rows, nearly all of a weekly sheet's 170,000 cells, are laid out by
Sheet.row() as sheet XML pointing into XlsxWriter's shared strings and formats (see _Worksheet), at a
fraction of XlsxWriter's cost per cell; bench/bench_export.py measures it against XlsxWriter alone."""
from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import io
import os
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from unicodedata import east_asian_width

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from crm.errors import CrmError
from crm.outputs import check_output_path, os_reason, written_whole
from crm.i18n import pick

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_SIZE = 10
LINE_HEIGHT_PT = 14.5  # one line of BODY_SIZE text, CJK fonts included
A4 = 9  # XlsxWriter's paper code

# Column kinds: how a value is written, aligned and formatted.
TEXT, WRAP, CENTER, INTEGER, COUNT, YI, DATE, PERCENT = "text", "wrap", "center", "integer", "count", "yi", "date", "percent"
DECIMAL, POINTS = "decimal", "points"  # a number with two decimals (a score); percentage points, signed
_NUMBER_FORMATS = {INTEGER: "0", COUNT: "#,##0", YI: "#,##0.00", DATE: "yyyy-mm-dd", PERCENT: "0.00%",
                   DECIMAL: "#,##0.00", POINTS: "+0.00;-0.00;0.00"}
_ALIGN = {TEXT: "left", WRAP: "left", CENTER: "center", INTEGER: "center", COUNT: "right", YI: "right",
          DATE: "center", PERCENT: "right", DECIMAL: "right", POINTS: "right"}
# Widest a column grows (in '0' widths) before its text wraps; numbers get what they need.
_WIDTH_CAP = {TEXT: 24, WRAP: 36, CENTER: 12}
_NUMBER_WIDTH = {DATE: 10, PERCENT: 7}
MIN_WIDTH = 4
PADDING = 2

# Fills: the 三色 of project signals and a blue ramp for the stages (deeper = further along).
SIGNAL_FILLS = {"green": ("#C6EFCE", "#006100"), "yellow": ("#FFEB9C", "#9C5700"), "red": ("#FFC7CE", "#9C0006")}
STAGE_FILLS = {"signed": ("#DDEBF7", None), "construction": ("#BDD7EE", None), "production": ("#9BC2E6", None),
               "results": ("#6FA8DC", None)}
HEADER_FILL = "#D9D9D9"

# Characters XML 1.0 cannot carry (tab, LF and CR can).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A cell starting with one of these could be taken for a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_FIRST = frozenset(_FORMULA_START)
MAX_CELL_CHARS = 32_767
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()


def safe_text(value: object) -> str:
    """Text as a cell can hold it: no XML-illegal characters, at most Excel's 32,767 characters."""
    text = str(value)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_START)


def display_width(text: str) -> int:
    """Width of the longest line in '0' widths: East Asian wide and full-width characters count 2."""
    return max(len(line) + sum(1 for ch in line if ch >= "\u1100" and east_asian_width(ch) in "WF")
               for line in text.split("\n"))


def _height_width(text: str) -> int:
    """A quick width for sizing rows that never falls short of display_width: exact for ASCII and CJK
    (1 and 3 bytes in UTF-8), a little wide for the rare 2- and 4-byte characters. Rows are sized for
    every wrapped cell of every row, where an exact measure per character would cost more than the rest."""
    return (len(text.encode()) + len(text) + 1) // 2


WAN_PER_YI = Decimal(10_000)


def yi(amount_wan: Decimal | float | None) -> Decimal | None:
    """万元 (as amounts are kept) → 亿元 (as leaders read them), exact: the cell shows two decimals."""
    return None if amount_wan is None else Decimal(amount_wan) / WAN_PER_YI


def excel_serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    cap: int | None = None  # widest before wrapping; None = the kind's default
    least: int = 0  # narrowest it may be


Fill = tuple[str, str | None]  # (background, font colour)


_COLUMN_LETTERS = [chr(ord("A") + i) for i in range(26)] + [f"A{chr(ord('A') + i)}" for i in range(26)]
_ROW_START = re.compile(r'<row r="(\d+)"')


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet, plus table rows that Sheet.row() has already laid out as XML: at close they
    are merged by row number into the rows XlsxWriter writes itself (titles, headers, forms). Going
    through XlsxWriter's per-cell API for the 170,000 cells of a 10,000-project sheet costs more than
    every query behind it; these rows cost a fraction of that. The hook (_write_sheet_data), the shared
    string table and Format._get_xf_index are XlsxWriter 3's; the export tests read every row back."""

    def __init__(self) -> None:
        super().__init__()
        self.direct_rows: list[tuple[int, str]] = []  # (row, its cells' XML), rows in increasing order
        self.direct_heights: dict[int, float] = {}

    def _write_sheet_data(self) -> None:
        if not self.direct_rows:
            super()._write_sheet_data()
            return
        real, self.fh = self.fh, io.StringIO()
        try:
            super()._write_sheet_data()
            own = self.fh.getvalue()
        finally:
            self.fh = real
        body = own.partition("<sheetData>")[2].rpartition("</sheetData>")[0]
        starts = [(int(m.group(1)) - 1, m.start()) for m in _ROW_START.finditer(body)]
        theirs = [(r, body[at:(starts[i + 1][1] if i + 1 < len(starts) else len(body))]) for i, (r, at) in enumerate(starts)]
        ours = [(r, self._direct_row(r, cells)) for r, cells in self.direct_rows]
        self.fh.write("<sheetData>")
        self.fh.write("".join(xml for _, xml in heapq.merge(theirs, ours, key=lambda pair: pair[0])))
        self.fh.write("</sheetData>")

    def _direct_row(self, r: int, cells: str) -> str:
        height = self.direct_heights.get(r)
        size = f' ht="{height:g}" customHeight="1"' if height else ""
        return f'<row r="{r + 1}"{size}>{cells}</row>'


class _FastZip(zipfile.ZipFile):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, compresslevel=1, **kwargs)


_ZIPPING = threading.Lock()


class _Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, zipped at zlib's fastest level. Its parts are XML, which that still shrinks
    to a sixth (a 10,000-project weekly book: 1.2 MB instead of 0.9 MB) in a third of the time, a tenth of
    the whole export. XlsxWriter offers no option for it: its _store_workbook opens the zip by the name
    xlsxwriter.workbook.ZipFile, which is ours while it runs (one book at a time: the workbench exports in
    threads)."""

    def _store_workbook(self) -> None:
        with _ZIPPING:
            theirs, xlsxwriter.workbook.ZipFile = xlsxwriter.workbook.ZipFile, _FastZip
            try:
                super()._store_workbook()
            finally:
                xlsxwriter.workbook.ZipFile = theirs


class Sheet:
    """One worksheet: title and as-of line, then tables written top to bottom. The first table is the
    main one: its header is frozen, repeated on printed pages and carries the autofilter."""

    def __init__(self, book: ExportBook, name: str, *, title: str, subtitle: str, width: int,
                 freeze_columns: int = 0, one_page: bool = False) -> None:
        self.book = book
        self.name = name
        self.ws = book.xlsx.add_worksheet(name, worksheet_class=_Worksheet)
        self.n_columns = width
        self.freeze_columns = freeze_columns
        self.one_page = one_page
        self.widths = [MIN_WIDTH] * width
        self.columns: list[Column] = []
        self.next_row = 0
        self.main_header: int | None = None
        self.main_last: int | None = None
        self.main_width = 0
        self._in_main = False
        # Text that may wrap, as (row, first column, last column, text): rows get their height at the end,
        # since neither LibreOffice nor Excel (for merged cells) sizes a row to wrapped text by itself.
        self._wrapping: list[tuple[int, int, int, str]] = []
        self._charts: list[tuple[int, int, int, object]] = []  # (row, column, rows tall, chart)
        self.ws.set_row(0, 30)
        self._merged(0, 0, width - 1, title, book.style("title"))
        self._merged(1, 0, width - 1, subtitle, book.style("subtitle"))
        self.next_row = 2

    # --- writing -------------------------------------------------------------------------------------
    def table(self, columns: Sequence[Column], *, main: bool = True) -> None:
        """Start a table: its header row, then row() fills it. The first main table gets the frozen header,
        the printed title rows and the autofilter; a form's side table (main=False) gets none."""
        assert len(columns) <= self.n_columns
        self.columns = list(columns)
        self._caps = [column.cap or _WIDTH_CAP.get(column.kind, _WIDTH_CAP[TEXT]) for column in columns]
        self._styled = self.book.xf
        self._plain_s = [self.book.xf(column.kind, None, False) for column in columns]
        self._plain_date = self.book.xf(DATE, None, False)
        self._shared = self.book.xlsx.str_table._get_shared_string_index
        # The range of numbers each column has been measured for: one inside it cannot widen the column.
        self._seen_low = [float("inf")] * len(columns)
        self._seen_high = [float("-inf")] * len(columns)
        self._kinds = [column.kind for column in columns]
        r = self.next_row
        style = self.book.style("header")
        for c, column in enumerate(columns):
            self.ws.write_string(r, c, column.header, style)
            self._measure_text(c, column.header, cap=40)
            self.widths[c] = max(self.widths[c], column.least)
            if "\n" in column.header:
                self._wrapping.append((r, c, c, column.header))
        self._in_main = main and self.main_header is None
        if self._in_main:
            self.main_header = self.main_last = r
            self.main_width = len(columns)
        self.next_row += 1

    def row(self, values: Sequence[object], *, fills: Mapping[int, Fill] | None = None, total: bool = False,
            kinds: Mapping[int, str] | None = None) -> None:
        """One row of the current table; a total row is bold and stays out of the autofilter's range.
        `kinds` overrides a column's kind for this row's cell (a count in a column of amounts).
        The row is laid out here as sheet XML (see _Worksheet); only its height waits for finish().
        Nearly every cell of a large sheet passes here: the common case (a string, a number, a date or
        nothing, in the column's own style) costs a type test and one format each."""
        if total:
            self._in_main = False
        r = self.next_row
        number = str(r + 1)
        if kinds:
            overridden = dict(kinds)
            kinds = [overridden.get(c, kind) for c, kind in enumerate(self._kinds)]
        else:
            kinds = self._kinds
        styled = self._styled
        plain = self._plain_s if kinds is self._kinds and not total else None
        widths, caps, wrapping = self.widths, self._caps, self._wrapping
        shared = self._shared
        fills = fills or {}
        cells = []
        for c, value in enumerate(values):
            fill = fills.get(c)
            if isinstance(value, str) and value:
                if len(value) > MAX_CELL_CHARS or _ILLEGAL_XML.search(value):
                    value = safe_text(value)
                if value[0] in _FORMULA_FIRST:
                    s = styled(kinds[c], fill, total, True)
                else:
                    s = plain[c] if plain is not None and fill is None else styled(kinds[c], fill, total, False)
                cells.append(f'<c r="{_COLUMN_LETTERS[c]}{number}" s="{s}" t="s"><v>{shared(value)}</v></c>')
                # Measure only what could widen the column: even all-wide text of this length could not.
                if 2 * len(value) > widths[c]:
                    if widths[c] < caps[c]:
                        widths[c] = max(widths[c], min(display_width(value), caps[c]))
                    wrapping.append((r, c, c, value))
                elif "\n" in value:
                    wrapping.append((r, c, c, value))
            elif value is None or value == "":
                s = plain[c] if plain is not None and fill is None else styled(kinds[c], fill, total, False)
                cells.append(f'<c r="{_COLUMN_LETTERS[c]}{number}" s="{s}"/>')
            elif isinstance(value, dt.date):
                s = self._plain_date if plain is not None and fill is None else styled(DATE, fill, total, False)
                cells.append(f'<c r="{_COLUMN_LETTERS[c]}{number}" s="{s}"><v>{value.toordinal() - _EXCEL_EPOCH_ORDINAL}</v></c>')
                if widths[c] < _NUMBER_WIDTH[DATE]:
                    widths[c] = _NUMBER_WIDTH[DATE]
            else:
                value = float(value)
                s = plain[c] if plain is not None and fill is None else styled(kinds[c], fill, total, False)
                cells.append(f'<c r="{_COLUMN_LETTERS[c]}{number}" s="{s}"><v>{value:.16G}</v></c>')
                if not self._seen_low[c] <= value <= self._seen_high[c]:
                    self._measure_number(c, kinds[c], value)
        self.ws.direct_rows.append((r, "".join(cells)))
        self.ws._check_dimensions(r, len(values) - 1)
        if self._in_main:
            self.main_last = r
        self.next_row += 1

    def field(self, label: str, value: object, *, kind: str = TEXT) -> None:
        """A form line: the label in the first column, the value across the others."""
        self._in_main = False
        r = self.next_row
        self.ws.write_string(r, 0, safe_text(label), self.book.style("label"))
        self._measure_text(0, label, cap=_WIDTH_CAP[TEXT])
        if isinstance(value, dt.date):
            style = self.book.cell_style(DATE, None, False, align="left")
            self.ws.merge_range(r, 1, r, self.n_columns - 1, "", style)
            self.ws.write_number(r, 1, excel_serial(value), style)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            style = self.book.cell_style(kind, None, False, align="left")
            self.ws.merge_range(r, 1, r, self.n_columns - 1, "", style)
            self.ws.write_number(r, 1, float(value), style)
        else:
            text = safe_text(value if value is not None else "")
            self._merged(r, 1, self.n_columns - 1, text, self.book.cell_style(TEXT, None, False, looks_like_formula(text)))
            self._wrapping.append((r, 1, self.n_columns - 1, text))
        self.next_row += 1

    def caption(self, text: str, *, column: int = 0, advance: bool = True) -> None:
        """A sub-heading between tables (advance=False: another one follows on the same row)."""
        self._in_main = False
        self.ws.write_string(self.next_row, column, safe_text(text), self.book.style("caption"))
        self.ws.set_row(self.next_row, 20)
        if advance:
            self.next_row += 1

    def note(self, text: str) -> None:
        """A wrapped remark across the sheet (cohort, filters)."""
        self._in_main = False
        text = safe_text(text)
        self._merged(self.next_row, 0, self.n_columns - 1, text, self.book.style("note"))
        self._wrapping.append((self.next_row, 0, self.n_columns - 1, text))
        self.next_row += 1

    def skip(self, rows: int = 1) -> None:
        self._in_main = False
        self.next_row += rows

    def chart(self, chart, *, row: int, column: int, rows: int) -> None:
        """A chart from (row, column) to the sheet's last column, `rows` default rows tall."""
        self._charts.append((row, column, rows, chart))

    # --- layout --------------------------------------------------------------------------------------
    def _merged(self, r: int, first: int, last: int, text: str, style) -> None:
        text = safe_text(text)
        if last > first:
            self.ws.merge_range(r, first, r, last, "", style)
        self.ws.write_string(r, first, text, style)

    def _measure_text(self, c: int, text: str, cap: int) -> None:
        current = self.widths[c]
        # Skip the exact measure when even all-wide characters could not widen the column.
        if current < cap and 2 * len(text) > current:
            self.widths[c] = max(current, min(display_width(text), cap))

    def _measure_number(self, c: int, kind: str, number: float) -> None:
        if kind == self._kinds[c]:  # a row's own kind (a count among amounts) is shown shorter
            self._seen_low[c] = min(self._seen_low[c], number)
            self._seen_high[c] = max(self._seen_high[c], number)
        shown = _NUMBER_WIDTH.get(kind) or len(
            f"{number:,.2f}" if kind in (YI, DECIMAL) else f"{number:+,.2f}" if kind == POINTS else f"{number:,.0f}")
        if shown > self.widths[c]:
            self.widths[c] = shown

    def finish(self) -> None:
        ws = self.ws
        widths = [w + PADDING for w in self.widths]
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        lines_per_row: dict[int, int] = {}
        rooms = [width - 1 for width in widths]  # less the cell's inner margins
        for r, first, last, text in self._wrapping:
            room = rooms[first] if first == last else sum(widths[first:last + 1]) - 1
            if "\n" in text:
                lines = sum(-(-max(1, _height_width(line)) // room) for line in text.split("\n"))
            elif 2 * len(text) <= room:
                continue
            else:
                lines = -(-_height_width(text) // room)
            if lines > lines_per_row.get(r, 1):
                lines_per_row[r] = lines
        direct = {r for r, _ in ws.direct_rows}
        for r, lines in lines_per_row.items():
            if r in direct:
                ws.direct_heights[r] = lines * LINE_HEIGHT_PT + 3
            else:
                ws.set_row(r, lines * LINE_HEIGHT_PT + 3)
        for r, c, rows, chart in self._charts:
            chart.set_size({"width": int(sum(w * 7 + 5 for w in widths[c:])), "height": rows * 20})
            ws.insert_chart(r, c, chart, {"object_position": 1})
        if self.main_header is not None:
            ws.freeze_panes(self.main_header + 1, self.freeze_columns)
            ws.repeat_rows(self.main_header)
            ws.autofilter(self.main_header, 0, self.main_last, self.main_width - 1)
        ws.print_area(0, 0, max(self.next_row - 1, 0), self.n_columns - 1)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 1 if self.one_page else 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer(pick("&C第 &P 页，共 &N 页", "&CPage &P of &N"))


class ExportBook:
    """The workbook being written (see export_book)."""

    def __init__(self, path: str, *, title: str, as_of: dt.date) -> None:
        self.xlsx = _Workbook(
            path,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_format_properties": {"font_name": BODY_FONT, "font_size": BODY_SIZE},
            },
        )
        # Same data, same file: the only date inside is the as-of date.
        stamp = dt.datetime.combine(as_of, dt.time(), dt.timezone.utc)
        self.xlsx.set_properties({"title": title, "created": stamp, "author": "", "comments": ""})
        self.sheets: list[Sheet] = []
        self._styles: dict[object, object] = {}
        self._xf: dict[tuple, int] = {}

    def sheet(self, name: str, *, title: str, subtitle: str, width: int, freeze_columns: int = 0,
              one_page: bool = False) -> Sheet:
        sheet = Sheet(self, name, title=title, subtitle=subtitle, width=width, freeze_columns=freeze_columns,
                      one_page=one_page)
        self.sheets.append(sheet)
        return sheet

    def chart(self, spec: dict):
        return self.xlsx.add_chart(spec)

    def style(self, name: str):
        if name not in self._styles:
            base = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
            props = {
                "title": {"font_name": HEADING_FONT, "font_size": 16, "align": "center", "valign": "vcenter"},
                "subtitle": {**base, "font_color": "#404040", "align": "left"},
                "header": {"font_name": HEADING_FONT, "font_size": BODY_SIZE, "bg_color": HEADER_FILL, "border": 1,
                           "align": "center", "valign": "vcenter", "text_wrap": True},
                "label": {"font_name": HEADING_FONT, "font_size": BODY_SIZE, "bg_color": HEADER_FILL, "border": 1,
                          "align": "left", "valign": "vcenter", "text_wrap": True},
                "caption": {"font_name": HEADING_FONT, "font_size": 12, "valign": "vcenter"},
                "note": {**base, "font_color": "#404040", "text_wrap": True, "align": "left"},
            }[name]
            # These cells hold only text, some of it the user's (titles name events): keep it text on edit too.
            self._styles[name] = self.xlsx.add_format({**props, "quote_prefix": True})
        return self._styles[name]

    def xf(self, kind: str, fill: Fill | None, bold: bool, quote_prefix: bool = False) -> int:
        """The style's index in the workbook, for rows written as XML."""
        key = (kind, fill, bold, quote_prefix)
        index = self._xf.get(key)
        if index is None:
            index = self._xf[key] = self.cell_style(kind, fill, bold, quote_prefix)._get_xf_index()
        return index

    def cell_style(self, kind: str, fill: Fill | None, bold: bool, quote_prefix: bool = False, *,
                   align: str | None = None):
        key = (kind, fill, bold, quote_prefix, align)
        style = self._styles.get(key)
        if style is None:
            props = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "border": 1, "valign": "vcenter",
                     "align": align or _ALIGN[kind]}
            if kind in (TEXT, WRAP, CENTER):
                props["text_wrap"] = True
            if kind in _NUMBER_FORMATS:
                props["num_format"] = _NUMBER_FORMATS[kind]
            if fill:
                props["bg_color"] = fill[0]
                if fill[1]:
                    props["font_color"] = fill[1]
            if bold:
                props["bold"] = True
            if quote_prefix:
                # Excel's leading apostrophe: the cell stays text even when someone edits it.
                props["quote_prefix"] = True
            style = self._styles[key] = self.xlsx.add_format(props)
        return style


@contextlib.contextmanager
def export_book(path: str | os.PathLike, *, title: str, as_of: dt.date) -> Iterator[ExportBook]:
    """Write a workbook to `path` whole or not at all: into a temporary file in the same folder, renamed
    over the target once complete. An existing file is left untouched when anything fails."""
    target = check_output_path(path)
    if target.suffix.lower() != ".xlsx":
        raise CrmError("export_not_xlsx", path=str(target))
    with written_whole(target) as temporary:
        book = ExportBook(str(temporary), title=title, as_of=as_of)
        yield book
        for sheet in book.sheets:
            sheet.finish()
        try:
            book.xlsx.close()
        except OSError as error:
            raise CrmError("write_failed", path=str(target), reason=os_reason(error)) from None
        except FileCreateError as error:
            raise CrmError("write_failed", path=str(target), reason=str(error)) from None
