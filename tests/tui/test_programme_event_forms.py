"""Programmes and events by hand on the events screen (F4): new, copied and edited programmes, new
meetings and events, edits version-checked; refusals beside their field, the field focused, a missing
industry added on request. Checked in the database afterwards."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from textual.widgets import Select

from crm.services.event_editing import EventInput, edit_event
from crm.services.events import get_event, list_events
from crm.services.programmes import get_programme
from db.models import DatePrecision, EventLevel, Industry, Unit
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, fill, make_app, press, screen_text, settle
from tests.tui.form_helpers import notified, put, refused_beside, until
from tui.forms.event_forms import EventForm
from tui.forms.pickers import ConfirmScreen
from tui.forms.programme_forms import CopyProgrammeForm, ProgrammeForm
from tui.screens.events import EventsScreen

PROGRAMME = ("programme", "2011-544")


async def open_events(pilot, node) -> EventsScreen:
    await settle(pilot)
    pilot.app.screen.show_event(node)
    await settle(pilot)
    return pilot.app.screen




async def test_a_new_programme_is_checked_then_shown_in_the_tree(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "P")
        form = app.screen
        assert isinstance(form, ProgrammeForm) and form.control("year").value == str(TODAY.year)
        await fill(pilot, "year", "20x7")
        await fill(pilot, "title", "江西省工信委2011年战略性新兴产业推介活动工作方案")
        await press(pilot, "ctrl+s")
        assert refused_beside(form, "year", "20x7")
        await fill(pilot, "year", "2011")
        await press(pilot, "ctrl+s")  # the same title in the same year: the service refuses, naming it
        assert refused_beside(form, "title", "2011-544")
        await fill(pilot, "year", "2027")
        await fill(pilot, "title", "2027年招商推介活动工作方案")
        await fill(pilot, "document_no", "赣工信科技字[2027]1号")
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        assert await until(pilot, lambda: "2027 2027年招商推介活动工作方案" in screen_text(app))
        assert screen.current == ("programme", "2027") and "赣工信科技字[2027]1号" in screen_text(app)  # never markup
        assert notified(app, "已新增活动方案 2027")
    with demo_sqlite.unit_of_work(write=False) as session:
        programme = get_programme(session, "2027")
        assert (programme.year, programme.document_no) == (2027, "赣工信科技字[2027]1号")


async def test_edit_a_programme_and_copy_it_into_a_new_year(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, PROGRAMME)
        await press(pilot, "E")
        assert app.screen.control("document_no").value == "赣工信科技字[2011]144号"
        await fill(pilot, "notes", "省工信委印发")
        await press(pilot, "ctrl+s")
        assert notified(app, "已修改活动方案 2011-544：备注")

        await press(pilot, "C")
        form = app.screen
        assert isinstance(form, CopyProgrammeForm)
        assert (form.control("source").value, form.control("year").value) == ("2011-544", str(TODAY.year + 1))
        await fill(pilot, "year", "2012")
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, EventsScreen) and notified(app, "已复制为 2012 年方案 2012：16 个活动/会议")
        assert await until(pilot, lambda: "2012 江西省工信委2012年战略性新兴产业推介活动" in screen_text(app))
        assert screen.current == ("programme", "2012")
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_programme(session, "2011-544").notes == "省工信委印发"
        copied = list_events(session, programme_id=get_programme(session, "2012").id)
        assert len(copied) == 16 and not any(e.date_fixed for e in copied)


async def test_a_new_meeting_under_the_highlighted_activity(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, "A2-PV")  # a meeting: the new one goes under its activity
        await press(pilot, "ctrl+n")
        form = app.screen
        assert isinstance(form, EventForm)
        assert (form.control("programme").value, form.control("parent").value) == ("2011-544", "A2")
        await fill(pilot, "title", "储能产业合作推进会")
        await fill(pilot, "when", "2011年11月下旬")
        await fill(pilot, "scale", "约200人")
        await put(pilot, "hosts", "新余市政府、示例储能产业园管委会")
        await fill(pilot, "industries", "光伏")
        await put(pilot, "invitee_types", "企业代表；摩托罗拉、诺基亚等公司代表")
        await fill(pilot, "quotas", "3-5:光伏")
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        assert await until(pilot, lambda: screen.detail and screen.detail.title == "储能产业合作推进会")
        assert screen.detail.parent == "A2"
        assert notified(app, "已新增单位：示例储能产业园管委会")
        ref = screen.detail.ref
    with demo_sqlite.unit_of_work(write=False) as session:
        event = get_event(session, ref)
        assert (event.parent.ref, event.level, event.planned_scale, event.date_precision) == (
            "A2", EventLevel.PROVINCIAL, 200, DatePrecision.DEKAD)
        assert event.invitee_types == ["企业代表", "摩托罗拉、诺基亚等公司代表"]
        assert [(q.min_projects, q.max_projects, q.industry.name) for q in event.quotas] == [(3, 5, "光伏")]
        assert [o.unit.name for o in event.organizers] == ["新余市政府", "示例储能产业园管委会"]


async def test_a_title_typed_as_the_form_opens_goes_into_the_title(demo_sqlite):
    """The programme and activity come preset; the title is the first thing typed, straight after the key
    that opens the form (new event, new programme)."""
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, "A2-PV")
        await pilot.press("ctrl+n", *"储能推进会")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EventForm) and form.focused is form.control("title")
        assert form.control("title").value == "储能推进会"
        assert form.control("programme").value == "2011-544"  # the preset choice is left as it was
        await press(pilot, "escape")
        await pilot.press("P", *"新方案")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProgrammeForm) and form.focused is form.control("title")
        assert (form.control("title").value, form.control("year").value) == ("新方案", str(TODAY.year))


async def test_an_unknown_industry_is_refused_beside_it_and_added_on_request(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, "B1")  # a top-level event: the new one goes beside it, at its level
        await press(pilot, "ctrl+n")
        form = app.screen
        assert (form.control("parent").value, form.control("level").value) == (Select.NULL, "city")
        await fill(pilot, "title", "氢能产业对接会")
        await fill(pilot, "when", "下个月吧")
        await press(pilot, "ctrl+s")
        assert refused_beside(form, "when", "下个月吧")
        await fill(pilot, "when", "2011-Q4")
        await fill(pilot, "industries", "氢能")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)  # add 氢能 to the industries?
        assert refused_beside(form, "industries", "未知的产业：氢能")
        await press(pilot, "y")
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        assert await until(pilot, lambda: screen.detail and screen.detail.title == "氢能产业对接会")
        assert notified(app, "已新增产业：氢能")
        ref = app.screen.detail.ref
    with demo_sqlite.unit_of_work(write=False) as session:
        event = get_event(session, ref)
        assert [i.name for i in event.industries] == ["氢能"] and event.level == EventLevel.CITY
        assert event.programme_group == "matchmaking" and event.parent is None
        assert session.scalar(select(Industry).where(Industry.name == "氢能")) is not None


async def test_edit_an_event_field_by_field(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, "A2-PV")
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, EventForm)
        assert form.control("when").value == "2011-11"
        assert form.control("hosts").value == "新余市政府、上饶市政府、南昌市政府、九江市政府、景德镇市政府"
        assert form.control("invitee_types").value == "国家部委领导；国内外客商；重点产业园区；省重点光伏企业代表"
        await fill(pilot, "place", "南昌国际展览中心")
        await fill(pilot, "when", "2011-11-18")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventsScreen)
        assert notified(app, "已修改活动 A2-PV：地点、时间")
        assert await until(pilot, lambda: "2011-11-18" in screen_text(app))
    with demo_sqlite.unit_of_work(write=False) as session:
        event = get_event(session, "A2-PV")
        assert (event.venue, event.starts_on, event.date_precision) == ("南昌国际展览中心", dt.date(2011, 11, 18),
                                                                         DatePrecision.DAY)
        assert len(event.invitee_types) == 4 and len(event.organizers) > 5  # left as they were


async def test_an_event_edit_made_stale_meanwhile_is_refused_and_reloaded(demo_sqlite):
    app = make_app(demo_sqlite, screen="events")
    async with app.run_test(size=SIZE) as pilot:
        await open_events(pilot, "B2")
        await press(pilot, "e")
        with demo_sqlite.unit_of_work() as session:  # someone else, in the meantime
            edit_event(session, "B2", EventInput(place="九江国际会展中心"))
        await fill(pilot, "place", "我的会场")
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, EventsScreen) and notified(app, "已被")
        assert await until(pilot, lambda: screen.detail.venue == "九江国际会展中心")
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_event(session, "B2").venue == "九江国际会展中心"
        assert session.scalar(select(Unit).where(Unit.name == "我的会场")) is None


async def test_the_forms_are_commands_in_both_languages(demo_sqlite):
    for lang, typed, form, title in (("zh", "新建活动或会议", EventForm, "新建活动或会议"),
                                     ("en", "copy into a new year", CopyProgrammeForm, "Copy a programme into a new year"),
                                     ("en", "new programme", ProgrammeForm, "New programme")):
        app = make_app(demo_sqlite, screen="events", lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await open_events(pilot, "C1")
            await press(pilot, "ctrl+p", *typed)
            await pilot.pause(0.3)
            await press(pilot, "enter")
            assert isinstance(app.screen, form) and app.screen.form_title == title, typed
            await press(pilot, "escape")
            assert isinstance(app.screen, EventsScreen)
