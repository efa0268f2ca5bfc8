"""Hostile spreadsheets written by code, for tests/test_hostile_files.py and bench/bench_hostile.py: files
the reader must refuse whole (exit 3) before any reader allocates. Each is built in a folder given,
from hand-written XML, records and zip entries; the bombs are written as streams, so that even 250 MB
of sheet XML takes seconds and little memory. HOSTILE maps a name to its builder."""
from __future__ import annotations

import codecs
import math
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["序号", "单位名称", "姓名", "职务", "手机", "电子邮箱", "类别", "备注"]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS = (f'{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'{DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                 f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/></Relationships>')
SHARED_STRINGS = f'{DECLARATION}<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>张三</t></si></sst>'
STYLES = (f'{DECLARATION}<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/></font></fonts>'
          '<cellXfs count="1"><xf numFmtId="0" fontId="0"/></cellXfs></styleSheet>')
SHEET = "xl/worksheets/sheet1.xml"


# --- xlsx -----------------------------------------------------------------------------------------


def header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + n)}1" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                    for n, text in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def sheet_xml(rows: str = "", *, before: str = "") -> str:
    return (f'{DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{RELS}">{before}<sheetData>{header_row()}{rows}'
            "</sheetData></worksheet>")


def xlsx(path: Path, sheet: str | bytes | Iterable[bytes] | None = None, **parts: str | bytes) -> Path:
    """A package calamine opens, its list header in row 1; `sheet` (text, bytes or chunks streamed into the
    part) and any part named by keyword (name with / as __) replace the ordinary ones."""
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
               "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, SHEET: sheet_xml() if sheet is None else sheet,
               "xl/sharedStrings.xml": SHARED_STRINGS, "xl/styles.xml": STYLES}
    members |= {name.replace("__", "/"): data for name, data in parts.items()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, (str, bytes)):
                archive.writestr(name, data)
            else:
                with archive.open(name, "w", force_zip64=True) as part:
                    for chunk in data:
                        part.write(chunk)
    return path


def one_cell(place: str) -> Callable[[Path], Path]:
    """The list header, and one cell far away: a few KB that ask for rows × columns of cells."""
    row = "".join(ch for ch in place if ch.isdigit())
    return lambda folder: xlsx(folder / f"cell-{place}.xlsx", sheet_xml(
        f'<row r="{row}"><c r="{place}" t="inlineStr"><is><t>x</t></is></c></row>'))


def cell_written(name: str, cell: str, *, root: str = "") -> Callable[[Path], Path]:
    """A far cell written otherwise than Excel writes it (the place must still be found)."""
    def build(folder: Path) -> Path:
        data = sheet_xml(f'<row r="2">{cell}</row>')
        if root:
            data = data.replace("<worksheet", f"<{root}:worksheet xmlns:{root}=\"{MAIN_NS}\"", 1)
            data = data.replace("</worksheet>", f"</{root}:worksheet>")
        return xlsx(folder / f"{name}.xlsx", data)
    return build


def rows_without_places(count: int, cells: int) -> Callable[[Path], Path]:
    """Rows and cells with no r attribute: each placed after the one before."""
    def build(folder: Path) -> Path:
        row = "<row>" + "<c><v>1</v></c>" * cells + "</row>"
        return xlsx(folder / f"unplaced-{count}x{cells}.xlsx", _stream_sheet(row for _ in range(count)))
    return build


def _stream_sheet(rows: Iterable[str], *, head: str = "") -> Iterable[bytes]:
    yield sheet_xml(before=head).split("</sheetData>")[0].encode()
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 4096:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def bomb(name: str, *, rows: int, text: Callable[[int, random.Random], str]) -> Callable[[Path], Path]:
    """An honest bomb: real rows, each cell where Excel would put it, deflating as well as `text` lets."""
    def build(folder: Path) -> Path:
        rng = random.Random(2011)
        lines = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr"><is><t>{text(n, rng)}</t></is>'
                 f'</c></row>' for n in range(2, rows + 2))
        return xlsx(folder / f"{name}.xlsx", _stream_sheet(lines))
    return build


FAT_ROW = lambda n, rng: "招商引资" * 240  # noqa: E731  ~3 KB a row, deflating 145:1


def forged_sizes(folder: Path) -> Path:
    """A 150 MB sheet whose zip directory says 1,000 bytes (and gives their CRC): a reader that believes
    the directory stops there, calamine's and ours do not."""
    path = bomb("forged-sizes", rows=50_000, text=FAT_ROW)(folder)
    with zipfile.ZipFile(path) as archive, archive.open(SHEET) as stream:
        crc = zlib.crc32(stream.read(1000))
    return _redirect(path, SHEET, file_size=1000, CRC=crc)


def deflate_cut(folder: Path) -> Path:
    """A sheet part whose deflate stream stops half way: the directory says its compressed data ends there."""
    path = bomb("deflate-cut", rows=20_000, text=lambda n, rng: f"嘉宾{rng.randrange(10**6)}")(folder)
    with zipfile.ZipFile(path) as archive:
        half = archive.getinfo(SHEET).compress_size // 2
    return _redirect(path, SHEET, compress_size=half)


def _redirect(path: Path, part: str, **fields: int) -> Path:
    """The zip directory rewritten with some fields of one part changed (the data left as it is)."""
    with zipfile.ZipFile(path, "a") as archive:
        info = archive.getinfo(part)
        for name, value in fields.items():
            setattr(info, name, value)
        archive._didModify = True  # zipfile writes the directory anew on closing
    return path


# --- DTDs in every part, every encoding ----------------------------------------------------------------

PARTS = {"content-types": "[Content_Types].xml", "workbook": "xl/workbook.xml", "shared-strings": "xl/sharedStrings.xml",
         "sheet": SHEET, "styles": "xl/styles.xml", "rels": "_rels/.rels"}
LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)) + "]>"


def with_dtd(part: str, encoding: str, *, comment: int = 0) -> Callable[[Path], Path]:
    """The billion laughs in front of one part's root element, the part in `encoding` (utf-16 with a
    byte-order mark, utf-16-le without one: told by how "<?" is written), after a comment of `comment`
    bytes and a processing instruction."""
    def build(folder: Path) -> Path:
        original = {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": WORKBOOK, "xl/sharedStrings.xml": SHARED_STRINGS,
                    SHEET: sheet_xml(), "xl/styles.xml": STYLES, "_rels/.rels": ROOT_RELS}[part]
        body = original.removeprefix(DECLARATION)
        prolog = f'<?xml version="1.0" encoding="{"UTF-16" if "16" in encoding else "UTF-8"}"?>'
        if comment:
            prolog += "<!--" + "x" * comment + '--><?mso-application progid="Excel.Sheet"?>'
        data = (prolog + LAUGHS + body).encode(encoding)
        name = f"dtd-{part.replace('/', '-')}-{encoding}{'-comment' if comment else ''}.xlsx"
        return xlsx(folder / name, **{part.replace("/", "__"): data})
    return build


# --- ods --------------------------------------------------------------------------------------------


def ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名单"><table:table-row>'
        + "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in HEADER)
        + f"</table:table-row>{rows}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


VALUE = '<table:table-cell office:value-type="float" office:value="1"{}><text:p>1</text:p></table:table-cell>'
REPEATED = VALUE.format(' table:number-columns-repeated="{}"')
EMPTY_TAIL = ('<table:table-row table:number-rows-repeated="1048000">'
              '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')


def ods_repeats(name: str, rows: str) -> Callable[[Path], Path]:
    return lambda folder: ods(folder / f"{name}.ods", rows)


# --- xls: BIFF8 records in a compound file ---------------------------------------------------------

END, FREE, FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff(cells: Iterable[tuple[int, int]], *, dimensions: tuple[int, int, int, int] | None = None) -> bytes:
    """A workbook stream: globals (one sheet, padded past the mini-stream cutoff), then the sheet: the
    list header as labels, a number at each place in `cells`."""
    bof = lambda kind: record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    name = "名单".encode("utf-16-le")
    sheet = bytearray(bof(0x10))
    cells = list(cells)
    last_row = max(r for r, _ in [(0, 0), *cells]) + 1
    last_column = min(max(c for _, c in [(0, 7), *cells]) + 1, 0xFFFF)
    sheet += record(0x0200, struct.pack("<IIHHH", *(dimensions or (0, last_row, 0, last_column)), 0))
    for column, text in enumerate(HEADER):
        sheet += record(0x0204, struct.pack("<HHHHB", 0, column, 0, len(text), 1) + text.encode("utf-16-le"))
    for row, column in cells:
        sheet += record(0x0203, struct.pack("<HHHd", row, column, 0, 1.0))
    sheet += record(0x000A, b"")
    padding = record(0x005C, b" " * 112) * 40
    globals_ = lambda at: (bof(0x05) + record(0x0042, struct.pack("<H", 1200)) + padding  # noqa: E731
                           + record(0x0085, struct.pack("<IBBBB", at, 0, 0, len("名单"), 1) + name) + record(0x000A, b""))
    return globals_(len(globals_(0))) + bytes(sheet)


def compound(stream: bytes, *, fat: Callable[[list[int], int], None] = lambda fat, directory: None,
             header: dict[int, int] | None = None, difat_loop: bool = False) -> bytes:
    """A compound file of 512-byte sectors holding one stream, "Workbook": its sectors, then the FAT,
    then the directory (then, with `difat_loop`, a DIFAT sector whose next one is itself). `fat` may
    tamper with the FAT, `header` with u32 fields of the header."""
    count = math.ceil(len(stream) / 512)
    assert count + 3 <= 128, "one FAT sector"
    fat_at, directory_at, difat_at = count, count + 1, count + 2
    table = [*range(1, count), END, FAT_SECTOR, END, 0xFFFFFFFC] + [FREE] * (128 - count - 3)
    fat(table, directory_at)
    header = {68: difat_at, 72: 1} if difat_loop else (header or {})
    head = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, directory_at, 0, 4096, END, 0, END, 0))
    head += struct.pack("<I", fat_at) + struct.pack("<I", FREE) * 108
    for at, value in header.items():
        struct.pack_into("<I", head, at, value)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", FREE, FREE, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IIi", start, size, 0))

    directory = (entry("Root Entry", 5, 1, END, 0) + entry("Workbook", 2, FREE, 0, len(stream))
                 + entry("", 0, FREE, 0, 0) * 2)
    difat = struct.pack("<128I", *[FREE] * 127, difat_at) if difat_loop else b""
    return bytes(head) + stream.ljust(count * 512, b"\0") + struct.pack("<128I", *table) + directory + difat


def xls(name: str, cells: Iterable[tuple[int, int]] = (), **options) -> Callable[[Path], Path]:
    dimensions = options.pop("dimensions", None)
    def build(folder: Path) -> Path:
        path = folder / f"{name}.xls"
        path.write_bytes(compound(biff(cells, dimensions=dimensions), **options))
        return path
    return build


def _fat_loop(table: list[int], directory: int) -> None:
    table[directory] = directory  # the directory's chain comes back to itself: read forever


# --- xlsb -------------------------------------------------------------------------------------------


def xlsb_record(kind: int, data: bytes) -> bytes:
    head = bytes([kind]) if kind < 0x80 else bytes([kind & 0x7F | 0x80, kind >> 7])
    size, length = len(data), b""
    while True:
        length += bytes([size & 0x7F | (0x80 if size > 0x7F else 0)])
        size >>= 7
        if not size:
            return head + length + data


def xlsb(name: str, cells: Iterable[tuple[int, int]], *, inside: bytes = b"") -> Callable[[Path], Path]:
    """A binary workbook: one sheet, a number at each place (row from BrtRowHdr, column in the cell),
    then `inside` (more records of its sheet data)."""
    def build(folder: Path) -> Path:
        sheet_name = "名单".encode("utf-16-le")
        workbook = (xlsb_record(0x0083, b"") + xlsb_record(0x008F, b"")
                    + xlsb_record(0x009C, struct.pack("<II", 0, 1) + struct.pack("<I", 4) + "rId1".encode("utf-16-le")
                                  + struct.pack("<I", 2) + sheet_name)
                    + xlsb_record(0x0090, b"") + xlsb_record(0x0084, b""))
        body = xlsb_record(0x0081, b"") + xlsb_record(0x0094, bytes(16)) + xlsb_record(0x0091, b"")
        for row, column in sorted(cells):
            body += xlsb_record(0x0000, struct.pack("<I", row) + bytes(13))
            body += xlsb_record(0x0005, struct.pack("<II", column, 0) + struct.pack("<d", 1.0))
        body += inside + xlsb_record(0x0092, b"") + xlsb_record(0x0082, b"")
        path = folder / f"{name}.xlsb"
        rels = WORKBOOK_RELS.replace("worksheets/sheet1.xml", "worksheets/sheet1.bin")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("workbook.xml", "workbook.bin"))
            archive.writestr("_rels/.rels", ROOT_RELS.replace("workbook.xml", "workbook.bin"))
            archive.writestr("xl/workbook.bin", workbook)
            archive.writestr("xl/_rels/workbook.bin.rels", rels)
            archive.writestr("xl/worksheets/sheet1.bin", body)
        return path
    return build


# --- text -------------------------------------------------------------------------------------------


def csv_file(name: str, lines: Callable[[], Iterable[str]], encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{name}.csv"
        with path.open("w", encoding=encoding, newline="") as out:
            out.write(",".join(HEADER) + "\r\n")
            for line in lines():
                out.write(line)
        return path
    return build


# --- truncated ------------------------------------------------------------------------------------


def truncated(build: Callable[[Path], Path], fraction: float = 0.5) -> Callable[[Path], Path]:
    """A good file of a format, cut short (a download that stopped)."""
    def cut(folder: Path) -> Path:
        path = build(folder)
        data = path.read_bytes()
        target = path.with_name(f"cut-{path.name}")
        target.write_bytes(data[:int(len(data) * fraction)])
        return target
    return cut


def valid_xls(folder: Path) -> Path:
    path = folder / "list.xls"
    path.write_bytes(compound(biff([(row, column) for row in range(1, 200) for column in range(8)])))
    return path


# --- the suite ----------------------------------------------------------------------------------------

HOSTILE: dict[str, Callable[[Path], Path]] = {
    # A few KB asking for rows × columns (Excel's own last cell, row, column; just past ours).
    "xlsx cell XFD1048576": one_cell("XFD1048576"),
    "xlsx cell A1048576": one_cell("A1048576"),
    "xlsx cell XFD1": one_cell("XFD1"),
    "xlsx cell XFD100000": one_cell("XFD100000"),
    "xlsx cell IW2 (column 257)": one_cell("IW2"),
    "xlsx cell A200001": one_cell("A200001"),
    "xlsx cells up to Z200000 and AA2 (area)": lambda folder: xlsx(folder / "area.xlsx", sheet_xml(
        '<row r="2"><c r="AA2"><v>1</v></c></row><row r="200000"><c r="Z200000"><v>1</v></c></row>')),
    "xlsx dimension A1:XFD9999999": lambda folder: xlsx(folder / "dimension.xlsx", sheet_xml(
        before='<dimension ref="A1:XFD9999999"/>')),
    # The place written otherwise than Excel writes it.
    "xlsx r twice": cell_written("r-twice", '<c r="A2" r="XFD1048576"><v>1</v></c>'),
    "xlsx r = '…'": cell_written("r-spaced", "<c r = 'XFD1048576'><v>1</v></c>"),
    "xlsx tab before r": cell_written("r-tab", '<c\tr="XFD1048576"><v>1</v></c>'),
    "xlsx lower-case place": cell_written("r-lower", '<c r="xfd1048576"><v>1</v></c>'),
    "xlsx prefixed cell": cell_written("prefixed", '<x:c r="XFD1048576"><x:v>1</x:v></x:c>', root="x"),
    "xlsx row r=1048576, cell without r": cell_written("row-far", '</row><row r="1048576"><c><v>1</v></c>'),
    "xlsx 200,001 rows without r": rows_without_places(200_001, 1),
    "xlsx 257 cells without r": rows_without_places(1, 257),
    "xlsx sst uniqueCount 4e9": lambda folder: xlsx(folder / "strings.xlsx", **{
        "xl__sharedStrings.xml": SHARED_STRINGS.replace('uniqueCount="1"', 'uniqueCount="4000000000"')}),
    # Bombs: honest ones at several ratios, one past the ratio, forged sizes, a cut deflate stream.
    "bomb 250,000 rows 8:1 (26 MB)": bomb("bomb-rows-8", rows=250_000, text=lambda n, rng: f"嘉宾{rng.randrange(1000)}"),
    "bomb 250,000 rows 40:1 (130 MB)": bomb("bomb-rows-40", rows=250_000, text=lambda n, rng: "招商引资" * 35),
    "bomb 50,000 rows 145:1 (150 MB)": bomb("bomb-part-145", rows=50_000, text=FAT_ROW),
    "bomb 20 MB of spaces 1000:1": lambda folder: xlsx(folder / "bomb-spaces.xlsx", (b" " * (1 << 20) for _ in range(20))),
    "bomb 145:1 (150 MB) whose directory says 1,000 bytes": forged_sizes,
    "deflate stream cut short": deflate_cut,
    # ODS: calamine expands repeats.
    "ods row repeated 1e9 times": ods_repeats("rows", f'<table:table-row table:number-rows-repeated="1000000000">'
                                                     f'{VALUE.format("")}</table:table-row>'),
    "ods cell repeated 1e6 times": ods_repeats("columns", "<table:table-row>" + REPEATED.format(1_000_000)
                                                        + "</table:table-row>"),
    "ods 100,000 rows × 60 columns": ods_repeats("area", '<table:table-row table:number-rows-repeated="100000">'
                                                        + REPEATED.format(60) + "</table:table-row>"),
    "ods DTD in content.xml (UTF-16)": lambda folder: _ods_dtd(folder),
    # xls: every sheet is laid out when calamine opens the file.
    "xls cells at A1 and IV65536 (area)": xls("far", [(65535, 255)]),
    "xls cell in column 65536": xls("wide", [(1, 65535)]),
    "xls DIMENSIONS of 1e9 rows": xls("dimensions", [(1, 1)], dimensions=(0, 1_000_000_000, 0, 256)),
    "xls directory chain loop": xls("fat-loop", [(1, 1)], fat=_fat_loop),
    "xls DIFAT chain loop": xls("difat-loop", [(1, 1)], difat_loop=True),
    "xls header: 2^31 FAT sectors": xls("fat-length", [(1, 1)], header={44: 0x7FFFFFFF}),
    # xlsb
    "xlsb cell XFD1048576": xlsb("far", [(0, 0), (1048575, 16383)]),
    "xlsb record of 256 MB": xlsb("record", [(0, 0)], inside=b"\x7e\xff\xff\xff\x7f"),
    # Text files, bounded as they are read.
    "csv 200,001 rows": csv_file("tall", lambda: (f"{n},示例公司,张三,经理\r\n" for n in range(200_001))),
    "csv 300 columns": csv_file("wide", lambda: ["," * 299 + "\r\n"]),
    "csv line of 2 MB": csv_file("long", lambda: ["x" * (2 << 20)]),
    # Cut short.
    "xlsx truncated": truncated(one_cell("A2")),
    "ods truncated": truncated(ods_repeats("short", VALUE.format(""))),
    "xls truncated": truncated(valid_xls),
    "xlsb truncated": truncated(xlsb("short", [(0, 0)])),
}
for _part_key, _part in PARTS.items():
    for _encoding in ("utf-8", "utf-16", "utf-16-le"):
        HOSTILE[f"DTD in {_part} ({_encoding})"] = with_dtd(_part, _encoding)
    HOSTILE[f"DTD in {_part} after a 100 KB comment"] = with_dtd(_part, "utf-8", comment=100_000)
HOSTILE["DTD in the sheet after a 100 KB comment (UTF-16)"] = with_dtd(SHEET, "utf-16", comment=100_000)


def _ods_dtd(folder: Path) -> Path:
    path = ods(folder / "plain.ods", VALUE.format(""))
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    bad = folder / "dtd.ods"
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == "content.xml":
                body = content.split("?>", 1)[1]
                data = codecs.BOM_UTF16_LE + ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS + body).encode("utf-16-le")
            copy.writestr(item, data)
    return bad
