"""The invitee list's header vocabulary (姓名, 单位, 手机 … or the English words), and the table
functions of crm.importing.layout bound to it."""
from __future__ import annotations

from crm.importing.layout import (
    IGNORE,
    REJECTED_COLUMNS,
    BadMapping,
    Layout,
    RawRow,
    Vocabulary,
    data_rows,
    header_key,
)
from crm.importing.layout import find_layout as find_table
from crm.importing.reader import Sheet

FIELDS = ("name", "organization", "title", "mobile", "phone", "email", "category", "notes", "status")
FIELD_LABELS = {
    "name": ("姓名", "name"), "organization": ("单位", "organization"), "title": ("职务", "title"),
    "mobile": ("手机", "mobile"), "phone": ("电话", "phone"), "email": ("邮箱", "email"),
    "category": ("类别", "category"), "notes": ("备注", "notes"), "status": ("邀请状态", "status"),
}

# Header words as staff type them (DOMAIN.md), compared after header_key(): no spaces, no marks, case folded.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(("姓名", "联系人", "嘉宾姓名", "嘉宾", "客商姓名", "人员姓名", "参会人", "参会人员", "参会嘉宾",
                     "拟邀嘉宾", "拟邀请嘉宾", "邀请对象", "name", "fullname", "contact", "contactname",
                     "guest", "guestname", "person"), "name"),
    **dict.fromkeys(("单位", "单位名称", "工作单位", "公司", "公司名称", "企业", "企业名称", "机构", "机构名称",
                     "所在单位", "客商单位", "邀请单位", "company", "companyname", "organization",
                     "organisation", "org", "employer", "institution", "unit"), "organization"),
    **dict.fromkeys(("职务", "职位", "职称", "职务职称", "职务/职称", "title", "position", "jobtitle", "job"),
                    "title"),
    **dict.fromkeys(("手机", "手机号", "手机号码", "移动电话", "手机/电话", "联系手机", "mobile", "mobilephone",
                     "cell", "cellphone", "mobileno", "mobilenumber"), "mobile"),
    **dict.fromkeys(("电话", "联系电话", "办公电话", "固定电话", "座机", "电话号码", "联系方式", "phone",
                     "telephone", "tel", "officephone", "phonenumber"), "phone"),
    **dict.fromkeys(("邮箱", "电子邮箱", "电子邮件", "e-mail", "email", "mail", "邮件", "电邮", "emailaddress"),
                    "email"),
    **dict.fromkeys(("类别", "单位类型", "客商类别", "单位类别", "企业类型", "企业性质", "单位性质", "类型",
                     "category", "type", "kind", "orgtype"), "category"),
    **dict.fromkeys(("备注", "说明", "备考", "notes", "note", "remark", "remarks", "comment", "comments"), "notes"),
    **dict.fromkeys(("状态", "邀请状态", "参会状态", "是否参会", "确认情况", "status", "rsvp"), "status"),
}
# Columns every list has and nobody wants imported: never reported as unknown.
KNOWN_IGNORED = {"序号", "编号", "序", "no", "no.", "#", "id", "number", "seq", *REJECTED_COLUMNS}
# When no word matches exactly, a word inside the header decides (order matters: 单位类型 is a category).
HEADER_CONTAINS: tuple[tuple[str, str], ...] = (
    ("状态", "status"), ("类别", "category"), ("类型", "category"), ("性质", "category"),
    ("手机", "mobile"), ("移动电话", "mobile"), ("mobile", "mobile"),
    ("邮", "email"), ("mail", "email"), ("电话", "phone"), ("phone", "phone"),
    ("职务", "title"), ("职位", "title"), ("title", "title"),
    ("姓名", "name"), ("联系人", "name"), ("嘉宾", "name"), ("name", "name"),
    ("单位", "organization"), ("公司", "organization"), ("企业", "organization"), ("机构", "organization"),
    ("company", "organization"), ("organi", "organization"), ("备注", "notes"), ("remark", "notes"),
)

INVITEES = Vocabulary(
    fields=FIELDS, labels=FIELD_LABELS, words=HEADER_WORDS, contains=HEADER_CONTAINS,
    ignored=frozenset(KNOWN_IGNORED), anchors=frozenset({"name", "organization"}),
    data_fields=frozenset({"mobile", "email"}),
)
__all__ = ["FIELDS", "IGNORE", "INVITEES", "BadMapping", "Layout", "RawRow", "data_rows", "field_for", "field_label",
           "find_layout", "header_key", "parse_mapping"]


def field_label(name: str) -> str:
    """A field's standard header, itself a header word the importer knows."""
    return INVITEES.label(name)


def field_for(text: object, overrides: dict[str, str]) -> str | None:
    return INVITEES.field_for(text, overrides)


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    return INVITEES.parse_mapping(items)


def find_layout(sheet: Sheet, overrides: dict[str, str]) -> Layout | None:
    """The first row, near the top, that names a person or an organization column and one more field."""
    return find_table(sheet, INVITEES, overrides)
