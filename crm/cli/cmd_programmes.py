"""crm programmes (being written)."""
from __future__ import annotations


def register(commands) -> None:
    pass
