"""The footer: the screen's keys on one line of text. Textual's Footer builds a widget per key and
rebuilds them on every focus change, which costs more than everything else on a screen's first paint.

What it shows, at any width from 80 columns: every key the screen itself shows (its bindings and those
of the focused widget with show=True, each whole), then F1 帮助 at the right end, and in the room left
the workbench-wide keys (F2…F8, Ctrl+Q), each whole or not at all. F1 lists all of them. Keys of one
Binding.Group share one label ("p i c t d 改状态"); the group's description is a binding id of
tui.i18n.BINDINGS, so that it is said in the user's language."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.widget import Widget

from tui.i18n import binding_label

HELP = "app.help"
GAP = "  "  # between two keys
_FUNCTION_KEY = re.compile(r"f\d{1,2}")


def key_display(app, binding: Binding) -> str:
    """The key as the footer and F1 show it: F1, Esc, Space rather than f1, esc, space."""
    shown = app.get_key_display(binding)
    if _FUNCTION_KEY.fullmatch(shown):
        return shown.upper()
    return {"esc": "Esc", "space": "Space", "tab": "Tab", "backspace": "Backspace", "home": "Home", "end": "End",
            "pgup": "PgUp", "pgdn": "PgDn", "delete": "Del", "insert": "Ins"}.get(shown, shown)


def _app_rank(item: Item) -> float:
    """Where a workbench-wide key goes in the footer: F2 … F8, Ctrl+Q, F9 … (a section given another key in
    config.toml after them)."""
    key, action, _node = item.keys[0]
    if action == "quit":
        return 8.5
    return int(key[1:]) if _FUNCTION_KEY.fullmatch(key.lower()) else 99


def group_label(group: Binding.Group) -> str:
    return binding_label(group.description) or group.description


@dataclass
class Item:
    """One entry of the bar: a key (or a group's keys) and its label."""

    keys: list[tuple[str, str, object]]  # (shown key, action, namespace)
    label: str
    enabled: bool
    group: object = None

    @property
    def text(self) -> str:
        return " ".join(key for key, _action, _node in self.keys) + " " + self.label

    @property
    def width(self) -> int:
        return Text(self.text).cell_len


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; }
    KeyBar > .key-bar--key { text-style: bold; color: $accent; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, object]] = []  # (start cell, end cell, action, namespace)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def items(self) -> tuple[list[Item], Item | None]:
        """The keys to show, the screen's before the workbench's, and F1 (help) apart."""
        items: list[Item] = []
        help_item = None
        seen = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or (binding.action, active.node) in seen:
                continue
            seen.add((binding.action, active.node))
            key = (key_display(self.app, binding), binding.action, active.node)
            last = items[-1] if items else None
            if binding.group is not None and last is not None and last.group is binding.group:
                last.keys.append(key)
                last.enabled = last.enabled or active.enabled
                continue
            item = Item([key], group_label(binding.group) if binding.group else binding.description, active.enabled,
                        binding.group)
            if binding.id == HELP:
                help_item = item
            else:
                items.append(item)
        # The App's keys after the screen's: F2 … F8 in their order, Ctrl+Q (a priority binding, which Textual
        # lists first), then the sections that came later (F9 待办, F10 审核, F12 督办) while there is room.
        items.sort(key=lambda item: (item.keys[0][2] is self.app, _app_rank(item) if item.keys[0][2] is self.app else 0))
        return items, help_item

    def render(self) -> Text:
        width = self.size.width or 80
        items, help_item = self.items()
        reserved = help_item.width + len(GAP) if help_item else 0
        room = width - 1 - reserved
        shown: list[Item] = []
        used = 0
        # Each key whole or not at all, the screen's first; the workbench's only while they fit, in their
        # order (F2 F3 …, never F2 F4). What is left out (the workbench's keys at 80 columns; a screen's
        # key only under a keymap that names long keys, or below 80 columns) F1 lists.
        for item in items:
            needed = item.width + (len(GAP) if shown else 0)
            if needed <= room - used:
                shown.append(item)
                used += needed
            elif item.keys[0][2] is self.app:
                break
        line = Text(" ", no_wrap=True, overflow="crop", end="")
        self._spans.clear()
        for index, item in enumerate(shown):
            if index:
                line.append(GAP)
            self._append(line, item)
        if help_item is not None:
            line.append(" " * max(width - line.cell_len - help_item.width, len(GAP) if shown else 0))
            self._append(line, help_item)
        return line

    def _append(self, line: Text, item: Item) -> None:
        key_style = self.get_component_rich_style("key-bar--key")
        disabled = self.get_component_rich_style("key-bar--disabled")
        for position, (key, action, node) in enumerate(item.keys):
            if position:
                line.append(" ")
            start = line.cell_len
            line.append(key, style=key_style if item.enabled else disabled)
            self._spans.append((start, line.cell_len, action, node))
        start = line.cell_len
        line.append(f" {item.label}", style="" if item.enabled else disabled)
        if len(item.keys) == 1:  # a group's label stands for several keys: a click on it does nothing
            _key, action, node = item.keys[0]
            self._spans.append((start, line.cell_len, action, node))

    async def on_click(self, event: Click) -> None:
        self.render()
        for start, end, action, node in self._spans:
            if start <= event.x < end:
                await self.app.run_action(action, node)
                return
