"""The one module of value checks: text against the column that keeps it, amounts, whole numbers, record
ids, logins and search text. Every service that takes a typed value calls these, so the command line,
the workbench and the imports refuse the same things with the same words, identically on SQLite and
PostgreSQL: a value out of bounds is the user's error (exit 1), never a database error. The rules of
dated records (not in the future, not before what they depend on) are crm.rules.dates.

Text is kept as typed (crm.normalize.typed_text); identity keys and search use the normalising
functions of crm.normalize, and a key is checked against its own column (NFKC and case folding can make
a key longer than the text it comes from)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from sqlalchemy import Column

from db.models import Organization, Staff

from crm.errors import CrmError, NotFound
from crm.normalize import clean_text, typed_text

# Text columns without a length of their own (notes, descriptions) still have one: what a person types.
TEXT_LIMIT = 10_000
# 万元. 1亿万元 = 1万亿元, more than any single project reaches; below it every amount with two decimals
# is exact in SQLite (which keeps NUMERIC as REAL: 15 significant digits) and fits PostgreSQL's NUMERIC(18, 2).
AMOUNT_LIMIT = Decimal("100000000")
_CENT = Decimal("0.01")
# As people write amounts: 12000, 12000.5, 12,000.50 (thousands grouped by three). No exponents, signs
# or other groupings: 1e20, -5 and 1,2,3 are typing errors, not amounts.
_AMOUNT = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")
# The integer columns (ids, jobs, scales, quotas) are 32-bit on PostgreSQL; SQLite would take 64 bits.
INT_MAX = 2**31 - 1
# Jobs a single project creates: the largest factories in the country employ a few hundred thousand.
JOBS_LIMIT = 1_000_000
# Rows a search or listing returns at most.
ROWS_LIMIT = 10_000
# Nothing longer than the longest name kept can match it.
SEARCH_LIMIT = Organization.__table__.c.name.type.length
_ID = re.compile(r"(?:[A-Za-z]*#)?(\d+)")
_LOGIN_LENGTH = Staff.__table__.c.login.type.length
# A refused value is quoted in the message up to this many characters.
_SHOWN = 40


def shown(value: object) -> str:
    """A refused value as a message quotes it: a 120 KB paste is not repeated back whole."""
    text = str(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"


def _encodable(text: str) -> str:
    """Text both databases can store: undecodable bytes from a terminal become lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CrmError("bad_text_encoding") from None
    return text


def text_for(column: Column, value: object, label: str, *, required: bool = False) -> str | None:
    """`value` as typed, checked against `column`'s length; `label` names the field in the message."""
    text = typed_text(value)
    if text is None:
        if required:
            raise CrmError("empty_field", field=label)
        return None
    limit = getattr(column.type, "length", None) or TEXT_LIMIT
    if len(text) > limit:
        raise CrmError("text_too_long", field=label, limit=limit, length=len(text))
    return _encodable(text)


def key_for(column: Column, key: str, label: str) -> str:
    """An identity key (crm.normalize) checked against its column, as text_for checks the text."""
    limit = column.type.length
    if len(key) > limit:
        raise CrmError("text_too_long", field=label, limit=limit, length=len(key))
    return key


def search_text(value: object) -> str | None:
    """What a user searches for, normalised (crm.normalize.clean_text) and at most SEARCH_LIMIT long."""
    text = clean_text(value)
    if text is not None and len(text) > SEARCH_LIMIT:
        raise CrmError("search_too_long", limit=SEARCH_LIMIT, length=len(text))
    return text if text is None else _encodable(text)


# 元 per US dollar as people write it (7.1023); a rate outside (0, 100) is a typing error.
_RATE = re.compile(r"\d{1,2}(?:\.\d{1,6})?")


def parse_rate(value: str | Decimal | None) -> Decimal:
    """An exchange rate: 元 per dollar, at most six decimals, above 0 and below 100."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not _RATE.fullmatch(text) or not Decimal(text):
        raise CrmError("bad_rate", value=shown(value))
    return Decimal(text)


def in_yuan(amount_usd: Decimal, rate: Decimal) -> Decimal:
    """万美元 at a rate, in 万元 (two decimals, as every amount)."""
    return (amount_usd * rate).quantize(_CENT)


def parse_amount(value: str | Decimal | int | float | None, *, positive: bool = False) -> Decimal:
    """万元, exact, at most two decimals, below AMOUNT_LIMIT; at least 0, or above 0 when `positive` (a
    contracted amount; funds in place may be 0). Full-width digits are read as digits."""
    lowest = "0.01" if positive else "0"
    if isinstance(value, bool) or value is None:
        raise CrmError("bad_amount", value=shown(value), lowest=lowest)
    if isinstance(value, (Decimal, int)):
        amount = Decimal(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not _AMOUNT.fullmatch(text):
            raise CrmError("bad_amount", value=shown(value), lowest=lowest)
        amount = Decimal(text.replace(",", ""))
    try:
        # Magnitude first: quantizing a huge Decimal raises instead of answering.
        valid = amount.is_finite() and 0 <= amount < AMOUNT_LIMIT and amount == amount.quantize(_CENT)
    except InvalidOperation:
        valid = False
    if not valid or (positive and amount == 0):
        raise CrmError("bad_amount", value=shown(value), lowest=lowest)
    return amount.quantize(_CENT)


def parse_integer(value: str | int | None, *, low: int = 0, high: int = INT_MAX) -> int:
    """A whole number from `low` to `high` (digits as typed, full-width ones too)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        if not (text.isascii() and text.isdigit()):
            raise CrmError("bad_integer", value=shown(value))
        # Digits beyond INT_MAX's are out of range whatever they say (and not worth converting).
        number = int(text) if len(text) <= 10 else high + 1
    if not low <= number <= high:
        raise CrmError("integer_out_of_range", value=shown(value), low=low, high=high)
    return number


def parse_jobs(value: str | int | None) -> int | None:
    """就业人数; empty → None."""
    return None if value is None or value == "" else parse_integer(value, high=JOBS_LIMIT)


def row_limit(value: str | int) -> int:
    """How many rows a search or a listing returns (--limit)."""
    return parse_integer(value, low=1, high=ROWS_LIMIT)


def id_number(value: object) -> int | None:
    """The row id a user names (12, #12, C#12); None when no row can have it: not a number, or outside
    the 32-bit range of the id columns (an id of twenty digits names nothing, on either database)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        match = _ID.fullmatch(str(value or "").strip())
        if match is None or len(match[1]) > 10:
            return None
        number = int(match[1])
    return number if 1 <= number <= INT_MAX else None


def row_id(value: object, missing: str, **params) -> int:
    """id_number, or NotFound(missing, **params) for a value that names no row."""
    number = id_number(value)
    if number is None:
        raise NotFound(missing, **params)
    return number


def check_login(value: str | None) -> str:
    """A login as kept (staff.login): not empty, within the column, no spaces nor control characters."""
    login = (value or "").strip()
    if not login or len(login) > _LOGIN_LENGTH or any(c.isspace() or not c.isprintable() for c in login):
        raise CrmError("bad_login", value=shown(login), limit=_LOGIN_LENGTH)
    return _encodable(login)
