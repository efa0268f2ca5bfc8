"""Finding the list inside a sheet: title rows above, the header row by its words, then the data rows
without blank rows, repeated headers and footers (合计 / 共计：N人 / 制表人 / 注：)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from crm.errors import EXIT_USAGE, CrmError
from crm.i18n import pick
from crm.importing.reader import Sheet
from crm.normalize import clean_text

FIELDS = ("name", "organization", "title", "mobile", "phone", "email", "category", "notes", "status")
IGNORE = "ignore"  # --map 列名=ignore drops a column on purpose
FIELD_LABELS = {
    "name": ("姓名", "name"), "organization": ("单位", "organization"), "title": ("职务", "title"),
    "mobile": ("手机", "mobile"), "phone": ("电话", "phone"), "email": ("邮箱", "email"),
    "category": ("类别", "category"), "notes": ("备注", "notes"), "status": ("邀请状态", "status"),
}
# How far down a sheet the header row may stand (title rows, 报送单位, 填报日期 ... above it).
HEADER_SCAN_ROWS = 30

# Header words as staff type them (DOMAIN.md), compared after header_key(): no spaces, no marks, case folded.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(("姓名", "联系人", "嘉宾姓名", "嘉宾", "客商姓名", "人员姓名", "参会人", "参会人员", "参会嘉宾",
                     "拟邀嘉宾", "拟邀请嘉宾", "邀请对象", "name", "fullname", "contact", "contactname",
                     "guest", "guestname", "person"), "name"),
    **dict.fromkeys(("单位", "单位名称", "工作单位", "公司", "公司名称", "企业", "企业名称", "机构", "机构名称",
                     "所在单位", "客商单位", "邀请单位", "company", "companyname", "organization",
                     "organisation", "org", "employer", "institution", "unit"), "organization"),
    **dict.fromkeys(("职务", "职位", "职称", "职务职称", "职务/职称", "title", "position", "jobtitle", "job"),
                    "title"),
    **dict.fromkeys(("手机", "手机号", "手机号码", "移动电话", "手机/电话", "联系手机", "mobile", "mobilephone",
                     "cell", "cellphone", "mobileno", "mobilenumber"), "mobile"),
    **dict.fromkeys(("电话", "联系电话", "办公电话", "固定电话", "座机", "电话号码", "联系方式", "phone",
                     "telephone", "tel", "officephone", "phonenumber"), "phone"),
    **dict.fromkeys(("邮箱", "电子邮箱", "电子邮件", "e-mail", "email", "mail", "邮件", "电邮", "emailaddress"),
                    "email"),
    **dict.fromkeys(("类别", "单位类型", "客商类别", "单位类别", "企业类型", "企业性质", "单位性质", "类型",
                     "category", "type", "kind", "orgtype"), "category"),
    **dict.fromkeys(("备注", "说明", "备考", "notes", "note", "remark", "remarks", "comment", "comments"), "notes"),
    **dict.fromkeys(("状态", "邀请状态", "参会状态", "是否参会", "确认情况", "status", "rsvp"), "status"),
}
# Columns every list has and nobody wants imported: never reported as unknown.
KNOWN_IGNORED = {"序号", "编号", "序", "no", "no.", "#", "id", "number", "seq", "错误原因", "来源工作表", "来源行号",
                 "error", "reason", "sheet", "row"}
# When no word matches exactly, a word inside the header decides (order matters: 单位类型 is a category).
HEADER_CONTAINS: tuple[tuple[str, str], ...] = (
    ("状态", "status"), ("类别", "category"), ("类型", "category"), ("性质", "category"),
    ("手机", "mobile"), ("移动电话", "mobile"), ("mobile", "mobile"),
    ("邮", "email"), ("mail", "email"), ("电话", "phone"), ("phone", "phone"),
    ("职务", "title"), ("职位", "title"), ("title", "title"),
    ("姓名", "name"), ("联系人", "name"), ("嘉宾", "name"), ("name", "name"),
    ("单位", "organization"), ("公司", "organization"), ("企业", "organization"), ("机构", "organization"),
    ("company", "organization"), ("organi", "organization"), ("备注", "notes"), ("remark", "notes"),
)
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


def field_label(name: str) -> str:
    """A field's standard header, itself a header word the importer knows."""
    return pick(*FIELD_LABELS.get(name, (name, name)))


def header_key(text: object) -> str:
    cleaned = clean_text(text) or ""
    return _MARKS.sub("", _BRACKETED.sub("", cleaned)).casefold() or _MARKS.sub("", cleaned).casefold()


class BadMapping(CrmError):
    exit_code = EXIT_USAGE


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """--map 列名=field (repeatable) → {header key: field}."""
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, target = item.partition("=")
        target = target.strip().lower()
        if not sep or not header_key(column) or target not in (*FIELDS, IGNORE):
            raise BadMapping("import_bad_map", item=item, fields=", ".join((*FIELDS, IGNORE)))
        mapping[header_key(column)] = target
    return mapping


def field_for(text: object, overrides: dict[str, str]) -> str | None:
    """The field a header cell names, IGNORE for columns to drop quietly, None when unknown."""
    key = header_key(text)
    if not key:
        return None
    if key in overrides:
        return overrides[key]
    if key in HEADER_WORDS:
        return HEADER_WORDS[key]
    if key in KNOWN_IGNORED:
        return IGNORE
    if len(key) <= MAX_HEADER_LENGTH:
        for word, target in HEADER_CONTAINS:
            if word in key:
                return target
    return None


@dataclass
class Layout:
    """Where the list stands in a sheet: the header row(s) and which column holds which field."""

    header_index: int  # index in Sheet.rows of the (last) header row
    columns: dict[int, str]  # column index in the row → field
    headers: dict[int, str]  # column index → header text as written
    unknown: list[str] = field(default_factory=list)  # header texts of columns ignored as unknown
    header_cells: list[str] = field(default_factory=list)  # the whole header as written

    def header_of(self, field_name: str) -> str | None:
        for index, name in self.columns.items():
            if name == field_name:
                return self.headers[index]
        return None


def find_layout(sheet: Sheet, overrides: dict[str, str]) -> Layout | None:
    """The first row, near the top, that names a person or an organization column and one more field."""
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        fields = {i: field_for(cell, overrides) for i, cell in enumerate(row) if _text(cell)}
        named = {i: f for i, f in fields.items() if f and f != IGNORE}
        if len(set(named.values())) >= 2 and {"name", "organization"} & set(named.values()):
            layout = _with_second_header_row(sheet, _layout_from(index, row, named), overrides)
            # Unknown: a header nobody maps, or a second column for a field already taken.
            layout.unknown = [text for i, text in enumerate(layout.header_cells)
                              if text and i not in layout.columns and field_for(text, overrides) != IGNORE]
            return layout
    return None


def _layout_from(header_index: int, row: list, named: dict[int, str]) -> Layout:
    columns: dict[int, str] = {}
    for index, target in named.items():
        if target not in columns.values():
            columns[index] = target
    return Layout(header_index, columns, {i: _text(row[i]) for i in columns}, [], [_text(c) for c in row])


def _with_second_header_row(sheet: Sheet, layout: Layout, overrides: dict[str, str]) -> Layout:
    """Two-row headers: 联系方式 merged over 手机 | 邮箱 on the row below."""
    header_index = layout.header_index
    if header_index + 1 >= len(sheet.rows):
        return layout
    below = sheet.rows[header_index + 1]
    cells = {i: _text(c) for i, c in enumerate(below) if _text(c)}
    if not cells:
        return layout
    fields = {i: field_for(text, overrides) for i, text in cells.items()}
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


@dataclass
class RawRow:
    sheet: str
    number: int  # the row number Excel shows
    values: dict[str, object]  # field → cell value as read
    cells: list  # the whole row as read (for --errors-out)


def data_rows(sheet: Sheet, layout: Layout) -> Iterator[RawRow]:
    """Rows below the header that carry data: blank rows, repeated headers and footers are skipped."""
    rows = sheet.rows
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
        if _is_footer(row, values) or (index in banners and len(values) == 1):
            continue
        yield RawRow(sheet.name, sheet.first_row + index, values, row)


def _is_footer(row: list, values: dict[str, object]) -> bool:
    """合计 / 共计：41人 / 制表人：… rows: a footer word first and no contact details."""
    if "mobile" in values or "email" in values:
        return False
    first = next((_text(c) for c in row if _text(c)), "")
    if FOOTER.match(first):
        return True
    return any(re.match(r"^(共计|合计|总计)\s*[:：]?\s*\d+", _text(c)) for c in row if _text(c))


def _merged_cells(sheet: Sheet, layout: Layout) -> tuple[dict[tuple[int, int], object], set[int]]:
    """A value merged down over several data rows (one 单位 for three people) belongs to each of them;
    a cell merged across three or more columns is a banner (一、宜春市), not a person."""
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
