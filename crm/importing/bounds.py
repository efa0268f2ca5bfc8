"""How much of a file an import reads, bounded while the file streams and before any reader allocates.

python-calamine lays a sheet out as one block of rows × columns, and builds an .xls or .ods workbook
whole when it opens it: one cell at XFD1048576 is 17 billion cells, and a DIMENSIONS record, a repeat
count or a shared-string count asks for as many. A part that honestly inflates 142:1 passes any ratio.
So before calamine opens a file, each part of a package is inflated here as a stream under a byte
budget (the sizes a zip declares are not believed), each XML part's prolog is read for a DTD in
whatever encoding it is written, and the parts that place cells are followed as calamine follows them:
how far down and right the cells reach, the area between the first and the last, how many there are.
The first limit passed refuses the file. Parts are read a chunk at a time (an .xls workbook stream is
read whole, within the part limit). The limits are the constants below, in one place for every format
(text files are read by crm.importing.reader, web pages by crm.importing.html_table, within them)."""
from __future__ import annotations

import codecs
import html
import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from crm.errors import FileRefused

MiB = 1024 * 1024

# --- the limits ------------------------------------------------------------------------------------
# A 50,000-row invitee list is 2.6 MB of xlsx, 21 MB of sheet XML: room for four times that, and
# refusals of what no list is, quickly and in little memory.
MAX_FILE_BYTES = 200 * MiB
MAX_PARTS = 10_000  # parts of a zip package
# One part, inflated (counted, not as declared): a 200,000-row list of 14 columns fits; inflating and
# scanning this much takes about half a second, the time a refusal may take.
MAX_PART_BYTES = 128 * MiB
MAX_PACKAGE_BYTES = 256 * MiB  # all parts together
# Sheet XML deflates 10-20:1, repetitive generated files ~100:1; zip bombs reach 1000:1 and more.
MAX_RATIO = 400
RATIO_APPLIES_ABOVE = 8 * MiB
MAX_ROWS = 200_000  # the last row a sheet may use
MAX_COLUMNS = 256  # the last column a sheet may use: IV, Excel 97-2003's own last
MAX_AREA = MAX_ROWS * 26  # rows × columns from a sheet's first cell to its last: every row from A to Z
MAX_CELLS = MAX_AREA  # cells a sheet writes, repeated and duplicated ones counted
MAX_STRINGS = MAX_CELLS  # shared strings of a workbook
MAX_LINE_CHARS = 1 * MiB  # one line of a text file
# An .xls sheet has 65,536 × 256 cells: a DIMENSIONS record beyond is forged, and calamine reserves it.
XLS_SHEET_AREA = 65_536 * 256

CHUNK = 1 * MiB  # inflated at a time
READ = 256 * 1024  # compressed bytes read at a time
MAX_CARRY = 256 * 1024  # an unfinished tag kept for the next chunk (beyond: scanned as it is)


def refuse(what: str, **params) -> FileRefused:
    return FileRefused(f"import_refused_{what}", **params)


@dataclass
class Sheet:
    """Where a limit was passed, to name it: the file and its sheet (or the part holding it)."""

    path: Path
    name: str

    def refuse(self, limit: str) -> FileRefused:
        value = {"rows": MAX_ROWS, "columns": MAX_COLUMNS, "area": MAX_AREA, "cells": MAX_CELLS}[limit]
        return refuse(f"limit_{limit}", path=self.path.name, sheet=self.name, limit=f"{value:,}")


class Extent:
    """The cells a sheet places, as calamine will lay them out: refused as soon as they reach past
    the last row or column, span more than the area between the first and the last, or are too many."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.top, self.left = MAX_ROWS, MAX_COLUMNS  # below and right of any cell let in
        self.bottom = self.right = -1
        self.cells = 0

    def add(self, row: int, column: int, rows: int = 1, columns: int = 1, cells: int = 1) -> None:
        bottom, right = row + rows - 1, column + columns - 1
        if bottom >= MAX_ROWS:
            raise self.sheet.refuse("rows")
        if right >= MAX_COLUMNS:
            raise self.sheet.refuse("columns")
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise self.sheet.refuse("cells")
        self.top, self.left = min(self.top, row), min(self.left, column)
        self.bottom, self.right = max(self.bottom, bottom), max(self.right, right)
        if (self.bottom - self.top + 1) * (self.right - self.left + 1) > MAX_AREA:
            raise self.sheet.refuse("area")


# --- zip packages: xlsx, xlsm, xlsb, ods ------------------------------------------------------------


def check_package(path: Path, archive: zipfile.ZipFile, kind: str) -> dict[str, list] | None:
    """Every part inflated under the budget, every XML part's prolog read, the parts calamine reads
    cells from followed. An ODS file's merged areas come back (they are read on the way)."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise refuse("limit_parts", path=path.name, limit=f"{MAX_PARTS:,}")
    with path.open("rb") as raw:
        package = _Package(path, raw, members)
        sheets = package.sheet_parts(kind)
        merged = None
        for member in members:
            name = _normal(member.filename)
            if id(member) in package.done:
                continue
            if kind == "ods" and name == "content.xml":
                merged = package.ods_content(member)
            elif name in sheets:
                package.sheet(member, sheets[name], binary=kind == "xlsb")
            elif kind == "xlsb" and name in XLSB_RECORD_PARTS:
                package.records(member, None)
            elif name.endswith(XML_SUFFIXES):
                package.xml(member, strings=name.endswith("sharedstrings.xml"))
            else:
                for _chunk in package.inflate(member):
                    pass
    return merged


XML_SUFFIXES = (".xml", ".rels", ".vml")
XLSB_RECORD_PARTS = ("xl/workbook.bin", "xl/styles.bin", "xl/sharedstrings.bin")
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_SHEET_TYPES = ("worksheet", "chartsheet", "dialogsheet")


def _normal(name: str) -> str:
    """A part's name as calamine looks it up: forward slashes, any case."""
    return name.replace("\\", "/").lower()


class _Package:
    def __init__(self, path: Path, raw, members: list[zipfile.ZipInfo]) -> None:
        self.path, self.raw, self.members = path, raw, members
        self.names = {_normal(member.filename) for member in members}
        self.total = 0
        self.done: set[int] = set()  # the members read already (by identity: two may share a name)

    # -- which parts hold sheets, found as calamine finds them
    def sheet_parts(self, kind: str) -> dict[str, str]:
        """Part name → the sheet's name. calamine finds sheets through the workbook's relationships:
        those are followed here, and every part in a sheets folder counts too."""
        if kind == "ods":
            # An encrypted package's content.xml is ciphertext: calamine tells it by its manifest.
            if next(self._tags("META-INF/manifest.xml", "encryption-data"), None) is not None:
                raise refuse("encrypted", path=self.path.name)
            return {}
        base = "xl/"
        if kind == "xlsb":
            rels = "xl/_rels/workbook.bin.rels"
        else:
            for attrs in self._tags("_rels/.rels", "Relationship"):
                if attrs.get("Type", "").endswith(_OFFICE_DOCUMENT) and "Target" in attrs:
                    folder = attrs["Target"].lstrip("/").rpartition("/")[0]
                    base = f"{folder}/" if folder else ""
            rels = f"{base}_rels/workbook.xml.rels"
        targets = {}
        for attrs in self._tags(rels, "Relationship"):
            target, role = attrs.get("Target", ""), attrs.get("Type", "").rpartition("/")[2]
            # An xlsx sheet of another type is refused by calamine; xlsb sheets are found by id alone.
            if role in _SHEET_TYPES or kind == "xlsb" and target.endswith(".bin") and role != "vbaProject":
                part = _normal(target[1:] if target.startswith("/") and kind != "xlsb" else base + target)
                if part in self.names:
                    targets[attrs.get("Id")] = part
        folders = tuple(f"{base.lower()}{folder}s/" for folder in _SHEET_TYPES)
        sheets = {name: name for name in self.names
                  if name.startswith(folders) and name.endswith(".bin" if kind == "xlsb" else ".xml")}
        sheets |= {part: part for part in targets.values()}
        if kind != "xlsb":
            for attrs in self._tags(f"{base}workbook.xml", "sheet"):
                ref = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), None)
                if ref in targets and "name" in attrs:
                    sheets[targets[ref]] = html.unescape(attrs["name"])
        return sheets

    def _tags(self, name: str, tag: str) -> Iterator[dict[str, str]]:
        """The attributes of each <tag> (any prefix) in the parts of that name, as written (calamine
        does not unescape them either); the parts are checked like any XML part on the way."""
        pattern = re.compile(rb"<(?:[\w.-]+:)?" + tag.encode() + rb"""[\s/>]((?:[^>"']|"[^"]*"|'[^']*')*)>""")
        for member in self.members:
            if _normal(member.filename) != _normal(name) or id(member) in self.done:
                continue
            self.done.add(id(member))
            for text, start, end in _cut_at_tags(_xml_checked(self.inflate(member), self.path, member.filename)):
                for match in pattern.finditer(text, start, end):
                    yield {key.decode(errors="replace"): value.decode(errors="replace")
                           for key, _quote, value in _ATTRIBUTE.findall(match[1])}

    # -- the parts
    def inflate(self, member: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes as inflated from the file itself, under the budget."""
        inflated = 0
        for chunk in _inflate(self.raw, member, self.path):
            inflated += len(chunk)
            self.total += len(chunk)
            if inflated > MAX_PART_BYTES:
                raise refuse("limit_part", path=self.path.name, part=member.filename, limit=_mb(MAX_PART_BYTES))
            if self.total > MAX_PACKAGE_BYTES:
                raise refuse("limit_package", path=self.path.name, limit=_mb(MAX_PACKAGE_BYTES))
            if inflated > RATIO_APPLIES_ABOVE and inflated > MAX_RATIO * max(member.compress_size, 1):
                raise refuse("limit_ratio", path=self.path.name, part=member.filename, limit=MAX_RATIO)
            yield chunk

    def xml(self, member: zipfile.ZipInfo, *, strings: bool) -> None:
        counter = _SharedStrings(self.path) if strings else None
        for window in _cut_at_tags(_xml_checked(self.inflate(member), self.path, member.filename)):
            if counter is not None:
                counter.feed(*window)

    def sheet(self, member: zipfile.ZipInfo, name: str, *, binary: bool) -> None:
        where = Sheet(self.path, name)
        if binary:
            self.records(member, Extent(where))
            return
        scan = _SheetScan(where)
        for window in _cut_at_tags(_xml_checked(self.inflate(member), self.path, member.filename)):
            scan.feed(*window)
        if scan.unusual:
            # Written otherwise than Excel writes: followed element by element (the sizes are known).
            _parse(_utf8(_inflate(self.raw, member, self.path), self.path, member.filename),
                   _SheetCells(Extent(where)), self.path, member.filename)

    def records(self, member: zipfile.ZipInfo, extent: Extent | None) -> None:
        records = _Records(extent, self.path, member.filename)
        for chunk in self.inflate(member):
            records.feed(chunk)
        records.finish()

    def ods_content(self, member: zipfile.ZipInfo) -> dict[str, list]:
        # Counted cheaply first: a bomb of elements is refused before a parser sees it.
        elements = rows = 0
        for text, start, end in _cut_at_tags(_xml_checked(self.inflate(member), self.path, member.filename)):
            elements += sum(text.count(cell, start, end) for cell in (b"<table:table-cell", b"<table:covered-table-cell"))
            rows += text.count(b"<table:table-row", start, end)
            if elements > MAX_CELLS or rows > MAX_ROWS:
                raise Sheet(self.path, "content.xml").refuse("cells" if elements > MAX_CELLS else "rows")
        tables = _OdsTables(self.path)
        _parse(_utf8(_inflate(self.raw, member, self.path), self.path, member.filename), tables, self.path,
               member.filename)
        return tables.merged


def _mb(size: int) -> str:
    return f"{size // MiB} MB"


def _inflate(raw, member: zipfile.ZipInfo, path: Path) -> Iterator[bytes]:
    """A part's data read from its local header on, inflated to its real end: neither the sizes the
    directory declares nor Python's zipfile (which stops at the declared size) decide how much."""
    if member.flag_bits & 0x1:
        raise refuse("encrypted", path=path.name)
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refuse("corrupt", path=path.name, reason=f"{member.filename}: compression {member.compress_type}")
    raw.seek(member.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise refuse("corrupt", path=path.name, reason=f"{member.filename}: no local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(member.header_offset + 30 + name_length + extra_length)
    left = member.compress_size
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    try:
        while not (inflater.eof if inflater is not None else left == 0):
            if inflater is not None and inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            else:
                data = raw.read(min(READ, left))
                left -= len(data)
            chunk = data if inflater is None else inflater.decompress(data, CHUNK)
            if not chunk and not data:
                raise refuse("corrupt", path=path.name, reason=f"{member.filename}: truncated")
            if chunk:
                yield chunk
    except zlib.error as error:
        raise refuse("corrupt", path=path.name, reason=f"{member.filename}: {error}") from None


# --- XML parts: encoding, prolog ---------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, None),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# XML's own signs of an encoding without a byte-order mark: "<?" in UTF-16 or UTF-32 (XML 1.0, F.1).
_WIDE = ((b"\0\0\0<", "utf-32-be"), (b"<\0\0\0", "utf-32-le"), (b"\0<\0?", "utf-16-be"), (b"<\0?\0", "utf-16-le"))
_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_ATTRIBUTE = re.compile(rb"""([^\s=/"']+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)


def _utf8(chunks: Iterable[bytes], path: Path, part: str) -> Iterator[bytes]:
    """A part's bytes with its markup in ASCII, whatever encoding it is written in: UTF-16 and UTF-32
    (told by a byte-order mark or by how "<?" is written) are transcoded to UTF-8; an encoding that
    writes markup otherwise (UTF-7, EBCDIC) is refused."""
    chunks = iter(chunks)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 256:
            break
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "")
    if encoding == "":
        encoding = next((name for sign, name in _WIDE if head.startswith(sign)), None)
    if encoding is None and (declared := _DECLARED.match(head)):
        try:
            encoding = codecs.lookup(declared[1].decode()).name
        except LookupError:
            raise refuse("corrupt", path=path.name, reason=f"{part}: encoding {declared[1].decode()}") from None
        if "<!DOCTYPE".encode(encoding, errors="replace") != b"<!DOCTYPE":
            raise refuse("corrupt", path=path.name, reason=f"{part}: encoding {encoding}")
        encoding = None  # ASCII-compatible: the markup reads as it is
    if encoding is None:
        yield head
        yield from chunks
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        yield decoder.decode(head).encode()
        for chunk in chunks:
            yield decoder.decode(chunk).encode()
        yield decoder.decode(b"", final=True).encode()
    except UnicodeDecodeError as error:
        raise refuse("corrupt", path=path.name, reason=f"{part}: {error}") from None


_SPACES = re.compile(rb"[ \t\r\n]*")


def _xml_checked(chunks: Iterable[bytes], path: Path, part: str) -> Iterator[bytes]:
    """The part in ASCII-compatible bytes, its prolog read on the way up to the root element (after any
    comments and processing instructions, however long): a DTD there is refused, since entities are
    how XML bombs expand and external ones how files leak."""
    pending, until, done = b"", None, False
    for number, chunk in enumerate(_utf8(chunks, path, part)):
        if not done:
            data = pending + chunk
            at = len(codecs.BOM_UTF8) if number == 0 and data.startswith(codecs.BOM_UTF8) else 0
            while True:
                if until is not None:
                    end = data.find(until, at)
                    if end < 0:
                        pending = data[max(at, len(data) - len(until) + 1):]
                        break
                    at, until = end + len(until), None
                    continue
                at = _SPACES.match(data, at).end()
                if len(data) - at < 9:
                    pending = data[at:]
                    break
                if data.startswith(b"<!--", at):
                    at, until = at + 4, b"-->"
                elif data.startswith(b"<?", at):
                    at, until = at + 2, b"?>"
                elif data[at:at + 9].upper() == b"<!DOCTYPE" or data[at:at + 8].upper() == b"<!ENTITY":
                    raise refuse("xml_bomb", path=path.name, part=part)
                else:
                    done = True
                    break
        yield chunk


def _cut_at_tags(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """Windows (bytes, start, end) over the chunks, each ending after a '>' so that no tag is split (a
    longer stretch without one is cut where it is, keeping a short overlap). Only what joins a chunk
    to the one before is copied."""
    rest = b""
    for chunk in chunks:
        first, last = chunk.find(b">") + 1, chunk.rfind(b">") + 1
        if first:
            yield rest + chunk[:first], 0, len(rest) + first
            if last > first:
                yield chunk, first, last
            rest = chunk[last:]
        else:
            rest += chunk
        if len(rest) > MAX_CARRY:
            yield rest, 0, len(rest) - 64
            rest = rest[-64:]
    if rest:
        yield rest, 0, len(rest)


def _parse(chunks: Iterable[bytes], handler, path: Path, part: str) -> None:
    """A part read element by element with expat (its prolog was checked, so no DTD reaches it)."""
    parser = expat.ParserCreate(encoding="utf-8")  # the chunks are UTF-8 whatever the part declares
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, ValueError) as error:
        raise refuse("corrupt", path=path.name, reason=f"{part}: {error}") from None


# --- xlsx sheets ------------------------------------------------------------------------------------


def _names_up_to(limit: str, first: str, digit: str) -> str:
    """A regular expression for the numerals from 1 up to `limit` in a positional system whose longer
    numerals are larger: row numbers without leading zeros (first "19", digit "09"), column letters
    ("AZ", "AZ")."""
    def between(low: str, high: str) -> str:
        return low if low == high else f"[{low}-{high}]"

    any_digit = between(digit[0], digit[-1])
    parts = []
    if len(limit) > 1:  # every shorter numeral
        parts.append(between(first[0], digit[-1]) + (f"{any_digit}{{0,{len(limit) - 2}}}" if len(limit) > 2 else ""))
    for i, char in enumerate(limit):  # as long: the same up to i, smaller at i (or equal, at the end)
        low, rest = (first if i == 0 else digit)[0], len(limit) - i - 1
        high = chr(ord(char) - 1) if rest else char
        if high >= low:
            tail = "" if not rest else any_digit + (f"{{{rest}}}" if rest > 1 else "")
            parts.append(limit[:i] + between(low, high) + tail)
    return "(?:" + "|".join(parts) + ")"


def _column_name(number: int) -> str:
    name = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        name = chr(65 + remainder) + name
    return name


# Where Excel writes each cell as <c r="B7" ...>, a cell needs no parsing: it is within the limits if
# its row is and its column is at most the one that keeps any full-height sheet within MAX_AREA.
_FAST_COLUMNS = min(MAX_COLUMNS, MAX_AREA // MAX_ROWS)
_SAFE_PLACE = (f"{_names_up_to(_column_name(_FAST_COLUMNS), 'AZ', 'AZ')}?"
               f"{_names_up_to(str(MAX_ROWS), '19', '09')}").encode()
# Any r attribute that is not such a place, or not written as r="…" (and a few look-alikes: header=").
_UNUSUAL_R = re.compile(rb'r(?:="(?!' + _SAFE_PLACE + rb'")|[\t\n\r ]+=|=[\t\n\r ]|=\')')
_UNUSUAL_CELL = re.compile(rb'<c(?! r=")[\s/>]')  # no r attribute first: placed after the one before
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["\']([^"\']*)')
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384


class _SheetScan:
    """An xlsx sheet, scanned at the speed of a byte search: the cells counted, and each cell's place
    seen to be within the limits if it is written as Excel writes it; a cell written so but beyond
    them, holding anything, is refused on the spot. Anything else (no r attribute, a namespace
    prefix, r written otherwise, a column past Z) makes the sheet `unusual`: it is then parsed
    (_SheetCells)."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.cells = 0
        self.rows = 0  # row elements ended since the sheet turned unusual
        self.unusual = False
        self.in_data = False

    def feed(self, text: bytes, start: int, end: int) -> None:
        self.cells += text.count(b'<c r="', start, end)
        if self.cells > MAX_CELLS:
            raise self.sheet.refuse("cells")
        if not self.in_data:
            # calamine only reserves by the dimension; one beyond Excel's own sheet is a lie.
            if match := _DIMENSION.search(text, start, end):
                last = match[1].rpartition(b":")[2]
                try:
                    row, column = _place(last.decode())
                except ValueError:
                    row = column = 0
                if row >= _EXCEL_ROWS or column >= _EXCEL_COLUMNS:
                    raise self.sheet.refuse("rows" if row >= _EXCEL_ROWS else "columns")
            self.in_data = text.find(b"sheetData", start, end) >= 0
        if not self.unusual:
            for match in _UNUSUAL_R.finditer(text, start, end):
                self._place(text, match.start())
                if self.unusual:
                    break
            else:
                self.unusual = bool(_UNUSUAL_CELL.search(text, start, end) or _PREFIXED_CELL.search(text, start, end))
        if self.unusual:
            # More row elements than rows allowed are too many however they are placed: refused
            # before the parse that would follow them all.
            self.rows += text.count(b"</row>", start, end)
            if self.rows > MAX_ROWS:
                raise self.sheet.refuse("rows")

    def _place(self, text: bytes, at: int) -> None:
        """An r attribute that is not an ordinary place. A look-alike (header=, xmlns:r=) is nothing,
        nor is a row's (its cells are placed by their own r, or are unusual)."""
        if at and text[at - 1:at] not in (b" ", b"\t", b"\r", b"\n", b'"', b"'"):
            return
        if at >= 5 and _ROW_PLACE.match(text, at - 5):
            return
        cell = _CELL_PLACE.match(text, at - 3) if at >= 3 else None
        if cell is None or _R.search(cell[3]):
            self.unusual = True
            return
        if cell[4] or cell[5]:
            return  # an empty cell: calamine keeps nothing there
        row, column = _place((cell[1] + cell[2]).decode())
        if row >= MAX_ROWS or column >= MAX_COLUMNS:
            raise self.sheet.refuse("rows" if row >= MAX_ROWS else "columns")
        self.unusual = True  # within the limits, in a column whose area must be counted


_ROW_PLACE = re.compile(rb'<row r="[0-9]+"')
_CELL_PLACE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"((?: [\w:]+="[^"<>]*")*)(/?)>(</c>)?')
_R = re.compile(rb"\sr\s*=")
_PLACE = re.compile(r"([A-Za-z]*)([0-9]+)")


def _place(reference: str) -> tuple[int, int]:
    """(row, column) from 0 of "B7", as calamine reads it (letters of either case, then digits);
    column -1 when there are no letters. ValueError for anything calamine refuses."""
    match = _PLACE.fullmatch(reference)
    if match is None or int(match[2]) == 0:
        raise ValueError(reference)
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    return int(match[2]) - 1, column - 1


class _SheetCells:
    """An xlsx sheet's cells placed as calamine places them: at their r attribute, else after the cell
    before (a row without r follows the row before); a cell counts when it holds anything."""

    def __init__(self, extent: Extent) -> None:
        self.extent = extent
        self.row = self.column = 0
        self.cell: tuple[int, int] | None = None
        self.filled = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if self.cell is not None:
            self.filled = True  # calamine reads whatever is inside as the value
        elif local == "row":
            if "r" in attrs:
                self.row = self._place(attrs["r"])[0]
        elif local == "c":
            if "r" in attrs:
                row, self.column = self._place(attrs["r"])
                if self.column < 0:
                    raise refuse("corrupt", path=self.extent.sheet.path.name, reason=f"cell {attrs['r']}")
                self.cell = (row, self.column)
            else:
                self.cell = (self.row, self.column)
            self.filled = False

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if self.cell is not None:
            if local == "c":
                if self.filled:
                    self.extent.add(*self.cell)
                self.cell = None
                self.column += 1
        elif local == "row":
            self.row += 1
            self.column = 0

    def _place(self, reference: str) -> tuple[int, int]:
        try:
            return _place(reference)
        except ValueError:
            raise refuse("corrupt", path=self.extent.sheet.path.name, reason=f"cell {reference}") from None


_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["'](\d+)""")


class _SharedStrings:
    """calamine reserves the strings an <sst uniqueCount> declares, then keeps each <si>."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.strings = 0
        self.declared = None

    def feed(self, text: bytes, start: int, end: int) -> None:
        if self.declared is None and (match := _UNIQUE_COUNT.search(text, start, end)):
            self.declared = int(match[1])
        self.strings += text.count(b"<si", start, end) + text.count(b":si", start, end)
        if max(self.strings, self.declared or 0) > MAX_STRINGS:
            raise refuse("limit_strings", path=self.path.name, limit=f"{MAX_STRINGS:,}")


# --- xlsb records ------------------------------------------------------------------------------------

_XLSB_ROW = 0x0000
_XLSB_CELLS = range(0x0002, 0x000C)  # BrtCellRk … BrtFmlaError (BrtCellBlank, 0x0001, is not kept)


class _Records:
    """An xlsb part as the records calamine reads: each record's size must fit in the part (calamine
    allocates it before reading), and in a sheet each cell's place is followed (row from BrtRowHdr,
    column from the cell record)."""

    def __init__(self, extent: Extent | None, path: Path, part: str) -> None:
        self.extent, self.path, self.part = extent, path, part
        self.data = b""
        self.skip = 0
        self.row = 0

    def feed(self, chunk: bytes) -> None:
        data, at = self.data + chunk, 0
        skipped = min(self.skip, len(data))
        at, self.skip = skipped, self.skip - skipped
        while not self.skip:
            header = _record_header(data, at)
            if header is None:
                break
            kind, size, body = header
            wanted = 4 if kind == _XLSB_ROW or kind in _XLSB_CELLS else 0
            if self.extent is not None and wanted and len(data) - body < min(wanted, size):
                break
            if self.extent is not None and size >= wanted:
                if kind == _XLSB_ROW:
                    self.row = int.from_bytes(data[body:body + 4], "little")
                elif wanted:
                    self.extent.add(self.row, int.from_bytes(data[body:body + 4], "little"))
            at = body + min(size, len(data) - body)
            self.skip = body + size - at
        self.data = data[at:]

    def finish(self) -> None:
        if self.skip or self.data:
            raise refuse("corrupt", path=self.path.name, reason=f"{self.part}: a record runs past the end")


def _record_header(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(type, size, where the body starts) of the record at `at`, None until enough bytes are there."""
    if at >= len(data):
        return None
    kind, at = data[at] & 0x7F, at + 1
    if data[at - 1] & 0x80:
        if at >= len(data):
            return None
        kind, at = kind | (data[at] & 0x7F) << 7, at + 1
    size = 0
    for shift in (0, 7, 14, 21):
        if at >= len(data):
            return None
        size, at = size | (data[at] & 0x7F) << shift, at + 1
        if not data[at - 1] & 0x80:
            break
    return kind, size, at


# --- ods -------------------------------------------------------------------------------------------

_ODS_CELLS = ("table:table-cell", "table:covered-table-cell")
_ODS_VALUES = ("office:value", "office:string-value", "office:date-value", "office:time-value",
               "office:boolean-value", "table:formula")


class _OdsTables:
    """content.xml as calamine reads it (names with their table: prefix): each row's cells counted
    through their repeats up to the last one that holds anything (calamine drops the empty ones after
    it), rows through their repeats between the first and the last that hold anything, so that the
    area calamine will fill is known before it does. Merged areas (cell spans) are noted on the way:
    calamine does not report them for ODS."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.merged: dict[str, list] = {}
        self.extent: Extent | None = None
        self.spans: list = []
        self.row = self.column = 0
        self.repeats = 1
        self.first = self.last = None  # the columns of the row's first and last cells with anything
        self.cell: tuple[int, int] | None = None  # (column, repeats) of the cell being read
        self.filled = False
        self.depth = 0  # elements open inside the cell being read: all of them its content

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            self.depth += 1
            self.filled = True
        elif name == "table:table":
            table = attrs.get("table:name", "")
            self.extent = Extent(Sheet(self.path, table))
            self.spans = self.merged.setdefault(table, [])
            self.row = 0
        elif name == "table:table-row":
            self.repeats = self._count(attrs, "table:number-rows-repeated")
            self.column, self.first, self.last = 0, None, None
        elif name in _ODS_CELLS:
            repeats = self._count(attrs, "table:number-columns-repeated")
            rows = self._count(attrs, "table:number-rows-spanned")
            columns = self._count(attrs, "table:number-columns-spanned")
            if rows > 1 or columns > 1:
                self.spans.append(((self.row, self.column), (self.row + rows - 1, self.column + columns - 1)))
            self.cell = (self.column, repeats)
            self.filled = any(value in attrs for value in _ODS_VALUES)
            self.column += repeats
            if self.column > MAX_COLUMNS and self.extent is not None and self.filled:
                raise self.extent.sheet.refuse("columns")

    def end(self, name: str) -> None:
        if self.cell is not None:
            if self.depth:
                self.depth -= 1
                return
            column, repeats = self.cell
            if self.filled:
                self.first = column if self.first is None else self.first
                self.last = column + repeats - 1
            self.cell = None
        elif name == "table:table-row":
            if self.last is not None and self.extent is not None:
                self.extent.add(self.row, self.first, rows=self.repeats, columns=self.last - self.first + 1,
                                cells=self.last + 1)
            self.row += self.repeats

    def _count(self, attrs: dict[str, str], name: str) -> int:
        value = attrs.get(name, "1")
        if not value.isdigit() or int(value) < 1:
            raise refuse("corrupt", path=self.path.name, reason=f"content.xml: {name}={value!r}")
        return int(value)


# --- xls: the compound file and its BIFF records ---------------------------------------------------------

_END_OF_CHAIN, _DIFSECT, _RESERVED = 0xFFFFFFFE, 0xFFFFFFFC, 0xFFFFFFFA
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")  # calamine's order
_BIFF_CELLS = frozenset((0x0203, 0x0204, 0x00D6, 0x0205, 0x0207, 0x027E, 0x00FD, 0x0006))
_BIFF_MULRK, _BIFF_DIMENSIONS, _BIFF_BOF, _BIFF_EOF, _BIFF_SHEET, _BIFF_FILEPASS = (
    0x00BD, 0x0200, 0x0809, 0x000A, 0x0085, 0x002F)


def check_ole(path: Path) -> None:
    """An .xls file: its compound-file structure walked as calamine walks it when it opens the file
    (every chain once: a loop is read forever there), then each sheet's records, since calamine lays
    every sheet out on opening."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        stream = _Compound(data, path).workbook()
    if stream is not None:
        _check_biff(stream, path)


class _Compound:
    def __init__(self, data, path: Path) -> None:
        self.data, self.path = data, path
        if len(data) < 512 or _u16(data, 30) not in (9, 12) or _u16(data, 32) != 6:
            raise self._corrupt("header")
        self.size = 1 << _u16(data, 30)
        self.last = len(data) // self.size  # calamine's highest sector number
        # calamine allocates by these header fields before reading anything else (the four bytes
        # at 62, which straddle two fields, as the capacity of its sector list).
        if _u32(data, 44) * self.size > len(data) or _u32(data, 64) * self.size > len(data) \
                or _u32(data, 62) * 4 > MAX_PART_BYTES:
            raise self._corrupt("header")
        difat = list(struct.unpack_from("<109I", data, 76))
        sector, seen = _u32(data, 68), set()
        while sector < _RESERVED:
            if sector in seen:
                raise self._corrupt("DIFAT loop")
            seen.add(sector)
            difat += _u32s(self._sector(sector))
            sector = difat.pop()
        fat_sectors = [sector for sector in difat if sector < _DIFSECT]
        if len(fat_sectors) > self.last + 1:
            raise self._corrupt("FAT larger than the file")
        self.fat = [entry for sector in fat_sectors for entry in _u32s(self._sector(sector))]
        directory = self._chain(_u32(data, 48), self.fat, self.size, None)
        size_format = "<I" if self.size == 512 else "<Q"  # a stream's size: 64 bits in version 4 files
        self.entries = [(directory[at:at + 64].decode("utf-16-le", "replace").split("\0")[0], _u32(directory, at + 116),
                         struct.unpack_from(size_format, directory, at + 120)[0])
                        for at in range(0, len(directory) - 127, 128)]
        if not self.entries:
            raise self._corrupt("no directory")
        self.mini = self.mini_fat = b""
        if _u32(data, 64):
            self.mini = self._chain(self.entries[0][1], self.fat, self.size, self.entries[0][2])
            self.mini_fat = _u32s(self._chain(_u32(data, 60), self.fat, self.size, _u32(data, 64) * self.size))

    def workbook(self) -> bytes | None:
        for wanted in _WORKBOOK_STREAMS:
            for name, start, length in self.entries:
                if name == wanted:
                    if length > MAX_PART_BYTES:
                        raise refuse("limit_part", path=self.path.name, part=name, limit=_mb(MAX_PART_BYTES))
                    if length < 4096:
                        return self._chain(start, self.mini_fat, 64, length, self.mini)
                    return self._chain(start, self.fat, self.size, length)
        return None  # an encrypted OOXML package, or no workbook: calamine says which

    def _chain(self, sector: int, fat, size: int, length: int | None, source=None) -> bytes:
        parts, seen, total = [], set(), 0
        while sector != _END_OF_CHAIN and (length is None or total < length):
            if sector in seen or sector >= len(fat) and (length is None or total + size < length):
                raise self._corrupt("sector chain")
            seen.add(sector)
            part = self._sector(sector) if source is None else source[sector * 64:sector * 64 + 64]
            if source is not None and len(part) < 64:
                raise self._corrupt("mini stream")
            parts.append(part)
            total += len(part)
            if length is not None and total >= length:
                break
            sector = fat[sector]
        return b"".join(parts)[:length]

    def _sector(self, sector: int) -> bytes:
        if sector > self.last:
            raise self._corrupt(f"sector {sector}")
        return self.data[(sector + 1) * self.size:(sector + 2) * self.size]

    def _corrupt(self, reason: str) -> FileRefused:
        return refuse("corrupt", path=self.path.name, reason=f"compound file: {reason}")


def _u16(data, at: int) -> int:
    return struct.unpack_from("<H", data, at)[0]


def _u32(data, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _u32s(data: bytes) -> tuple[int, ...]:
    """The little-endian 32-bit numbers of a sector (one cut short at the end of the file too)."""
    return struct.unpack_from("<%dI" % (len(data) // 4), data)


def _check_biff(stream: bytes, path: Path) -> None:
    """Each sheet's cells and its DIMENSIONS record (which calamine reserves)."""
    sheets, at = [], 0
    while at + 4 <= len(stream):
        kind, size = _PAIR(stream, at)
        if kind == _BIFF_SHEET and size >= 8:
            sheets.append((_u32(stream, at + 4), _biff_sheet_name(stream[at + 4:at + 4 + size], len(sheets))))
        elif kind == _BIFF_FILEPASS and size >= 2 and _u16(stream, at + 4):
            return  # encrypted: calamine reads no further and says so (the cells are ciphertext)
        elif kind == _BIFF_EOF:
            break
        at += 4 + size
    for start, name in sheets:
        _biff_cells(stream, start, Extent(Sheet(path, name)))


_PAIR = struct.Struct("<HH").unpack_from  # a record's type and size; a cell's row and column


def _biff_cells(stream: bytes, at: int, extent: Extent) -> None:
    """A sheet's records up to its EOF, as calamine reads them (embedded charts' substreams skipped).
    A list is hundreds of thousands of records: the cells are counted and their box kept in locals,
    handed to `extent` when a column or the count passes its limit, and at the end (rows are 16-bit,
    within MAX_ROWS)."""
    end, depth, formula, cells = len(stream), -1, (0, 0), 0
    top = left = 0xFFFF
    bottom = right = -1
    while at + 4 <= end:
        kind, size = _PAIR(stream, at)
        body = at + 4
        at = body + size
        if kind in _BIFF_CELLS or kind == _BIFF_MULRK:
            if depth > 0 or at > end or size < (12 if kind == _BIFF_MULRK else 4):
                continue
            if kind == 0x0207:  # a formula's string: in the formula's cell
                row, column = formula
            else:
                row, column = _PAIR(stream, body)
                if kind == 0x0006:
                    formula = (row, column)
            count = (size - 6) // 6 if kind == _BIFF_MULRK else 1
            cells += count
            if row < top:
                top = row
            if row > bottom:
                bottom = row
            if column < left:
                left = column
            if column + count - 1 > right:
                right = column + count - 1
            if right >= MAX_COLUMNS or cells > MAX_CELLS:
                extent.add(row, column, columns=count, cells=cells)
        elif kind == _BIFF_BOF:
            depth += 1
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth < 0:
                break
        elif kind == _BIFF_DIMENSIONS and size in (10, 14) and depth <= 0 and at <= end:
            _check_dimensions(stream[body:body + size], extent.sheet)
    if cells:
        extent.add(top, left, rows=bottom - top + 1, columns=right - left + 1, cells=cells)


def _check_dimensions(record: bytes, sheet: Sheet) -> None:
    """calamine reserves rows × columns of the DIMENSIONS record, computed as below in 32 bits."""
    if len(record) == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", record)
    else:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", record)
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    if last_row >= 1 and last_column >= 1:
        end_row, end_column = last_row - 1, last_column - 1
    else:
        end_row, end_column = first_row, first_column
    rows = (end_row - first_row + 1) % 2**32
    columns = (end_column - first_column + 1) % 2**32
    if rows * columns > XLS_SHEET_AREA:
        raise sheet.refuse("area")


def _biff_sheet_name(record: bytes, number: int) -> str:
    """BoundSheet8's name (BIFF8: a length, a flag for UTF-16, the characters)."""
    length, wide = record[6], record[7] & 1 if len(record) > 7 else 0
    try:
        return (record[8:8 + 2 * length].decode("utf-16-le") if wide else record[8:8 + length].decode("latin-1"))
    except UnicodeDecodeError:
        return f"#{number + 1}"
