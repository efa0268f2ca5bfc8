"""客商: a placeholder until the contacts screen of issue 6 takes this module's place (App mode
"contacts", key F5). The import and export dialogs of the same issue open from there."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from crm.i18n import pick
from tui.screens.base import WorkbenchScreen


class ContactsScreen(WorkbenchScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(pick(
            "客商与单位、Excel 导入与导出将在下一版本提供。目前可用命令行：crm import invitees …",
            "Contacts, organizations and the Excel import and export arrive in the next version. "
            "Meanwhile use the command line: crm import invitees …",
        )), id="placeholder")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = pick("客商", "contacts")
