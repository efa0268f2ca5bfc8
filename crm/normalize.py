"""Normalised forms and identity keys of names, organizations, mobiles and emails, and the form user text is
kept in (typed_text, one_line: as typed, only trimmed): one place."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
PLACEHOLDER_NAMES = {"待定", "tbd", "tba", "暂定", "未定", "待确定", "-", "—", "/", "无"}


# Imports normalise every cell of lists of 50,000 rows: translate and the regexes below run in C, and
# most cells need neither folding nor collapsing, which a single regex search tells.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}
# Control characters (NUL from other programs' files) are dropped: PostgreSQL refuses them in text.
_CONTROLS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
_CLEAN = _HALF_WIDTH | {0xA0: " "} | dict.fromkeys(_CONTROLS)
_NEEDS_FOLDING = re.compile("[\uff01-\uff5e\u3000\u00a0\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_COLLAPSING = re.compile(r"\s\s|[^\S ]")


def half_width(text: str) -> str:
    """Full-width digits, letters and symbols (１３８, ＡＢＣ, ＠) to their ASCII forms; ideographic space too."""
    return text.translate(_HALF_WIDTH)


def clean_text(value: object) -> str | None:
    """Trim, fold full-width forms, drop control characters, collapse runs of white space. Empty → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = value if isinstance(value, str) else str(value)
    if _NEEDS_FOLDING.search(text):
        text = text.translate(_CLEAN)
    if _NEEDS_COLLAPSING.search(text):
        text = _SPACES.sub(" ", text)
    return text.strip() or None


_TYPED_CONTROLS = dict.fromkeys(c for c in _CONTROLS if c not in (0x0A,))


def typed_text(value: object) -> str | None:
    """User text kept as typed (full-width punctuation, brackets and spaces stay): only trimmed, with
    control characters dropped (PostgreSQL refuses NUL) and line breaks kept; a whole number a
    spreadsheet holds as 200.0 reads 200, as it was typed. Empty → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    return text.replace("\r\n", "\n").translate(_TYPED_CONTROLS).strip() or None


_LINE_BREAK = re.compile(r"\s*\n\s*")
_WIDE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def one_line(text: str | None) -> str | None:
    """A one-line field (a title, a place, a name, a job title) wrapped onto two lines in its cell is one
    line: lines of Chinese join as they are, other words with a space. Nothing else changes."""
    if not text or "\n" not in text:
        return text
    parts = _LINE_BREAK.split(text)
    joined = parts[0]
    for part in parts[1:]:
        wide = _WIDE.match(joined[-1:]) and _WIDE.match(part[:1])
        joined += part if wide else f" {part}"
    return joined


def is_placeholder_name(name: str | None) -> bool:
    """待定, TBD, — or ／ (full-width or not) in place of a name: nobody named yet."""
    return name is None or half_width(name).strip().lower() in PLACEHOLDER_NAMES


def name_key(name: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def organization_key(name: str) -> str:
    """Same organization ⇔ same key: NFKC, no spaces or brackets' width differences, case folded."""
    key = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub("", key)


def mobile_key(value: object) -> str | None:
    """138 0013 8000, +86 138-0013-8000, 8613800138000, 13800138000.0, a numeric cell → 13800138000.
    Anything that is not a mainland mobile number gives None (kept as typed in the mobile field)."""
    if value is None:
        return None
    if value.__class__ is str and len(value) == 11 and value.isascii() and value.isdigit():
        return value if value[0] == "1" else None  # typed as it should be: most cells of a list
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = half_width(str(value)).strip()
    if text.endswith(".0"):
        text = text[:-2]
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    return None


# A mobile from abroad is written internationally (+852 9123 4567, 00852 …): 7 to 15 digits.
_INTERNATIONAL = re.compile(r"(\+|00)[\d\s()\-.]+")
_PHONE_DIGITS = range(7, 16)


def mobile_value(text: str) -> tuple[str, str | None] | None:
    """What a mobile field keeps of a mobile as typed, and its identity key: a mainland mobile in its
    11-digit form (its own key), one from abroad as typed (no key); None for what is no mobile number
    (abc, 12, a landline). The one rule of contacts made by hand and of imported lists."""
    key = mobile_key(text)
    if key is not None:
        return key, key
    folded = half_width(text)
    if _INTERNATIONAL.fullmatch(folded) and sum(c.isdigit() for c in folded.removeprefix("00")) in _PHONE_DIGITS:
        return text, None
    return None


def email_key(value: object) -> str | None:
    return clean_email_key(clean_text(value))


def clean_email_key(text: str | None) -> str | None:
    """email_key of a text clean_text has already cleaned."""
    if not text or "@" not in text:
        return None
    return text.replace(" ", "").casefold()
