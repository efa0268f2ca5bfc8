"""What a virtual table shows, apart from the widget (no Textual here): its columns, its rows, where they
come from, and the first answer a table asks for, which `crm tui` reads while Textual is still starting
(tui/first.py)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from rich.text import Text
from sqlalchemy.orm import Session

PAGE_SIZE = 100


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # in terminal cells (a CJK character is two); 0 = share what the other columns leave
    align: str = "left"  # left | right | center
    sortable: bool = True
    # 0: always shown. Otherwise left out when the table is too narrow, the highest number first.
    drop: int = 0
    min_width: int = 20  # a flexible column's: narrower than this, the columns that may go make room


class TableRow(NamedTuple):
    key: str
    cells: tuple[Text, ...]


class RowSource(Protocol):
    """Where a VirtualTable's rows come from. Both methods run in a worker thread."""

    def count(self, session: Session) -> int: ...

    def fetch(self, session: Session, offset: int, limit: int) -> Sequence[TableRow]: ...


def first_rows(source: RowSource, session: Session, page: int = 0) -> tuple[int, Sequence[TableRow]]:
    """How many rows there are, and a page of them: a table's first question to a new source."""
    return source.count(session), source.fetch(session, page * PAGE_SIZE, PAGE_SIZE)
