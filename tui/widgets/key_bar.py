"""The footer: the screen's keys on one line of text. Textual's Footer builds a widget per key and
rebuilds them on every focus change, which costs more than everything else on a screen's first paint."""
from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; }
    KeyBar > .key-bar--key { text-style: bold; color: $accent; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, object]] = []  # (start, end, action, namespace)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        key_style = self.get_component_rich_style("key-bar--key")
        disabled = self.get_component_rich_style("key-bar--disabled")
        self._spans.clear()
        seen = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or (binding.action, active.node) in seen:
                continue
            seen.add((binding.action, active.node))
            start = len(line)
            line.append(f" {self.app.get_key_display(binding)} ", style=key_style if active.enabled else disabled)
            line.append(f"{binding.description} ", style="" if active.enabled else disabled)
            self._spans.append((start, len(line), binding.action, active.node))
        return line

    async def on_click(self, event: Click) -> None:
        # Spans are in characters; the labels may hold wide characters, so measure cells up to each span.
        plain = self.render().plain
        for start, end, action, node in self._spans:
            left = Text(plain[:start]).cell_len
            if left <= event.x < left + Text(plain[start:end]).cell_len:
                await self.app.run_action(action, node)
                return
