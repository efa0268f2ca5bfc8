"""Organizations (单位) and contacts (客商/嘉宾) with normalised identity keys."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SoftDeletable, Timestamped, Versioned
from db.pinyin import contact_pinyin, organization_pinyin
from db.models.enums import InvestorOrigin, OrgKind, enum_column_type
from db.models.reference import Industry, Region


class Organization(Base, Versioned, Timestamped, SoftDeletable):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Identity: the normalised name (full-width folded, spaces removed, case folded).
    name_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column_type(OrgKind, "org_kind"), default=OrgKind.OTHER)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    # Where the investor comes from, for 省外资金 and 境外资金 (None: not known yet).
    origin: Mapped[InvestorOrigin | None] = mapped_column(enum_column_type(InvestorOrigin, "investor_origin"))
    notes: Mapped[str | None] = mapped_column(Text)
    # Derived from name_key (db.pinyin): " tengxunkeji txkj ", what pinyin searches scan.
    pinyin: Mapped[str | None] = mapped_column(Text)
    # The import batch that created the row (crm.importing): its undo removes the row.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    contacts: Mapped[list[Contact]] = relationship(back_populates="organization")
    industry: Mapped[Industry | None] = relationship()
    region: Mapped[Region | None] = relationship()


class Contact(Base, Versioned, Timestamped, SoftDeletable):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_org_name_key", "organization_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # Indexed by ix_contacts_org_name_key, which starts with it (one index less to keep on every insert).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    title: Mapped[str | None] = mapped_column(String(128))
    mobile: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    # Identity keys (see crm.normalize): 11-digit mobile, case-folded email, name without spaces.
    mobile_key: Mapped[str | None] = mapped_column(String(16), index=True)
    email_key: Mapped[str | None] = mapped_column(String(255), index=True)
    # Indexed alone too: the contacts list sorts and pages by name.
    name_key: Mapped[str] = mapped_column(String(64), index=True)
    # Derived from name_key (db.pinyin): " zengguofan zgf cengguofan cgf ", what pinyin searches scan.
    pinyin: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    organization: Mapped[Organization | None] = relationship(back_populates="contacts")


def _keep_pinyin_current(model, derive) -> None:
    """The derived pinyin column follows name_key on every ORM insert and rename (db.pinyin)."""

    def new(_mapper, _connection, record) -> None:
        record.pinyin = derive(record.name_key)

    def renamed(_mapper, _connection, record) -> None:
        if inspect(record).attrs.name_key.history.has_changes():
            record.pinyin = derive(record.name_key)

    event.listen(model, "before_insert", new)
    event.listen(model, "before_update", renamed)


_keep_pinyin_current(Contact, contact_pinyin)
_keep_pinyin_current(Organization, organization_pinyin)
