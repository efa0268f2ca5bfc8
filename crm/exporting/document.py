"""The Word form every document export shares: the 公文 layout of GB/T 9704-2012, as python-docx writes
it, for a text the user finishes in WPS or Word before filing it (a good start, not a locked form).

Layout: A4 portrait, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 仿宋_GB2312 三号
(16 pt) at a fixed 28.95 pt line (22 lines a page), justified, first line indented two characters; title
方正小标宋简体 二号 (22 pt) centred; headings 一、 in 黑体, （一） in 楷体_GB2312, 1. in 仿宋 bold, all
indented like the body; page numbers 四号 宋体 in the footer as "— 1 —", odd pages on the right and even
pages on the left, one character in (a PAGE field). Wide tables go to attachments (附件) on landscape
pages, their header row repeated on every page.

Everything is a named style (正文 Normal, 标题 Title, 标题 1–3 Heading 1–3, the tables' and the footer's)
so that one change in WPS or Word restyles the whole document. Fonts are named for the East Asian script
(w:eastAsia) with Times New Roman for Latin letters and digits; the font table gives each 公文 font the
font every office suite has as its alternate (w:altName) and its GB2312 character set, so that a computer
without 方正小标宋简体 or 仿宋_GB2312 shows 宋体 or 仿宋 instead of an arbitrary face:
    方正小标宋简体 → 宋体 (SimSun)    仿宋_GB2312 → 仿宋 (FangSong)    楷体_GB2312 → 楷体 (KaiTi)
    黑体 (SimHei)    宋体 (SimSun)

User text is data: runs of text, never fields (the one field, PAGE, is ours), with the control characters
XML cannot hold removed. The file appears whole or not at all (crm.outputs.written_whole)."""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from crm.errors import CrmError
from crm.i18n import language, pick
from crm.outputs import check_output_path, os_reason, written_whole

# GB/T 9704-2012 7.1 and 7.2: A4, the type area 156 mm × 225 mm placed by these margins.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
HEADER_DISTANCE = Mm(15)
# The page number's line (四号, about 6 mm tall) sits 7 mm under the type area (GB/T 9704 7.5): the
# footer is this far above the bottom margin's edge.
FOOTER_ABOVE_MARGIN = Mm(13)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TABLE_FONT = BODY_FONT
# Each 公文 font and the one it falls back to where it is missing (written to the font table).
FONT_FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体", "宋体": "SimSun", "黑体": "SimHei",
                  "仿宋": "FangSong", "楷体": "KaiTi"}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
TITLE_LINE = Pt(36)
TABLE_LINE = Pt(16)
CELL_MARGIN = Mm(1)
INDENT_CHARS = 2

# Characters XML 1.0 cannot carry (tab, LF and CR can: python-docx writes them as a tab and line breaks).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ZH_DIGITS = "零一二三四五六七八九"
LEFT, CENTER, RIGHT = "left", "center", "right"
_ALIGN = {LEFT: WD_ALIGN_PARAGRAPH.LEFT, CENTER: WD_ALIGN_PARAGRAPH.CENTER, RIGHT: WD_ALIGN_PARAGRAPH.RIGHT}


def plain(value: object) -> str:
    """Text as a document can hold it: the characters XML cannot carry removed; None is empty."""
    if value is None:
        return ""
    text = str(value)
    return _ILLEGAL_XML.sub("", text) if _ILLEGAL_XML.search(text) else text


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers; beyond 99 in digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _ZH_DIGITS[tens] + "十")
    return head + (_ZH_DIGITS[ones] if ones else "")


def heading_number(level: int, counters: Sequence[int]) -> str:
    """一、 （一） 1. in Chinese (GB/T 9704 7.3.3); 1. 1.1 1.1.1 in English."""
    n = counters[level - 1]
    if language() == "en":
        return ".".join(str(c) for c in counters[:level]) + ("." if level == 1 else "") + " "
    return (f"{zh_number(n)}、", f"（{zh_number(n)}）", f"{n}.")[level - 1]


def day_text(day: dt.date | None) -> str:
    """2011年9月17日, as 公文 write dates (GB/T 9704 7.3.5.2); ISO in English."""
    if day is None:
        return pick("待定", "not fixed")
    return pick(f"{day.year}年{day.month}月{day.day}日", day.isoformat())


@dataclass(frozen=True)
class TableColumn:
    """A column as wide as `mm` (numbers, dates, short words), or a `weight` share of what the fixed
    columns leave (names, which may wrap). A header wraps where it holds a line break."""
    header: str
    mm: float | None = None
    weight: float = 1.0
    align: str = CENTER


class OfficialDocument:
    """One 公文: the title (with the document number above it), the body in numbered headings and
    paragraphs, the attachments note and the date, then attachments each on a page of its own."""

    def __init__(self, *, title: str, document_no: str | None = None, subject: str = "") -> None:
        self.doc = Document()
        self.counters = [0, 0, 0]
        self._landscape = False
        self._setup(title, subject)
        if document_no:
            self.paragraph(document_no, align=CENTER, indent=False, style=self.styles["number"])
        self.title(title)

    # --- writing -------------------------------------------------------------------------------------
    def title(self, text: str) -> None:
        self.doc.add_paragraph(plain(text), style="Title")

    def paragraph(self, *parts: str | tuple[str, str], align: str | None = None, indent: bool = True,
                  style=None):
        """A body paragraph from parts: text, or (text, character style) for a run-in heading."""
        p = self.doc.add_paragraph(style=style)
        for part in parts:
            text, char_style = part if isinstance(part, tuple) else (part, None)
            p.add_run(plain(text), style=char_style)
        if align is not None:
            p.alignment = _ALIGN[align]
        if not indent:
            _no_indent(p)
        return p

    def heading(self, level: int, text: str) -> None:
        """一、活动概况 as a heading paragraph of its own (it shows in the navigation pane)."""
        self.doc.add_paragraph(self._number(level) + plain(text), style=f"Heading {level}")

    def item(self, level: int, head: str, text: str | None = None) -> None:
        """（一）时间。2011年11月。 — a run-in heading and its text in one paragraph, as 公文 write them."""
        end = pick("。", ".") if head and head[-1] not in "。.：:？?" else ""
        parts: list = [(self._number(level) + plain(head) + end, f"Heading {level} Char")]
        if text:
            parts.append(pick(text, " " + text[:1].upper() + text[1:]))
        self.paragraph(*parts)

    def table(self, columns: Sequence[TableColumn], rows: Iterable[Sequence[object]], *,
              total: Sequence[object] | None = None):
        """A grid table as wide as the type area, the header row repeated on every page; values as text."""
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table, CELL_MARGIN)
        widths = _widths(columns, self._text_width())
        for column, w in zip(table.columns, widths):
            column.width = w
        header = table.rows[0]
        _keep_row(header, repeat=True)
        for cell, column, w in zip(header.cells, columns, widths):
            self._cell(cell, column.header, CENTER, w, self.styles["table_header"])
        for values in rows:
            self._row(table, columns, widths, values)
        if total is not None:
            self._row(table, columns, widths, total, style=self.styles["table_header"])
        return table

    def attachments_note(self, names: Sequence[str]) -> None:
        """附件：1.签约项目表 under the body (GB/T 9704 7.3.4), the names aligned under each other."""
        if not names:
            return
        label = pick("附件：", "Attachments: ")
        if len(names) == 1:
            self.paragraph(label + plain(names[0]))
            return
        for n, name in enumerate(names, start=1):
            p = self.paragraph((label if n == 1 else "") + f"{n}.{plain(name)}")
            if n > 1:  # under the first name, past 附件：
                _indent_chars(p._p.get_or_add_pPr(), INDENT_CHARS + len(label), BODY_SIZE)

    def date_line(self, day: dt.date) -> None:
        """成文日期, right-aligned four characters in (GB/T 9704 7.3.5.2), a blank line above it."""
        self.paragraph("", indent=False)
        p = self.paragraph(day_text(day), align=RIGHT, indent=False)
        p.paragraph_format.right_indent = Emu(BODY_SIZE * 4)

    def attachment(self, number: int | None, title: str, *, landscape: bool = False) -> None:
        """A new page (landscape for a wide table) headed 附件1 in 黑体 on the left, then its title."""
        if landscape != self._landscape:
            self._new_section(landscape)
            new_page = False
        else:
            new_page = True
        mark = pick("附件", "Attachment") + ("" if number is None else pick(f"{number}", f" {number}"))
        p = self.paragraph((mark, "Heading 1 Char"), indent=False)
        p.paragraph_format.page_break_before = new_page
        p.paragraph_format.keep_with_next = True
        self.title(title)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the document to `path` (a .docx) whole or not at all."""
        target = check_output_path(path)
        if target.suffix.lower() != ".docx":
            raise CrmError("export_not_docx", path=str(target))
        with written_whole(target) as temporary:
            try:
                self.doc.save(str(temporary))
            except OSError as error:
                raise CrmError("write_failed", path=str(target), reason=os_reason(error)) from None
        return target

    # --- the parts -----------------------------------------------------------------------------------
    def _number(self, level: int) -> str:
        self.counters[level - 1] += 1
        for deeper in range(level, len(self.counters)):
            self.counters[deeper] = 0
        return heading_number(level, self.counters)

    def _text_width(self) -> int:
        section = self.doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def _row(self, table, columns, widths, values, *, style=None) -> None:
        row = table.add_row()
        _keep_row(row)
        cells = row.cells
        for cell, column, w, value in zip(cells, columns, widths, values):
            self._cell(cell, value, column.align, w, style or self.styles["table"])

    def _cell(self, cell, value: object, align: str, width: int, style) -> None:
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.style = style
        p.alignment = _ALIGN[align]
        text = plain(value)
        if text:
            p.add_run(text)

    def _new_section(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._landscape = landscape
        if landscape:  # the portrait page turned: its margins turn with it
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
            section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
            section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
            section.footer_distance = MARGIN_RIGHT - FOOTER_ABOVE_MARGIN
        else:
            _portrait(section)

    # --- the styles, the page and the package --------------------------------------------------------
    def _setup(self, title: str, subject: str) -> None:
        doc = self.doc
        _portrait(doc.sections[0])
        _page_numbers(doc)
        styles = doc.styles
        zh = language() != "en"

        _defaults(doc)
        normal = styles["Normal"]
        _restyle(normal, east_asia=BODY_FONT, size=BODY_SIZE)
        fmt = normal.paragraph_format
        fmt.line_spacing = LINE
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.widow_control = False
        _first_line_chars(normal, INDENT_CHARS, BODY_SIZE)

        title_style = styles["Title"]
        _restyle(title_style, east_asia=TITLE_FONT, size=TITLE_SIZE, latin=TITLE_FONT)
        fmt = title_style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = TITLE_LINE
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.space_before = Pt(0)
        fmt.space_after = LINE  # one blank line under the title (GB/T 9704 7.3.3)
        fmt.keep_with_next = True
        _indent_chars(title_style.element.get_or_add_pPr(), 0, Pt(0))

        heading_fonts = {1: HEADING1_FONT, 2: HEADING2_FONT, 3: BODY_FONT}
        for level, font in heading_fonts.items():
            bold = level == 3 or (not zh and level == 1)
            italic = not zh and level == 2
            for name in (f"Heading {level}", f"Heading {level} Char"):
                _restyle(styles[name], east_asia=font, size=BODY_SIZE, bold=bold, italic=italic)
            fmt = styles[f"Heading {level}"].paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing = LINE
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.keep_with_next = True

        footer = styles["Footer"]
        _restyle(footer, east_asia=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, latin=PAGE_NUMBER_FONT)
        footer.paragraph_format.line_spacing = 1.0
        _indent_chars(footer.element.get_or_add_pPr(), 0, Pt(0))

        self.styles = {
            "number": _paragraph_style(styles, pick("发文字号", "Document Number"), BODY_FONT, BODY_SIZE),
            "table": _paragraph_style(styles, pick("表格文字", "Table Text"), TABLE_FONT, TABLE_SIZE, line=TABLE_LINE),
            "table_header": _paragraph_style(styles, pick("表格表头", "Table Header"), HEADING1_FONT, TABLE_SIZE,
                                             line=TABLE_LINE, bold=not zh),
        }
        self.styles["number"].paragraph_format.space_after = LINE

        _font_table(doc)
        _chinese_settings(doc)
        _drop_thumbnail(doc)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        props = doc.core_properties
        props.title, props.subject = plain(title), plain(subject)
        props.author = props.last_modified_by = props.comments = props.keywords = props.category = ""
        props.language = "zh-CN" if zh else "en-US"
        props.created = props.modified = now
        props.revision = 1


def _portrait(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, MARGIN_BOTTOM - FOOTER_ABOVE_MARGIN
    section.gutter = 0


def _page_numbers(doc) -> None:
    """— 1 — in the footer: odd pages on the right, even pages on the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Footer"]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = PAGE_NUMBER_SIZE
        else:
            p.paragraph_format.left_indent = PAGE_NUMBER_SIZE
        p.add_run("— ")
        _field(p, "PAGE", "1")
        p.add_run(" —")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, the value shown until it is updated, end)."""
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _restyle(style, *, east_asia: str, size: Pt, latin: str = LATIN_FONT, bold: bool = False,
             italic: bool = False) -> None:
    """A style's own character formatting replaced: fonts named for each script (no theme fonts), size,
    bold, italic, black."""
    rPr = style.element.get_or_add_rPr()
    for child in list(rPr):
        rPr.remove(child)
    fonts = rPr.get_or_add_rFonts()
    for attribute, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attribute), name)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = italic
    if style.type == WD_STYLE_TYPE.PARAGRAPH:
        pPr = style.element.get_or_add_pPr()
        for tag in ("w:spacing", "w:pBdr", "w:contextualSpacing", "w:ind"):
            for child in pPr.findall(qn(tag)):
                pPr.remove(child)


def _paragraph_style(styles, name: str, east_asia: str, size: Pt, *, line: Pt | None = None, bold: bool = False):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    _restyle(style, east_asia=east_asia, size=size, bold=bold)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    if line is not None:
        fmt.line_spacing = line
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    _indent_chars(style.element.get_or_add_pPr(), 0, Pt(0))
    return style


def _first_line_chars(style, chars: int, size: Pt) -> None:
    """First line indented by characters (w:firstLineChars, which WPS and Word read) and, for the rest,
    by the same width in points."""
    _indent_chars(style.element.get_or_add_pPr(), chars, size)


def _indent_chars(pPr, chars: int, size: Pt) -> None:
    ind = pPr.get_or_add_ind()
    ind.set(qn("w:firstLine"), str(int(size.pt * chars * 20)))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _no_indent(paragraph) -> None:
    _indent_chars(paragraph._p.get_or_add_pPr(), 0, Pt(0))


def _widths(columns: Sequence[TableColumn], width: int) -> list[Emu]:
    """Fixed columns as given (shrunk alike where they alone would overflow), the rest shared by weight."""
    fixed = sum(Mm(c.mm) for c in columns if c.mm is not None)
    weights = sum(c.weight for c in columns if c.mm is None)
    scale = min(1.0, width / fixed) if fixed else 1.0
    left = max(0, width - fixed * scale)
    return [Emu(int(Mm(c.mm) * scale)) if c.mm is not None else Emu(int(left * c.weight / weights))
            for c in columns]


def _keep_row(row, *, repeat: bool = False) -> None:
    """A row is never split across pages; the header row repeats on every page."""
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    if repeat:
        trPr.append(OxmlElement("w:tblHeader"))


def _cell_margins(table, margin: Emu) -> None:
    """Narrow cell margins left and right, so that four-character words fit their columns."""
    tblPr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        element = OxmlElement(side)
        element.set(qn("w:w"), str(int(margin / 635)))  # EMU → twentieths of a point
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    later = [tblPr.find(qn(tag)) for tag in ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")]
    later = [element for element in later if element is not None]
    if later:  # the schema's order, which Word holds to
        later[0].addprevious(margins)
    else:
        tblPr.append(margins)


def _defaults(doc) -> None:
    """The document defaults: fonts by script and Chinese as the East Asian language."""
    rPr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rPr.find(qn("w:rFonts"))
    if fonts is not None:
        rPr.remove(fonts)
    fonts = OxmlElement("w:rFonts")
    for attribute, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", BODY_FONT),
                            ("w:cs", LATIN_FONT)):
        fonts.set(qn(attribute), name)
    rPr.insert(0, fonts)
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rPr.append(lang)
    for attribute in list(lang.attrib):
        del lang.attrib[attribute]
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _chinese_settings(doc) -> None:
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), "zh-CN")


# The font table: each font's character set (86 = GB2312), family and pitch, and the font to use where it
# is missing (w:altName). Office suites match a missing font by these.
_FONTS = (
    (LATIN_FONT, None, "00", "roman", "variable", "02020603050405020304"),
    ("宋体", "SimSun", "86", "auto", "variable", "02010600030101010101"),
    ("黑体", "SimHei", "86", "modern", "fixed", "02010609060101010101"),
    ("仿宋", "FangSong", "86", "modern", "fixed", "02010609060101010101"),
    ("楷体", "KaiTi", "86", "modern", "fixed", "02010609060101010101"),
    (BODY_FONT, "仿宋", "86", "modern", "fixed", None),
    (HEADING2_FONT, "楷体", "86", "modern", "fixed", None),
    (TITLE_FONT, "宋体", "86", "auto", "variable", None),
)


def _font_table(doc) -> None:
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    entries = []
    for name, alternate, charset, family, pitch, panose in _FONTS:
        inner = (f'<w:altName w:val="{alternate}"/>' if alternate else "") + \
            (f'<w:panose1 w:val="{panose}"/>' if panose else "") + \
            f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
        entries.append(f'<w:font w:name="{name}">{inner}</w:font>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:fonts xmlns:w="{w}">{"".join(entries)}</w:fonts>')
    part._blob = xml.encode("utf-8")


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a picture of its own first page, which file managers would show."""
    rels = doc.part.package.rels
    for rId, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rId]
