"""`db` and `crm` never import Textual (checked in a fresh interpreter, as Harlequin does), and the
command line starts without the heavy libraries so that `crm --help` stays fast."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import crm
import db

ROOT = Path(__file__).resolve().parents[1]


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def _loaded_after(imports: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in imports) + "print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_db_and_crm_never_import_textual():
    modules = [m for m in _modules(db) + _modules(crm)]
    assert "crm.cli.main" in modules and "db.models" in modules
    loaded = _loaded_after(modules)
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_cli_entry_point_is_light():
    loaded = _loaded_after(["crm.cli.main"])
    for heavy in ("textual", "pandas", "openpyxl", "sqlalchemy", "rich", "alembic"):
        assert heavy not in loaded, heavy


def test_help_runs_without_heavy_imports():
    code = ("import sys; from crm.cli.main import build_parser\n"
            "build_parser().format_help()\n"
            "print(' '.join(m for m in ('textual','pandas','openpyxl','sqlalchemy','rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_models_leave_the_postgresql_dialect_alone():
    """On SQLite (the default) nothing loads SQLAlchemy's PostgreSQL dialect and its drivers' modules, a
    tenth of the start-up of every command that reads the database (see db/models/invitations.py)."""
    loaded = _loaded_after(["db.models", "db.session", "crm.services.dashboard", "crm.exporting.weekly"])
    assert "db.models.invitations" in loaded
    assert not {m for m in loaded if m.startswith("sqlalchemy.dialects.postgresql")}
