"""The workbench's top-level sections: one App mode each, its screen imported when first opened.

A section is added by adding a line here and a module under tui/screens/ — app.py does not change."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    name: str  # the App mode, and `crm tui --screen NAME`
    screen: str  # "module:Class"
    key: str  # default key; the binding id is app.NAME


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "tui.screens.dashboard:DashboardScreen", "f2"),
    Section("projects", "tui.screens.projects:ProjectsScreen", "f3"),
    Section("events", "tui.screens.events:EventsScreen", "f4"),
    Section("contacts", "tui.screens.contacts:ContactsScreen", "f5"),
    Section("organizations", "tui.screens.organizations:OrganizationsScreen", "f6"),
    # F7 and F8 are the import wizard and the exports (tui/workbench.py). F11 is left alone: many terminals
    # take it for full screen (F10 too in some, for their menu: config.toml [keymap] "app.review" = "…").
    Section("mine", "tui.screens.mine:MineScreen", "f9"),
    Section("review", "tui.screens.review:ReviewScreen", "f10"),
    Section("supervision", "tui.screens.supervision:SupervisionScreen", "f12"),
)


def screen_factory(section: Section):
    """A callable for App.MODES that imports the section's module only when it is first shown."""

    def make() -> Screen:
        module, name = section.screen.split(":")
        return getattr(importlib.import_module(module), name)()

    return make
