"""Event fields as people write them in a programme table or a form: units and industries sharing a
cell, a scale of 约200人, the kind told by the title, the level told by the section it is listed under."""
from __future__ import annotations

import re
import unicodedata

from db.models.enums import EventKind, EventLevel

from crm.errors import CrmError, RuleViolation
from crm.rules.when import When, certainly_outside, when_text

MAX_SCALE = 1_000_000
_SEPARATORS = re.compile(r"[、，,；;\n\r/]+")
# Longest words first: 融资对接会 is finance before 对接会 is matchmaking.
_KIND_WORDS = (
    ("融资对接", EventKind.FINANCE), ("金融合作对接", EventKind.FINANCE), ("金融机构合作对接", EventKind.FINANCE),
    ("开工仪式", EventKind.GROUNDBREAKING), ("集中开工", EventKind.GROUNDBREAKING),
    ("推进会", EventKind.COOPERATION), ("推介会", EventKind.PROMOTION), ("推介", EventKind.PROMOTION),
    ("对接会", EventKind.MATCHMAKING), ("洽谈会", EventKind.MATCHMAKING), ("对接", EventKind.MATCHMAKING),
    ("研讨会", EventKind.SEMINAR), ("座谈会", EventKind.SEMINAR), ("论坛", EventKind.FORUM), ("峰会", EventKind.FORUM),
)
KIND_WORDS = {
    "推介会": EventKind.PROMOTION, "合作推进会": EventKind.COOPERATION, "对接会": EventKind.MATCHMAKING,
    "融资对接会": EventKind.FINANCE, "开工仪式": EventKind.GROUNDBREAKING, "研讨会": EventKind.SEMINAR,
    "论坛": EventKind.FORUM, "活动": EventKind.ACTIVITY,
}
LEVEL_WORDS = {"省": EventLevel.PROVINCIAL, "省级": EventLevel.PROVINCIAL, "以省政府名义": EventLevel.PROVINCIAL,
               "市": EventLevel.CITY, "市级": EventLevel.CITY, "设区市": EventLevel.CITY}


def split_names(value: object) -> list[str]:
    """Several units or industries in one cell: 南昌市政府、九江市政府；省工信委 (or one per line)."""
    if value is None:
        return []
    items = (item.strip() for item in _SEPARATORS.split(str(value)))
    return list(dict.fromkeys(item for item in items if item and item not in ("无", "—", "-", "/")))


def parse_scale(value: object) -> int | None:
    """约200人, 200, 200人左右, 150-200 (the upper figure: what the venue must hold), 待定 → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CrmError("bad_scale", value=value)
    if isinstance(value, (int, float)):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text in ("", "待定", "不限", "—", "-"):
            return None
        numbers = re.findall(r"\d+(?:\.\d+)?", text)
        rest = re.sub(r"\d+(?:\.\d+)?|约|大约|左右|以上|以内|人次|人|名|位|[-—–~～至到\s]", "", text)
        if not numbers or len(numbers) > 2 or rest:
            raise CrmError("bad_scale", value=value)
        number = max(float(n) for n in numbers)
    if number != int(number) or not 0 < number <= MAX_SCALE:
        raise CrmError("bad_scale", value=value)
    return int(number)


def kind_from_title(title: str) -> EventKind:
    for word, kind in _KIND_WORDS:
        if word in (title or ""):
            return kind
    return EventKind.PROMOTION


def parse_kind(value: str) -> EventKind:
    """A kind as its code (cooperation) or its word (合作推进会)."""
    text = (value or "").strip()
    try:
        return EventKind(text.lower())
    except ValueError:
        if text in KIND_WORDS:
            return KIND_WORDS[text]
    raise CrmError("bad_event_kind", value=value, choices=", ".join(k.value for k in EventKind))


def parse_level(value: str) -> EventLevel:
    text = (value or "").strip()
    try:
        return EventLevel(text.lower())
    except ValueError:
        if text in LEVEL_WORDS:
            return LEVEL_WORDS[text]
    raise CrmError("bad_event_level", value=value)


def level_from_section(text: str) -> EventLevel | None:
    """一、以省政府名义举办的重大活动 → provincial; 二、以设区市为主举办的产业对接会 → city; None: no level said."""
    words = text or ""
    if "省政府名义" in words or "省人民政府名义" in words:
        return EventLevel.PROVINCIAL
    if "设区市" in words or "市为主" in words or "市政府为主" in words:
        return EventLevel.CITY
    return None


def parse_quota(value: str) -> tuple[int, int, str | None]:
    """5-8 or 5-8:光伏 (projects per industry, for that industry or for every one); 3 = 3-3."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = re.fullmatch(r"(\d{1,4})(?:\s*[-—–~至]\s*(\d{1,4}))?(?:\s*[:：]\s*(.+))?", text)
    if not match:
        raise CrmError("bad_quota", value=value)
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    if high < low:
        raise CrmError("bad_quota", value=value)
    return low, high, (match[3] or "").strip() or None


def check_meeting_in_activity(meeting: str, meeting_when: When, activity: str, activity_when: When) -> None:
    """A meeting (a child event) is held during its activity: refused only when its time is certainly
    outside the activity's (crm.rules.when.certainly_outside: a month or a quarter may still overlap, 待定
    says nothing). `meeting` and `activity` name them in the message."""
    if certainly_outside(meeting_when, activity_when):
        raise RuleViolation("meeting_outside_activity", meeting=meeting, meeting_when=when_text(meeting_when),
                            activity=activity, activity_when=when_text(activity_when))
