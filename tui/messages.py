"""Messages screens send about themselves (tests and the benchmark wait on them)."""
from __future__ import annotations

from textual.message import Message


class DataShown(Message):
    """A screen painted the data it had asked for (posted after the refresh that shows it)."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what
