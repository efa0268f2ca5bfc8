"""Standard output: each digest printed as plain text (cron mails it on, a terminal shows it)."""
from __future__ import annotations

import sys
from collections.abc import Sequence

from crm.remind.message import plain_text, title
from crm.services.reminders import Item, Target


class StdoutChannel:
    name = "stdout"

    def __init__(self, *, echo: bool = True) -> None:
        # With --json the digests are in the JSON document, not printed as text besides it.
        self.echo = echo

    def batches(self, target: Target, items: Sequence[Item]) -> list[list[Item]]:
        return [list(items)] if items else []

    def send(self, target: Target, items: Sequence[Item]) -> None:
        if not self.echo:
            return
        heading = title(target.whose, target.day, len(items), retry=target.retry)
        sys.stdout.write(f"== {heading} ==\n{plain_text(target.whose, target.day, items, retry=target.retry)}\n")
        sys.stdout.flush()

    def close(self) -> None:
        pass
