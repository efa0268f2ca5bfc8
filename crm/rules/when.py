"""An event's time as people write it, as one value: the possible span and how precisely it is known.

"2026年3月中旬", "二季度", "4月15—16日", "待定", a date cell and `--when 2026-Q2` all become a `When`
here, for `crm events add/edit`, the programme import, the workbench's event form and the deadline
rules alike. Forms without a year take the programme's year."""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from db.models.enums import DatePrecision

from crm.dates import FIRST_YEAR, LAST_YEAR
from crm.errors import CrmError
from crm.i18n import pick

_COARSENESS = (DatePrecision.DAY, DatePrecision.DEKAD, DatePrecision.MONTH, DatePrecision.QUARTER,
               DatePrecision.HALF, DatePrecision.YEAR, DatePrecision.UNKNOWN)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12, "两": 2}
_NUMBER = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
_YEAR = r"(?:(\d{4})年)?"
UNKNOWN_WORDS = frozenset({"", "待定", "未定", "另定", "时间待定", "日期待定", "另行通知", "另行确定", "tbd", "tba",
                           "unknown", "?", "？"})
_DEKAD_WORDS = {"上旬": 1, "初": 1, "上": 1, "中旬": 2, "中": 2, "下旬": 3, "下": 3, "底": 3, "末": 3}
_DEKAD_NAMES = {1: ("上旬", "early "), 2: ("中旬", "mid-"), 3: ("下旬", "late ")}
_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
# Range marks as staff type them; ".." is the command line's.
_RANGE = re.compile(r"\.\.|[~〜～—–至到]+|(?<=日)-|(?<=\d)-(?=\d{1,2}日)|(?<=月)-(?=\d{1,2}月)|(?<=\d)-(?=\d{1,2}月)")


@dataclass(frozen=True)
class When:
    starts_on: dt.date
    ends_on: dt.date
    precision: DatePrecision

    @property
    def fixed(self) -> bool:
        return self.precision == DatePrecision.DAY

    @property
    def known(self) -> bool:
        """False while the time is 待定: no deadline can be counted from it."""
        return self.precision != DatePrecision.UNKNOWN


def certainly_outside(inner: When, outer: When) -> bool:
    """Whether `inner` falls outside `outer` whatever days the two turn out to be: its earliest possible day
    after the latest of `outer`, or its latest before the earliest of `outer`. A time 待定 says nothing."""
    if not inner.known or not outer.known:
        return False
    return inner.starts_on > outer.ends_on or inner.ends_on < outer.starts_on


class BadWhen(CrmError):
    def __init__(self, value: object) -> None:
        super().__init__("bad_when", value=value)


def parse_when(value: object, *, year: int | None = None) -> When:
    """Any form the import and `--when` take; forms without a year need `year` (the programme's)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        _check_year(value.year, value)
        return When(value, value, DatePrecision.DAY)
    raw = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})T?\d{1,2}:\d{2}(:\d{2})?$", r"\1", text)  # a date cell as text
    text = text.removesuffix("举办").removesuffix("举行").removesuffix("召开")
    if text.casefold() in UNKNOWN_WORDS:
        return _unknown(raw, year)
    parts = [p for p in _RANGE.split(text)]
    if len(parts) == 2 and all(parts):
        return _range(raw, parts[0], parts[1], year)
    if len(parts) != 1:
        raise BadWhen(raw)
    return _single(raw, text, year)


def _unknown(raw: str, year: int | None) -> When:
    if year is None:
        raise CrmError("when_needs_year", value=raw)
    return When(dt.date(year, 1, 1), dt.date(year, 12, 31), DatePrecision.UNKNOWN)


def _range(raw: str, left: str, right: str, year: int | None) -> When:
    if re.fullmatch(_NUMBER, left) and right.endswith("月"):
        left += "月"  # 3—4月
    first = _single(raw, left, year)
    context_year = first.starts_on.year
    # The right side borrows what it leaves out from the left: 4月15日至16日, 3—4月, 4月15日至5月2日.
    if re.fullmatch(r"\d{1,2}日?", right) and first.precision == DatePrecision.DAY:
        right = f"{context_year}年{first.starts_on.month}月{right.removesuffix('日')}日"
    last = _single(raw, right, context_year)
    if last.ends_on < first.starts_on:
        raise CrmError("when_backwards", value=raw)
    precision = max(first.precision, last.precision, key=_COARSENESS.index)
    return When(first.starts_on, last.ends_on, precision)


def _single(raw: str, text: str, year: int | None) -> When:
    def need_year(found: str | None) -> int:
        if found:
            return _check_year(int(found), raw)
        if year is None:
            raise CrmError("when_needs_year", value=raw)
        return year

    lowered = text.casefold()
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})日?", text) or \
            re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", text):
        return _day(raw, int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})[日号]?", text):
        return _day(raw, need_year(None), int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text):
        return _month(raw, _check_year(int(m[1]), raw), int(m[2]))
    if m := re.fullmatch(_YEAR + _NUMBER + r"月份?", text):
        return _month(raw, need_year(m[1]), _number(m[2]))
    if m := re.fullmatch(_YEAR + _NUMBER + r"月(上旬|中旬|下旬|初|中|底|末|上|下)", text):
        return _dekad(raw, need_year(m[1]), _number(m[2]), _DEKAD_WORDS[m[3]])
    if m := re.fullmatch(r"(\d{4})-?q([1-4])", lowered) or re.fullmatch(r"()q([1-4])", lowered):
        return _quarter(need_year(m[1] or None), int(m[2]))
    if m := re.fullmatch(_YEAR + r"第?([一二三四1-4])季度", text):
        return _quarter(need_year(m[1]), _number(m[2]))
    if m := re.fullmatch(r"(\d{4})-?h([12])", lowered) or re.fullmatch(r"()h([12])", lowered):
        return _half(need_year(m[1] or None), int(m[2]))
    if m := re.fullmatch(_YEAR + r"([上下])半年", text):
        return _half(need_year(m[1]), 1 if m[2] == "上" else 2)
    if m := re.fullmatch(_YEAR + r"年(初|底|末)", text) or re.fullmatch(r"(\d{4})年(初|底|末)", text):
        return _month(raw, need_year(m[1]), 1 if m[2] == "初" else 12)
    if m := re.fullmatch(r"(\d{4})年?(内|度|全年)?", text) or re.fullmatch(_YEAR + r"(年内|全年|年度内)", text):
        return _year(need_year(m[1]))
    raise BadWhen(raw)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def _check_year(year: int, raw: object) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadWhen(raw)
    return year


def _day(raw: str, year: int, month: int, day: int) -> When:
    _check_year(year, raw)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise BadWhen(raw) from None
    return When(date, date, DatePrecision.DAY)


def _month(raw: str, year: int, month: int) -> When:
    if not 1 <= month <= 12:
        raise BadWhen(raw)
    return When(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), DatePrecision.MONTH)


def _dekad(raw: str, year: int, month: int, part: int) -> When:
    month_span = _month(raw, year, month)
    first = dt.date(year, month, 1 + 10 * (part - 1))
    last = month_span.ends_on if part == 3 else dt.date(year, month, 10 * part)
    return When(first, last, DatePrecision.DEKAD)


def _quarter(year: int, quarter: int) -> When:
    return When(dt.date(year, 3 * quarter - 2, 1), _month("", year, 3 * quarter).ends_on, DatePrecision.QUARTER)


def _half(year: int, half: int) -> When:
    return When(dt.date(year, 6 * half - 5, 1), _month("", year, 6 * half).ends_on, DatePrecision.HALF)


def _year(year: int) -> When:
    return When(dt.date(year, 1, 1), dt.date(year, 12, 31), DatePrecision.YEAR)


def moved_to_year(when: When, year: int) -> When:
    """The same time of year in another year, for a copied programme: never fixed (a day or a span of
    days becomes its month), 待定 stays 待定."""
    precision = when.precision
    if precision == DatePrecision.UNKNOWN:
        return _unknown("", year)
    if precision == DatePrecision.YEAR:
        return _year(year)
    if precision == DatePrecision.DAY:
        return _month("", year, when.starts_on.month) if when.starts_on.month == when.ends_on.month else \
            When(dt.date(year, when.starts_on.month, 1), _month("", year, when.ends_on.month).ends_on, DatePrecision.MONTH)
    start = when.starts_on.replace(year=year) if (when.starts_on.month, when.starts_on.day) != (2, 29) \
        else dt.date(year, 2, 28)
    end_month = when.ends_on.month
    end = dt.date(year, end_month, min(when.ends_on.day, calendar.monthrange(year, end_month)[1]))
    if when.ends_on.day == calendar.monthrange(when.ends_on.year, end_month)[1]:
        end = _month("", year, end_month).ends_on  # the end of a month stays the end of the month
    return When(start, end, precision)


def when_text(when: When) -> str:
    """How people write the time (2026年3月中旬, 2026年第二季度, 待定); English in English."""
    s, e, p = when.starts_on, when.ends_on, when.precision
    if p == DatePrecision.UNKNOWN:
        return pick("待定", "to be decided")
    if p == DatePrecision.YEAR:
        return pick(f"{s.year}年内", f"during {s.year}")
    if p == DatePrecision.HALF:
        return pick(f"{s.year}年{'上' if s.month == 1 else '下'}半年", f"{s.year} H{1 if s.month == 1 else 2}")
    if p == DatePrecision.QUARTER:
        q = (s.month - 1) // 3 + 1
        if e.month - s.month == 2:
            return pick(f"{s.year}年第{_QUARTER_NAMES[q]}季度", f"{s.year} Q{q}")
    if p == DatePrecision.DEKAD and s.month == e.month:
        part = (s.day - 1) // 10 + 1
        zh, en = _DEKAD_NAMES[part]
        return pick(f"{s.year}年{s.month}月{zh}", f"{en}{calendar.month_name[s.month]} {s.year}")
    if p in (DatePrecision.MONTH, DatePrecision.QUARTER, DatePrecision.DEKAD):
        if (s.year, s.month) == (e.year, e.month):
            return pick(f"{s.year}年{s.month}月", f"{s:%Y-%m}")
        return pick(f"{s.year}年{s.month}—{e.month}月" if s.year == e.year else f"{s.year}年{s.month}月—{e.year}年{e.month}月",
                    f"{s:%Y-%m} to {e:%Y-%m}")
    if s == e:
        return pick(f"{s.year}年{s.month}月{s.day}日", s.isoformat())
    if (s.year, s.month) == (e.year, e.month):
        return pick(f"{s.year}年{s.month}月{s.day}日至{e.day}日", f"{s.isoformat()} to {e.isoformat()}")
    return pick(f"{s.year}年{s.month}月{s.day}日至{e.month}月{e.day}日" if s.year == e.year
                else f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日", f"{s.isoformat()} to {e.isoformat()}")


def when_input(when: When) -> str:
    """The canonical form `--when` takes (what an edit form is filled with): parse_when reads it back
    as the same value."""
    s, e, p = when.starts_on, when.ends_on, when.precision
    if p == DatePrecision.UNKNOWN:
        return "待定"
    if p == DatePrecision.DAY:
        return s.isoformat() if s == e else f"{s.isoformat()}..{e.isoformat()}"
    if p == DatePrecision.YEAR:
        return str(s.year)
    if p == DatePrecision.HALF:
        return f"{s.year}-H{1 if s.month == 1 else 2}"
    if p == DatePrecision.QUARTER and e.month - s.month == 2 and s.month % 3 == 1:
        return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
    if p == DatePrecision.DEKAD and s.month == e.month:
        return f"{s.year}年{s.month}月{_DEKAD_NAMES[(s.day - 1) // 10 + 1][0]}"
    if (s.year, s.month) == (e.year, e.month):
        return f"{s:%Y-%m}"
    return f"{s:%Y-%m}..{e:%Y-%m}"
