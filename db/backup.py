"""Consistent copies of a SQLite database through its online backup API (safe while others write)."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy source to target page by page; target is written whole or not at all."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            # A backup should be one self-contained file, not a database plus a write-ahead log.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
