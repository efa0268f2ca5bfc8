"""Search keys derived from stored contacts and organizations, kept in the hand-made table
`search_keys` (migration 0002; autogenerate ignores `search_*` names).

One row per (entity, kind, term): the normalised name, its pinyin in full and as initials (every
reading of a person's surname: 曾 → ceng/zeng), the mobile and email keys, and the CJK unigrams and
bigrams of the name — what 1- and 2-character Chinese queries look up, since trigram indexes find
nothing under 3 characters. Longer substrings are left to FTS5 (SQLite) or pg_trgm (PostgreSQL).

Every ORM flush keeps the rows current (listener below, registered by importing db.models); writers
that bypass the ORM (Core bulk inserts) call `refresh()` afterwards."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, delete, event, inspect, select
from sqlalchemy.orm import Session

from db.models.contacts import Contact, Organization

# Not on Base.metadata: the table is made by hand in the migration (C collation on PostgreSQL).
SEARCH_KEYS = Table(
    "search_keys",
    MetaData(),
    Column("entity", String(1), primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("term", String(255), primary_key=True),
    Column("entity_id", Integer, primary_key=True),
)

CONTACT = "c"
ORGANIZATION = "o"
NAME, PINYIN, INITIALS, MOBILE, EMAIL, GRAM = "n", "p", "i", "m", "e", "g"
TERM_LENGTH = 255
_CHUNK = 5000

_CJK_CHAR = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK_CHAR}]+")
_PIECES = re.compile(f"[{_CJK_CHAR}]+|[^{_CJK_CHAR}]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# The fields whose change means new keys; anything else (title, notes, version...) does not.
_KEY_FIELDS = {CONTACT: ("name_key", "mobile_key", "email_key"), ORGANIZATION: ("name_key",)}


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def cjk_grams(text: str) -> set[str]:
    """Unigrams and bigrams of every run of Chinese characters."""
    grams: set[str] = set()
    for run in CJK_RUN.findall(text):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


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
    return tuple((f[:TERM_LENGTH], i[:TERM_LENGTH]) for f, i in pairs if f)


def contact_terms(name_key: str | None, mobile_key: str | None, email_key: str | None) -> set[tuple[str, str]]:
    terms: set[tuple[str, str]] = set()
    if name_key:
        terms.add((NAME, name_key[:TERM_LENGTH]))
        for full, initials in pinyin_keys(name_key, surname=True):
            terms.update({(PINYIN, full), (INITIALS, initials)})
        terms.update((GRAM, g) for g in cjk_grams(name_key))
    if mobile_key:
        terms.add((MOBILE, mobile_key))
    if email_key:
        terms.add((EMAIL, email_key[:TERM_LENGTH]))
    return terms


def organization_terms(name_key: str | None) -> set[tuple[str, str]]:
    terms: set[tuple[str, str]] = set()
    if name_key:
        terms.add((NAME, name_key[:TERM_LENGTH]))
        for full, initials in pinyin_keys(name_key):
            terms.update({(PINYIN, full), (INITIALS, initials)})
        terms.update((GRAM, g) for g in cjk_grams(name_key))
    return terms


def _rows(entity: str, records: Iterable) -> Iterator[tuple]:
    for record in records:
        terms = (
            contact_terms(record.name_key, record.mobile_key, record.email_key)
            if entity == CONTACT
            else organization_terms(record.name_key)
        )
        for kind, term in terms:
            yield entity, kind, term, record.id


def _insert(connection: Connection, rows: list[tuple]) -> None:
    """Bulk paths write a million rows (the large demo): COPY on PostgreSQL, plain executemany on SQLite."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        with connection.connection.cursor() as cursor:
            with cursor.copy("COPY search_keys (entity, kind, term, entity_id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        connection.exec_driver_sql("INSERT INTO search_keys (entity, kind, term, entity_id) VALUES (?, ?, ?, ?)", rows)


def write_keys(connection: Connection, entity: str, records: list, *, replace: bool = True) -> None:
    """(Re)write the keys of records (objects or rows with id, name_key[, mobile_key, email_key])."""
    if replace:
        drop_keys(connection, entity, [r.id for r in records])
    for start in range(0, len(records), _CHUNK):
        _insert(connection, list(_rows(entity, records[start : start + _CHUNK])))


def drop_keys(connection: Connection, entity: str, ids: list[int]) -> None:
    for start in range(0, len(ids), _CHUNK):
        connection.execute(
            delete(SEARCH_KEYS).where(
                SEARCH_KEYS.c.entity == entity, SEARCH_KEYS.c.entity_id.in_(ids[start : start + _CHUNK])
            )
        )


def refresh(session: Session, *, since_id: int = 0) -> None:
    """Rebuild the keys of every contact and organization with an id above since_id: for writers
    that insert with Core statements (the large demo) and so bypass the flush listener."""
    connection = session.connection()
    for entity, model in ((CONTACT, Contact), (ORGANIZATION, Organization)):
        table = model.__table__
        columns = [table.c.id, *(table.c[name] for name in _KEY_FIELDS[entity])]
        connection.execute(
            delete(SEARCH_KEYS).where(SEARCH_KEYS.c.entity == entity, SEARCH_KEYS.c.entity_id > since_id)
        )
        records = connection.execute(select(*columns).where(table.c.id > since_id).order_by(table.c.id)).all()
        write_keys(connection, entity, records, replace=False)


def _entity_of(obj) -> str | None:
    if isinstance(obj, Contact):
        return CONTACT
    if isinstance(obj, Organization):
        return ORGANIZATION
    return None


def _keys_changed(obj, entity: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _KEY_FIELDS[entity])


@event.listens_for(Session, "after_flush")
def _keep_keys_current(session: Session, _flush_context) -> None:
    changed: dict[str, list] = {CONTACT: [], ORGANIZATION: []}
    removed: dict[str, list[int]] = {CONTACT: [], ORGANIZATION: []}
    for obj in session.new:
        entity = _entity_of(obj)
        if entity:
            changed[entity].append(obj)
    for obj in session.dirty:
        entity = _entity_of(obj)
        if entity and _keys_changed(obj, entity):
            changed[entity].append(obj)
    for obj in session.deleted:
        entity = _entity_of(obj)
        if entity:
            removed[entity].append(obj.id)
    if not any(changed.values()) and not any(removed.values()):
        return
    connection = session.connection()
    for entity in (CONTACT, ORGANIZATION):
        if changed[entity]:
            write_keys(connection, entity, changed[entity])
        if removed[entity]:
            drop_keys(connection, entity, removed[entity])
