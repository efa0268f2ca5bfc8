"""Edits made from what a user saw: refused when the record changed since it was loaded.

The `version` column (db.base.Versioned) already makes a concurrent UPDATE fail at flush; this check
covers the longer gap between opening a form and saving it."""
from __future__ import annotations

from crm.errors import StaleEdit
from crm.i18n import pick


def check_version(record, expected_version: int | None, what: str) -> None:
    """Raise StaleEdit when `record` is no longer at the version the user's edit was based on."""
    if expected_version is not None and record.version != expected_version:
        raise StaleEdit("stale_edit", what=what, who=pick("他人", "someone else"))
