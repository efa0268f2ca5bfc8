"""Find contacts and organizations by what staff type: a Chinese name or part of it (one character
and up), pinyin or its initials (zs, zhangsan), a mobile fragment, an email, part of a company name.

Results come in tiers — exact, prefix, contains on the person, then their organization, then the other
fields — and every tier is one query with its own LIMIT. Exact names, mobiles and emails and their
prefixes are index lookups; everything else is a substring scan (LIKE '%...%') of one column, about
10 ms for 100,000 contacts, and pinyin is a scan of the derived `pinyin` column (db.pinyin)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import Select, String, and_, bindparam, case, exists, or_, select
from sqlalchemy.orm import Session

from db.models import Contact, Industry, Invitation, Organization, OrgKind, Region
from db.pinyin import CJK_RUN

from crm.normalize import name_key
from crm.services.events import get_event
from crm.services.reference import find_industry, find_region
from crm.services.values import search_text

DEFAULT_LIMIT = 200
# Organizations whose people are read at a time (about 20 people each in a large base).
ORGS_PER_READ = 10
_PHONE_LIKE = re.compile(r"[\d\s+\-()]*\d[\d\s+\-()]*")
_PINYIN_LIKE = re.compile(r"[0-9a-z]+")
# Latin letters and digits this long are searched inside fields; shorter ones only as prefixes (two
# letters are pinyin initials, not a fragment of a title or an email).
FRAGMENT = 3


@dataclass(frozen=True)
class SearchQuery:
    text: str  # cleaned and case-folded, single spaces (titles)
    key: str  # as names are keyed: no spaces (names, organizations, pinyin, emails)
    digits: str | None  # a phone-number fragment: digits only, +86 dropped
    cjk: bool

    @property
    def short_cjk(self) -> bool:
        """1–2 Chinese characters: a surname or a given name, rarely part of a title."""
        return len(self.key) < FRAGMENT and CJK_RUN.fullmatch(self.key) is not None

    @property
    def pinyin(self) -> bool:
        """Letters (and digits) that can be pinyin or its initials."""
        return _PINYIN_LIKE.fullmatch(self.key) is not None


def parse_query(raw: str | None) -> SearchQuery | None:
    cleaned = search_text(raw)
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
    """The queries of one search on one session; the dialect decides how prefixes and substrings are found."""

    def __init__(self, session: Session, query: SearchQuery) -> None:
        self.session = session
        self.q = query
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def ids(self, stmt: Select, n: int) -> list[int]:
        return list(self.session.scalars(stmt.limit(n)))

    def tier(self, stmt: Select, filters) -> Callable[[int], list[int]]:
        stmt = filters.apply(stmt)
        return lambda n: self.ids(stmt, n)

    def equal(self, model, column_name: str, term: str, filters) -> Callable[[int], list[int]]:
        return self.tier(select(model.id).where(getattr(model, column_name) == term).order_by(model.id), filters)

    def prefix(self, model, column_name: str, term: str, filters) -> Callable[[int], list[int]]:
        """Rows whose column starts with term, in the column's order: a walk of its index."""
        col = getattr(model, column_name)
        if self.postgresql:  # LIKE, not a range: the database's collation need not be byte order
            condition = col.like(_literal(like_escaped(term) + "%"))
        else:
            condition = and_(col >= term, col < term[:-1] + chr(ord(term[-1]) + 1))
        return self.tier(select(model.id).where(condition).order_by(col, model.id), filters)

    def contains(self, model, column_name: str, needle: str, filters) -> Callable[[int], list[int]]:
        """Rows whose column contains needle, in id order (a scan that stops at the tier's limit)."""
        return self.tier(select(model.id).where(self.substring(getattr(model, column_name), needle))
                         .order_by(model.id), filters)

    def pinyin(self, model, term: str, filters) -> tuple[Callable[[int], list[int]], Callable[[int], list[int]]]:
        """Pinyin tokens equal to term, then tokens starting with it, from one scan (db.pinyin puts
        tokens between spaces: " zs " is a whole token, " zs" a token's start)."""
        return self.two_tiers(model, self.substring(model.pinyin, f" {term} "),
                              self.substring(model.pinyin, f" {term}"), filters)

    def name_or_email(self, term: str, filters) -> tuple[Callable[[int], list[int]], Callable[[int], list[int]]]:
        """Names containing term, then emails containing it, from one scan."""
        in_name = self.substring(Contact.name_key, term)
        return self.two_tiers(Contact, in_name, or_(in_name, self.substring(Contact.email_key, term)), filters)

    def two_tiers(self, model, first, either, filters) -> tuple[Callable[[int], list[int]], Callable[[int], list[int]]]:
        """Two tiers read by one scan of the rows matching `either`: those matching `first`, then the
        others (each row is read once, tested with both conditions)."""
        rank = case((first, 0), else_=1)
        stmt = filters.apply(select(model.id, rank).where(either).order_by(rank, model.id))
        read: list = []  # [limit asked, rows]: the scan runs once for both tiers

        def rows(n: int) -> list:
            if not read or read[0] < n:  # twice the tier's limit: enough of both kinds for either tier
                read[:] = [n, self.session.execute(stmt.limit(2 * n)).all()]
            return read[1]

        return (lambda n: [i for i, r in rows(n) if r == 0][:n], lambda n: [i for i, r in rows(n) if r == 1][:n])

    def substring(self, col, needle: str):
        """LIKE '%needle%': SQLite's LIKE ignores ASCII case already; on PostgreSQL ILIKE only where
        case can differ (keys and pinyin are stored case-folded), since it costs five times LIKE on
        Chinese. The pattern is inlined: a generic plan for `LIKE $1` is no better here."""
        value = _literal("%" + like_escaped(needle) + "%")
        fold = re.search("[a-z]", needle) and not (col.key.endswith("_key") or col.key == "pinyin")
        return col.ilike(value, escape="\\") if self.postgresql and fold else col.like(value, escape="\\")


def like_escaped(text: str) -> str:
    """Text for a LIKE pattern with ESCAPE '\\': its %, _ and \\ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _literal(value: str):
    return bindparam(None, value, type_=String(), literal_execute=True)


def search_contacts(
    session: Session, query: str | None, *, limit: int = DEFAULT_LIMIT, filters: ContactFilters | None = None
) -> list[ContactHit]:
    """Contacts matching `query`, best first: exact name (or pinyin, email), name prefix (or pinyin,
    email), name contains, organization, then title, mobile and email fragments."""
    q = parse_query(query)
    if q is None or limit <= 0:
        return []
    filters = filters or ContactFilters()
    s = _Searcher(session, q)
    tiers: list[Tier] = []
    found: dict[int, str] = {}  # filled as tiers run; later tiers look at what earlier ones found
    if q.digits:
        d = q.digits
        tiers += [("mobile", s.equal(Contact, "mobile_key", d, filters)),
                  ("mobile", s.prefix(Contact, "mobile_key", d, filters))]
        if len(d) >= FRAGMENT:
            tiers += [("mobile", s.contains(Contact, "mobile_key", d, filters)),
                      ("phone", s.contains(Contact, "phone", d, filters))]
    else:
        whole, start = s.pinyin(Contact, q.key, filters) if q.pinyin else (None, None)
        tiers += [("name", s.equal(Contact, "name_key", q.key, filters))]
        if whole:
            tiers += [("pinyin", whole)]
        if not q.cjk:
            tiers += [("email", s.equal(Contact, "email_key", q.key, filters))]
        tiers += [("name", s.prefix(Contact, "name_key", q.key, filters))]
        if start:
            tiers += [("pinyin", start)]
        if not q.cjk:
            tiers += [("email", s.prefix(Contact, "email_key", q.key, filters))]
        if q.cjk:
            tiers += [("name", s.contains(Contact, "name_key", q.key, filters))]
        elif len(q.key) >= FRAGMENT:
            tiers += list(zip(("name", "email"), s.name_or_email(q.key, filters)))
        tiers += [("organization", _contacts_of_organizations(session, q, s, filters, found))]
        titles = s.contains(Contact, "title", q.text, filters)
        if q.short_cjk:
            # 1–2 characters name people far more often than titles: the titles are searched only for
            # two characters that named nobody (总监 is a title; 王秀, which names people, is not).
            tiers += [("title", lambda n: [] if len(q.key) < 2 or "name" in found.values() else titles(n))]
        elif q.cjk:
            tiers += [("title", titles)]
        elif len(q.key) >= FRAGMENT:
            # Letters are pinyin (zwf) far more often than part of a title: titles only when they named
            # nobody (vice president).
            tiers += [("title", lambda n: [] if {"name", "pinyin"} & set(found.values()) else titles(n))]
    return _contact_hits(session, _collect(tiers, limit, found))


def _contacts_of_organizations(
    session: Session, q: SearchQuery, s: _Searcher, filters: ContactFilters, found: dict[int, str]
):
    """Contacts of the organizations that match, in the organizations' order. Pinyin found inside an
    organization's pinyin is a weak match, left out when people matched by name or pinyin."""

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
    whole, start = s.pinyin(Organization, q.key, filters) if q.pinyin else (None, None)
    tiers: list[Tier] = [("name", s.equal(Organization, "name_key", q.key, filters))]
    if whole:
        tiers += [("pinyin", whole)]
    tiers += [("name", s.prefix(Organization, "name_key", q.key, filters))]
    if start:
        tiers += [("pinyin", start)]
    tiers += [("name", s.contains(Organization, "name_key", q.key, filters))]
    if weak and q.pinyin and len(q.key) >= FRAGMENT:
        # txkj inside 深圳市腾讯计算机… (szstxjsj…), tengxun inside its full pinyin
        tiers += [("pinyin", s.contains(Organization, "pinyin", q.key, filters))]
    return tiers


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
