"""The project list as a virtual table shows it, apart from the widget (no Textual here, so that `crm tui
--screen projects` can read the first rows while Textual starts): the columns and the filtered, ordered
rows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session

from crm.i18n import language, pick
from crm.services.project_query import ProjectFilter, ProjectOrder, count_projects, project_page
from crm.services.snapshot import project_states
from tui import text
from tui.rows import Column, TableRow, first_rows

# The list as it first opens: every project by ref.
INITIAL_ORDER = ProjectOrder("ref")


def project_columns() -> list[Column]:
    """Widths in terminal cells, per language (English stage and status names are longer). On a narrow
    terminal the unit, the investor, the city and the industry make room for the name, in that order."""
    zh = language() == "zh"
    return [
        Column("signal", "", 1, sortable=False),
        Column("ref", pick("编号", "ref"), 6),
        Column("name", pick("项目名称", "project"), 0),
        Column("investor", pick("投资方", "investor"), 18 if zh else 12, drop=3),
        Column("industry", pick("产业", "industry"), 10 if zh else 8, drop=1),
        Column("city", pick("所在地", "city"), 8, drop=2),
        Column("amount", pick("金额(万元)", "万元"), 10 if zh else 9, align="right"),
        Column("signed_on", pick("签约日期", "signed on"), 10),
        Column("stage", pick("阶段", "stage"), 4 if zh else 12),
        Column("status", pick("状态", "status"), 4 if zh else 10),
        Column("unit", pick("责任单位", "unit"), 14 if zh else 12, drop=4),
    ]


@dataclass(frozen=True)
class ProjectSource:
    """The filtered, ordered project list as a RowSource (colours for the fetched rows only)."""

    filter: ProjectFilter
    order: ProjectOrder
    as_of: dt.date

    def count(self, session: Session) -> int:
        return count_projects(session, self.filter)

    def fetch(self, session: Session, offset: int, limit: int) -> Sequence[TableRow]:
        rows = project_page(session, self.filter, self.order, offset, limit)
        colours = {s.id: s.colour(self.as_of) for s in project_states(session, self.as_of, [r.id for r in rows])}
        return [
            TableRow(r.ref, (
                text.colour_dot(colours.get(r.id, "")), Text(r.ref), Text(r.name), text.plain(r.investor),
                text.plain(r.industry), text.plain(r.city), text.wan(r.amount), text.day(r.signed_on),
                text.stage(r.stage), text.labelled("status", r.status.value), text.plain(r.unit),
            ))
            for r in rows
        ]


def first_projects(session: Session, today: dt.date) -> tuple[int, Sequence[TableRow]]:
    """What the list shows as it opens (ProjectsScreen's first question, asked by tui/first.py)."""
    return first_rows(ProjectSource(ProjectFilter(), INITIAL_ORDER, today), session)
