"""How values look on screen. Everything here returns rich Text built from plain strings: user data is
never read as markup, so a company called "[VIP]客户" shows exactly as written."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.text import Text

from crm.i18n import pick
from crm.rules.stages import stage_label
from tui.i18n import word

DASH = "—"
COLOUR_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green"}
DEADLINE_STYLE = {"overdue": "bold red", "due": "yellow", "late": "dark_orange", "done": "green", None: "dim"}


def plain(value: object, style: str = "") -> Text:
    """Any value as text; None as a dash."""
    if value is None or value == "":
        return Text(DASH, style="dim")
    return Text(str(value), style=style)


def day(value: dt.date | str | None) -> Text:
    if isinstance(value, dt.date):
        value = value.isoformat()
    return plain(value)


def wan(amount: Decimal | float | None) -> Text:
    """An amount in 万元 with thousands separators."""
    if amount is None:
        return plain(None)
    return Text(f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}", justify="right")


def yi(amount: Decimal | float) -> str:
    """万元 → 亿元 with two decimals, as leaders read it."""
    return f"{float(amount) / 10_000:,.2f}"


def pct(rate: float | None) -> str:
    return DASH if rate is None else f"{rate:.1%}"


def stage(value) -> Text:
    return plain(stage_label(value) if value else None)


def colour_dot(colour: str) -> Text:
    return Text("●", style=COLOUR_STYLE.get(colour, "dim"))


def labelled(vocabulary: str, value, style: str = "") -> Text:
    return plain(word(vocabulary, value) if value is not None else None, style)


def when(starts_on: dt.date, ends_on: dt.date, precision: str) -> Text:
    """An event's date, or its possible span and what is known of it while the date is not fixed."""
    if precision == "day":
        return Text(starts_on.isoformat() if starts_on == ends_on else span(starts_on, ends_on))
    return Text.assemble(span(starts_on, ends_on), (parenthesized(word("precision", precision)), "italic yellow"))


def span(first: dt.date, last: dt.date) -> str:
    return pick(f"{first}～{last}", f"{first} – {last}")


def parenthesized(words: str) -> str:
    """（…） after Chinese, " (…)" after English."""
    return pick(f"（{words}）", f" ({words})")


def joined(values) -> str:
    return pick("、", ", ").join(values)

