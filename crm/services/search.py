"""Find contacts and organizations by what staff type: a Chinese name or part of it (one character
and up), pinyin or its initials (zs, zhangsan), a mobile fragment, an email, part of a company name.

Results come in tiers — exact, prefix, contains on the person, then their organization, then the other
fields — and every tier is one indexed query with its own LIMIT, so a search costs about the same on
100,000 contacts as on 100. search_keys (db.search_index) answers exact and prefix matches, pinyin and
1–2 character Chinese queries (its unigrams and bigrams); longer substrings use FTS5 trigram tables on
SQLite and LIKE over pg_trgm GIN indexes on PostgreSQL, and plain scans where neither exists."""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import Select, String, and_, bindparam, column, exists, func, select, table, text
from sqlalchemy.orm import Session

from db.models import Contact, Industry, Invitation, Organization, OrgKind, Region
from db.search_index import CJK_RUN, CONTACT, EMAIL, GRAM, INITIALS, MOBILE, NAME, ORGANIZATION, PINYIN, SEARCH_KEYS

from crm.normalize import clean_text, name_key
from crm.services.events import get_event
from crm.services.reference import find_industry, find_region

DEFAULT_LIMIT = 200
# Organizations whose people are read at a time (about 20 people each in a large base).
ORGS_PER_READ = 10
_PHONE_LIKE = re.compile(r"[\d\s+\-()]*\d[\d\s+\-()]*")
# Substrings this long are what trigram indexes (FTS5, pg_trgm) can find.
TRIGRAM = 3
K = SEARCH_KEYS.c
# The FTS5 trigram tables of SQLite (migration 0003), by the column they index.
FTS_TABLES = {
    ("contacts", "name_key"): "search_contact_fts",
    ("contacts", "title"): "search_contact_fts",
    ("contacts", "mobile_key"): "search_contact_phone_fts",
    ("contacts", "phone"): "search_contact_phone_fts",
    ("contacts", "email_key"): "search_contact_email_fts",
    ("organizations", "name_key"): "search_org_fts",
}


@dataclass(frozen=True)
class SearchQuery:
    text: str  # cleaned and case-folded, single spaces (titles)
    key: str  # as names are keyed: no spaces (names, organizations, pinyin, emails)
    digits: str | None  # a phone-number fragment: digits only, +86 dropped
    cjk: bool

    @property
    def short_cjk(self) -> bool:
        """1–2 Chinese characters: below what a trigram index can find; search_keys grams answer."""
        return len(self.key) < TRIGRAM and CJK_RUN.fullmatch(self.key) is not None


def parse_query(raw: str | None) -> SearchQuery | None:
    cleaned = clean_text(raw)
    if not cleaned:
        return None
    key = name_key(cleaned)
    digits = None
    if _PHONE_LIKE.fullmatch(cleaned):
        digits = re.sub(r"\D", "", cleaned)
        if cleaned.lstrip().startswith(("+86", "0086")):
            digits = digits.removeprefix("00").removeprefix("86")
    return SearchQuery(cleaned.casefold(), key, digits or None, CJK_RUN.search(key) is not None)


@dataclass(frozen=True)
class ContactFilters:
    org_kind: OrgKind | None = None
    industry_id: int | None = None
    region_id: int | None = None  # the organization's city
    event_id: int | None = None  # invited to this event (any status)

    def apply(self, stmt: Select, *, organization_joined: bool = False) -> Select:
        """Live contacts of `stmt` that pass the filters (stmt selects from contacts, and from
        organizations too when organization_joined)."""
        stmt = stmt.where(Contact.deleted_at.is_(None))
        if self.org_kind or self.industry_id or self.region_id:
            if not organization_joined:
                stmt = stmt.join(Organization, Organization.id == Contact.organization_id)
            stmt = _organization_conditions(stmt, self.org_kind, self.industry_id, self.region_id)
        if self.event_id:
            stmt = stmt.where(exists().where(
                Invitation.contact_id == Contact.id, Invitation.event_id == self.event_id,
                Invitation.deleted_at.is_(None),
            ))
        return stmt


@dataclass(frozen=True)
class OrganizationFilters:
    org_kind: OrgKind | None = None
    industry_id: int | None = None
    region_id: int | None = None

    def apply(self, stmt: Select) -> Select:
        stmt = stmt.where(Organization.deleted_at.is_(None))
        return _organization_conditions(stmt, self.org_kind, self.industry_id, self.region_id)


def contact_filters(
    session: Session, *, kind: str | None = None, industry: str | None = None, city: str | None = None,
    event: str | None = None,
) -> ContactFilters:
    """Filters from what a user typed: an organization kind, an industry (name or code), a city, an event ref."""
    return ContactFilters(
        org_kind=OrgKind(kind) if kind else None,
        industry_id=find_industry(session, industry).id if industry else None,
        region_id=find_region(session, city).id if city else None,
        event_id=get_event(session, event).id if event else None,
    )


def _organization_conditions(stmt: Select, kind, industry_id, region_id) -> Select:
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    if industry_id:
        stmt = stmt.where(Organization.industry_id == industry_id)
    if region_id:
        stmt = stmt.where(Organization.region_id == region_id)
    return stmt


@dataclass
class ContactHit:
    id: int
    name: str
    organization_id: int | None
    organization: str | None
    org_kind: str | None
    city: str | None
    title: str | None
    mobile: str | None
    email: str | None
    matched: str  # name | pinyin | mobile | phone | email | organization | title

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class OrganizationHit:
    id: int
    name: str
    kind: str
    industry: str | None
    city: str | None
    matched: str  # name | pinyin

    def as_dict(self) -> dict:
        return asdict(self)


# A tier: (what matched, a function giving at most n ids in this tier's order).
Tier = tuple[str, Callable[[int], list[int]]]


def _collect(tiers: Iterable[Tier], limit: int, found: dict[int, str] | None = None) -> dict[int, str]:
    """Run tiers in order until `limit` distinct ids are found (into `found`, which later tiers may
    consult); each id keeps its best tier."""
    found = {} if found is None else found
    for matched, run in tiers:
        if len(found) >= limit:
            break
        # `limit` rows fill the gap even if every earlier hit comes back in this tier too.
        for entity_id in run(limit):
            if entity_id not in found:
                found[entity_id] = matched
                if len(found) >= limit:
                    break
    return found


class _Searcher:
    """The queries of one search on one session; dialect decides how substrings are found."""

    def __init__(self, session: Session, query: SearchQuery) -> None:
        self.session = session
        self.q = query
        self.dialect = session.get_bind().dialect.name
        self.fts = self.dialect == "sqlite" and _has_fts(session)

    def ids(self, stmt: Select, n: int) -> list[int]:
        return list(self.session.scalars(stmt.limit(n)))

    # search_keys: exact terms and prefixes (byte order, so a range is exactly a prefix)
    def keys(self, entity: str, kind: str, term: str, *, prefix: bool, model, filters) -> Callable[[int], list[int]]:
        def run(n: int) -> list[int]:  # built when the tier is reached: most searches stop early
            condition = (
                and_(K.term >= term, K.term < term[:-1] + chr(ord(term[-1]) + 1)) if prefix else K.term == term
            )
            stmt = (
                select(K.entity_id)
                .join(model, model.id == K.entity_id)
                .where(K.entity == entity, K.kind == kind, condition)
                .order_by(K.term, K.entity_id)
            )
            return self.ids(filters.apply(stmt), n)

        return run

    def contains(self, model, column_name: str, needle: str, filters) -> Callable[[int], list[int]]:
        """Rows whose column contains needle, in id order (a trigram index streams them that way)."""
        fts_name = FTS_TABLES[(model.__tablename__, column_name)]
        if self.fts and len(needle) >= TRIGRAM:
            fts = table(fts_name, column("rowid"), column(fts_name))
            phrase = '{%s} : "%s"' % (column_name, needle.replace('"', '""'))
            stmt = (
                select(model.id)
                .select_from(fts)
                .join(model, model.id == fts.c.rowid)
                .where(fts.c[fts_name].op("MATCH")(phrase))
                .order_by(fts.c.rowid)
            )
        else:
            stmt = select(model.id).where(self.substring(getattr(model, column_name), needle)).order_by(model.id)
        stmt = filters.apply(stmt)
        return lambda n: self.ids(stmt, n)

    def substring(self, col, needle: str):
        if self.dialect == "postgresql":
            # LIKE/ILIKE use the pg_trgm GIN index when it exists. The pattern is inlined so that the
            # planner sees it (a generic prepared plan with `LIKE $1` would scan); ILIKE only where case
            # can differ (keys are already case-folded), since ILIKE costs five times LIKE on Chinese.
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            value = bindparam(None, pattern, type_=String(), literal_execute=True)
            folded = col.key.endswith("_key") or col.key == "term"
            return col.like(value) if folded or not re.search("[a-z]", needle) else col.ilike(value)
        # lower() only where case can differ: it costs a copy of every value scanned.
        return func.instr(func.lower(col) if re.search("[a-z]", needle) else col, needle) > 0


_FTS_PRESENT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _has_fts(session: Session) -> bool:
    """Whether this SQLite database got its FTS5 trigram tables (SQLite ≥ 3.34 with FTS5)."""
    engine = session.get_bind()
    if engine not in _FTS_PRESENT:
        names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()
        _FTS_PRESENT[engine] = set(FTS_TABLES.values()) <= set(names)
    return _FTS_PRESENT[engine]


def search_contacts(
    session: Session, query: str | None, *, limit: int = DEFAULT_LIMIT, filters: ContactFilters | None = None
) -> list[ContactHit]:
    """Contacts matching `query`, best first: exact name, name prefix (or pinyin, initials, mobile,
    email), name contains, organization, then title, mobile and email fragments."""
    q = parse_query(query)
    if q is None or limit <= 0:
        return []
    filters = filters or ContactFilters()
    s = _Searcher(session, q)

    def keys(kind: str, term: str, prefix: bool) -> Callable[[int], list[int]]:
        return s.keys(CONTACT, kind, term, prefix=prefix, model=Contact, filters=filters)

    def contains(column_name: str, needle: str) -> Callable[[int], list[int]]:
        return s.contains(Contact, column_name, needle, filters)

    tiers: list[Tier] = []
    found: dict[int, str] = {}  # filled as tiers run; later tiers look at what earlier ones found
    if q.digits:
        d = q.digits
        tiers += [("mobile", keys(MOBILE, d, False)), ("mobile", keys(MOBILE, d, True))]
        if len(d) >= TRIGRAM:
            tiers += [("mobile", contains("mobile_key", d)), ("phone", contains("phone", d))]
    else:
        tiers += [("name", keys(NAME, q.key, False))]
        if not q.cjk:
            tiers += [("pinyin", keys(PINYIN, q.key, False)), ("pinyin", keys(INITIALS, q.key, False)),
                      ("email", keys(EMAIL, q.key, False))]
        tiers += [("name", keys(NAME, q.key, True))]
        if not q.cjk:
            tiers += [("pinyin", keys(PINYIN, q.key, True)), ("pinyin", keys(INITIALS, q.key, True)),
                      ("email", keys(EMAIL, q.key, True))]
        if q.short_cjk:
            tiers += [("name", keys(GRAM, q.key, False))]
        elif len(q.key) >= TRIGRAM or q.cjk:
            tiers += [("name", contains("name_key", q.key))]
            if not q.cjk:
                tiers += [("email", contains("email_key", q.key))]
    if not q.digits:
        tiers += [("organization", _contacts_of_organizations(session, q, s, filters, found))]
        if q.short_cjk:
            # No index finds 1–2 characters inside titles: the scan is worth it only for two characters
            # that named nobody (总监 is a title; 王秀, which names people, is not; 总 is neither yet).
            titles = contains("title", q.text)
            tiers += [("title", lambda n: [] if len(q.key) < 2 or "name" in found.values() else titles(n))]
        elif q.cjk or len(q.key) >= TRIGRAM:  # two Latin letters are pinyin initials, not a title
            tiers += [("title", contains("title", q.text))]
    return _contact_hits(session, _collect(tiers, limit, found))


def _contacts_of_organizations(
    session: Session, q: SearchQuery, s: _Searcher, filters: ContactFilters, found: dict[int, str]
):
    """Contacts of the organizations that match, in the organizations' order. Initials found inside an
    organization's initials are a weak match, left out when people matched by name or pinyin."""

    def run(n: int) -> list[int]:
        weak = not {"name", "pinyin"} & set(found.values())
        org_ids = list(_collect(_organization_tiers(q, s, OrganizationFilters(), weak=weak), n))
        result: list[int] = []
        for start in range(0, len(org_ids), ORGS_PER_READ):
            chunk = org_ids[start : start + ORGS_PER_READ]
            rank = {org_id: i for i, org_id in enumerate(chunk)}
            rows = session.execute(
                filters.apply(select(Contact.id, Contact.organization_id, Contact.name_key)
                              .where(Contact.organization_id.in_(chunk)))
            ).all()
            result += [r.id for r in sorted(rows, key=lambda r: (rank[r.organization_id], r.name_key, r.id))]
            if len(result) >= n:
                break
        return result[:n]

    return run


def _organization_tiers(q: SearchQuery, s: _Searcher, filters: OrganizationFilters, *, weak: bool = True) -> list[Tier]:
    def keys(kind: str, term: str, prefix: bool) -> Callable[[int], list[int]]:
        return s.keys(ORGANIZATION, kind, term, prefix=prefix, model=Organization, filters=filters)

    tiers: list[Tier] = [("name", keys(NAME, q.key, False))]
    if not q.cjk:
        tiers += [("pinyin", keys(PINYIN, q.key, False)), ("pinyin", keys(INITIALS, q.key, False))]
    tiers += [("name", keys(NAME, q.key, True))]
    if not q.cjk:
        tiers += [("pinyin", keys(PINYIN, q.key, True)), ("pinyin", keys(INITIALS, q.key, True))]
    if q.short_cjk:
        tiers += [("name", keys(GRAM, q.key, False))]
    else:
        tiers += [("name", s.contains(Organization, "name_key", q.key, filters))]
        if weak and not q.cjk and len(q.key) >= TRIGRAM:
            tiers += [("pinyin", _initials_containing(s, q.key, filters))]
    return tiers


def _initials_containing(s: _Searcher, needle: str, filters: OrganizationFilters):
    """txkj inside 深圳市腾讯计算机… (szstxjsj…): a scan of organization initials, a short list."""
    stmt = (
        select(K.entity_id)
        .join(Organization, Organization.id == K.entity_id)
        .where(K.entity == ORGANIZATION, K.kind == INITIALS, s.substring(K.term, needle))
        .order_by(K.entity_id)
    )
    stmt = filters.apply(stmt)
    return lambda n: s.ids(stmt, n)


def search_organizations(
    session: Session, query: str | None, *, limit: int = DEFAULT_LIMIT, filters: OrganizationFilters | None = None
) -> list[OrganizationHit]:
    q = parse_query(query)
    if q is None or limit <= 0:
        return []
    found = _collect(_organization_tiers(q, _Searcher(session, q), filters or OrganizationFilters()), limit)
    rows = session.execute(
        select(Organization.id, Organization.name, Organization.kind, Industry.name.label("industry"),
               Region.name.label("city"))
        .outerjoin(Industry, Industry.id == Organization.industry_id)
        .outerjoin(Region, Region.id == Organization.region_id)
        .where(Organization.id.in_(list(found)))
    ).all()
    by_id = {r.id: r for r in rows}
    return [
        OrganizationHit(r.id, r.name, r.kind.value, r.industry, r.city, matched)
        for org_id, matched in found.items()
        if (r := by_id.get(org_id)) is not None
    ]


def _contact_hits(session: Session, found: dict[int, str]) -> list[ContactHit]:
    if not found:
        return []
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.organization_id, Organization.name.label("organization"),
               Organization.kind, Region.name.label("city"), Contact.title, Contact.mobile, Contact.email)
        .outerjoin(Organization, Organization.id == Contact.organization_id)
        .outerjoin(Region, Region.id == Organization.region_id)
        .where(Contact.id.in_(list(found)))
    ).all()
    by_id = {r.id: r for r in rows}
    return [
        ContactHit(r.id, r.name, r.organization_id, r.organization, r.kind.value if r.kind else None, r.city,
                   r.title, r.mobile, r.email, matched)
        for contact_id, matched in found.items()
        if (r := by_id.get(contact_id)) is not None
    ]
