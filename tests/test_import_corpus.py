"""Every file of the foreign corpus (80 workbooks written by other programs, many hostile or broken) is
imported or refused cleanly: exit 0, 4 or 3, one line on refusal, nothing written when refused, and
within a time and memory bound. The files run in one child process (the test's own process would
not survive a native crash or a hang); the child reports each file before and after importing it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, needs_corpus

pytestmark = needs_corpus

PER_FILE_SECONDS = 20
ALL_FILES_SECONDS = 600
MEMORY_LIMIT = 4 * 1024**3  # address space of the child: a runaway allocation fails instead of swapping

CHILD = r"""
import contextlib, io, json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
from sqlalchemy import func, select
from crm.cli.main import main
from db.migrate import ensure_ready
from db.models import Contact, ImportBatch
from db.session import Database

url, report = sys.argv[1], open(sys.argv[2], "w", buffering=1)
database = Database(url)
ensure_ready(database)  # any migration (and its notice) before the first file, not during it

def counts():
    with database.unit_of_work(write=False) as session:
        return [session.scalar(select(func.count()).select_from(m)) for m in (ImportBatch, Contact)]

for path in sorted(p for p in Path(sys.argv[4]).iterdir() if p.suffix not in (".md", ".tsv")):
    report.write(json.dumps({"start": path.name}) + "\n")
    before = counts()
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", url, "import", "invitees", str(path), "--json"])
    report.write(json.dumps({"file": path.name, "code": code, "seconds": time.perf_counter() - started,
                             "before": before, "after": counts(), "err": err.getvalue()}) + "\n")
"""


def test_the_whole_foreign_corpus(backend, tmp_path):
    report = tmp_path / "report.jsonl"
    try:
        subprocess.run([sys.executable, "-c", CHILD, backend.url, str(report), str(MEMORY_LIMIT), str(CORPUS)],
                       timeout=ALL_FILES_SECONDS, check=True, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        lines = report.read_text().splitlines()
        pytest.fail(f"hung on {json.loads(lines[-1]).get('start')}")
    except subprocess.CalledProcessError as crash:
        lines = report.read_text().splitlines() if report.exists() else ['{"start": "?"}']
        pytest.fail(f"crashed on {json.loads(lines[-1]).get('start')}: {crash.stderr[-2000:]}")
    results = [json.loads(line) for line in report.read_text().splitlines() if '"file"' in line]
    assert len(results) == 80
    outcomes: dict[int, list[str]] = {}
    for r in results:
        outcomes.setdefault(r["code"], []).append(r["file"])
        assert r["code"] in (0, 3, 4), r
        assert r["seconds"] < PER_FILE_SECONDS, r
        assert "Traceback" not in r["err"], r
        if r["code"] == 3:
            assert r["before"] == r["after"], f"{r['file']} was refused but wrote something"
            assert r["err"].count("\n") == 1 and r["file"] in r["err"], r
        else:
            assert r["after"][0] == r["before"][0] + 1, r  # one import batch
    # What is really refused: encrypted, empty, broken, hostile, and workbooks that hold no list.
    refused = set(outcomes[3])
    for name in ("calamine__pass_protected.xlsx", "excelize__encryptAES.xlsx", "calamine__issue_385.xls",
                 "python-calamine__empty_file.xlsx", "calamine__issue252.xlsx", "openpyxl__null_archive.xlsx",
                 "calamine__OOM_alloc3.xls", "calamine__issue_594_dos.ods", "tealeg-xlsx__badfile_noWorksheets.xlsx"):
        assert name in refused, name
    # The one real contact list in the corpus (Contact Name / Your Company / Remarks) is imported.
    assert "calamine__issue_174.xlsx" in outcomes[0]
