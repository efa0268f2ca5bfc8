"""A database crm will not use as it is: a key of crm.i18n's messages and its parameters (the db layer
does not translate; the CLI and the workbench say it in the user's language, exit code 5)."""
from __future__ import annotations


class DatabaseRefused(Exception):
    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
