"""Open a spreadsheet safely: the format is told by the file's bytes (never by its name), hostile or
broken files are refused before any reader allocates (crm.importing.bounds), and each sheet comes back
as rows of cells.

Readers: python-calamine for xlsx/xlsm/xlsb/xls/ods (Rust, ~20x faster than openpyxl), the csv module
for text files in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK, read as a stream."""
from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crm.errors import FileRefused
from crm.importing import bounds
from crm.importing.bounds import MAX_AREA, MAX_COLUMNS, MAX_FILE_BYTES, MAX_LINE_CHARS, MAX_ROWS, refuse

PROLOG_BYTES = 4096

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


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
    _ods_merged: dict[str, list] | None = None  # found while the file was bounded

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
            sheet.merged = (self._ods_merged or {}).get(name, [])
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
    from crm.importing import html_table  # a web page's table under an .xls name; it builds on this module

    if html_table.is_html(head):
        return html_table.open_html(path, head, file_hash)
    kind = _sniff(head, path)
    if kind == "csv":
        sheet = read_csv(path)
        return Workbook(path, "csv", [sheet.name], file_hash, [], _csv_sheet=sheet)
    merged = None
    if kind == "zip":
        kind, merged = _check_zip(path)
    elif kind == "xls":
        bounds.check_ole(path)
    book = _open_calamine(path, kind, file_hash)
    book._ods_merged = merged
    return book


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
    if text.startswith(b"<?xml"):
        raise refuse("xml_spreadsheet", path=path.name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise refuse("not_spreadsheet", path=path.name)
    return "csv"


def _check_zip(path: Path) -> tuple[str, dict[str, list] | None]:
    """The kind of package, and its parts bounded before calamine inflates anything."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise refuse("corrupt", path=path.name, reason=str(error) or type(error).__name__) from None
    with archive:
        names = {m.filename.replace("\\", "/").lower(): m for m in archive.infolist()}
        kind = _package_kind(archive, names)
        if kind is None:
            raise refuse("not_spreadsheet", path=path.name)
        return kind, bounds.check_package(path, archive, kind)


def _package_kind(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str | None:
    if "mimetype" in names:
        try:
            with archive.open(names["mimetype"]) as stream:
                mimetype = stream.read(200)
        except Exception:  # a corrupt member: the bounds or calamine will say so
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
        start = sheet.start or (0, 0)
        cells = sheet.height * sheet.width
        # The bounds came before calamine; this holds whatever they did not foresee before the cells
        # become Python objects.
        if start[0] + sheet.height > MAX_ROWS or cells > MAX_AREA:
            raise bounds.Sheet(path, name).refuse("rows" if start[0] + sheet.height > MAX_ROWS else "area")
        rows = sheet.to_python() if cells else []
        merged = sheet.merged_cell_ranges or []
    except FileRefused:
        raise
    except BaseException as error:  # noqa: BLE001 - see _open_calamine
        raise _calamine_refusal(error, path) from None
    return Sheet(name, rows, start[0] + 1, start[1], list(merged))


# --- CSV -------------------------------------------------------------------------------------------

CSV_DELIMITERS = ",\t;|"


def read_csv(path: Path) -> Sheet:
    """A text file's rows, read as a stream and bounded as a sheet's are: lines, columns, area."""
    encoding, lines = text_encoding(path)
    where = bounds.Sheet(path, path.stem)
    # Rows counted before any is held when the lines are too many (a quoted cell may span lines).
    if lines > MAX_ROWS and sum(1 for _row in itertools.islice(_rows(path, encoding), MAX_ROWS + 1)) > MAX_ROWS:
        raise where.refuse("rows")
    rows: list[list[str]] = []
    width = 0
    for row in _rows(path, encoding):
        rows.append(row)
        width = max(width, len(row))
        if len(rows) > MAX_ROWS or width > MAX_COLUMNS or len(rows) * width > MAX_AREA:
            raise where.refuse("rows" if len(rows) > MAX_ROWS else "columns" if width > MAX_COLUMNS else "area")
    return Sheet(path.stem, rows, 1, 0)


def _rows(path: Path, encoding: str) -> Iterator[list[str]]:
    """The rows of a text file, its delimiter sniffed from its start."""
    with path.open(encoding=encoding, newline="") as text:
        sample = text.read(16384)
        text.seek(0)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
        try:
            yield from csv.reader(_lines(text, path), delimiter=delimiter)
        except csv.Error as error:
            raise refuse("corrupt", path=path.name, reason=str(error)) from None


def _lines(text, path: Path) -> Iterator[str]:
    """The lines of a text file, none longer than MAX_LINE_CHARS (the csv module would hold it whole)."""
    for number in itertools.count(1):
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise refuse("limit_line", path=path.name, line=number, limit=f"{MAX_LINE_CHARS:,}")
        yield line


def text_encoding(path: Path) -> tuple[str, int]:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312): the first
    that decodes the whole file, read as a stream; a NUL character means none does. With it, the
    file's line feeds."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        decoder, lines = codecs.getincrementaldecoder(encoding)(), 0
        try:
            with path.open("rb") as raw:
                for block in iter(lambda: raw.read(bounds.CHUNK), b""):
                    text = decoder.decode(block)
                    if "\x00" in text:
                        raise refuse("unknown_encoding", path=path.name)
                    lines += text.count("\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise refuse("unknown_encoding", path=path.name)
