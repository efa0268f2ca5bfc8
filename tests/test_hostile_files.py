"""Hostile files are refused whole, quickly and in little memory, before any reader allocates.

Each file of tests/hostile_files.py (far cells, repeats, honest and forged bombs, DTDs in every part and
encoding, truncations) goes through `crm import invitees` and `crm import programme` in a child process
that may use 1.5 GB of address space at most (a reader allocating rows × columns fails instead of
swapping; a native crash ends the child and names the file): exit 3, one line on stderr naming the
file, nothing written. The files run in a few children, as tests/test_import_corpus.py runs its files;
a handful run again as `crm` processes of their own on each backend. Then the limits one by one,
in-process with small values; files at the edges that must still be read; the workbench's wizard."""
from __future__ import annotations

import json
import random
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crm.errors import FileRefused
from crm.importing import bounds
from crm.importing.reader import open_workbook
from tests import hostile_files as hostile
from tests.hostile_files import HOSTILE

MEMORY = 1536 * 1024 * 1024
PER_FILE_SECONDS = 10  # on a loaded CI machine; bench/bench_hostile.py measures the real times
CHILD_SECONDS = 300
CRM = [sys.executable, "-c", "from crm.cli.main import main; raise SystemExit(main())"]
TABLES = ("import_batches", "contacts", "organizations", "events")

CHILD = r"""
import contextlib, io, json, resource, sqlite3, sys, time
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from crm.cli.main import main

url, report, tables = sys.argv[2], open(sys.argv[3], "w", buffering=1), sys.argv[4].split(",")

def counts():
    with sqlite3.connect(url) as connection:
        return [connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]

for path in sys.argv[5:]:
    for command in (["import", "invitees", path], ["import", "programme", path, "--programme", "2026"]):
        report.write(json.dumps({"start": path}) + "\n")
        before, out, err = counts(), io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--db", url, *command])
            except SystemExit as exit_:
                code = exit_.code
        report.write(json.dumps({"file": path, "command": command[1], "code": code, "out": out.getvalue(),
                                 "err": err.getvalue(), "seconds": time.perf_counter() - started,
                                 "written": counts() != before}) + "\n")
"""


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def crm(*args) -> subprocess.CompletedProcess:
    """`crm ARGS…` as a process of its own, bounded like the children."""
    return subprocess.run([*CRM, *map(str, args)], preexec_fn=_bounded, capture_output=True, text=True,
                          timeout=PER_FILE_SECONDS * 6)


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory, sqlite_template) -> str:
    """One database for the module, with the programme the programme imports go to."""
    path = tmp_path_factory.mktemp("hostile") / "crm.sqlite3"
    shutil.copy(sqlite_template, path)
    added = crm("--db", path, "programmes", "add", "--year", "2026", "--title", "T")
    assert added.returncode == 0, added.stderr
    return str(path)


def _group(name: str) -> str:
    return next((group for group in ("bomb", "DTD", "xlsx", "ods", "xls") if name.startswith(group)), "other")


GROUPS = sorted({_group(name) for name in HOSTILE})


@pytest.mark.parametrize("group", GROUPS)
def test_each_hostile_file_is_refused_by_both_imports(group, tmp_path, sqlite_url):
    names = [name for name in HOSTILE if _group(name) == group]
    paths = {str(HOSTILE[name](tmp_path)): name for name in names}
    report = tmp_path / "report.jsonl"
    try:
        subprocess.run([sys.executable, "-c", CHILD, str(MEMORY), sqlite_url, str(report), ",".join(TABLES), *paths],
                       timeout=CHILD_SECONDS, check=True, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung on {paths[json.loads(report.read_text().splitlines()[-1])['start']]}")
    except subprocess.CalledProcessError as crash:
        last = json.loads(report.read_text().splitlines()[-1])["start"]
        pytest.fail(f"crashed ({crash.returncode}) on {paths[last]}: {crash.stderr[-1500:]}")
    results = [json.loads(line) for line in report.read_text().splitlines() if '"file"' in line]
    assert len(results) == 2 * len(paths)
    for r in results:
        name, label = paths[r["file"]], Path(r["file"]).name
        assert r["code"] == 3, (name, r["command"], r["code"], r["err"][-800:])
        assert r["out"] == "" and r["err"].count("\n") == 1 and label in r["err"], (name, r["err"][-800:])
        assert not r["written"] and r["seconds"] < PER_FILE_SECONDS, (name, r)


def assert_refused(url: str, path: Path) -> None:
    for command in (("import", "invitees", path), ("import", "programme", path, "--programme", "2026")):
        result = crm("--db", url, *command)
        assert result.returncode == 3, (command, result.returncode, result.stderr[-800:])
        assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr[-800:]
        assert path.name in result.stderr and "Traceback" not in result.stderr


def test_refusals_write_nothing_on_either_backend(backend, database, tmp_path):
    from sqlalchemy import func, select

    from db.models import Contact, Event, ImportBatch, Organization

    assert crm("--db", backend.url, "programmes", "add", "--year", "2026", "--title", "T").returncode == 0

    def counts():
        with database.unit_of_work(write=False) as session:
            return [session.scalar(select(func.count()).select_from(model))
                    for model in (ImportBatch, Contact, Organization, Event)]

    before = counts()
    for name in ("xlsx cell XFD1048576", "ods row repeated 1e9 times", "xls cells at A1 and IV65536 (area)",
                 "bomb 250,000 rows 8:1 (26 MB)", "DTD in xl/sharedStrings.xml (utf-16)"):
        assert_refused(backend.url, HOSTILE[name](tmp_path))
    assert counts() == before


# --- each limit, small, in-process ------------------------------------------------------------------


def refused(path: Path) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        for _sheet in open_workbook(path).sheets():
            pass
    return caught.value


def test_duplicate_cells_count_however_they_are_written(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_CELLS", 100)
    placed = hostile.xlsx(tmp_path / "placed.xlsx",
                          hostile.sheet_xml('<row r="2">' + '<c r="A2"><v>1</v></c>' * 101 + "</row>"))
    assert refused(placed).key == "import_refused_limit_cells"
    unplaced = hostile.xlsx(tmp_path / "unplaced.xlsx", hostile.sheet_xml("<row>" + "<c><v>1</v></c>" * 99 + "</row>"))
    assert refused(unplaced).key == "import_refused_limit_cells"  # with the header's 8


def test_all_parts_together_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_PACKAGE_BYTES", 1024 * 1024)
    rng = random.Random(5)
    noise = {f"xl__media__image{n}.xml": "".join(rng.choice("0123456789abcdef") for _ in range(400_000)) for n in range(3)}
    assert refused(hostile.xlsx(tmp_path / "parts.xlsx", **noise)).key == "import_refused_limit_package"


def test_shared_strings_are_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_STRINGS", 10)
    strings = hostile.SHARED_STRINGS.replace("<si><t>张三</t></si>", "<si><t>张三</t></si>" * 11)
    assert refused(hostile.xlsx(tmp_path / "strings.xlsx", **{"xl__sharedStrings.xml": strings})).key == \
        "import_refused_limit_strings"


def test_the_places_the_scan_lets_pass_are_those_within_the_limits():
    """The cheap scan's expression of "a row up to MAX_ROWS, a column up to Z", for any limits."""
    import re

    for limit in [*range(1, 1200), 99_999, 100_000, 200_000, 1_048_576]:
        pattern = re.compile(bounds._names_up_to(str(limit), "19", "09"))
        assert all(bool(pattern.fullmatch(str(n))) == (n <= limit) for n in [*range(1, 1300), limit + 1, 10 * limit])
    for limit in range(1, 800):
        pattern = re.compile(bounds._names_up_to(bounds._column_name(limit), "AZ", "AZ"))
        assert all(bool(pattern.fullmatch(bounds._column_name(n))) == (n <= limit) for n in range(1, 900))


def test_the_refusal_names_the_sheet_and_the_limit(tmp_path):
    from crm import i18n

    error = refused(HOSTILE["xlsx cell XFD1"](tmp_path))
    assert error.message == "cell-XFD1.xlsx 的工作表 名单 超出第 256 列（列数上限），不像名单，已拒绝"
    i18n.set_language("en")
    assert error.message == "cell-XFD1.xlsx: sheet 名单 goes past column 256, the limit, refused"


# --- what must still be read ------------------------------------------------------------------------

VALID = {
    "the last column allowed": hostile.one_cell("IV2"),
    "the last row allowed": hostile.one_cell("A200000"),
    "a styled empty cell at XFD1048576 (calamine keeps nothing there)": lambda folder: hostile.xlsx(
        folder / "styled.xlsx", hostile.sheet_xml('<row r="2"><c r="B2"><v>1</v></c><c r="XFD1048576" s="1"/></row>')),
    "cells without r, as some writers leave them": hostile.rows_without_places(100, 8),
    "a sheet whose root has a namespace prefix": lambda folder: hostile.xlsx(folder / "prefixed.xlsx", hostile.sheet_xml(
        '<row r="2"><c r="A2"><v>1</v></c></row>').replace("<worksheet", f'<x:worksheet xmlns:x="{hostile.MAIN_NS}"', 1)
        .replace("</worksheet>", "</x:worksheet>")),
    "an ODS with LibreOffice's empty rows and columns to the sheet's end": hostile.ods_repeats(
        "tail", "<table:table-row>" + hostile.VALUE.format("") + "</table:table-row>" + hostile.EMPTY_TAIL),
    "an .xls of 200 rows": hostile.valid_xls,
    "an .xlsb": hostile.xlsb("list", [(row, column) for row in range(1, 20) for column in range(8)]),
}


@pytest.mark.parametrize("name", VALID)
def test_files_at_the_edges_are_read(name, tmp_path):
    book = open_workbook(VALID[name](tmp_path))
    assert sum(len(sheet.rows) for sheet in book.sheets()) > 1


def test_a_dtd_inside_text_after_the_root_is_not_a_prolog(tmp_path):
    """Only the prolog may declare a DTD; the same words in a cell's text are text."""
    path = hostile.xlsx(tmp_path / "text.xlsx", hostile.sheet_xml(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&lt;!DOCTYPE x&gt;</t></is></c></row>'))
    assert next(open_workbook(path).sheets()).rows[1][0] == "<!DOCTYPE x>"


def test_ods_merged_areas_are_read_with_the_bounds(tmp_path):
    cell = '<table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="2" office:value-type="string">' \
           "<text:p>单位</text:p></table:table-cell>"
    empty_rows = '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
    path = hostile.ods(tmp_path / "merged.ods", f"{empty_rows}<table:table-row>{cell}</table:table-row>")
    assert next(open_workbook(path).sheets()).merged == [((3, 0), (4, 2))]


def test_zip_parts_are_read_from_their_own_data(tmp_path):
    """Sizes forged in the directory do not decide how much is read: 1,000 declared, 150 MB there."""
    path = HOSTILE["bomb 145:1 (150 MB) whose directory says 1,000 bytes"](tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(hostile.SHEET).file_size == 1000
    assert refused(path).key == "import_refused_limit_part"


# --- the workbench -----------------------------------------------------------------------------------


async def test_the_import_wizard_shows_the_refusal_and_goes_on(tmp_path, sqlite_demo_template, monkeypatch):
    """F7 on the file that used to end the program: the wizard says why, and the workbench stays."""
    from db.session import Database
    from tests.tui.contact_helpers import press, settle  # they wait for all but the file tree's loader
    from tests.tui.conftest import make_app, screen_text

    folder = tmp_path / "lists"
    folder.mkdir()
    HOSTILE["xlsx cell XFD1048576"](folder)
    shutil.copy(sqlite_demo_template, tmp_path / "crm.sqlite3")
    database = Database(str(tmp_path / "crm.sqlite3"))
    monkeypatch.chdir(folder)
    try:
        async with make_app(database, screen="contacts").run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, "f7")
            await press(pilot, "down")
            await press(pilot, "enter")
            text = screen_text(pilot.app)
            assert "cell-XFD1048576.xlsx 的工作表 名单 超出第 200,000 行" in text
            assert pilot.app.screen.parsed is None and pilot.app.is_running
    finally:
        database.dispose()
