"""Every screen at 80×24, the smallest terminal the workbench is for, on the small demo: what each shows
must still be readable there (cards whole, values beside their labels, dates never cut in two), and the
keys that move around a record's page work. Expectations are read from the database, not written in."""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from rich.cells import cell_len
from rich.console import Console
from sqlalchemy import func, select
from textual.widgets import DataTable, TabbedContent

from crm.cli.main import main as crm
from crm.labels import category_label
from crm.services.contact_list import CONTACT_NAME_ORDER
from crm.services.dashboard import dashboard
from crm.services.event_detail import event_detail
from crm.services.followups import add_followup
from crm.services.projects import get_project, record_figure
from crm.services.project_query import ProjectFilter, ProjectOrder, project_page
from db.models import Contact, Event, FigureKind, Invitation, Staff
from db.pinyin import contact_pinyin
from tests.conftest import SAMPLES, TODAY
from tests.tui.conftest import fill, make_app, open_project, press, screen_text, settle
from tests.tui.contact_helpers import press as press_all
from tests.tui.contact_helpers import settle as settle_contacts
from tests.tui.contact_helpers import shown_names
from tui.forms.base import FormScreen
from tui.i18n import binding_label
from tui.screens.help import HelpScreen
from tui.screens.invitations import open_invitations
from tui.widgets.key_bar import group_label, key_display

SMALL = (80, 24)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def lines(app) -> list[str]:
    return screen_text(app).splitlines()


def line_with(app, words: str) -> str:
    return next(line for line in lines(app) if words in line)


def at_cell(line: str, cell: int) -> str:
    """The line from a terminal column on (wide characters take two)."""
    for i in range(len(line) + 1):
        if cell_len(line[:i]) >= cell:
            return line[i:]
    return ""


def value_beside(app, label: str) -> str:
    """The value written beside a label on a record's page, with the lines it wraps onto under it (a long
    name wraps in the narrow column at 80 columns, never cut)."""
    shown = lines(app)
    i = next(n for n, line in enumerate(shown) if label in line)
    head, _, rest = shown[i].partition(label)
    value = rest.lstrip()
    start = cell_len(head + label) + len(rest) - len(value)
    parts = [value.split("  ")[0]]
    for line in shown[i + 1:]:
        if line[:1] != " " or cell_len(line) <= start or at_cell(line, 1)[:start - 1].strip():
            break  # the next label, or nothing under the value
        part = at_cell(line, start).split("  ")[0]
        if not part:
            break
        parts.append(part)
    return "".join(parts)


def first_projects(database, count: int = 5):
    with database.unit_of_work(write=False) as session:
        return project_page(session, ProjectFilter(), ProjectOrder("ref"), 0, count)


async def test_dashboard_cards_and_lists(demo_sqlite):
    with demo_sqlite.unit_of_work(write=False) as session:
        data = dashboard(session, TODAY)
    app = make_app(demo_sqlite)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        for title in ("签约项目", "签约额", "开工率", "投产率", "见效率", "资金到位率", "问题办结率"):
            assert title in shown  # whole, not cut to "签约…"
        cards = next(i for i, line in enumerate(lines(app)) if "签约项目" in line)
        assert f"{data.kpi['signed']:,}" in lines(app)[cards + 1]
        assert f"{data.kpi['started_rate']:.1%}" in lines(app)[cards + 1]
        # The lists under the chart are there too, with their first rows.
        assert f"红灯 {data.red}" in shown and "本周应跟进" in shown
        if data.alerts:
            assert data.alerts[0].ref in shown


async def test_project_list_keeps_the_name_and_the_stage(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = line_with(app, "项目名称")  # (the search box above says "编号" too, as an example)
        assert "编号" in header and "阶段" in header and "状态" in header
        for row in first_projects(demo_sqlite):
            assert row.name in line_with(app, row.ref)  # the whole name, beside its ref


async def test_project_page_values_beside_labels_tabs_by_key_and_latest_first(demo_sqlite):
    ref = first_projects(demo_sqlite, 1)[0].ref
    with demo_sqlite.unit_of_work() as session:
        actor = session.scalar(select(Staff).limit(1))
        # Recorded out of order: the one recorded last happened first.
        for on in ("2026-11-20", "2026-10-01"):
            add_followup(session, ref, on=TODAY.fromisoformat(on), content=f"走访 {on}", actor=actor, today=TODAY)
        project = get_project(session, ref)
        investor, signed_on = project.investor.name, project.signed_on.isoformat()
        latest = max((f.amount for f in project.figures), default=0)
        for on, more in (("2026-11-02", 200), ("2026-09-01", 100)):
            record_figure(session, ref, FigureKind.FUNDS_IN_PLACE, latest + more, TODAY.fromisoformat(on), note=None,
                          actor=actor, today=TODAY)
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SMALL) as pilot:
        await open_project(pilot, ref)
        assert value_beside(app, "投资方") == investor  # whole, beside its label (wrapped if long)
        assert signed_on in line_with(app, "签约 ")
        assert "万元" in line_with(app, "合同引资额")
        assert any(signed_on in line for line in lines(app) if "签约" in line and "●" in line)  # the timeline

        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "tab-steps"
        await press(pilot, "right_square_bracket")
        assert tabs.active == "tab-followups"
        assert app.screen.focused is app.screen.query_one("#table-followups")
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert tabs.active == "tab-figures"
        await press(pilot, "left_square_bracket")
        assert tabs.active == "tab-problems"
        await press(pilot, "left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert tabs.active == "tab-statuses"  # round from the first tab to the last

        for tab in ("followups", "figures"):
            table = app.screen.query_one(f"#table-{tab}", DataTable)
            days = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
            assert len(days) >= 2 and days == sorted(days, reverse=True), tab


async def test_event_dates_are_never_cut(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    with demo_sqlite.unit_of_work(write=False) as session:
        refs = session.scalars(select(Event.ref).where(Event.deleted_at.is_(None)).order_by(Event.id)).all()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for ref in refs:
            with demo_sqlite.unit_of_work(write=False) as session:
                detail = event_detail(session, ref, TODAY)
            app.screen.show_event(ref)
            await settle(pilot)
            panel = app.screen.query_one("#event-detail")
            days = {detail.starts_on.isoformat(), detail.ends_on.isoformat()}
            days |= {d.due.isoformat() for d in (detail.plan, detail.summary) if d is not None}
            seen, top = set(), None
            while panel.scroll_y != top:  # every line of the detail, scrolled into view a screenful at a time
                seen |= {day for line in lines(app) for day in ISO_DATE.findall(line)}
                top = panel.scroll_y
                panel.scroll_page_down(animate=False)
                await settle(pilot)
            assert days <= seen, ref


async def test_category_counts_after_an_import_are_not_doubled(demo_sqlite, capsys):
    path = demo_sqlite.url.database
    assert crm(["--db", path, "import", "invitees", str(SAMPLES / "invitees-pv-2011.xlsx"), "--event", "A2-PV"]) == 0
    capsys.readouterr()
    with demo_sqlite.unit_of_work(write=False) as session:
        event = session.scalar(select(Event).where(Event.ref == "A2-PV"))
        ids = [event.id, *(child.id for child in event.children)]
        categories = session.execute(
            select(Invitation.category, func.count()).where(Invitation.event_id.in_(ids), Invitation.deleted_at.is_(None))
            .group_by(Invitation.category)
        ).all()
    # The demo writes a kind's code (private), the list our word for it (民企): one category on screen.
    assert {c for c, _ in categories if c and c.isascii()} and {c for c, _ in categories if c and not c.isascii()}
    expected = Counter()
    for category, count in categories:
        expected[category_label(category)] += count
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.show_event("A2-PV")
        await settle(pilot)
        console = Console(width=400, file=io.StringIO(), record=True, color_system=None)
        console.print(app.screen._info(app.screen.detail))  # the detail as the screen shows it, unwrapped
    row = next(line for line in console.export_text().splitlines() if "邀请（按类别）" in line)
    shown = re.findall(r"(\S+) (\d+)", row.split("邀请（按类别）", 1)[1])
    assert Counter(name for name, _ in shown) == Counter(dict.fromkeys(expected, 1)), row  # each category once
    assert {name: int(count) for name, count in shown} == dict(expected), row


async def test_contacts_sort_by_pinyin(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts")
    async with app.run_test(size=SMALL) as pilot:
        await settle_contacts(pilot)
        names = shown_names(app)[:20]
    readings = [contact_pinyin(name).split()[0] for name in names]
    assert readings == sorted(readings)


async def test_contact_lists_and_page(demo_sqlite):
    app = make_app(demo_sqlite, screen="organizations")
    async with app.run_test(size=SMALL) as pilot:
        await settle_contacts(pilot)
        table = app.screen.query_one("#organizations")
        header = lines(app).index(line_with(app, "单位名称 ▲"))
        for i in range(5):
            name, kind, *_rest, contacts = (cell.plain for cell in table.row_at(i).cells)
            line = lines(app)[header + 1 + i]
            assert line.startswith(name[:14])  # longer names end in "…"
            assert kind in line and line.rstrip(" ▁▂▃▄▅▆▇█").endswith(f" {contacts}")  # (the scrollbar)
        await press(pilot, "f5")
        await settle_contacts(pilot)
        with demo_sqlite.unit_of_work(write=False) as session:
            first = session.scalar(select(Contact).where(Contact.deleted_at.is_(None))
                                   .order_by(CONTACT_NAME_ORDER, Contact.id))
            name, organization, mobile = first.name, first.organization.name, first.mobile
        assert organization[:12] in line_with(app, name) and mobile in line_with(app, name)
        await press(pilot, "enter")  # the contact's page
        assert organization in line_with(app, "单位 ")
        assert mobile in line_with(app, "手机")
        tabs = app.screen.query_one(TabbedContent)
        await press(pilot, "right_square_bracket")
        assert tabs.active == "tab-projects"
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert tabs.active == "tab-merges"


@pytest.mark.parametrize("lang", ["zh", "en"])  # English kinds and categories are longer: the mobiles stay whole
async def test_invitation_list_shows_whole_names(demo_sqlite, lang):
    with demo_sqlite.unit_of_work(write=False) as session:
        invited = session.execute(
            select(Contact.name, Contact.mobile).join(Invitation, Invitation.contact_id == Contact.id)
            .join(Event, Event.id == Invitation.event_id).where(Event.ref == "A2-PV", Invitation.deleted_at.is_(None))
        ).all()
    app = make_app(demo_sqlite, screen="events", lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        open_invitations(app, "A2-PV")
        await settle(pilot)
        table = app.screen.query_one("#invitations", DataTable)
        shown = {table.get_row_at(i)[1].plain for i in range(table.row_count)}
        assert shown == {name for name, _ in invited}
        for name, mobile in invited:
            if name in screen_text(app):
                assert mobile in line_with(app, f" {name} ")  # the columns are not cut to their titles


async def test_a_refused_field_gets_the_focus(demo_sqlite):
    app = make_app(demo_sqlite, screen="projects")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "f")  # a follow-up on the highlighted project
        form = app.screen
        assert isinstance(form, FormScreen)
        await fill(pilot, "on", "2026-02-30")  # not a date: refused by the form itself
        await fill(pilot, "content", "走访企业")
        await press(pilot, "ctrl+s")
        assert form.query_one("#error-on").has_class("-shown") and form.focused is form.control("on")
        await fill(pilot, "on", TODAY.isoformat())
        await fill(pilot, "next_on", "2020-01-01")  # before the follow-up: refused by the service
        form.control("content").focus()
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FormScreen)
        assert form.query_one("#error-next_on").has_class("-shown") and form.focused is form.control("next_on")


def footer_entries(app) -> tuple[list[str], set[str]]:
    """What the screen's footer must show ("key label", a group's keys and their one label) and the ids of
    every key the screen has, shown or not, as the binding chain has them."""
    entries: list[str] = []
    ids = set()
    for active in app.screen.active_bindings.values():
        binding = active.binding
        if binding.id and not binding.system:
            ids.add(binding.id)
        if not binding.show or active.node is app and binding.id != "app.help":
            continue  # the workbench's own keys (F2…F8, Ctrl+Q) fill what room is left
        key = key_display(app, binding)
        if binding.group is None:
            entries.append(f"{key} {binding_label(binding.id) or binding.description}")
        else:
            entries.append(key)
            entries.append(group_label(binding.group))
    return entries, ids


async def check_footer(pilot, where: str) -> None:
    app = pilot.app
    footer = lines(app)[-1]
    assert cell_len(footer) <= SMALL[0] and "…" not in footer, (where, footer)
    entries, ids = footer_entries(app)
    assert entries, where
    for entry in entries:
        assert re.search(rf"(^|\s){re.escape(entry)}(\s|$)", footer), (where, entry, footer)  # whole, never cut
    assert footer.rstrip().endswith("F1 " + binding_label("app.help")), (where, footer)
    # Everything else the screen answers to is on the help page, under F1.
    screen = app.screen
    await press_all(pilot, "f1")
    assert isinstance(app.screen, HelpScreen), where
    table = app.screen._keys()
    listed = {cell.plain for cell in table.columns[-1].cells}
    assert ids - {"help.close"} <= listed, (where, ids - listed)
    await press_all(pilot, "escape")
    assert app.screen is screen


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_footer_fits_80_columns(demo_sqlite, lang):
    app = make_app(demo_sqlite, lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle_contacts(pilot)
        await check_footer(pilot, "dashboard")
        for key, section in (("f3", "projects"), ("f4", "events"), ("f5", "contacts"), ("f6", "organizations")):
            await press_all(pilot, key)
            await check_footer(pilot, section)
        await press_all(pilot, "f4")
        app.screen.show_event("A2-PV")  # an event highlighted: its keys are enabled
        await settle_contacts(pilot)
        await check_footer(pilot, "event")
        await press_all(pilot, "v")
        await check_footer(pilot, "invitations")
        await press_all(pilot, "escape")
        await press_all(pilot, "f3")
        await press_all(pilot, "enter")
        await check_footer(pilot, "project")
        await press_all(pilot, "escape", "f5")
        await press_all(pilot, "enter")
        await check_footer(pilot, "contact")
        await press_all(pilot, "escape", "f7")
        await check_footer(pilot, "import")


def labels_fit(form) -> list[str]:
    """The form's labels longer than their column (they would be cut, or touch their field)."""
    return [text for label in form.query(".form-label")
            if cell_len(text := str(label.render())) > label.content_region.width]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_form_label_fits_at_80_columns(demo_sqlite, lang):
    opened = []

    async def each_form(*keys: str) -> None:
        for key in keys:
            await press_all(pilot, key)
            if isinstance(app.screen, FormScreen):
                opened.append(type(app.screen).__name__)
                assert not labels_fit(app.screen), (key, labels_fit(app.screen))
                await press_all(pilot, "escape")

    app = make_app(demo_sqlite, screen="projects", lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle_contacts(pilot)
        await each_form("a", "f", "p", "r", "e", "x", "c", "m")
        await press_all(pilot, "f4")
        app.screen.show_event("A2-NEV")
        await settle_contacts(pilot)
        await each_form("ctrl+n", "e", "d", "n", "P", "E", "C")
        await press_all(pilot, "f5")
        await each_form("n")
        await press_all(pilot, "f6")
        await each_form("n")
    assert {"AdvanceForm", "FollowUpForm", "ProblemForm", "EditProjectForm", "StatusForm", "CorrectStepForm",
            "FigureForm", "EventForm", "FixDateForm", "SignProjectForm", "ProgrammeForm", "CopyProgrammeForm",
            "ContactForm", "OrganizationForm"} <= set(opened), opened
