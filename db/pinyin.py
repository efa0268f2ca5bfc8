"""The `pinyin` column of contacts and organizations: what lets staff find 张三 by typing `zs` or
`zhangsan` without switching the input method.

The column holds the pinyin of the normalised name in full and as initials, one (full, initials) pair
per reading of a person's surname (曾 → zeng and ceng), each token between spaces: " zengguofan zgf cengguofan cgf ".
A token is then found as " zs " (exact) or " zs" (prefix) by the same substring scan that finds
everything else (crm.services.search), and no index has to be kept for it.

The ORM keeps the column current (mapper events in db.models.contacts); writers that insert with Core
statements (imports, the demo) fill it themselves. No SQLAlchemy here: an import works the pinyin of
its names out in a second process that needs only this module (crm.importing.pinyin_worker)."""
from __future__ import annotations

import re
from functools import lru_cache

_CJK_CHAR = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK_CHAR}]+")
_PIECES = re.compile(f"[{_CJK_CHAR}]+|[^{_CJK_CHAR}]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    """Every reading of a surname (曾 → ceng, zeng; 单 → dan, chan, shan), the usual one first."""
    from pypinyin import Style, pinyin

    return tuple(pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")[0][:3]) if has_cjk(char) else ()


@lru_cache(maxsize=131072)
def _syllables(run: str) -> tuple[str, ...]:
    """Pinyin of a run of Chinese characters, read as phrases where pypinyin knows them (重庆 → chong qing)."""
    from pypinyin import lazy_pinyin

    return tuple(s for s in (_NOT_ALNUM.sub("", x) for x in lazy_pinyin(run, errors="ignore")) if s)


def pinyin_keys(text: str, *, surname: bool = False) -> tuple[tuple[str, str], ...]:
    """(full, initials) pairs for a normalised name: 张三 → (zhangsan, zs). Letters and digits outside
    Chinese runs are kept whole; with surname=True every reading of the first character is kept."""
    if not has_cjk(text):
        return ()
    firsts = _readings(text[0]) if surname else ()
    full: list[str] = []
    initials: list[str] = []
    for piece in _PIECES.findall(text[1:] if firsts else text):
        if CJK_RUN.fullmatch(piece):
            syllables = _syllables(piece)
            full += syllables
            initials += (s[0] for s in syllables)
        elif alnum := _NOT_ALNUM.sub("", piece):
            full.append(alnum)
            initials.append(alnum)
    tail_full, tail_initials = "".join(full), "".join(initials)
    pairs = [(r + tail_full, r[0] + tail_initials) for r in firsts] or [(tail_full, tail_initials)]
    return tuple((f, i) for f, i in pairs if f)


def pinyin_text(name_key: str | None, *, surname: bool = False) -> str | None:
    """The column's value for a normalised name: " zhangsan zs ", or None for a name without Chinese."""
    pairs = pinyin_keys(name_key, surname=surname) if name_key else ()
    if not pairs:
        return None
    return f" {' '.join(token for pair in pairs for token in pair)} "


def contact_pinyin(name_key: str | None) -> str | None:
    return pinyin_text(name_key, surname=True)


def organization_pinyin(name_key: str | None) -> str | None:
    return pinyin_text(name_key)
