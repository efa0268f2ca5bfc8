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

# Header words as staff type them (DOMAIN.md) and as web systems export them, compared after header_key():
# no spaces, no marks, no bracketed asides (单位（全称）), case folded.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(("姓名", "名字", "联系人", "联系人姓名", "嘉宾", "嘉宾姓名", "来宾", "来宾姓名", "客商", "客商姓名",
                     "人员姓名", "参会人", "参会人员", "参会人姓名", "参会人员姓名", "参会嘉宾", "参会代表", "与会人员",
                     "出席人员", "出席嘉宾", "拟邀嘉宾", "拟邀请嘉宾", "受邀人", "受邀嘉宾", "邀请对象", "代表姓名",
                     "中文姓名", "name", "fullname", "contact", "contactname", "contactperson", "guest", "guestname",
                     "person", "attendee", "participant", "delegate"), "name"),
    **dict.fromkeys(("单位", "单位名称", "单位全称", "工作单位", "所在单位", "所属单位", "任职单位", "公司", "公司名称",
                     "公司全称", "企业", "企业名称", "企业全称", "机构", "机构名称", "客商单位", "邀请单位", "参会单位",
                     "单位/企业", "company", "companyname", "organization", "organisation", "organizationname",
                     "org", "employer", "institution", "unit", "affiliation", "enterprise", "firm"), "organization"),
    **dict.fromkeys(("职务", "职位", "职称", "职务职称", "职务/职称", "现任职务", "担任职务", "行政职务", "岗位", "头衔",
                     "title", "position", "jobtitle", "job", "designation", "role"), "title"),
    **dict.fromkeys(("手机", "手机号", "手机号码", "移动电话", "手机/电话", "联系手机", "手机电话", "移动电话号码",
                     "mobile", "mobilephone", "cell", "cellphone", "mobileno", "mobilenumber"), "mobile"),
    **dict.fromkeys(("电话", "联系电话", "办公电话", "固定电话", "座机", "固话", "电话号码", "联系方式", "单位电话",
                     "办公室电话", "phone", "telephone", "tel", "officephone", "phonenumber", "contactnumber",
                     "landline"), "phone"),
    **dict.fromkeys(("邮箱", "电子邮箱", "电子信箱", "信箱", "电子邮件", "e-mail", "email", "mail", "邮件", "电邮",
                     "邮箱地址", "电子邮箱地址", "emailaddress"), "email"),
    **dict.fromkeys(("类别", "单位类型", "客商类别", "客商类型", "嘉宾类别", "单位类别", "企业类型", "企业性质", "单位性质",
                     "类型", "category", "type", "kind", "orgtype"), "category"),
    **dict.fromkeys(("备注", "说明", "备考", "附注", "notes", "note", "remark", "remarks", "comment", "comments"), "notes"),
    **dict.fromkeys(("状态", "邀请状态", "参会状态", "是否参会", "是否出席", "参会情况", "确认情况", "回执", "status",
                     "rsvp"), "status"),
}
# Columns every list has and nobody wants imported: never reported as unknown.
KNOWN_IGNORED = {"序号", "编号", "序", "no", "no.", "#", "id", "number", "seq", *REJECTED_COLUMNS}
# When no word matches exactly, a word inside the header decides (order matters: 单位类型 is a category,
# 联系人手机 a mobile; 邮编 is no email, so the email words are whole).
HEADER_CONTAINS: tuple[tuple[str, str], ...] = (
    ("状态", "status"), ("类别", "category"), ("类型", "category"), ("性质", "category"),
    ("手机", "mobile"), ("移动电话", "mobile"), ("mobile", "mobile"),
    ("邮箱", "email"), ("邮件", "email"), ("电邮", "email"), ("信箱", "email"), ("mail", "email"),
    ("电话", "phone"), ("phone", "phone"),
    ("职务", "title"), ("职位", "title"), ("职称", "title"), ("title", "title"),
    ("姓名", "name"), ("联系人", "name"), ("嘉宾", "name"), ("name", "name"),
    ("单位", "organization"), ("公司", "organization"), ("企业", "organization"), ("机构", "organization"),
    ("company", "organization"), ("organi", "organization"), ("备注", "notes"), ("remark", "notes"),
)
# Columns only a list of people has: without a name column its rows would all become organization-level
# entries (the person 待定), so such a table is refused while a column of it is unknown (crm.importing.service).
PEOPLE_FIELDS = frozenset({"mobile", "email", "title"})

INVITEES = Vocabulary(
    fields=FIELDS, labels=FIELD_LABELS, words=HEADER_WORDS, contains=HEADER_CONTAINS,
    ignored=frozenset(KNOWN_IGNORED), anchors=frozenset({"name", "organization"}),
    data_fields=frozenset({"mobile", "email"}),
)
__all__ = ["FIELDS", "IGNORE", "INVITEES", "BadMapping", "Layout", "RawRow", "data_rows", "field_for", "field_label",
           "find_layout", "header_key", "parse_mapping", "unnamed_people"]


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


def unnamed_people(layout: Layout) -> list[str]:
    """The unknown columns of a table of people (mobiles, emails or titles) whose name column the words did
    not find: one of them likely holds the names. Empty when the table reads as meant."""
    found = set(layout.columns.values())
    if "name" in found or not found & PEOPLE_FIELDS:
        return []
    return list(layout.unknown)
