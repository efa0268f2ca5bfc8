"""Checks of typed values against the columns that keep them, the same on SQLite and PostgreSQL: a
value too long for its column is the user's error (exit 1), never a database error."""
from __future__ import annotations

from sqlalchemy import Column

from crm.errors import CrmError
from crm.normalize import typed_text

# Text columns without a length of their own (notes, descriptions) still have one: what a person types.
TEXT_LIMIT = 10_000


def text_for(column: Column, value: object, label: str, *, required: bool = False) -> str | None:
    """`value` as typed, checked against `column`'s length; `label` names the field in the message."""
    text = typed_text(value)
    if text is None:
        if required:
            raise CrmError("empty_field", field=label)
        return None
    limit = getattr(column.type, "length", None) or TEXT_LIMIT
    if len(text) > limit:
        raise CrmError("text_too_long", field=label, limit=limit, length=len(text))
    return text
