"""A table saved as a web page under an .xls name, as many web systems export lists (Excel opens it),
read like a workbook: each <table> is a sheet of text cells, rowspan and colspan are merged areas as
calamine reports them for xlsx, <br> is a line break in its cell, &nbsp; a space.

The standard library's html.parser reads the file as a stream of decoded chunks: it fetches nothing and
expands no entity but HTML's own character references. The file's size was bounded before it is read
(crm.importing.reader); while it is read, rows, columns, area and cells are bounded by the limits of every
format (crm.importing.bounds), and a cell's text and the number of tables by a page's own."""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from crm.importing import bounds
from crm.importing.bounds import MAX_AREA, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, refuse
from crm.importing.reader import Sheet, Workbook

CHUNK_BYTES = 256 * 1024
MAX_CELL_CHARS = 32_767  # Excel's own limit of one cell's text
MAX_TABLES = 1000  # a page holds one list, maybe inside a layout table or two
# A page begins with these, after white space, comments and an XML declaration (XHTML).
_PAGE = re.compile(rb"(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|table|meta|title|style)\b",
                   re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "hz"}  # all read as GB18030, their superset
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")  # HTML's white space, and &nbsp; as the space it shows
_CELLS, _BREAKS, _SKIPPED = {"td", "th"}, {"br", "p", "div", "li"}, {"script", "style"}


def is_html(head: bytes) -> bool:
    """The first bytes of a file are a web page's."""
    return _PAGE.match(head.removeprefix(codecs.BOM_UTF8)) is not None


@dataclass
class HtmlWorkbook(Workbook):
    """The page's tables, read when the file was opened (a page holds one list, bounded as one sheet)."""

    tables: dict[str, Sheet] = field(default_factory=dict)

    def sheets(self, wanted: list[str] | None = None) -> Iterator[Sheet]:
        for name in self._names(wanted):
            yield self.tables[name]


def open_html(path: Path, head: bytes, file_hash: str) -> HtmlWorkbook:
    """Its tables with at least one filled cell, as sheets named after the file (name-1, name-2 … when
    there are several); a page without any is refused. `head`: the file's first bytes (is_html's)."""
    for encoding in _encodings(head):
        try:
            tables = _read(path, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise refuse("unknown_encoding", path=path.name)
    tables = [t for t in tables if any(any(row) for row in t.rows)]
    if not tables:
        raise refuse("html", path=path.name)
    names = [path.stem] if len(tables) == 1 else [f"{path.stem}-{n}" for n in range(1, len(tables) + 1)]
    sheets = {name: Sheet(name, table.rows, 1, 0, table.merged) for name, table in zip(names, tables)}
    return HtmlWorkbook(path, "html", names, file_hash, [], tables=sheets)


def _encodings(head: bytes) -> list[str]:
    """The BOM's, else the declared charset (<meta charset=…>, or http-equiv), then UTF-8, then GB18030.
    A declared UTF-16 or UTF-32 is not believed of a page whose first bytes read as ASCII (browsers don't)."""
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    candidates = ["utf-8", "gb18030"]
    if declared := _CHARSET.search(head):
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            return candidates
        if not name.startswith(("utf-16", "utf-32")):
            candidates.insert(0, "gb18030" if name in _GB else name)
    return list(dict.fromkeys(candidates))


def _read(path: Path, encoding: str) -> list[_Table]:
    decoder = codecs.getincrementaldecoder(encoding)()
    parser = _TableParser(path)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            parser.feed(decoder.decode(chunk))
    parser.feed(decoder.decode(b"", final=True))
    parser.close()
    return parser.finish()


@dataclass(eq=False)
class _Table:
    where: bounds.Sheet  # the sheet it becomes, to name in a refusal
    rows: list[list[str]] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    covered: dict[int, int] = field(default_factory=dict)  # column → the last row a rowspan above covers
    row: list[str] | None = None  # the row being read
    cell: list[str] | None = None  # the text of the cell being read, in parts
    cell_chars: int = 0
    spans: tuple[int, int] = (1, 1)  # rowspan, colspan of the cell being read
    width: int = 0


class _TableParser(HTMLParser):
    """Rows and cells of every table, nested ones as tables of their own (the text of an inner table
    belongs to it, not to the outer cell). Cells and rows left open are closed as browsers close them.
    The page's tables together are bounded as one sheet is (crm.importing.bounds): a page is one list."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tables: list[_Table] = []  # in the order they begin
        self.open: list[_Table] = []
        self.skipping = 0  # inside <script> or <style>
        self.cells = 0  # written by the cells of every table
        self.area = 0  # rows × columns of the tables ended

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # The tags of a table's cells and rows first: a list of 50,000 rows is mostly those.
        if tag in _CELLS:
            if not self.open:
                return
            table = self.open[-1]
            self._end_cell(table)
            if table.row is None:
                table.row = []
            table.cell, table.cell_chars = [], 0
            if attrs:
                values = dict(attrs)
                table.spans = (_span(values.get("rowspan")), _span(values.get("colspan")))
            else:
                table.spans = (1, 1)
        elif tag == "tr":
            if self.open:
                self._end_row(self.open[-1])
                self.open[-1].row = []
        elif tag == "table":
            if len(self.tables) == MAX_TABLES:
                raise refuse("html_tables", path=self.path.name, limit=f"{MAX_TABLES:,}")
            number = len(self.tables) + 1
            table = _Table(bounds.Sheet(self.path, self.path.stem if number == 1 else f"{self.path.stem}-{number}"))
            self.tables.append(table)
            self.open.append(table)
        elif tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BREAKS and self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif not self.open:
            return
        elif tag in _CELLS:
            self._end_cell(self.open[-1])
        elif tag == "tr":
            self._end_row(self.open[-1])
        elif tag == "table":
            self._end_table(self.open.pop())

    def handle_data(self, data: str) -> None:
        if self.skipping or not self.open or (table := self.open[-1]).cell is None:
            return
        text = _SPACES.sub(" ", data)
        table.cell_chars += len(text)
        if table.cell_chars > MAX_CELL_CHARS:
            raise refuse("html_cell", path=self.path.name, sheet=table.where.name, limit=f"{MAX_CELL_CHARS:,}")
        table.cell.append(text)

    def finish(self) -> list[_Table]:
        while self.open:
            self._end_table(self.open.pop())
        return self.tables

    # -- building the grid --------------------------------------------------------------------------

    def _end_cell(self, table: _Table) -> None:
        parts = table.cell
        if parts is None:
            return
        table.cell = None
        if len(parts) == 1:  # one run of text, its white space collapsed already (a lone <br> strips away)
            text = parts[0].strip()
        else:
            lines = (line.strip() for line in "".join(parts).split("\n"))
            text = "\n".join(line for line in lines if line)
        row, number = table.row, len(table.rows)
        while table.covered.get(len(row), -1) >= number:  # under a rowspan from above
            row.append("")
        column = len(row)
        rowspan, colspan = table.spans
        if column + colspan > MAX_COLUMNS:  # before a span is laid out, however wide it claims to be
            raise table.where.refuse("columns")
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise table.where.refuse("cells")
        row.append(text)
        row.extend([""] * (colspan - 1))
        if rowspan > 1 or colspan > 1:
            table.merged.append(((number, column), (number + rowspan - 1, column + colspan - 1)))
        if rowspan > 1:
            for covered in range(column, column + colspan):
                table.covered[covered] = number + rowspan - 1

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        table.rows.append(table.row)
        table.width = max(table.width, len(table.row))
        table.row = None
        if len(table.rows) > MAX_ROWS:
            raise table.where.refuse("rows")
        if self.area + len(table.rows) * table.width > MAX_AREA:  # what padding the rows to the width makes
            raise table.where.refuse("area")

    def _end_table(self, table: _Table) -> None:
        self._end_row(table)
        last = len(table.rows) - 1
        # A span past the last row ends with the table, as it does on screen.
        table.merged = [((top, left), (min(bottom, last), right)) for (top, left), (bottom, right) in table.merged
                        if min(bottom, last) > top or right > left]
        for row in table.rows:
            row.extend([""] * (table.width - len(row)))
        self.area += len(table.rows) * table.width


def _span(value: str | None) -> int:
    """rowspan="3" → 3; missing, unreadable or below 1 → 1 (a span is bounded where it is laid out)."""
    try:
        return max(int((value or "").strip()), 1)
    except ValueError:
        return 1
