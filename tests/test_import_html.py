"""An HTML table saved with an .xls name (what many web systems export) is read like a workbook: told by
its bytes, in the charset it declares (or UTF-8, or GB18030), <th> and <td> alike, &nbsp; a space, <br> a
line break, rowspan and colspan as merged areas; and as safely as the other formats: no entity expanded,
nothing fetched, sizes and spans bounded by the limits of every format, a page without a table refused."""
from __future__ import annotations

import socket
import time

import pytest

from crm.errors import FileRefused
from crm.importing import bounds, html_table, reader
from crm.importing.parse import parse_file
from crm.importing.reader import open_workbook
from tests.conftest import SAMPLES
from tests.fixtures.make_invitee_samples import WEB_HEADER, WEB_TITLE

LIST = "<table><tr><th>姓名</th><th>单位</th></tr><tr><td>张三</td><td>赣州稀土集团</td></tr></table>"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def read(path) -> dict[str, tuple[list[list], list]]:
    book = open_workbook(path)
    assert book.format == "html"
    return {sheet.name: (sheet.rows, sheet.merged) for sheet in book.sheets()}


def refusal(path) -> str:
    start = time.perf_counter()
    with pytest.raises(FileRefused) as caught:
        open_workbook(path)
    assert time.perf_counter() - start < 10, "refusals come within seconds"
    return caught.value.key


def test_the_web_export_sample():
    sheets = read(SAMPLES / "invitees-web-export.xls")
    rows, merged = sheets["invitees-web-export"]
    assert rows == [
        [WEB_TITLE, *[""] * 7],
        WEB_HEADER,
        ["1", "张伟", "昊嘉科技有限公司", "总经理", "13725079043", "juan32@yahoo.com", "0701-6234501", ""],
        ["2", "李平", "", "董事长", "136 2648 4208", "uding@hotmail.com", "", ""],  # 单位: the span from above
        ["3", "符 瑜", "时刻科技有限公司", "处长", "+86 138-9676-3807", "wzhou@gmail.com", "", "拟确认\n需接站"],
        ["4", "熊志强", "创联世纪信息有限公司", "副总裁\n董事会秘书", "13883424050", "linjuan@gmail.com", "", ""],
        ["5", "田 甜", "鹰潭示例铜材有限公司", "采购经理", "13970100017", "tiantian@example.com", "0701-6200017", ""],
        ["共计：5人", *[""] * 7],
    ]
    assert merged == [((0, 0), (0, 7)), ((2, 2), (3, 2)), ((7, 0), (7, 7))]


@pytest.mark.parametrize("encoding,head", [
    ("utf-8", '<meta charset="utf-8">'),
    ("utf-8", ""),
    ("utf-8-sig", ""),
    ("gbk", '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'),
    ("gb2312", "<META HTTP-EQUIV=Content-Type CONTENT='text/html;charset=gb2312'>"),
    ("gb18030", ""),  # nothing declared, not UTF-8
    ("gbk", '<meta charset="utf-8">'),  # declared wrongly, as exports sometimes do
    ("utf-8", '<meta charset="utf-16">'),  # not believed of bytes that read as ASCII, as browsers don't
])
def test_charsets(tmp_path, encoding, head):
    path = tmp_path / "export.xls"
    path.write_bytes(page(LIST, head).encode(encoding))
    assert read(path) == {"export": ([["姓名", "单位"], ["张三", "赣州稀土集团"]], [])}


def test_text_no_decoding_reads_is_refused(tmp_path):
    (tmp_path / "export.xls").write_bytes(page(LIST).encode() + b"\xff\xff")
    assert refusal(tmp_path / "export.xls") == "import_refused_unknown_encoding"


def test_a_page_that_begins_otherwise(tmp_path):
    """Comments, an XML declaration or a <style> before the page are still a page; a CSV is not one."""
    for start in ("<!-- exported by system -->\r\n<html>", '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>',
                  "<style>td{}</style>", "\ufeff<TABLE>"):
        (tmp_path / "export.xls").write_text(start + LIST, encoding="utf-8")
        assert read(tmp_path / "export.xls")["export"][0][1] == ["张三", "赣州稀土集团"]
    (tmp_path / "list.csv").write_text("姓名,单位\n<b>张三</b>,甲公司\n", encoding="utf-8")
    assert open_workbook(tmp_path / "list.csv").format == "csv"


def test_spans_become_merged_areas(tmp_path):
    body = ("<table>"
            "<tr><td colspan=3>标题</td></tr>"
            "<tr><td rowspan=2 colspan=2>甲</td><td>a</td></tr>"
            "<tr><td>b</td></tr>"
            "<tr><td>c</td><td rowspan=9>乙</td><td>d</td></tr>"  # 乙 spans past the end: it ends with the table
            "<tr><td>e</td><td>f</td></tr>"
            "</table>")
    (tmp_path / "spans.xls").write_text(page(body))
    rows, merged = read(tmp_path / "spans.xls")["spans"]
    assert rows == [["标题", "", ""], ["甲", "", "a"], ["", "", "b"], ["c", "乙", "d"], ["e", "", "f"]]
    assert merged == [((0, 0), (0, 2)), ((1, 0), (2, 1)), ((3, 1), (4, 1))]


def test_absurd_spans(tmp_path):
    """A span down past the table ends with it; one across more columns than a sheet may have is refused
    before it is laid out."""
    body = '<table><tr><td>宽</td><td rowspan="99999999999">高</td></tr><tr><td>x</td></tr></table>'
    (tmp_path / "spans.xls").write_text(page(body))
    assert read(tmp_path / "spans.xls")["spans"] == ([["宽", "高"], ["x", ""]], [((0, 1), (1, 1))])
    (tmp_path / "wide.xls").write_text(page('<table><tr><td colspan="99999999999">宽</td></tr></table>'))
    assert refusal(tmp_path / "wide.xls") == "import_refused_limit_columns"


def test_a_span_bomb_is_refused(tmp_path):
    """A small file whose spans would make millions of cells."""
    path = tmp_path / "bomb.xls"
    path.write_text("<table>" + f"<tr><td colspan={bounds.MAX_COLUMNS}>x</td></tr>" * 25_000 + "</table>")
    assert path.stat().st_size < 1024 * 1024
    assert refusal(path) == "import_refused_limit_area"


def test_cells_and_rows_left_open_are_closed_as_browsers_close_them(tmp_path):
    (tmp_path / "open.xls").write_text("<table><tr><th>姓名<th>单位<tr><td>张三<td>甲公司<tr><td>李四</table>")
    assert read(tmp_path / "open.xls")["open"][0] == [["姓名", "单位"], ["张三", "甲公司"], ["李四", ""]]


def test_nested_and_several_tables_are_sheets_of_their_own(tmp_path):
    body = ("<table><tr><td>页眉<table><tr><td>姓名</td><td>单位</td></tr><tr><td>张三</td><td>甲公司</td></tr>"
            "</table></td></tr></table><table><tr><td>&nbsp;</td></tr></table>"
            "<table><tr><td>说明</td></tr></table>")
    path = tmp_path / "nested.xls"
    path.write_text(page(body))
    sheets = read(path)
    assert {name: rows for name, (rows, _merged) in sheets.items()} == {
        "nested-1": [["页眉"]], "nested-2": [["姓名", "单位"], ["张三", "甲公司"]], "nested-3": [["说明"]]}
    parsed = parse_file(path)
    assert [(s.name, s.header_row, s.rows) for s in parsed.sheets] == [
        ("nested-1", None, 0), ("nested-2", 1, 1), ("nested-3", None, 0)]


def test_scripts_comments_and_entities(tmp_path):
    body = ('<table><tr><td>A&amp;B &lt;b&gt; &#20013;&#x6587;</td><td>&boom;</td></tr>'
            '<script>document.write("<tr><td>no</td></tr>")</script><style>td { color: red }</style>'
            "<!-- <tr><td>no</td></tr> --><tr><td> 张\n   三 </td><td>李<br>四<p>五</p></td></tr></table>")
    (tmp_path / "x.xls").write_text('<!DOCTYPE html [<!ENTITY boom "BOOM">]>' + page(body))
    rows, _merged = read(tmp_path / "x.xls")["x"]
    assert rows == [["A&B <b> 中文", "&boom;"], ["张 三", "李\n四\n五"]]  # no entity of the page's own


def test_nothing_is_fetched(tmp_path, monkeypatch):
    def no_network(*_args, **_kwargs):
        raise AssertionError("the reader went to the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    head = ('<link rel="stylesheet" href="http://127.0.0.1:9/a.css"><script src="http://127.0.0.1:9/a.js"></script>'
            '<base href="http://127.0.0.1:9/">')
    doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://127.0.0.1:9/xhtml1-strict.dtd">'
    (tmp_path / "x.xls").write_text(doctype + page(LIST + '<img src="http://127.0.0.1:9/a.png">', head))
    assert read(tmp_path / "x.xls")["x"][0][1] == ["张三", "赣州稀土集团"]


@pytest.mark.parametrize("limit,value,body,key", [
    ("MAX_CELLS", 100, "<table>" + "<tr><td>1</td><td>2</td></tr>" * 51 + "</table>", "limit_cells"),
    ("MAX_ROWS", 10, "<table>" + "<tr><td>1</td></tr>" * 11 + "</table>", "limit_rows"),
    ("MAX_COLUMNS", 50, "<table><tr>" + "<td>1</td>" * 51 + "</tr></table>", "limit_columns"),
    ("MAX_AREA", 100, ("<table>" + "<tr><td>1</td><td>2</td></tr>" * 30 + "</table>") * 2, "limit_area"),  # together
    ("MAX_CELL_CHARS", 100, "<table><tr><td>" + "长" * 101 + "</td></tr></table>", "html_cell"),
    ("MAX_TABLES", 3, "<table><tr><td>1</td></tr></table>" * 4, "html_tables"),
])
def test_sizes_are_bounded(tmp_path, monkeypatch, limit, value, body, key):
    monkeypatch.setattr(html_table, limit, value)
    (tmp_path / "big.xls").write_text(page(body))
    assert refusal(tmp_path / "big.xls") == f"import_refused_{key}"


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.xls").write_text(page("<table>" + "<tr><td>1</td></tr>" * 100 + "</table>"))
    assert refusal(tmp_path / "big.xls") == "import_refused_too_large"


def test_a_page_without_a_filled_table_is_refused(tmp_path):
    (tmp_path / "empty.xls").write_text(page("<table><tr><td>&nbsp;</td><td> </td></tr></table><p>暂无数据</p>"))
    assert refusal(tmp_path / "empty.xls") == "import_refused_html"
