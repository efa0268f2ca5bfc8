"""客商 and 单位 by hand: a new contact or organization, or one's fields changed, through
crm.services.directory as `crm contacts add|edit` and `crm organizations add|edit` do. A new contact
the identity rule takes for a known one is refused with whom it resembles; the user may then add it
anyway, as another person (the service's allow_duplicate, the CLI's --allow-duplicate)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session

from crm.i18n import pick, t
from crm.importing.table import field_label
from crm.services import directory
from crm.services.directory import ContactInput, OrganizationInput, Saved, organization_field_label
from db.models import OrgKind
from tui.db import Failure
from tui.forms.answering import AnsweringForm, Offer
from tui.forms.base import Field, Recorder
from tui.i18n import word

CONTACT_FIELDS = ("name", "organization", "title", "mobile", "phone", "email", "notes")
ORGANIZATION_FIELDS = ("name", "kind", "region", "address", "notes")


def load_contact(session: Session, contact_id: int) -> tuple[int, ContactInput, int]:
    """What the contact edit form starts from: the id, the fields, the version edited."""
    return (contact_id, *directory.current_contact(session, contact_id))


def load_organization(session: Session, organization_id: int) -> tuple[int, OrganizationInput, int]:
    return (organization_id, *directory.current_organization(session, organization_id))


def _changed(names: tuple[str, ...], values: dict[str, Any], initial: dict[str, Any]) -> dict[str, str]:
    """The fields the user changed, as typed ("" clears one)."""
    return {name: values[name] or "" for name in names if (values[name] or "") != (initial.get(name) or "")}


def _organization_note(saved: Saved) -> str:
    if saved.organization_added:
        return t("with_organization_added", name=saved.organization_added)
    if saved.organization_restored:
        return t("with_organization_restored", name=saved.organization_restored)
    return ""


def _edited(saved: Saved, key: str, what: str, label) -> str:
    if not saved.changed:
        return t("record_unchanged", what=f"{what} {saved.name}")
    return t(key, id=saved.id, fields=pick("、", ", ").join(map(label, saved.changed))) + _organization_note(saved)


class ContactForm(AnsweringForm):
    """A new contact, or (given one as load_contact reads it) its fields changed."""

    ERROR_FIELDS = {"contact_likely_duplicate": "name", "bad_mobile": "mobile", "bad_email": "email"}

    def __init__(self, current: tuple[int, ContactInput, int] | None = None) -> None:
        self.contact_id, values, self.version = current or (None, ContactInput(), None)
        self.initial = {name: getattr(values, name) or "" for name in CONTACT_FIELDS}
        self.allow_duplicate = False  # the user said a likely duplicate is another person
        super().__init__(
            pick("新建客商", "New contact") if current is None else pick("编辑客商", "Edit contact"),
            [Field(name, field_label(name), required=name == "name", value=self.initial[name],
                   placeholder=pick("单位名称（新单位自动添加）", "its name (a new one is added)") if name == "organization" else "")
             for name in CONTACT_FIELDS],
            about=Text.assemble((f"C#{self.contact_id}", "bold"), " ", self.initial["name"]) if current else None,
        )

    def _refused(self, failure: Failure) -> None:
        self.allow_duplicate = False  # allowed for the one save the user answered, not for later ones
        if failure.key == "contact_likely_duplicate":  # the service's words name the CLI's flag: say ours
            failure = replace(failure, message=t("contact_likely_duplicate_workbench", **failure.params))
        super()._refused(failure)

    def offer(self, failure: Failure) -> Offer | None:
        if failure.key != "contact_likely_duplicate":
            return super().offer(failure)
        return (t("contact_likely_duplicate_question", **failure.params), self._save_anyway,
                t("add_anyway"), t("do_not_add"))

    def _save_anyway(self) -> None:
        self.allow_duplicate = True
        self.action_save()

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        if self.contact_id is None:
            saved = directory.add_contact(session, ContactInput(**{n: values[n] for n in CONTACT_FIELDS if values[n]}),
                                          allow_duplicate=self.allow_duplicate)
            return t("contact_added", id=saved.id, name=saved.name) + _organization_note(saved)
        saved = directory.edit_contact(session, self.contact_id,
                                       ContactInput(**_changed(CONTACT_FIELDS, values, self.initial)),
                                       version=self.version)
        return _edited(saved, "contact_edited", pick("联系人", "contact"), field_label)


class OrganizationForm(AnsweringForm):
    """A new organization, or (given one as load_organization reads it) its fields changed."""

    ERROR_FIELDS = {"organization_exists": "name", "organization_exists_deleted": "name", "unknown_org_kind": "kind"}

    def __init__(self, current: tuple[int, OrganizationInput, int] | None = None) -> None:
        self.organization_id, values, self.version = current or (None, OrganizationInput(), None)
        self.initial = {name: getattr(values, name) or "" for name in ORGANIZATION_FIELDS}
        fields = [Field(name, organization_field_label(name), required=name == "name", value=self.initial[name])
                  for name in ORGANIZATION_FIELDS]
        fields[1] = Field("kind", organization_field_label("kind"), "choice", value=self.initial["kind"],
                          choices=[(word("org_kind", k.value), k.value) for k in OrgKind])
        fields[2].placeholder = pick("城市、省份或国家（新地区自动添加）", "a city, province or country (a new one is added)")
        super().__init__(
            pick("新建单位", "New organization") if current is None else pick("编辑单位", "Edit organization"),
            fields,
            about=Text.assemble((f"O#{self.organization_id}", "bold"), " ", self.initial["name"]) if current else None,
        )

    def save(self, session: Session, values: dict[str, Any], who: Recorder) -> str:
        if self.organization_id is None:
            saved = directory.add_organization(
                session, OrganizationInput(**{n: values[n] for n in ORGANIZATION_FIELDS if values[n]}))
            return t("organization_added", id=saved.id, name=saved.name)
        saved = directory.edit_organization(session, self.organization_id,
                                            OrganizationInput(**_changed(ORGANIZATION_FIELDS, values, self.initial)),
                                            version=self.version)
        return _edited(saved, "organization_edited", pick("单位", "organization"), organization_field_label)
