"""Who is who (DOMAIN.md), one rule for the invitee import and for records made by hand.

An organization is the same when its normalised name is (crm.normalize.organization_key, unique in the
database). A person is the same when the mobile matches, else the email, else the name within the same
organization — where a namesake with another mobile or email is another person. The rule asks an index
of known people (the import's in-memory one, or the database's indexed columns) and never builds keys:
those are crm.normalize's."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

MOBILE, EMAIL, NAME = "mobile", "email", "name"


class Keyed(Protocol):
    mobile_key: str | None
    email_key: str | None


P = TypeVar("P", bound=Keyed)


class PersonIndex(Protocol[P]):
    """Known people by identity key; `organization` is whatever the index files them under (None: none)."""

    def with_mobile(self, key: str) -> P | None: ...

    def with_email(self, key: str) -> P | None: ...

    def namesakes(self, organization: object, name_key: str) -> Iterable[P]: ...


def find_person(index: PersonIndex[P], organization: object, name_key: str, mobile_key: str | None,
                email_key: str | None) -> P | None:
    """The known person these keys identify, or None for a new one."""
    if mobile_key and (person := index.with_mobile(mobile_key)) is not None:
        return person
    if email_key and (person := index.with_email(email_key)) is not None:
        return person
    for person in index.namesakes(organization, name_key):
        if not _differ(person.mobile_key, mobile_key) and not _differ(person.email_key, email_key):
            return person
    return None


def matched_on(person: Keyed, mobile_key: str | None, email_key: str | None) -> str:
    """Which part of the rule `find_person` found `person` by: MOBILE, EMAIL or NAME."""
    if mobile_key and person.mobile_key == mobile_key:
        return MOBILE
    if email_key and person.email_key == email_key:
        return EMAIL
    return NAME


def _differ(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b
