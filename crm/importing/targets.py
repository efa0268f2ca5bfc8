"""The target table (目标任务分解表) a commission circulates, as a kind of import: its header vocabulary
and its row rules.

A title (2026年招商引资目标任务分解表), perhaps a line saying the unit (单位：亿元、个), the header (序号,
单位/设区市/地区, 年度, 产业, 签约项目数, 签约金额（亿元）, 到位资金（亿元）, 开工项目数, 备注), a row per unit —
wide: one column per indicator — and a 合计 row. Each row becomes the targets `crm targets set` would be
given for it (the unit, year and industry as typed, each value in 万元 or as a count); nothing here
touches the database, and nothing here decides whether a target is valid: crm.importing.targets_import
hands every cell to crm.services.targets.set_target, the one rule.

Amounts are read in the unit the table says: a cell's own (5亿元, 3000万), else its column's header
(签约金额（亿元）), else the line above the header (单位：亿元), else 万元 as crm counts them; 亿元 are
multiplied by 10,000. The year: a 年度 column, else --year, else the one year the title names."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crm.errors import CrmError
from crm.i18n import pick
from crm.importing.layout import HEADER_SCAN_ROWS, REJECTED_COLUMNS, Layout, RawRow, RowError, Vocabulary, header_key
from crm.importing.reader import Sheet, open_workbook
from crm.normalize import one_line, typed_text
from crm.rules.events import split_names
from crm.rules.targets import INDICATORS
from crm.services.values import parse_integer

COUNTS = ("signed_projects", "started")
AMOUNTS = ("signed_amount", "funds")
FIELDS = ("seq", "unit", "year", "industry", *INDICATORS, "notes")
FIELD_LABELS = {
    "seq": ("序号", "no."), "unit": ("单位", "unit"), "year": ("年度", "year"), "industry": ("产业", "industry"),
    "signed_projects": ("签约项目数", "signed projects"), "signed_amount": ("签约金额", "signed amount"),
    "funds": ("到位资金", "funds in place"), "started": ("开工项目数", "projects started"),
    "notes": ("备注", "notes"),
}
# Header words as commissions type them, compared after layout.header_key(): no spaces, no marks, no
# bracketed unit (签约金额（亿元） is 签约金额), case folded.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(("序号", "编号", "序", "no", "no.", "#", "seq"), "seq"),
    **dict.fromkeys(("单位", "单位名称", "责任单位", "地区", "设区市", "地市", "城市", "市", "市别", "县市区", "园区",
                     "开发区", "设区市园区", "设区市及园区", "设区市、园区", "市、园区", "unit", "city", "region", "park"),
                    "unit"),
    **dict.fromkeys(("年度", "年份", "目标年度", "year"), "year"),
    **dict.fromkeys(("产业", "产业领域", "重点产业", "产业类别", "行业", "industry", "sector"), "industry"),
    **dict.fromkeys(("签约项目数", "签约项目", "签约项目个数", "签约项目数量", "签约项目数目标", "签约数", "签约个数", "项目数",
                     "项目个数", "signedprojects", "projectssigned", "projects"), "signed_projects"),
    **dict.fromkeys(("签约金额", "签约资金", "签约总额", "签约额", "签约投资额", "签约投资", "合同金额", "合同投资额", "签约金额目标",
                     "signedamount", "amountsigned", "amount"), "signed_amount"),
    **dict.fromkeys(("到位资金", "实际到位资金", "资金到位", "到位金额", "到位额", "到位资金目标", "fundsinplace", "funds"),
                    "funds"),
    **dict.fromkeys(("开工项目数", "开工项目", "开工项目个数", "新开工项目", "新开工项目数", "开工数", "开工个数", "开工项目数目标",
                     "started", "projectsstarted"), "started"),
    **dict.fromkeys(("备注", "说明", "notes", "note", "remark", "remarks"), "notes"),
}
# When no word matches exactly, a word inside the header decides (in order: 签约项目金额 is an amount).
HEADER_CONTAINS: tuple[tuple[str, str], ...] = (
    ("序号", "seq"), ("年度", "year"), ("到位", "funds"), ("开工", "started"), ("签约金额", "signed_amount"),
    ("签约资金", "signed_amount"), ("项目金额", "signed_amount"), ("签约额", "signed_amount"),
    ("签约项目", "signed_projects"), ("产业", "industry"), ("行业", "industry"), ("设区市", "unit"), ("园区", "unit"),
    ("地区", "unit"), ("备注", "notes"), ("fund", "funds"), ("start", "started"), ("amount", "signed_amount"),
    ("signed", "signed_projects"), ("industr", "industry"),
)
# A column of last year's figures, of what was done, of growth or rank is no target: such headers are
# reported as unknown (--map says otherwise), even when they name an indicator (2025年完成签约金额).
NOT_TARGETS = ("完成", "同比", "增长", "增幅", "上年", "去年", "占比", "比重", "进度", "排名", "得分", "美元", "外资")


@dataclass(frozen=True, eq=False)
class TargetVocabulary(Vocabulary):
    def field_for(self, text: object, overrides: dict[str, str]) -> str | None:
        key = header_key(text)
        if key and key not in overrides and any(word in key for word in NOT_TARGETS):
            return None
        return super().field_for(text, overrides)


TARGET_TABLE = TargetVocabulary(
    fields=FIELDS, labels=FIELD_LABELS, words=HEADER_WORDS, contains=HEADER_CONTAINS,
    ignored=frozenset({"联系人", "联系电话", *REJECTED_COLUMNS}), anchors=frozenset({"unit"}),
    weak=frozenset({"seq", "notes", "year", "industry"}), no_header="no_targets_header",
)

# A 合计 row under another name (全省合计, 11个设区市合计) is no unit: skipped like the footers.
_TOTAL = re.compile(r"^(全省|全市|合计|总计|小计|共计|总体)|(合计|总计|小计)$")
_UNDER = re.compile(r"^其中\s*[:：]?\s*")  # 其中：南昌高新区 — a park listed under its city
_NONE = frozenset({"—", "——", "-", "--", "/", "／", "无", "－", "\\"})
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(.+)")
_YEAR_CELL = re.compile(r"^\s*(\d{4})\s*(?:年度?)?\s*$")
_COUNT_SUFFIX = re.compile(r"\s*(个|项|家)\s*$")
_AMOUNT_SUFFIX = re.compile(r"\s*(亿元|亿|万元|万|元)\s*$")
YI, WAN, YUAN = "亿元", "万元", "元"
SCALES = {YI: Decimal(10000), WAN: Decimal(1), YUAN: Decimal("0.0001")}


def amount_unit(text: str | None) -> str | None:
    """The unit a header or a line names: 亿元, 万元 or 元; None when it says none (or more than one:
    单位：万元、亿元)."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    found = {unit for mark, unit in (("亿", YI), ("万", WAN)) if mark in text}
    if not found and "元" in text:
        found = {YUAN}
    return found.pop() if len(found) == 1 else None


@dataclass
class AmountColumn:
    """How a sheet's amount column was read: in the unit its header or the line above it said, or, when
    they say none, in 万元 (stated False)."""

    sheet: str
    column: str
    unit: str
    stated: bool

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "column": self.column, "unit": self.unit, "stated": self.stated}


@dataclass(eq=False)
class TargetRow:
    """A unit's row: the targets `crm targets set` would be given for it — unit, year, industry as typed,
    and each indicator's value as set_target reads it (万元 or a count) — or the error that rejects it."""

    sheet: str
    row: int
    layout: Layout
    unit: str | None = None
    year: int | None = None
    industry: str | None = None
    # indicator → (the value for set_target, the cell as typed, the unit it was read in: None for a count)
    values: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    error: RowError | None = None
    cells: list | None = None

    def reject(self, field_name: str | None, key: str, **params) -> TargetRow:
        column = self.layout.header_of(field_name) if field_name else None
        self.error = RowError(self.sheet, self.row, column, key, tuple(params.items()))
        return self

    def label(self, field_name: str) -> str:
        return self.layout.header_of(field_name) or pick(*FIELD_LABELS[field_name])


class TargetRules:
    """The target table's row rules (parse.RowRules) for one file. What the lines above a sheet's header
    say (the year in its title, 单位：亿元) is seen through WatchedRead, which shows each sheet to
    `sheet_read` as it is read."""

    vocabulary = TARGET_TABLE

    def __init__(self, year: int | None) -> None:
        self.year = year  # --year
        self.amount_columns: list[AmountColumn] = []
        self._above: dict[str, list[tuple[int, str]]] = {}  # sheet → (row index, text) near its top
        self._sheet: str | None = None
        self._sheet_year: int | None = None
        self._scales: dict[str, str] = {}  # amount field → the unit its column is read in

    def sheet_read(self, sheet: Sheet) -> None:
        self._above[sheet.name] = [(index, cell.strip()) for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS])
                                   for cell in row if isinstance(cell, str) and cell.strip() and len(cell) < 200]

    def _start_sheet(self, raw: RawRow, layout: Layout) -> None:
        self._sheet = raw.sheet
        above = [text for index, text in self._above.get(raw.sheet, []) if index < layout.header_index]
        years = {int(m.group(1)) for text in above for m in _YEAR_IN_TITLE.finditer(text)}
        self._sheet_year = years.pop() if len(years) == 1 else None
        lines = {amount_unit(m.group(1)) for text in above if (m := _UNIT_LINE.search(text))} - {None}
        sheet_unit = lines.pop() if len(lines) == 1 else None
        self._scales = {}
        for name in AMOUNTS:
            header = layout.header_of(name)
            if header is None:
                continue
            unit = amount_unit(header) or sheet_unit
            self._scales[name] = unit or WAN
            self.amount_columns.append(AmountColumn(raw.sheet, header, unit or WAN, unit is not None))

    def classify(self, raw: RawRow, layout: Layout) -> TargetRow | None:
        if raw.sheet != self._sheet:
            self._start_sheet(raw, layout)
        values = raw.values
        row = TargetRow(raw.sheet, raw.number, layout, cells=raw.cells)
        unit = one_line(typed_text(values.get("unit")))
        unit = _UNDER.sub("", unit) if unit else unit
        indicators = {name: values[name] for name in INDICATORS if name in values and not _blank(values[name])}
        if unit and _TOTAL.search(unit.replace(" ", "")):
            return None  # 合计, 全省合计
        if not indicators:
            return None  # a unit without targets, a group label (设区市), a note
        if not unit:
            return row.reject("unit", "empty_field", field=row.label("unit"))
        row.unit = unit
        if _blank(values.get("year")) and self.year is None and self._sheet_year is None:
            raise CrmError("import_targets_no_year", sheet=raw.sheet)  # the whole file: say --year once
        try:
            row.year = self._year(values)
        except CrmError as error:
            return row.reject("year", error.key, **error.params)
        industries = split_names(typed_text(values.get("industry")))
        if len(industries) > 1:
            return row.reject("industry", "import_targets_one_industry", value="、".join(industries))
        row.industry = industries[0] if industries else None
        for name, cell in indicators.items():
            typed = typed_text(cell) or ""
            row.values[name] = (_count(cell), typed, None) if name in COUNTS else self._amount(name, cell, typed)
        return row

    def _year(self, values: dict) -> int:
        """The row's 年度, which must be --year's when both are given; else --year, else the title's."""
        cell = values.get("year")
        if _blank(cell):
            return self.year if self.year is not None else self._sheet_year
        if isinstance(cell, (dt.date, dt.datetime)):
            cell = cell.year
        text = typed_text(cell) or ""
        match = _YEAR_CELL.match(unicodedata.normalize("NFKC", text))
        year = parse_integer(match.group(1) if match else text, low=2000, high=2100)
        if self.year is not None and year != self.year:
            raise CrmError("import_targets_other_year", value=year, year=self.year)
        return year

    def _amount(self, name: str, cell: object, typed: str) -> tuple[str, str, str | None]:
        """The cell in 万元 (as set_target reads amounts), from the unit it is written in; a cell that is
        no number goes to set_target as typed, to be refused there."""
        unit = self._scales.get(name, WAN)
        text = unicodedata.normalize("NFKC", typed).replace(",", "").strip()
        if isinstance(cell, str) and (suffix := _AMOUNT_SUFFIX.search(text)):
            unit, text = amount_unit(suffix.group(1)) or unit, text[: suffix.start()]
        if isinstance(cell, bool) or unit == WAN:
            return (text if isinstance(cell, str) else typed), typed, unit
        try:
            number = Decimal(text) * SCALES[unit]
        except InvalidOperation:
            return typed, typed, unit
        if not number.is_finite():
            return typed, typed, unit
        return format(number.normalize(), "f"), typed, unit


def _count(cell: object) -> str:
    """A count as set_target reads it: 12 (a cell of 12.0), 12个."""
    text = typed_text(cell) or ""
    return _COUNT_SUFFIX.sub("", text) if isinstance(cell, str) else text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or value.strip() in _NONE))


class WatchedRead:
    """A stand-in for reader.ReadAhead that parse.parse_file reads through: the same workbook (read ahead
    or opened now), whose sheets are shown to the rules as they are read, for the lines above a
    header."""

    def __init__(self, path, ahead, rules: TargetRules) -> None:
        self.path = path
        self.ahead = ahead
        self.rules = rules

    def workbook(self):
        book = self.ahead.workbook() if self.ahead is not None else open_workbook(self.path)
        return _WatchedBook(book, self.rules)


class _WatchedBook:
    def __init__(self, book, rules: TargetRules) -> None:
        self._book = book
        self._rules = rules

    def __getattr__(self, name: str):
        return getattr(self._book, name)

    def sheets(self, wanted: list[str] | None = None):
        for sheet in self._book.sheets(wanted):
            self._rules.sheet_read(sheet)
            yield sheet
