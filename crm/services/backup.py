"""`crm backup FILE`: a consistent copy of the database."""
from __future__ import annotations

from pathlib import Path

from db.backup import sqlite_backup
from db.engine import sqlite_file
from db.session import Database

from crm.errors import CrmError


def backup_database(db: Database, target: Path) -> Path:
    source = sqlite_file(db.url)
    if source is None:
        raise CrmError("write_failed", path=target, reason="only SQLite backups are supported yet")
    if not target.parent.is_dir():
        raise CrmError("write_failed", path=target, reason="folder does not exist")
    sqlite_backup(source, target)
    return target
