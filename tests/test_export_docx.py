"""`crm export plan|summary --format docx`: the work plan and the summary as Word documents in the 公文
layout, opened with python-docx and checked against the event report they are built from."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy import select

from crm.exporting.document import zh_number
from crm.exporting.workbook import yi
from crm.services.event_report import event_report
from crm.services.events import units_by_role
from db.models import Event, Invitation, InvitationStatus, Organization
from db.session import Database
from tests.conftest import TODAY

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
INVITEE_HEADER = ["序号", "姓名", "单位", "职务", "客商类别", "邀请状态", "备注"]
PROJECT_HEADER = ["序号", "项目名称", "投资方", "产业", "所在地", "签约形式", "合同引资额\n（亿元）", "签约时间",
                  "当前\n阶段", "到位资金\n（亿元）"]
HOSTILE = "=cmd|' /C calc'!A0 <b>粗体</b>\x00{ PAGE }尾"


def _export(cli, url, tmp_path, what, ref, *args, name=None):
    path = tmp_path / (name or f"{what}-{ref}.docx")
    result = cli("--db", url, "export", what, ref, *args, "--out", path)
    assert result.code == 0, result.err
    assert str(path) in result.out
    return docx.Document(str(path)), path


def _report(url, ref):
    database = Database(url)
    try:
        with database.unit_of_work(write=False) as session:
            return event_report(session, ref, TODAY, today=TODAY)
    finally:
        database.dispose()


def _blocks(document):
    """The body's paragraphs and tables in order."""
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            yield Paragraph(element, document)
        elif element.tag == qn("w:tbl"):
            yield Table(element, document)


def _paragraphs(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _close(length, mm: float) -> bool:
    return abs(length.mm - mm) < 0.1


def _east_asia(document, style: str) -> str:
    return document.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))


def assert_official_layout(document) -> None:
    """A4 portrait with the GB/T 9704 margins, fonts named for Chinese text with fallbacks in the font
    table, the fixed 28.95 pt line, the two-character indent and the page number field in the footers."""
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _close(section.page_width, 210) and _close(section.page_height, 297)
    assert _close(section.top_margin, 37) and _close(section.bottom_margin, 35)
    assert _close(section.left_margin, 28) and _close(section.right_margin, 26)

    assert _east_asia(document, "Normal") == "仿宋_GB2312"
    assert _east_asia(document, "Title") == "方正小标宋简体"
    assert _east_asia(document, "Heading 1") == "黑体"
    assert _east_asia(document, "Heading 2") == "楷体_GB2312"
    assert _east_asia(document, "Heading 3") == "仿宋_GB2312" and document.styles["Heading 3"].font.bold
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):  # no theme font overrides the names
        assert not any("Theme" in name for name in document.styles[style].element.rPr.rFonts.attrib)
    assert document.styles["Normal"].font.size.pt == 16 and document.styles["Title"].font.size.pt == 22
    body = document.styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY and abs(body.line_spacing.pt - 28.95) < 0.01
    assert document.styles["Normal"].element.pPr.ind.get(qn("w:firstLineChars")) == "200"

    table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").blob
    fallbacks = dict(re.findall(rb'<w:font w:name="([^"]+)"><w:altName w:val="([^"]+)"/>', table))
    assert fallbacks["方正小标宋简体".encode()] == "宋体".encode()
    assert fallbacks["仿宋_GB2312".encode()] == "仿宋".encode()
    assert fallbacks["楷体_GB2312".encode()] == "楷体".encode()

    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml) and 'w:fldCharType="begin"' in xml
        assert footer.paragraphs[0].text == "— 1 —"


def test_plan_of_a_meeting(cli, demo_backend, tmp_path):
    url = demo_backend.url
    document, path = _export(cli, url, tmp_path, "plan", "A2-PV", "--format", "docx")
    report = _report(url, "A2-PV")
    assert_official_layout(document)

    paragraphs = document.paragraphs
    assert paragraphs[0].text == "赣工信科技字[2011]144号"  # the programme's 文号, above the title
    assert paragraphs[1].style.name == "Title" and paragraphs[1].text == "光伏产业合作推进会工作方案"
    assert _paragraphs(document, "Heading 1") == ["一、活动概况", "二、组织分工", "三、嘉宾邀请", "四、时间安排"]
    text = _text(document)
    assert "《江西省工信委2011年战略性新兴产业推介活动工作方案》（赣工信科技字[2011]144号）" in text
    # time, place, scale, participants, scope and the organizers by role (seed 三、(一))
    for line in ("（一）时间和地点。2011年11月（日期未定），南昌市。", "（二）规模。约250人。",
                 "（三）参会人员。邀请国家部委领导、国内外客商、重点产业园区、省重点光伏企业代表等嘉宾参会。",
                 "（四）范围。光伏产业。", "（一）承办单位。新余市政府、上饶市政府、南昌市政府、九江市政府、景德镇市政府。",
                 "（三）衔接协调。省工信委新兴产业处。"):
        assert line in text
    assert "工作方案须提前一个半月，于2011年9月17日前报省政府。" in text
    assert f"已列入拟邀请嘉宾名单{len(report.invitees)}人" in text
    assert "附件：拟邀请嘉宾名单" in text and "2026年11月27日" in text

    # The invitee list is the attachment, on a landscape page of its own.
    assert len(document.tables) == 1
    rows = _rows(document.tables[0])
    assert rows[0] == INVITEE_HEADER and len(rows) == len(report.invitees) + 1
    assert [r[1] for r in rows[1:]] == [i.name or "待定" for i in report.invitees]
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE and len(document.sections) == 2
    assert "附件" in _paragraphs(document, "Normal")

    # The workbook form is still there, and is what --out FILE.xlsx gives.
    result = cli("--db", url, "export", "plan", "A2-PV", "--out", tmp_path / "plan.xlsx")
    assert result.code == 0 and zipfile.ZipFile(tmp_path / "plan.xlsx").getinfo("xl/workbook.xml")


def test_summary_of_an_activity(cli, demo_backend, tmp_path):
    url = demo_backend.url
    document, _ = _export(cli, url, tmp_path, "summary", "A2", "--format", "docx")
    report = _report(url, "A2")
    assert_official_layout(document)
    title = "第二届世界低碳与生态经济大会期间产业合作推进会"
    assert _paragraphs(document, "Title") == [f"{title}工作总结", f"{title}签约项目表", f"{title}客商邀请名单"]
    assert _paragraphs(document, "Heading 1") == ["一、活动基本情况", "二、活动成效", "三、下一步工作"]
    assert _paragraphs(document, "Heading 2") == ["（一）嘉宾邀请和出席情况", "（二）项目签约情况", "（三）跟踪服务情况"]
    text = _text(document)
    meetings = [e.title for e in report.scope[1:]]
    for n, meeting in enumerate(meetings, start=1):  # each meeting's outcome, in programme order
        assert f"（{zh_number(n)}）{meeting}。于2011年11月在南昌市举办" in text

    # attendance by category
    attended = report.count(InvitationStatus.ATTENDED)
    assert f"共邀请客商{len(report.invitees)}人，其中已出席{attended}人" in text
    tables = document.tables
    assert len(tables) == 3
    by_category = _rows(tables[0])
    assert by_category[0] == ["客商类别", "拟邀请", "已邀请", "已确认", "已出席", "婉拒", "合计"]
    assert [r[0] for r in by_category[1:]] == [*report.categories, "合计"]
    assert by_category[-1][1:] == [str(report.count(s)) for s in InvitationStatus] + [str(len(report.invitees))]

    # projects signed with amounts
    total = sum((p.amount for p in report.projects), Decimal(0))
    assert f"活动共签约项目{len(report.projects)}个，合同引资额{yi(total):,.2f}亿元" in text
    projects = _rows(tables[1])
    assert projects[0] == [*PROJECT_HEADER[:8], "签约会议", *PROJECT_HEADER[8:]]
    assert len(projects) == len(report.projects) + 2  # header and 合计
    assert [r[1] for r in projects[1:-1]] == [p.name for p in report.projects]
    assert {r[8] for r in projects[1:-1]} <= set(meetings)
    assert projects[-1][1] == "合计" and projects[-1][6] == f"{yi(total):,.2f}"

    # follow-up so far: one item per project, numbered 1. 2. …
    assert f"累计开展跟踪服务{sum(report.followups.values())}次" in text
    items = [p.text for p in document.paragraphs if p.runs and p.runs[0].style.name == "Heading 3 Char"]
    assert [i.split("（")[0] for i in items] == [f"{n}.{p.name}" for n, p in enumerate(report.projects, start=1)]

    invitees = _rows(tables[2])
    assert invitees[0] == [*INVITEE_HEADER[:6], "会议", "备注"] and len(invitees) == len(report.invitees) + 1
    assert "附件：1.签约项目表" in text and "2.客商邀请名单" in text
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]


def test_plan_of_an_activity_and_summary_of_a_meeting(cli, sqlite_demo_template, tmp_path):
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    document, _ = _export(cli, url, tmp_path, "plan", "A2", "--format", "docx")
    assert _paragraphs(document, "Heading 1") == ["一、活动概况", "二、组织分工", "三、会议安排", "四、嘉宾邀请", "五、时间安排"]
    assert _paragraphs(document, "Heading 2") == ["（一）光伏产业合作推进会", "（二）新能源汽车及动力电池产业合作推进会",
                                                  "（三）服务外包产业合作推进会"]
    text = _text(document)
    assert "1.时间和地点。2011年11月（日期未定），南昌市。" in text
    assert "4.组织分工。由宜春市政府承办，南昌市政府、吉安市政府、赣州市政府协办，有关设区市政府、相关省直部门配合，" \
           "省工信委装备工业处衔接协调。" in text
    assert "（二）规模。各场会议合计约650人。" in text

    # A meeting's summary (no .docx format given: the name of --out says it), its tables against the report.
    document, _ = _export(cli, url, tmp_path, "summary", "A2-PV")
    report = _report(url, "A2-PV")
    assert _paragraphs(document, "Title")[0] == "光伏产业合作推进会工作总结"
    projects = _rows(document.tables[1])
    assert projects[0] == PROJECT_HEADER and len(projects) == len(report.projects) + 2
    invitees = _rows(document.tables[2])
    assert invitees[0] == INVITEE_HEADER and len(invitees) == len(report.invitees) + 1


def test_english_headings(cli, sqlite_demo_template, tmp_path):
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    path = tmp_path / "summary.docx"
    assert cli("--lang", "en", "--db", url, "export", "summary", "A2-PV", "--format", "docx", "--out", path).code == 0
    document = docx.Document(str(path))
    assert _paragraphs(document, "Heading 1") == ["1. The event", "2. Outcome", "3. Next steps"]
    assert _paragraphs(document, "Heading 2") == ["2.1 Invitations and attendance", "2.2 Projects signed",
                                                  "2.3 Follow-up so far"]
    assert _rows(document.tables[1])[0][:2] == ["No.", "Project"]
    assert _east_asia(document, "Normal") == "仿宋_GB2312"  # the Chinese names in it still want a Chinese font


def test_user_text_is_plain_text(cli, sqlite_demo_template, tmp_path):
    """Text that looks like a formula, markup or a field comes out as it was typed, minus the NUL."""
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    database = Database(url)
    with database.unit_of_work() as session:  # straight into the tables, as data other tools wrote would be
        event = session.scalar(select(Event).where(Event.ref == "A2-PV"))
        event.description = HOSTILE
        org = Organization(name=HOSTILE, name_key="hostile")
        session.add(Invitation(event=event, organization=org, status=InvitationStatus.PROPOSED, notes=HOSTILE,
                               owner_unit_id=event.owner_unit_id))
    database.dispose()
    clean = HOSTILE.replace("\x00", "")

    for what in ("plan", "summary"):
        document, path = _export(cli, url, tmp_path, what, "A2-PV", "--format", "docx")
        assert any(p.text.endswith(clean + "。") for p in document.paragraphs)  # the description, as a sentence
        listed = next(r for r in _rows(document.tables[-1]) if r[2] == clean)
        assert listed[1] == "待定" and listed[-1] == clean
        with zipfile.ZipFile(path) as package:
            body = package.read("word/document.xml").decode()
        assert "\x00" not in body and "&lt;b&gt;粗体&lt;/b&gt;" in body and "<b>" not in body
        assert "instrText" not in body and "fldSimple" not in body and "fldChar" not in body  # no field but PAGE


def test_refusals(cli, sqlite_demo_template, tmp_path):
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    for what in ("plan", "summary"):
        wrong = tmp_path / f"{what}.xlsx"
        result = cli("--db", url, "export", what, "A2-PV", "--format", "docx", "--out", wrong)
        assert result.code == 1 and "须以 .docx 结尾" in result.err and result.err.count("\n") == 1
        assert not wrong.exists()
        result = cli("--db", url, "export", what, "A2-PV", "--format", "xlsx", "--out", tmp_path / f"{what}.docx")
        assert result.code == 1 and "须以 .xlsx 结尾" in result.err and result.err.count("\n") == 1
        folder = tmp_path / f"{what}-folder.docx"
        folder.mkdir()
        result = cli("--db", url, "export", what, "A2-PV", "--format", "docx", "--out", folder)
        assert result.code == 1 and "文件夹" in result.err and result.err.count("\n") == 1
        result = cli("--db", url, "export", what, "A2-PV", "--out", tmp_path)
        assert result.code == 1 and result.err.count("\n") == 1
        earlier = tmp_path / f"{what}-earlier.docx"  # a failed export leaves the file as it was
        earlier.write_bytes(b"earlier")
        result = cli("--db", url, "export", what, "Z9", "--format", "docx", "--out", earlier)
        assert result.code == 1 and "找不到活动：Z9" in result.err
        assert earlier.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def _facts(url, ref):
    """What the documents must say about the event, read from the database: its time, place and planned
    scale, its organizers by role, and the projects signed at it (name, amount in 亿元)."""
    database = Database(url)
    try:
        with database.unit_of_work(write=False) as session:
            event = session.scalar(select(Event).where(Event.ref == ref))
            report = event_report(session, ref, TODAY, today=TODAY)
            return {"starts_on": event.starts_on, "ends_on": event.ends_on, "precision": event.date_precision,
                    "scale": event.planned_scale, "organizers": units_by_role(event),
                    "projects": [(p.name, yi(p.amount)) for p in report.projects]}
    finally:
        database.dispose()


def _squeezed(text: str) -> str:
    """Text without white space: pdftotext breaks lines where the page does and puts spaces between
    Chinese and digits, and the documents' own text has none."""
    return re.sub(r"\s+", "", text)


def _pdf_text(pdf) -> str:
    """The text of a PDF as pdftotext reads it, squeezed, the page footers (— 2 —) taken out wherever a
    page break cut into a sentence."""
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"—\d+—", "", _squeezed(text))


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_documents_convert_to_pdf(cli, sqlite_demo_template, tmp_path):
    """The plan and the summary of a demo meeting open in LibreOffice and, as PDF, say the event's time,
    scale and organizers (and the summary the projects signed, with their amounts)."""
    url = str(tmp_path / "demo.sqlite3")
    shutil.copy(sqlite_demo_template, url)
    paths = [_export(cli, url, tmp_path, what, "A2-PV", "--format", "docx")[1] for what in ("plan", "summary")]
    converted = subprocess.run(
        [OFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    pdfs = [tmp_path / "pdf" / f"{path.stem}.pdf" for path in paths]
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF")
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDFs' text is not checked")
    for pdf in pdfs:
        text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)  # the page numbers, counted

    facts = _facts(url, "A2-PV")
    plan, summary = (_pdf_text(pdf) for pdf in pdfs)
    # Worked out by hand from the demo's A2-PV: November 2011, no day fixed, in 南昌市; about 250 people.
    assert (facts["starts_on"], facts["ends_on"], facts["precision"], facts["scale"]) == (
        dt.date(2011, 11, 1), dt.date(2011, 11, 30), "month", 250)
    assert "光伏产业合作推进会工作方案" in plan and "赣工信科技字[2011]144号" in plan
    assert "（一）时间和地点。2011年11月（日期未定），南昌市。" in plan
    assert f"（二）规模。约{facts['scale']}人。" in plan
    organizers = facts["organizers"]
    assert organizers["hosts"] and organizers["coordinators"]
    for key, head in (("hosts", "承办单位"), ("co_hosts", "协办单位"), ("supporters", "配合单位"),
                      ("coordinators", "衔接协调")):
        if organizers[key]:
            assert _squeezed(f"{head}。{'、'.join(organizers[key])}。") in plan, key

    assert "光伏产业合作推进会工作总结" in summary
    assert "于2011年11月在南昌市举办光伏产业合作推进会" in summary
    assert f"计划规模约{facts['scale']}人" in summary
    assert _squeezed(f"由{'、'.join(organizers['hosts'])}承办") in summary
    assert _squeezed(f"{'、'.join(organizers['coordinators'])}衔接协调") in summary
    projects = facts["projects"]
    assert len(projects) == 4  # the demo's meeting signed four
    total = sum((amount for _name, amount in projects), Decimal(0))
    assert f"活动共签约项目{len(projects)}个，合同引资额{total:,.2f}亿元" in summary
    table = summary[summary.index("光伏产业合作推进会签约项目表"):]  # attachment 1
    for name, amount in projects:  # each in the follow-up so far and in the attached table
        assert f"{_squeezed(name)}（" in summary and f"合同项目，合同引资额{amount:,.2f}亿元" in summary, name
        assert _squeezed(name) in table and f"{amount:,.2f}" in table, name
    assert "合计" in table and f"{total:,.2f}" in table
