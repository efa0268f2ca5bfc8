"""One data row of a list → a person, an organization-level entry (the person still 待定), or an error
row naming its sheet, its Excel row number and the column at fault. Text is kept as typed, as a contact
entered by hand keeps it (crm.normalize.typed_text: 企业反映：用地（200亩） stays so), a one-line field
wrapped in its cell made one line again (crm.normalize.one_line, as the programme import does); the
identity keys and the words looked up (status, category) are crm.normalize's normalised forms."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from crm.importing.layout import RowError
from crm.importing.table import INVITEES, Layout, RawRow
from crm.normalize import (
    clean_text,
    email_key,
    is_placeholder_name,
    mobile_key,
    mobile_value,
    name_key,
    one_line,
    organization_key,
    typed_text,
)
from db.models import Contact, Invitation, InvitationStatus, Organization, OrgKind

# 客商类别 as lists write it → the organization's kind. The text itself stays on the invitation.
CATEGORY_KINDS: dict[str, OrgKind] = {
    **dict.fromkeys(("跨国公司", "跨国企业", "外企", "外资", "外资企业", "外商投资企业", "世界500强", "multinational",
                     "mnc", "foreign"), OrgKind.MULTINATIONAL),
    **dict.fromkeys(("央企", "中央企业", "央企子公司", "中央国有企业", "centralsoe", "soe"), OrgKind.CENTRAL_SOE),
    **dict.fromkeys(("民企", "民营企业", "私营企业", "民营", "private", "privatecompany"), OrgKind.PRIVATE),
    **dict.fromkeys(("科研院所", "科研机构", "研究院", "研究所", "高校", "高等院校", "大学", "research",
                     "university", "institute"), OrgKind.RESEARCH),
    **dict.fromkeys(("金融机构", "银行", "基金", "投资机构", "证券", "保险", "投资公司", "financial", "bank",
                     "fund", "investor"), OrgKind.FINANCIAL),
    **dict.fromkeys(("政府", "政府部门", "部委", "国家部委", "部门", "government", "ministry"), OrgKind.GOVERNMENT),
    **dict.fromkeys(("协会", "商会", "学会", "行业协会", "association", "chamber"), OrgKind.ASSOCIATION),
}
STATUS_WORDS: dict[str, InvitationStatus] = {
    **dict.fromkeys(("拟邀请", "拟邀", "待邀请", "proposed"), InvitationStatus.PROPOSED),
    **dict.fromkeys(("已邀请", "邀请", "已发邀请", "invited"), InvitationStatus.INVITED),
    **dict.fromkeys(("已确认", "确认", "确认参会", "是", "参会", "confirmed", "yes"), InvitationStatus.CONFIRMED),
    **dict.fromkeys(("已出席", "出席", "已参会", "attended"), InvitationStatus.ATTENDED),
    **dict.fromkeys(("婉拒", "拒绝", "不参会", "否", "不参加", "declined", "no"), InvitationStatus.DECLINED),
}


def _limit(column) -> int:
    return column.type.length


# The database's own column lengths: a longer value is an error row, never a failed transaction.
LIMITS = {
    "name": _limit(Contact.__table__.c.name),
    "organization": _limit(Organization.__table__.c.name),
    "title": _limit(Contact.__table__.c.title),
    "mobile": _limit(Contact.__table__.c.mobile),
    "phone": _limit(Contact.__table__.c.phone),
    "email": _limit(Contact.__table__.c.email),
    "category": _limit(Invitation.__table__.c.category),
}


def org_kind(category: str | None) -> OrgKind:
    if not category:
        return OrgKind.OTHER
    return CATEGORY_KINDS.get(name_key(category), OrgKind.OTHER)


class RowKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"  # an organization-level entry: the person is still 待定
    ERROR = "error"


# Enum members looked up once (Python 3.11 resolves them through a descriptor, and this runs per row).
_PERSON, _ORGANIZATION, _ERROR = RowKind.PERSON, RowKind.ORGANIZATION, RowKind.ERROR
_OTHER = OrgKind.OTHER


@dataclass(slots=True)
class InviteeRow:
    sheet: str
    row: int
    kind: RowKind
    name: str | None = None
    name_key: str | None = None
    organization: str | None = None
    organization_key: str | None = None
    title: str | None = None
    mobile: str | None = None
    mobile_key: str | None = None
    phone: str | None = None
    email: str | None = None
    email_key: str | None = None
    category: str | None = None
    org_kind: OrgKind = OrgKind.OTHER
    notes: str | None = None
    status: InvitationStatus | None = None  # None: the file has no status for this row
    error: RowError | None = None
    cells: list | None = None  # the row as read, for --errors-out


class Classifier:
    """The invitee list's row rules (parse.RowRules): classifies the rows of one file. Organizations,
    titles, categories and notes repeat down a list, so their texts and keys are kept per file rather
    than computed again for every row."""

    vocabulary = INVITEES

    def __init__(self) -> None:
        self._texts: dict[str, str | None] = {}  # one-line fields
        self._notes: dict[str, str | None] = {}
        self._organizations: dict[str, tuple[str | None, str | None]] = {}
        self._kinds: dict[str, OrgKind] = {}

    def _text(self, value: object) -> str | None:
        """A one-line field as typed."""
        if value is None or value.__class__ is not str:
            return one_line(typed_text(value))
        try:
            return self._texts[value]
        except KeyError:
            text = self._texts[value] = one_line(typed_text(value))
            return text

    def _note(self, value: object) -> str | None:
        """Notes as typed, their line breaks kept."""
        if value is None or value.__class__ is not str:
            return typed_text(value)
        try:
            return self._notes[value]
        except KeyError:
            text = self._notes[value] = typed_text(value)
            return text

    def _organization(self, value: object) -> tuple[str | None, str | None]:
        try:
            return self._organizations[value]
        except (KeyError, TypeError):
            name = self._text(value)
            if is_placeholder_name(name):
                name = None
            result = (name, organization_key(name) if name else None)
            if isinstance(value, str):
                self._organizations[value] = result
            return result

    def classify(self, raw: RawRow, layout: Layout) -> InviteeRow:
        values = raw.values
        get = values.get
        name = one_line(typed_text(get("name")))  # 张  三 as typed; its key (name_key) is 张三's
        if is_placeholder_name(name):
            name = None
        organization, org_key = self._organization(get("organization"))
        mobile_cell = get("mobile")
        mobile_id = mobile_key(mobile_cell) if mobile_cell is not None else None
        mobile = mobile_id or self._text(mobile_cell)
        bad_mobile = None
        if mobile_id is None and mobile is not None and mobile_value(mobile) is None:
            # The rule of contacts made by hand: what is no mobile number is not stored as one (无, 待定: none).
            mobile, bad_mobile = None, None if is_placeholder_name(mobile) else mobile
        phone = self._text(get("phone"))
        if mobile is None and phone and (moved := mobile_key(phone)):
            # 联系电话 often holds the mobile: it is the person's identity, so it goes where identities are.
            mobile = mobile_id = moved
            phone = None
        email = self._text(get("email"))
        title, category = self._text(get("title")), self._text(get("category"))
        row = InviteeRow(
            raw.sheet, raw.number, _PERSON if name else _ORGANIZATION, name, name_key(name) if name else None,
            organization, org_key, title, mobile, mobile_id, phone, email, email_key(email),
            category, self._kind(category) if category else _OTHER, self._note(get("notes")), None, None, raw.cells,
        )
        if not name and not organization:
            return _reject(row, layout, None, "import_row_no_identity")
        if bad_mobile:
            return _reject(row, layout, "mobile", "import_row_bad_mobile", value=bad_mobile)
        for field_name, value in (("name", name), ("organization", organization), ("title", title),
                                  ("mobile", mobile), ("phone", phone), ("email", email), ("category", category)):
            if value and len(value) > LIMITS[field_name]:
                return _reject(row, layout, field_name, "import_row_too_long", limit=LIMITS[field_name])
        if "status" in values:
            status_text = clean_text(values["status"]) or ""
            row.status = STATUS_WORDS.get(name_key(status_text))
            if row.status is None:
                return _reject(row, layout, "status", "import_row_bad_status", value=status_text,
                               choices="拟邀请/已邀请/已确认/已出席/婉拒")
        return row

    def _kind(self, category: str) -> OrgKind:
        kind = self._kinds.get(category)
        if kind is None:
            kind = self._kinds[category] = org_kind(category)
        return kind


def _reject(row: InviteeRow, layout: Layout, field_name: str | None, key: str, **params) -> InviteeRow:
    row.kind = _ERROR
    column = layout.header_of(field_name) if field_name else None
    row.error = RowError(row.sheet, row.row, column, key, tuple(params.items()))
    return row
