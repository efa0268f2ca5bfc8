"""Finding a table inside a sheet, whatever it lists: title rows above, the header row found by the
words of a kind's vocabulary (two-row headers too), then the data rows without blank rows, repeated
headers and footers (合计 / 共计：N人 / 制表人 / 注：). A kind of import (invitee list, programme table…)
brings its Vocabulary; everything here is shared."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from crm.errors import EXIT_USAGE, CrmError
from crm.i18n import pick, t
from crm.importing.reader import Sheet
from crm.normalize import clean_text

IGNORE = "ignore"  # --map 列名=ignore drops a column on purpose
# How far down a sheet the header row may stand (title rows, 报送单位, 填报日期 ... above it).
HEADER_SCAN_ROWS = 30
# A header is a word or two; a longer cell is a title or a note, whatever words it contains.
MAX_HEADER_LENGTH = 20
_MARKS = re.compile(r"[\s*＊:：()（）\[\]【】<>《》]|必填|选填")
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
FOOTER = re.compile(
    r"^(合\s*计|总\s*计|小\s*计|共\s*计|共\s*\d+\s*[人名位家]|制\s*表|填\s*表|审\s*核|审\s*批|负责人|经办人|"
    r"联系人\s*[:：]|注\s*[:：\d]|说明\s*[:：]|备注\s*[:：]|报送单位|填报单位|填报日期|日期\s*[:：]|"
    r"total|subtotal|sum\b|prepared by|note\s*[:：])",
    re.IGNORECASE,
)
# The columns --errors-out adds to rejected rows: the fixed file, imported again, ignores them.
REJECTED_COLUMNS = frozenset({"错误原因", "来源工作表", "来源行号", "error", "reason", "sheet", "row"})
_TOTAL = re.compile(r"^(共计|合计|总计)\s*[:：]?\s*\d+")


def header_key(text: object) -> str:
    cleaned = clean_text(text) or ""
    return _MARKS.sub("", _BRACKETED.sub("", cleaned)).casefold() or _MARKS.sub("", cleaned).casefold()


class BadMapping(CrmError):
    exit_code = EXIT_USAGE


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The header words of one kind of table and what its rows must show to count as one."""

    fields: tuple[str, ...]  # what --map takes
    labels: dict[str, tuple[str, str]]  # field → its standard header (中文, English), itself a header word
    words: dict[str, str]  # header_key() of a header as staff type it → field
    contains: tuple[tuple[str, str], ...]  # when no word matches exactly, a word inside decides (in order)
    ignored: frozenset[str]  # columns every table has and nobody imports: never reported as unknown
    anchors: frozenset[str]  # a header row names one of these fields, and one more field
    # Fields that do not count as that one more field: 序号 and 备注 head tables of every kind.
    weak: frozenset[str] = frozenset()
    # A value in one of these makes a row data even when its first cell reads like a footer.
    data_fields: frozenset[str] = frozenset()
    # Banner rows (a cell merged across the table: 一、以省政府名义举办的重大活动) are handed on flagged
    # as banners, for kinds whose sections mean something; otherwise they are skipped.
    keeps_banners: bool = False
    no_header: str = "no_header"  # the refusal (import_refused_…) of a file where no sheet has the header

    def label(self, name: str) -> str:
        return pick(*self.labels.get(name, (name, name)))

    def field_for(self, text: object, overrides: dict[str, str]) -> str | None:
        """The field a header cell names, IGNORE for columns to drop quietly, None when unknown."""
        key = header_key(text)
        if not key:
            return None
        if key in overrides:
            return overrides[key]
        if key in self.words:
            return self.words[key]
        if key in self.ignored:
            return IGNORE
        if len(key) <= MAX_HEADER_LENGTH:
            for word, target in self.contains:
                if word in key:
                    return target
        return None

    def parse_mapping(self, items: list[str] | None) -> dict[str, str]:
        """--map 列名=field (repeatable) → {header key: field}."""
        mapping: dict[str, str] = {}
        for item in items or []:
            column, sep, target = item.partition("=")
            target = target.strip().lower()
            if not sep or not header_key(column) or target not in (*self.fields, IGNORE):
                raise BadMapping("import_bad_map", item=item, fields=", ".join((*self.fields, IGNORE)))
            mapping[header_key(column)] = target
        return mapping


@dataclass
class Layout:
    """Where the table stands in a sheet: the header row(s) and which column holds which field."""

    header_index: int  # index in Sheet.rows of the (last) header row
    columns: dict[int, str]  # column index in the row → field
    headers: dict[int, str]  # column index → header text as written
    unknown: list[str] = field(default_factory=list)  # header texts of columns ignored as unknown
    header_cells: list[str] = field(default_factory=list)  # the whole header as written
    vocabulary: Vocabulary | None = None  # the words it was found by (find_layout)

    def header_of(self, field_name: str) -> str | None:
        for index, name in self.columns.items():
            if name == field_name:
                return self.headers[index]
        return None


def find_layout(sheet: Sheet, vocabulary: Vocabulary, overrides: dict[str, str]) -> Layout | None:
    """The first row, near the top, that names an anchor column and one more field."""
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        fields = {i: vocabulary.field_for(cell, overrides) for i, cell in enumerate(row) if _text(cell)}
        named = {i: f for i, f in fields.items() if f and f != IGNORE}
        found = set(named.values())
        if len(found - vocabulary.weak) >= 2 and vocabulary.anchors & found:
            layout = _with_second_header_row(sheet, _layout_from(index, row, named, vocabulary), overrides)
            # Unknown: a header nobody maps, or a second column for a field already taken.
            layout.unknown = [text for i, text in enumerate(layout.header_cells)
                              if text and i not in layout.columns and vocabulary.field_for(text, overrides) != IGNORE]
            return layout
    return None


def _layout_from(header_index: int, row: list, named: dict[int, str], vocabulary: Vocabulary) -> Layout:
    columns: dict[int, str] = {}
    for index, target in named.items():
        if target not in columns.values():
            columns[index] = target
    return Layout(header_index, columns, {i: _text(row[i]) for i in columns}, [], [_text(c) for c in row],
                  vocabulary)


def _with_second_header_row(sheet: Sheet, layout: Layout, overrides: dict[str, str]) -> Layout:
    """Two-row headers: 联系方式 merged over 手机 | 邮箱, 组织单位 over 承办 | 协办, on the row below."""
    header_index = layout.header_index
    if header_index + 1 >= len(sheet.rows):
        return layout
    below = sheet.rows[header_index + 1]
    cells = {i: _text(c) for i, c in enumerate(below) if _text(c)}
    if not cells:
        return layout
    fields = {i: layout.vocabulary.field_for(text, overrides) for i, text in cells.items()}
    if any(target is None for target in fields.values()):
        return layout  # a data row, not a header
    added = {i: f for i, f in fields.items() if f != IGNORE and f not in layout.columns.values()}
    if not added:
        return layout
    for index, text in cells.items():
        layout.header_cells += [""] * (index + 1 - len(layout.header_cells))
        layout.header_cells[index] = text
    for index, target in added.items():
        layout.columns[index] = target  # a group label above (联系方式) gives way to the word below
        layout.headers[index] = cells[index]
    layout.header_index = header_index + 1
    return layout


def _row_layout_matches(row: list, layout: Layout) -> bool:
    return all(index < len(row) and _text(row[index]) == text for index, text in layout.headers.items())


@dataclass(frozen=True)
class RowError:
    """A rejected row: its sheet, its Excel row number, the column at fault and why."""

    sheet: str
    row: int
    column: str | None  # the header of the column at fault, None when the whole row is
    key: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> str:
        return t(self.key, **dict(self.params))

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class RawRow:
    sheet: str
    number: int  # the row number Excel shows
    values: dict[str, object]  # field → cell value as read
    cells: list  # the whole row as read (for --errors-out)
    banner: bool = False  # one value merged across the table (a section title), see Vocabulary.keeps_banners


def data_rows(sheet: Sheet, layout: Layout) -> Iterator[RawRow]:
    """Rows below the header that carry data: blank rows, repeated headers and footers are skipped."""
    rows = sheet.rows
    keeps_banners = layout.vocabulary.keeps_banners
    data_fields = layout.vocabulary.data_fields
    fill_down, banners = _merged_cells(sheet, layout)
    columns = sorted(layout.columns.items())
    first_header = columns[0] if columns else None
    for index in range(layout.header_index + 1, len(rows)):
        row = rows[index]
        width = len(row)
        values = {}
        for column, target in columns:
            value = row[column] if column < width else None
            if fill_down and (index, column) in fill_down:
                value = fill_down[(index, column)]
            if value is None or value == "" or (value.__class__ is str and not value.strip()):
                continue
            values[target] = value
        if not values:
            continue  # blank, or only a pre-filled 序号
        if first_header and _text(values.get(first_header[1])) == layout.headers[first_header[0]] \
                and _row_layout_matches(row, layout):
            continue  # the header again (one per page, or per city block)
        if _is_footer(row, values, data_fields):
            continue
        if index in banners and len(values) == 1:
            if keeps_banners:
                yield RawRow(sheet.name, sheet.first_row + index, values, row, True)
            continue
        yield RawRow(sheet.name, sheet.first_row + index, values, row)


def _is_footer(row: list, values: dict[str, object], data_fields: frozenset[str]) -> bool:
    """合计 / 共计：41人 / 制表人：… rows: a footer word first and nothing that only data rows hold."""
    for name in data_fields:
        if name in values:
            return False
    first = next((_text(c) for c in row if _text(c)), "")
    if FOOTER.match(first):
        return True
    return any(_TOTAL.match(_text(c)) for c in row if _text(c))


def _merged_cells(sheet: Sheet, layout: Layout) -> tuple[dict[tuple[int, int], object], set[int]]:
    """A value merged down over several data rows (one 单位 for three people, one 时间 for an activity's
    meetings) belongs to each of them; a cell merged across three or more columns is a banner (一、宜春市)."""
    fill: dict[tuple[int, int], object] = {}
    banners: set[int] = set()
    for (top, left), (bottom, right) in sheet.merged:
        row0, column = top - (sheet.first_row - 1), left - sheet.first_column
        if row0 <= layout.header_index or not 0 <= row0 < len(sheet.rows):
            continue
        if right - left >= 2:
            banners.add(row0)
        if bottom <= top or column not in layout.columns or column >= len(sheet.rows[row0]):
            continue
        value = sheet.rows[row0][column]
        for index in range(row0 + 1, min(bottom - (sheet.first_row - 1), len(sheet.rows) - 1) + 1):
            fill[(index, column)] = value
    return fill, banners


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value)
