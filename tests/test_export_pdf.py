"""Each exported workbook prints: LibreOffice converts it to PDF (skipped where LibreOffice is absent)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_workbooks_convert_to_pdf(cli, sqlite_demo_template, tmp_path):
    database = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_demo_template, database)
    books = {
        "weekly": ["export", "weekly"],
        "event": ["export", "event", "A2"],
        "plan": ["export", "plan", "A2-PV"],
    }
    for name, args in books.items():
        result = cli("--db", database, *args, "--out", tmp_path / f"{name}.xlsx")
        assert result.code == 0, result.err

    converted = subprocess.run(
        [OFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *(str(tmp_path / f"{name}.xlsx") for name in books)],
        capture_output=True, text=True, timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    for name, least_pages in (("weekly", 5), ("event", 3), ("plan", 2)):
        path = tmp_path / "pdf" / f"{name}.pdf"
        assert path.read_bytes().startswith(b"%PDF")
        if shutil.which("pdfinfo"):  # poppler-utils: every sheet prints at least one page
            assert _pages(path) >= least_pages
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "pdf" / "weekly.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "签约项目推进表" in text and "第 1 页" in text


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
