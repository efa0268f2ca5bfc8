"""Errors the user can act on: a translated one-line message and the exit code that says what failed."""
from __future__ import annotations

from crm.i18n import t

# Exit codes (documented in README): 0 ok, 1 invalid input or rule, 2 usage, 3 file refused,
# 4 rows rejected, 5 database unreachable or locked, 6 edit refused because the record changed,
# 7 some reminders could not be sent (crm remind: recorded, sent again by the next run).
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_FILE_REFUSED = 3
EXIT_ROWS_REJECTED = 4
EXIT_DATABASE = 5
EXIT_CONFLICT = 6
EXIT_SENDS_FAILED = 7


class CrmError(Exception):
    exit_code = EXIT_INVALID

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

    def __str__(self) -> str:
        return self.message


class UsageError(CrmError):
    """A command given without what it needs, where argparse alone cannot tell (exit 2, as argparse's)."""

    exit_code = EXIT_USAGE


class NotFound(CrmError):
    pass


class RuleViolation(CrmError):
    pass


class DatabaseUnavailable(CrmError):
    exit_code = EXIT_DATABASE


class StaleEdit(CrmError):
    exit_code = EXIT_CONFLICT


class FileRefused(CrmError):
    exit_code = EXIT_FILE_REFUSED
