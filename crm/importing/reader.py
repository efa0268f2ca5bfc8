"""Open a spreadsheet safely: the format is told by the file's bytes (never by its name), hostile or
broken files are refused before anything is decompressed, and each sheet comes back as rows of cells.

Readers: python-calamine for xlsx/xlsm/xlsb/xls/ods (Rust, ~20x faster than openpyxl, bounded by its
own cell limit), the csv module for text files in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from crm.errors import FileRefused

# Generous for any real invitee list (a 50,000-row list is ~2 MB zipped, ~20 MB of sheet XML).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_MEMBER_BYTES = 512 * 1024 * 1024
# Sheet XML compresses 10-20x, repetitive generated files ~100x; zip bombs reach 1000x and more.
MAX_RATIO = 400
RATIO_APPLIES_ABOVE = 8 * 1024 * 1024
# Rows x columns of one sheet as calamine reports it, checked before its cells become Python objects.
MAX_SHEET_CELLS = 5_000_000
MAX_SHEET_ROWS = 1_048_576
PROLOG_BYTES = 4096
MAX_PROLOG_BYTES = 1024 * 1024
SMALL_PARTS = ("[content_types].xml", "xl/workbook.xml", "meta-inf/manifest.xml", "_rels/.rels")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*(\d*):?[A-Z]*(\d*)"')


@dataclass
class Sheet:
    name: str
    rows: list[list]
    first_row: int  # the Excel row number of rows[0]
    first_column: int  # 0-based column of rows[i][0]
    # Merged areas as ((row, column), (last row, last column)), 0-based and absolute.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Workbook:
    path: Path
    format: str  # xlsx | xlsm | xlsb | xls | ods | csv
    sheet_names: list[str]
    file_hash: str
    skipped_sheets: list[str]  # hidden or chart sheets, not imported unless named
    _book: object = None
    _csv_sheet: Sheet | None = None
    _read_first: Sheet | None = None  # the first wanted sheet, read ahead (ReadAhead)
    _ods_merged: dict[str, list] | None = None

    def sheets(self, wanted: list[str] | None = None) -> Iterator[Sheet]:
        """Each wanted sheet in workbook order (default: every visible worksheet), read one at a time."""
        if self._csv_sheet is not None:
            yield self._csv_sheet
            return
        for name in self._names(wanted):
            sheet, self._read_first = self._read_first, None
            yield sheet if sheet is not None and sheet.name == name else self._read(name)

    def read_first(self, wanted: list[str] | None) -> None:
        names = [n for n in self._names(wanted) if n in self.sheet_names]
        if self._book is not None and names:
            self._read_first = self._read(names[0])

    def _read(self, name: str) -> Sheet:
        sheet = _read_sheet(self._book, name, self.path)
        if self.format == "ods":
            if self._ods_merged is None:
                self._ods_merged = ods_merged_cells(self.path)
            sheet.merged = self._ods_merged.get(name, [])
        return sheet

    def _names(self, wanted: list[str] | None) -> list[str]:
        return wanted or [n for n in self.sheet_names if n not in self.skipped_sheets]

    def close(self) -> None:
        if self._book is not None:
            self._book.close()


class ReadAhead:
    """A workbook opened and its first wanted sheet read in a thread: calamine parses without holding
    the GIL, so the reading goes on while the caller does other work (the command line loads the
    database layer meanwhile). `workbook()` waits for it and raises what opening it raised."""

    def __init__(self, path: str | Path, wanted: list[str] | None = None) -> None:
        self.path = Path(path)
        self._book: Workbook | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(wanted,), daemon=True, name="crm-read-ahead")
        self._thread.start()

    def _read(self, wanted: list[str] | None) -> None:
        try:
            self._book = open_workbook(self.path)
            self._book.read_first(wanted)
        except BaseException as error:  # noqa: BLE001 - handed to the caller by workbook()
            self._error = error

    def workbook(self) -> Workbook:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._book


def refuse(what: str, **params) -> FileRefused:
    return FileRefused(f"import_refused_{what}", **params)


def open_workbook(path: str | Path) -> Workbook:
    """Check and open a file, or raise FileRefused with one clear reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refuse("not_file", path=path)
    except FileNotFoundError:
        raise refuse("missing", path=path) from None
    except OSError as error:
        raise refuse("unreadable", path=path, reason=error.strerror or str(error)) from None
    if size == 0:
        raise refuse("empty", path=path.name)
    if size > MAX_FILE_BYTES:
        raise refuse("too_large", path=path.name, limit=f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        with path.open("rb") as handle:
            head = handle.read(PROLOG_BYTES)
        file_hash = _sha256(path)
    except OSError as error:
        raise refuse("unreadable", path=path, reason=error.strerror or str(error)) from None
    kind = _sniff(head, path)
    if kind == "csv":
        sheet = read_csv(path)
        return Workbook(path, "csv", [sheet.name], file_hash, [], _csv_sheet=sheet)
    if kind == "zip":
        kind = _check_zip(path)
    return _open_calamine(path, kind, file_hash)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff(head: bytes, path: Path) -> str:
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head[:2] in BIFF_BOF and len(head) > 4 and head[3] == 0:
        raise refuse("old_biff", path=path.name)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise refuse("html", path=path.name)
    if text.startswith(b"<?xml"):
        raise refuse("xml_spreadsheet", path=path.name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise refuse("not_spreadsheet", path=path.name)
    return "csv"


def _check_zip(path: Path) -> str:
    """Sizes, ratios and DTDs of every member, before calamine decompresses anything."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise refuse("corrupt", path=path.name, reason=str(error) or type(error).__name__) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise refuse("zip_bomb", path=path.name, reason=f"{len(members)} parts")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if (
                member.file_size > MAX_MEMBER_BYTES
                or total > MAX_UNCOMPRESSED_BYTES
                or (member.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO)
            ):
                raise refuse("zip_bomb", path=path.name, reason=f"{member.filename}: {member.file_size} bytes")
        names = {m.filename.replace("\\", "/").lower(): m for m in members}
        kind = _package_kind(archive, names)
        if kind is None:
            raise refuse("not_spreadsheet", path=path.name)
        for name, member in names.items():
            if name.endswith((".xml", ".rels", ".vml")) and member.file_size:
                _check_xml_part(archive, name, member, path)
    return kind


def _package_kind(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str | None:
    if "mimetype" in names:
        try:
            mimetype = archive.read(names["mimetype"])[:200]
        except Exception:  # a corrupt member: calamine will say so
            mimetype = b""
        if mimetype.strip().startswith(ODS_MIMETYPE):
            return "ods"
    if "content.xml" in names and "meta-inf/manifest.xml" in names:
        return "ods"
    if any(n.endswith("workbook.bin") for n in names):
        return "xlsb"
    if "[content_types].xml" in names:
        if any(n.endswith("vbaproject.bin") for n in names):
            return "xlsm"
        return "xlsx"
    return None


def _check_xml_part(archive: zipfile.ZipFile, name: str, member: zipfile.ZipInfo, path: Path) -> None:
    """A DTD can only stand in the prolog: entity bombs and external entities are refused there. A sheet
    that declares more rows than Excel itself allows is not a list anybody typed."""
    try:
        with archive.open(member) as stream:
            prolog = stream.read(PROLOG_BYTES)
            # Comments may push the DTD further: read on to the first element, within a bound.
            while not _FIRST_ELEMENT.search(prolog) and len(prolog) < MAX_PROLOG_BYTES:
                more = stream.read(PROLOG_BYTES)
                if not more:
                    break
                prolog += more
        if name in SMALL_PARTS and member.file_size < MAX_PROLOG_BYTES:
            # The package's own descriptions, parsed by defusedxml (which forbids entities).
            ElementTree.fromstring(archive.read(member))
    except DefusedXmlException:
        raise refuse("xml_bomb", path=path.name, part=member.filename) from None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError,
            ElementTree.ParseError) as error:
        # Bad CRC, unknown compression, zip encryption, broken XML: the package is not usable as it is.
        raise refuse("corrupt", path=path.name, reason=f"{member.filename}: {error}") from None
    if _DTD.search(prolog):
        raise refuse("xml_bomb", path=path.name, part=member.filename)
    if name.startswith("xl/worksheets/") and (match := _DIMENSION.search(prolog)):
        last_row = int(match.group(2) or match.group(1) or 0)
        if last_row > MAX_SHEET_ROWS:
            raise refuse("too_many_cells", path=path.name, detail=f"{member.filename}: {last_row} rows")


def _open_calamine(path: Path, kind: str, file_hash: str) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        with _named_for(path, kind) as readable:
            book = CalamineWorkbook.from_path(str(readable))
        metadata = book.sheets_metadata
    except BaseException as error:  # noqa: BLE001 - Rust panics arrive as BaseException (pyo3)
        raise _calamine_refusal(error, path) from None
    names = [m.name for m in metadata]
    skipped = [
        m.name for m in metadata if m.typ != SheetTypeEnum.WorkSheet or m.visible != SheetVisibleEnum.Visible
    ]
    if not names:
        raise refuse("no_sheets", path=path.name)
    return Workbook(path, kind, names, file_hash, skipped, _book=book)


# calamine picks its reader by the file's suffix (its own sniffing loses the reason a file fails):
# a file whose suffix does not fit the format found in its bytes is read through a link that does.
SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm"), "xlsm": (".xlsm", ".xlsx"), "xlsb": (".xlsb",), "ods": (".ods",),
    # An OLE file is an .xls, or an encrypted OOXML workbook that keeps its own suffix.
    "xls": (".xls", ".xlsx", ".xlsm", ".xlsb"),
}


@contextmanager
def _named_for(path: Path, kind: str) -> Iterator[Path]:
    if path.suffix.lower() in SUFFIXES[kind]:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="crm-import-") as folder:
        link = Path(folder) / f"workbook.{kind}"
        link.symlink_to(path.resolve())
        yield link


def _calamine_refusal(error: BaseException, path: Path) -> BaseException:
    if isinstance(error, (KeyboardInterrupt, SystemExit, MemoryError)):
        return error
    kind = type(error).__name__
    if kind == "PasswordError":
        return refuse("encrypted", path=path.name)
    reason = (str(error).splitlines() or [kind])[0][:200]
    if kind == "WorksheetNotFound":
        reason = f"{kind}: {reason}"
    if "limit" in reason.lower():
        return refuse("too_many_cells", path=path.name, detail=reason)
    return refuse("corrupt", path=path.name, reason=reason)


def _read_sheet(book, name: str, path: Path) -> Sheet:
    try:
        sheet = book.get_sheet_by_name(name)
        cells = sheet.height * sheet.width
        if sheet.height > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
            raise refuse("too_many_cells", path=path.name,
                         detail=f"{name}: {sheet.height} × {sheet.width}")
        start = sheet.start or (0, 0)
        rows = sheet.to_python() if cells else []
        merged = sheet.merged_cell_ranges or []
    except FileRefused:
        raise
    except BaseException as error:  # noqa: BLE001 - see _open_calamine
        raise _calamine_refusal(error, path) from None
    return Sheet(name, rows, start[0] + 1, start[1], list(merged))


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CELLS = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")


def ods_merged_cells(path: Path) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged areas of each sheet of an ODS file, as calamine reports them for xlsx and xls (it does
    not for ODS): a cell's spans, counted through repeated rows and cells without expanding them. The
    package was checked before (sizes, DTDs); this reads content.xml as a stream."""
    merged: dict[str, list] = {}
    cells: list = []
    row = column = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == _ODS_TABLE + "table":
                        cells = merged.setdefault(element.get(_ODS_TABLE + "name"), [])
                        row = 0
                    elif tag == _ODS_TABLE + "table-row":
                        column = 0
                    elif tag in _ODS_CELLS:
                        rows = int(element.get(_ODS_TABLE + "number-rows-spanned", 1))
                        columns = int(element.get(_ODS_TABLE + "number-columns-spanned", 1))
                        if rows > 1 or columns > 1:
                            cells.append(((row, column), (row + rows - 1, column + columns - 1)))
                        column += int(element.get(_ODS_TABLE + "number-columns-repeated", 1))
                elif tag == _ODS_TABLE + "table-row":
                    row += int(element.get(_ODS_TABLE + "number-rows-repeated", 1))
                    element.clear()
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, ElementTree.ParseError, DefusedXmlException) as error:
        raise refuse("corrupt", path=path.name, reason=f"content.xml: {error}") from None
    return merged


# --- CSV -------------------------------------------------------------------------------------------

CSV_DELIMITERS = ",\t;|"


def read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    text = decode_text(raw, path)
    sample = text[:16384]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise refuse("corrupt", path=path.name, reason=str(error)) from None
    width = max((len(r) for r in rows), default=0)
    if len(rows) > MAX_SHEET_ROWS or len(rows) * width > MAX_SHEET_CELLS:
        raise refuse("too_many_cells", path=path.name, detail=f"{len(rows)} × {width}")
    return Sheet(path.stem, rows, 1, 0)


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise refuse("unknown_encoding", path=path.name)
