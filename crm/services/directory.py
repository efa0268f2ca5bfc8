"""Contacts and organizations made and changed by hand: one service for `crm contacts add|edit`,
`crm organizations add|edit` and the workbench's forms, so they store and refuse the same things.

Fields come as people type them (ContactInput, OrganizationInput: None = not given, so an edit leaves
the field; "" = cleared). Text is kept as typed, only trimmed (crm.services.values); keys are
crm.normalize's. A mainland mobile is kept in its 11-digit form, other phone numbers as typed; what is
no phone number is refused. A contact's organization is named: found by its key, added when new, and
brought back when deleted (the result says which); one another record names in passing (a trip's visit)
must be in the 客商库 already, unless the user asks for it to be put there. A new contact that the
identity rule of the import (crm.rules.identity) takes for a known one is refused as a LikelyDuplicate
unless allowed. An organization's name is its identity (unique): a second one of that name is refused,
never allowed. Refusals of a value are FieldRefused, naming the field; edits are version-checked and
audited (crm.services.editing)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit import annotate
from db.models import Contact, InvestorOrigin, Organization, OrgKind, Region

from crm.errors import CrmError, NotFound, RuleViolation
from crm.i18n import pick, t
from crm.importing.rows import CATEGORY_KINDS
from crm.importing.table import field_label
from crm.labels import org_kind_label
from crm.normalize import email_key, mobile_value, name_key, organization_key
from crm.rules.identity import EMAIL, MOBILE, NAME, find_person, matched_on
from crm.services.editing import update_fields
from crm.services.merge import get_contact
from crm.services.reference import find_region
from crm.services.values import key_for, row_id, text_for

_CONTACTS = Contact.__table__.c
_ORGANIZATIONS = Organization.__table__.c
_ORGANIZATION_LABELS = {
    "name": ("单位名称", "organization name"), "kind": ("单位类型", "kind"), "region": ("地区", "region"),
    "address": ("地址", "address"), "origin": ("客商来源", "origin"), "notes": ("备注", "notes"),
}
CONTACT, ORGANIZATION = "contact", "organization"
_RECORD_WORDS = {CONTACT: ("联系人", "contact"), ORGANIZATION: ("单位", "organization")}
_MATCHED_LABELS = {
    MOBILE: ("手机相同", "the same mobile"), EMAIL: ("邮箱相同", "the same email"),
    NAME: ("同一单位中同名", "the same name in the same organization"),
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_OTHER_WORDS = {name_key(word) for word in ("其他", "其它", "other")}


@dataclass
class ContactInput:
    """A contact's fields as typed. None: not given (an edit leaves it); "": cleared."""

    name: str | None = None
    organization: str | None = None  # the organization's name (found by its key, added when new)
    title: str | None = None
    mobile: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None

    def given(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


@dataclass
class OrganizationInput:
    """An organization's fields as typed. None: not given (an edit leaves it); "": cleared."""

    name: str | None = None
    kind: str | OrgKind | None = None  # the code (private) or the word (民企); "" is 其他
    region: str | None = None  # a city, province or country (a new one is added, outside the province)
    address: str | None = None
    origin: str | None = None  # inside | outside | abroad, or 省内 / 省外 / 境外; "" is not known
    notes: str | None = None

    def given(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


@dataclass(frozen=True)
class Saved:
    """What a save did, in plain values (usable once the session is gone)."""

    record: str  # CONTACT or ORGANIZATION
    id: int
    version: int
    name: str
    added: bool  # a new record (else an edit)
    changed: tuple[str, ...] = ()  # the input fields whose value changed (an edit; all given ones for an add)
    organization_added: str | None = None  # the name of an organization the save added
    organization_restored: str | None = None  # the name of a deleted organization it brought back

    @property
    def message(self) -> str:
        """The confirmation line, in the user's language."""
        if self.added:
            line = t(f"{self.record}_added", id=self.id, name=self.name)
        elif not self.changed:
            return t("record_unchanged", what=f"{pick(*_RECORD_WORDS[self.record])} {self.name}")
        else:
            label = field_label if self.record == CONTACT else organization_field_label
            line = t(f"{self.record}_edited", id=self.id, fields=pick("、", ", ").join(map(label, self.changed)))
        if self.organization_added:
            return line + t("with_organization_added", name=self.organization_added)
        if self.organization_restored:
            return line + t("with_organization_restored", name=self.organization_restored)
        return line


@dataclass(frozen=True)
class Duplicate:
    """The known contact a new one is likely to be, and which part of the identity rule says so."""

    id: int
    name: str
    organization: str | None
    mobile: str | None
    email: str | None
    matched: str  # crm.rules.identity MOBILE, EMAIL or NAME (within the organization)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FieldRefused(CrmError):
    """A typed value refused; `field` is the input field it belongs to (the form shows it there)."""

    def __init__(self, field: str, error: CrmError) -> None:
        super().__init__(error.key, **error.params)
        self.exit_code = error.exit_code
        self.field = field


class LikelyDuplicate(RuleViolation):
    def __init__(self, duplicate: Duplicate) -> None:
        super().__init__(
            "contact_likely_duplicate", name=duplicate.name, organization=duplicate.organization or "—",
            mobile=duplicate.mobile or "—", id=duplicate.id,
            matched=pick(*_MATCHED_LABELS[duplicate.matched]),
        )
        self.duplicate = duplicate


# --- contacts ------------------------------------------------------------------------------------


def likely_duplicate(session: Session, values: ContactInput) -> Duplicate | None:
    """The live contact the identity rule takes `values` for (the form can warn before saving)."""
    return _duplicate(session, _contact_columns(values, new=True))


def add_contact(session: Session, values: ContactInput, *, allow_duplicate: bool = False) -> Saved:
    """A new contact. Refused (LikelyDuplicate) when it is likely a known one, unless allowed."""
    columns = _contact_columns(values, new=True)
    if not allow_duplicate and (duplicate := _duplicate(session, columns)) is not None:
        raise LikelyDuplicate(duplicate)
    organization, outcome = _organization_named(session, columns.pop("organization", None))
    contact = Contact(organization=organization, **columns)
    session.add(contact)
    session.flush()
    return Saved(CONTACT, contact.id, contact.version, contact.name, True, tuple(values.given()), **outcome)


def edit_contact(session: Session, contact_id: int, values: ContactInput, *, version: int | None) -> Saved:
    """Change the given fields of a live contact. `version`: the one the user's edit started from (None:
    no check); a contact changed since then is refused (StaleEdit)."""
    contact = get_contact(session, contact_id)
    columns = _contact_columns(values, new=False)
    outcome = {}
    if "organization" in columns:
        organization, outcome = _organization_named(session, columns.pop("organization"))
        columns["organization_id"] = organization.id if organization else None
    changed = _update(session, contact, version, columns, values, _CONTACT_COLUMNS)
    return Saved(CONTACT, contact.id, contact.version, contact.name, False, changed, **outcome)


def current_contact(session: Session, contact_id: int) -> tuple[ContactInput, int]:
    """A live contact's fields as a form shows them, and the version an edit of them starts from."""
    contact = get_contact(session, contact_id)
    values = ContactInput(contact.name, contact.organization.name if contact.organization else "",
                          *(getattr(contact, f) or "" for f in ("title", "mobile", "phone", "email", "notes")))
    return values, contact.version


# Input field → the columns it sets (an edit changed the field when one of them changed).
_CONTACT_COLUMNS = {
    "name": {"name", "name_key"}, "organization": {"organization_id"}, "title": {"title"},
    "mobile": {"mobile", "mobile_key"}, "phone": {"phone"}, "email": {"email", "email_key"}, "notes": {"notes"},
}


def _contact_columns(values: ContactInput, *, new: bool) -> dict[str, object]:
    """The given fields checked, as columns (keys included); `organization` stays the typed name."""
    return _columns(values, new, field_label, _contact_field)


def _contact_field(name: str, value: str, label: str) -> dict[str, object]:
    if name == "name":
        text = text_for(_CONTACTS.name, value, label, required=True)
        return {"name": text, "name_key": key_for(_CONTACTS.name_key, name_key(text), label)}
    if name == "organization":
        text = text_for(_ORGANIZATIONS.name, value, label)
        if text is not None:  # the organization it names may be added: its key must fit as well
            key_for(_ORGANIZATIONS.name_key, organization_key(text), label)
        return {"organization": text}
    if name == "mobile":
        return dict(zip(("mobile", "mobile_key"), _mobile(text_for(_CONTACTS.mobile, value, label))))
    if name == "email":
        text = text_for(_CONTACTS.email, value, label)
        key = checked_email(text)
        return {"email": text, "email_key": key and key_for(_CONTACTS.email_key, key, label)}
    return {name: text_for(_CONTACTS[name], value, label)}


def _mobile(text: str | None) -> tuple[str | None, str | None]:
    """(what is kept, its identity key) by crm.normalize.mobile_value, the import's rule too."""
    if text is None:
        return None, None
    value = mobile_value(text)
    if value is None:
        raise CrmError("bad_mobile", value=text)
    return value


def checked_email(text: str | None) -> str | None:
    if text is None:
        return None
    key = email_key(text)
    if key is None or not _EMAIL.fullmatch(key):
        raise CrmError("bad_email", value=text)
    return key


class _KnownContacts:
    """The identity index (crm.rules.identity.PersonIndex) over the database: live contacts, by the
    indexed key columns. Organizations are filed by id; _UNSAVED is a name no organization has yet."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _live(self, *where):
        return self.session.scalars(
            select(Contact).where(Contact.deleted_at.is_(None), *where).order_by(Contact.id)
        )

    def with_mobile(self, key: str) -> Contact | None:
        return self._live(Contact.mobile_key == key).first()

    def with_email(self, key: str) -> Contact | None:
        return self._live(Contact.email_key == key).first()

    def namesakes(self, organization_id: int | None | object, key: str) -> list[Contact]:
        if organization_id is _UNSAVED:
            return []
        same = Contact.organization_id.is_(None) if organization_id is None else Contact.organization_id == organization_id
        return list(self._live(same, Contact.name_key == key))


_UNSAVED = object()


def _duplicate(session: Session, columns: dict) -> Duplicate | None:
    named = columns.get("organization")
    organization = _organization_with_key(session, named)
    filed_under = organization.id if organization is not None else (_UNSAVED if named else None)
    mobile, email = columns.get("mobile_key"), columns.get("email_key")
    person = find_person(_KnownContacts(session), filed_under, columns["name_key"], mobile, email)
    if person is None:
        return None
    return Duplicate(person.id, person.name, person.organization.name if person.organization else None,
                     person.mobile, person.email, matched_on(person, mobile, email))


# --- organizations -------------------------------------------------------------------------------


def get_organization(session: Session, organization_id: int) -> Organization:
    organization = session.get(Organization, row_id(organization_id, "unknown_organization", id=organization_id))
    if organization is None or organization.deleted_at is not None:
        raise NotFound("unknown_organization", id=organization_id)
    return organization


def organization_in_directory(session: Session, name: str, *, added: list[Organization] | None = None) -> Organization:
    """The 客商库's organization that a record names in passing (a trip's visit), found by its name's key.
    One the 客商库 does not hold (never entered, or deleted) comes in only when the user asked for it —
    `added` collects it, for the user to see — and is refused otherwise, naming it: a mistyped name would
    become an organization in the directory every unit shares."""
    label = pick(*_ORGANIZATION_LABELS["name"])
    text = text_for(_ORGANIZATIONS.name, name, label, required=True)
    key_for(_ORGANIZATIONS.name_key, organization_key(text), label)
    organization = _organization_with_key(session, text)
    if organization is not None and organization.deleted_at is None:
        return organization
    if added is None:
        raise NotFound("organization_not_in_directory", name=text)
    if organization is None:
        organization = _new_organization(session, text)
    else:
        _bring_back(session, organization, pick("再次用到，随之恢复", "named again, restored"))
    added.append(organization)
    return organization


def add_organization(session: Session, values: OrganizationInput) -> Saved:
    """A new organization; one of the same name (its identity) is refused, naming it."""
    columns = _organization_columns(session, values, new=True)
    _refuse_taken_name(session, columns["name_key"], None)
    organization = Organization(**columns)
    session.add(organization)
    session.flush()
    return Saved(ORGANIZATION, organization.id, organization.version, organization.name, True, tuple(values.given()))


def edit_organization(session: Session, organization_id: int, values: OrganizationInput, *,
                      version: int | None) -> Saved:
    """Change the given fields of a live organization (version-checked like edit_contact). A new name
    that another organization has is refused, naming it."""
    organization = get_organization(session, organization_id)
    columns = _organization_columns(session, values, new=False)
    if "name_key" in columns:
        _refuse_taken_name(session, columns["name_key"], organization.id)
    changed = _update(session, organization, version, columns, values, _ORGANIZATION_COLUMNS)
    return Saved(ORGANIZATION, organization.id, organization.version, organization.name, False, changed)


def current_organization(session: Session, organization_id: int) -> tuple[OrganizationInput, int]:
    """A live organization's fields as a form shows them, and the version an edit starts from."""
    organization = get_organization(session, organization_id)
    values = OrganizationInput(organization.name, organization.kind.value,
                               organization.region.name if organization.region else "",
                               organization.address or "", organization.origin.value if organization.origin else "",
                               organization.notes or "")
    return values, organization.version


_ORGANIZATION_COLUMNS = {
    "name": {"name", "name_key"}, "kind": {"kind"}, "region": {"region_id"}, "address": {"address"}, "origin": {"origin"},
    "notes": {"notes"},
}


def organization_field_label(name: str) -> str:
    return pick(*_ORGANIZATION_LABELS[name])


def _organization_columns(session: Session, values: OrganizationInput, *, new: bool) -> dict[str, object]:
    def read(name: str, value: str, label: str) -> dict[str, object]:
        if name == "name":
            text = text_for(_ORGANIZATIONS.name, value, label, required=True)
            return {"name": text, "name_key": key_for(_ORGANIZATIONS.name_key, organization_key(text), label)}
        if name == "kind":
            return {"kind": parse_org_kind(value)}
        if name == "origin":
            return {"origin": parse_origin(value)}
        if name == "region":
            text = text_for(Region.__table__.c.name, value, label)
            return {"region_id": find_region(session, text, create=True).id if text else None}
        return {name: text_for(_ORGANIZATIONS[name], value, label)}

    return _columns(values, new, organization_field_label, read)


_ORIGIN_WORDS = {"省内": InvestorOrigin.INSIDE, "本省": InvestorOrigin.INSIDE, "省外": InvestorOrigin.OUTSIDE,
                 "外省": InvestorOrigin.OUTSIDE, "境外": InvestorOrigin.ABROAD, "国外": InvestorOrigin.ABROAD,
                 "外资": InvestorOrigin.ABROAD, "港澳台": InvestorOrigin.ABROAD}


def parse_origin(value: str | None) -> InvestorOrigin | None:
    """inside / outside / abroad, or the words reports use (省内, 省外, 境外, 港澳台 …); blank: not known."""
    text = (value or "").strip()
    if not text:
        return None
    found = _ORIGIN_WORDS.get(text) or next((o for o in InvestorOrigin if o.value == text.lower()), None)
    if found is None:
        raise CrmError("unknown_origin", value=text)
    return found


def parse_org_kind(value: str | OrgKind | None) -> OrgKind:
    """The code (private), our word (民企) or a word lists use (民营企业, 银行); blank is 其他."""
    text = (value or "").strip()
    if not text:
        return OrgKind.OTHER
    try:
        return OrgKind(text.lower())
    except ValueError:
        pass
    key = name_key(text)
    if key in _OTHER_WORDS:
        return OrgKind.OTHER
    if key in CATEGORY_KINDS:
        return CATEGORY_KINDS[key]
    choices = pick("、".join(org_kind_label(k) for k in OrgKind), ", ".join(k.value for k in OrgKind))
    raise CrmError("unknown_org_kind", value=text, choices=choices)


def _refuse_taken_name(session: Session, key: str, own_id: int | None) -> None:
    holder = session.scalar(select(Organization).where(Organization.name_key == key))
    if holder is not None and holder.id != own_id:
        deleted = holder.deleted_at is not None
        raise FieldRefused("name", RuleViolation("organization_exists_deleted" if deleted else "organization_exists",
                                                 name=holder.name, id=holder.id))


def _organization_with_key(session: Session, name: str | None) -> Organization | None:
    """The organization a name is (crm.rules.identity: its key), deleted ones too (the key is unique)."""
    if not name:
        return None
    return session.scalar(select(Organization).where(Organization.name_key == organization_key(name)))


def _organization_named(session: Session, name: str | None) -> tuple[Organization | None, dict]:
    """The organization a contact names, added when new and brought back when deleted, as an import
    does; the second value says which (Saved's organization_added / organization_restored)."""
    if not name:
        return None, {}
    organization = _organization_with_key(session, name)
    if organization is None:
        organization = _new_organization(session, name)
        return organization, {"organization_added": organization.name}
    if organization.deleted_at is not None:
        _bring_back(session, organization, pick("联系人所在单位，随之恢复", "a contact's organization, restored with it"))
        return organization, {"organization_restored": organization.name}
    return organization, {}


def _new_organization(session: Session, name: str) -> Organization:
    organization = Organization(name=name, name_key=organization_key(name))
    session.add(organization)
    session.flush()
    return organization


def _bring_back(session: Session, organization: Organization, why: str) -> None:
    organization.deleted_at = None
    annotate(organization, why)
    session.flush()


def _columns(values: ContactInput | OrganizationInput, new: bool, label_of, read) -> dict[str, object]:
    """The given fields (and the name of a new record, given or not) read into columns one by one,
    each refusal naming its field."""
    names = values.given()
    columns: dict[str, object] = {}
    for name in ["name", *names] if new and "name" not in names else names:
        with _about(name):
            columns.update(read(name, getattr(values, name), label_of(name)))
    return columns


def _update(session: Session, record, version: int | None, columns: dict, values, field_columns: dict) -> tuple[str, ...]:
    """Set the columns that differ (version-checked, audited); the input fields whose value changed."""
    changes = {name: value for name, value in columns.items() if getattr(record, name) != value}
    update_fields(session, record, version, changes)
    return tuple(f for f in values.given() if field_columns[f] & changes.keys())


@contextmanager
def _about(field: str) -> Iterator[None]:
    """Refusals raised while a field is read name that field."""
    try:
        yield
    except FieldRefused:
        raise
    except CrmError as error:
        raise FieldRefused(field, error) from None
