"""The keys of the screen underneath: key, what it does, its palette command and its binding id (the
name to use in the [keymap] section of config.toml)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from rich.table import Table
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from crm.config import config_path
from crm.i18n import pick
from tui.i18n import binding_label, palette_title, translate_bindings
from tui.widgets.key_bar import key_display


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close", id="help.close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__()
        translate_bindings(self)
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(Text(pick("快捷键", "Keys"), style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(self._keys())
            yield Static(Text(pick(
                f"Ctrl+P 打开命令面板（中英文均可搜索）。快捷键可在 {config_path()} 的 [keymap] 中按编号修改，"
                '例如 "project.advance" = "ctrl+a"。Esc 关闭本页。',
                f"Ctrl+P opens the command palette (search in Chinese or English). Change keys in the [keymap] "
                f'section of {config_path()} by binding id, e.g. "project.advance" = "ctrl+a". Esc closes this page.',
            )), id="help-hint")

    def _keys(self) -> Table:
        table = Table(box=None, expand=True, header_style="bold", pad_edge=False)
        table.add_column(pick("按键", "key"), no_wrap=True)
        table.add_column(pick("作用", "does"), no_wrap=True)
        table.add_column(pick("命令（Ctrl+P）", "command (Ctrl+P)"), ratio=1)
        table.add_column(pick("编号", "binding id"), no_wrap=True, style="dim")
        seen = set()
        for active in self.underneath.active_bindings.values():
            binding = active.binding
            if not binding.id or binding.id in seen or binding.system:
                continue
            seen.add(binding.id)
            table.add_row(Text(key_display(self.app, binding)), Text(binding_label(binding.id) or binding.description),
                          Text(palette_title(binding.id) or ""), Text(binding.id))
        return table
