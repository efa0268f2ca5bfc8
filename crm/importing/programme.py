"""The programme table (活动安排表) as a kind of import: its header vocabulary and its row rules.

A commission's table: a title row, a header (序号, 活动名称, 时间, 地点, 主办/承办/协办/配合单位, 衔接协调处室,
规模, 产业, 邀请对象, 备注), section rows that group what follows (一、以省政府名义举办的重大活动: the
section gives its rows their level and group), an activity row (1、…) followed by its meetings ((1)…).
Each event row becomes the fields `crm events add` takes (EventInput, as typed), checked here with the
same rules the event service applies, so a bad cell is rejected naming its column. Nothing here
touches the database; crm.importing.programme_import writes the rows through the event service."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crm.errors import CrmError
from crm.i18n import pick
from crm.importing.layout import REJECTED_COLUMNS, Layout, RawRow, RowError, Vocabulary
from crm.normalize import one_line, typed_text
from crm.rules.events import level_from_section, parse_scale, split_names
from crm.rules.when import parse_when
from crm.services.event_editing import EventInput
from crm.services.values import text_for
from db.models import Event, EventLevel, Industry, Region, Unit

FIELDS = ("seq", "title", "when", "place", "city", "sponsors", "hosts", "co_hosts", "supporters", "coordinators",
          "scale", "industries", "invitee_types", "notes")
FIELD_LABELS = {
    "seq": ("序号", "no."), "title": ("活动名称", "title"), "when": ("时间", "time"), "place": ("地点", "place"),
    "city": ("城市", "city"), "sponsors": ("主办单位", "organizers"), "hosts": ("承办单位", "hosts"),
    "co_hosts": ("协办单位", "co-hosts"), "supporters": ("配合单位", "supporters"),
    "coordinators": ("衔接协调处室", "coordinators"), "scale": ("规模", "scale"), "industries": ("产业", "industries"),
    "invitee_types": ("邀请对象", "invitees"), "notes": ("备注", "notes"),
}
# Header words as commissions type them, compared after layout.header_key(): no spaces, no marks, case folded.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(("序号", "编号", "序", "no", "no.", "#", "seq", "number"), "seq"),
    **dict.fromkeys(("活动名称", "会议名称", "名称", "活动", "活动内容", "活动项目", "会议", "活动主题", "title", "event",
                     "eventname", "activity", "meeting", "name"), "title"),
    **dict.fromkeys(("时间", "举办时间", "活动时间", "会议时间", "时间安排", "日期", "举办日期", "拟举办时间", "time", "date",
                     "dates", "when"), "when"),
    **dict.fromkeys(("地点", "举办地点", "活动地点", "会议地点", "举办地", "地址", "place", "venue", "location"), "place"),
    **dict.fromkeys(("城市", "设区市", "所在城市", "举办城市", "地市", "city"), "city"),
    **dict.fromkeys(("主办单位", "主办", "主办方", "organizer", "organiser", "organizers", "organisers", "sponsor",
                     "sponsors"), "sponsors"),
    **dict.fromkeys(("承办单位", "承办", "承办方", "具体承办单位", "host", "hosts"), "hosts"),
    **dict.fromkeys(("协办单位", "协办", "cohost", "co-host", "cohosts", "co-hosts"), "co_hosts"),
    **dict.fromkeys(("配合单位", "配合", "支持单位", "support", "supporter", "supporters", "supportingunits"),
                    "supporters"),
    **dict.fromkeys(("衔接协调处室", "责任处室", "衔接协调", "协调处室", "牵头处室", "衔接处室", "coordinator", "coordinators",
                     "coordinatingoffice", "responsibleoffice"), "coordinators"),
    **dict.fromkeys(("规模", "参会人数", "会议规模", "活动规模", "人数", "拟邀人数", "参会规模", "scale", "size",
                     "participants", "attendance", "attendees"), "scale"),
    **dict.fromkeys(("产业", "产业领域", "涉及产业", "重点产业", "产业类别", "行业", "industry", "industries", "sector",
                     "sectors"), "industries"),
    **dict.fromkeys(("邀请对象", "参会对象", "拟邀对象", "邀请嘉宾", "invitees", "inviteetypes", "guests"),
                    "invitee_types"),
    **dict.fromkeys(("备注", "说明", "备考", "notes", "note", "remark", "remarks", "comment", "comments"), "notes"),
}
# When no word matches exactly, a word inside the header decides (order matters: 活动时间 is a time).
HEADER_CONTAINS: tuple[tuple[str, str], ...] = (
    ("序号", "seq"), ("主办", "sponsors"), ("承办", "hosts"), ("协办", "co_hosts"), ("配合", "supporters"),
    ("协调", "coordinators"), ("处室", "coordinators"), ("时间", "when"), ("日期", "when"), ("地点", "place"),
    ("城市", "city"), ("规模", "scale"), ("人数", "scale"), ("产业", "industries"), ("对象", "invitee_types"),
    ("备注", "notes"), ("活动", "title"), ("会议", "title"), ("co-host", "co_hosts"), ("cohost", "co_hosts"), ("host", "hosts"),
    ("organi", "sponsors"), ("coordinat", "coordinators"), ("support", "supporters"), ("industr", "industries"),
    ("venue", "place"), ("date", "when"), ("remark", "notes"),
)
PROGRAMME_TABLE = Vocabulary(
    fields=FIELDS, labels=FIELD_LABELS, words=HEADER_WORDS, contains=HEADER_CONTAINS,
    ignored=frozenset({"联系人", "联系电话", "联系方式", *REJECTED_COLUMNS}), anchors=frozenset({"title"}),
    weak=frozenset({"seq", "notes"}),
    data_fields=frozenset({"when", "place", "hosts", "scale"}), keeps_banners=True, no_header="no_programme_header",
)
# The units a row names, by the EventInput field they go to: 主办 units are listed first among the hosts
# (an event has four roles: 承办 host, 协办 co-host, 配合 support, 衔接协调 coordinator).
UNIT_FIELDS = {"hosts": ("sponsors", "hosts"), "co_hosts": ("co_hosts",), "supporters": ("supporters",),
               "coordinators": ("coordinators",)}

SECTION, ACTIVITY, MEETING = "section", "activity", "meeting"
_CN = "一二三四五六七八九十"
# How rows are numbered: 一、 or （一） a section, 1、 or 1. an activity, （1）, ① or 1.1 a meeting.
_NUMBERING = (
    (SECTION, re.compile(rf"^\s*(?:[（(]\s*[{_CN}]+\s*[)）]|[{_CN}]+\s*[、.．])\s*")),
    (MEETING, re.compile(r"^\s*(?:[（(]\s*\d{1,3}\s*[)）]|[①-⑳]|\d{1,3}\s*[-.．]\s*\d{1,3}(?!\d))\s*[、.．]?\s*")),
    (ACTIVITY, re.compile(r"^\s*\d{1,3}\s*[、.．](?!\d)\s*")),
)
_BARE_NUMBER = ((SECTION, re.compile(rf"^[{_CN}]+$")), (ACTIVITY, re.compile(r"^\d{1,3}$")))
# A row numbered like a section is one while it holds no more than a title (and a note).
_SECTION_FIELDS = frozenset({"seq", "title", "notes"})


@dataclass(eq=False)
class ProgrammeRow:
    """An event row: what `crm events add` would be given for it (the programme and the parent's
    ref are filled in when it is written), or the error that rejects it."""

    sheet: str
    row: int
    depth: str  # ACTIVITY or MEETING
    data: EventInput | None
    layout: Layout
    parent: ProgrammeRow | None = None  # the activity a meeting belongs to
    error: RowError | None = None
    cells: list | None = None
    event_ref: str | None = None  # once written

    def reject(self, field_name: str | None, key: str, **params) -> ProgrammeRow:
        column = self.layout.header_of(field_name) if field_name else None
        self.error = RowError(self.sheet, self.row, column, key, tuple(params.items()))
        return self


class ProgrammeRules:
    """The programme table's row rules (parse.RowRules) for one file: times without a year take the
    programme's; section rows set the level and group of the rows below them, an activity row is the
    parent of the meetings numbered under it. Titles are an event's identity in its programme: a title
    twice in one file is rejected the second time."""

    vocabulary = PROGRAMME_TABLE

    def __init__(self, year: int) -> None:
        self.year = year
        self._sheet: str | None = None
        self._titles: dict[str, ProgrammeRow] = {}
        self._start_sheet(None)

    def _start_sheet(self, name: str | None) -> None:
        self._sheet = name
        self._group: str | None = None
        self._group_error: CrmError | None = None
        self._level = EventLevel.CITY
        self._activity: ProgrammeRow | None = None

    def classify(self, raw: RawRow, layout: Layout) -> ProgrammeRow | None:
        if raw.sheet != self._sheet:
            self._start_sheet(raw.sheet)
        values = raw.values
        seq_depth, seq_text = _numbering(values.get("seq"), bare=True)
        title_depth, title = _numbering(values.get("title"))
        numbered = SECTION in (seq_depth, title_depth) or (not title and seq_text and not seq_depth)
        if raw.banner or (numbered and set(values) <= _SECTION_FIELDS):
            self._section(title or seq_text)
            return None
        # The title's own number first: a 序号 merged down over an activity's meetings repeats its number.
        depth = title_depth or seq_depth
        title = title or seq_text
        if not title and set(values) <= {"seq"}:
            return None  # only a pre-filled 序号
        if title and set(values) <= {"seq", "title"} and not depth and level_from_section(title):
            self._section(title)  # a section written without its number
            return None
        parent = self._activity if depth == MEETING else None
        row = ProgrammeRow(raw.sheet, raw.number, MEETING if parent else ACTIVITY, None, layout, parent, cells=raw.cells)
        if depth != MEETING:
            self._activity = row
        if not title:
            return row.reject("title", "empty_field", field=_label(row, "title"))
        return self._event(row, title, values)

    def _section(self, text: str | None) -> None:
        self._activity = None
        self._level = level_from_section(text or "") or EventLevel.CITY
        try:
            self._group = text_for(Event.__table__.c.programme_group, text, pick("板块", "section"))
            self._group_error = None
        except CrmError as error:
            self._group, self._group_error = None, error

    def _event(self, row: ProgrammeRow, title: str, values: dict) -> ProgrammeRow:
        columns = row.layout.columns.values()
        try:
            title = text_for(Event.__table__.c.title, title, _label(row, "title"), required=True)
        except CrmError as error:
            return row.reject("title", error.key, **error.params)
        first = self._titles.setdefault(title, row)
        if first is not row:
            return row.reject("title", "import_programme_same_title", sheet=first.sheet, row=first.row)
        if self._group_error is not None:
            return row.reject(None, self._group_error.key, **self._group_error.params)
        if row.parent is not None and row.parent.error is not None:
            return row.reject(None, "import_programme_activity_rejected", row=row.parent.row)
        data = EventInput(title=title, level=self._level.value, group=self._group or "")
        for name, check in _CHECKS.items():
            if name not in columns and not (name == "hosts" and "sponsors" in columns):
                continue
            try:
                setattr(data, name, check(self, row, values))
            except CrmError as error:
                return row.reject(_at_fault(row, name), error.key, **error.params)
        row.data = data
        return row

    def _when(self, row: ProgrammeRow, values: dict) -> object:
        """The time as written (a date cell as a date), once the time rule reads it; a meeting without
        a time of its own is held within its activity's."""
        cell = values.get("when")
        if _blank(cell):
            parent = row.parent.data if row.parent is not None else None
            return parent.when if parent is not None and parent.when else ""
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        elif not isinstance(cell, dt.date):
            cell = typed_text(int(cell) if isinstance(cell, float) and cell.is_integer() else cell)
        parse_when(cell, year=self.year)
        return cell


def _scale(_rules, _row, values: dict) -> object:
    scale = parse_scale(values.get("scale"))
    return "" if scale is None else scale


def _names_in(column, field_name: str, sources: tuple[str, ...] | None = None):
    """Several names in one cell (or in the cells of `sources`), each as long as `column` allows."""
    def check(_rules, row: ProgrammeRow, values: dict) -> list[str]:
        names = [name for source in sources or (field_name,) for name in split_names(values.get(source))]
        for name in names:
            text_for(column, name, _label(row, field_name))
        return list(dict.fromkeys(names))
    return check


def _text_in(column, field_name: str):
    def check(_rules, row: ProgrammeRow, values: dict) -> str:
        text = typed_text(values.get(field_name))
        if field_name != "notes":
            text = one_line(text)
        return text_for(column, text, _label(row, field_name)) or ""
    return check


# Each EventInput field a column fills, checked as the event service checks it.
_CHECKS = {
    "when": ProgrammeRules._when,
    "place": _text_in(Event.__table__.c.venue, "place"),
    "city": _text_in(Region.__table__.c.name, "city"),
    "scale": _scale,
    **{name: _names_in(Unit.__table__.c.name, name, sources) for name, sources in UNIT_FIELDS.items()},
    "industries": _names_in(Industry.__table__.c.name, "industries"),
    "invitee_types": _names_in(Event.__table__.c.title, "invitee_types"),
    "notes": _text_in(Event.__table__.c.description, "notes"),
}


def _at_fault(row: ProgrammeRow, name: str) -> str:
    """The column a field's error names: the 主办 column when the hosts come from it alone."""
    if name == "hosts" and "hosts" not in row.layout.columns.values():
        return "sponsors"
    return name


def _label(row: ProgrammeRow, name: str) -> str:
    return row.layout.header_of(_at_fault(row, name)) or pick(*FIELD_LABELS[name])


def _numbering(value: object, *, bare: bool = False) -> tuple[str | None, str | None]:
    """How a cell is numbered, and its text after the number: ("activity", "江西省…推介会")."""
    if _blank(value):
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (ACTIVITY if float(value).is_integer() else MEETING), None
    text = one_line(typed_text(value))
    if bare:
        for depth, pattern in _BARE_NUMBER:
            if pattern.match(text):
                return depth, None
    for depth, pattern in _NUMBERING:
        if match := pattern.match(text):
            return depth, text[match.end():].strip() or None
    return None, text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
