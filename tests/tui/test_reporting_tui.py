"""Reporting up (上报 / 认定 / 退回), supervision orders (督办) and 我的待办 in the workbench, on the small demo with
a reviewer (rev, a provincial office) and a city's staff member (nc, 南昌市政府) added through the services,
each working in their own scope as `crm` opens the database for them (crm.cli.context). What the screens
show is checked against the services' answers and the database afterwards."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from crm.errors import CrmError
from crm.rules.scope import scope_of
from crm.services import submissions, supervision
from crm.services.actor import staff_for
from crm.services.mine import my_work
from crm.services.reference import add_unit
from crm.services.staff import add_staff
from db.models import Project, Unit
from db.session import Database
from tests.conftest import TODAY
from tests.tui.conftest import SIZE, fill, press, screen_text, settle
from tests.tui.contact_helpers import settle as settle_all
from tests.tui.form_helpers import notified, until
from tests.tui.test_small_terminal import SMALL, check_footer
from tui.forms.reporting import OrderDecisionForm, OrderForm, ReplyForm, ReviewForm, SubmitForm
from tui.screens.events import EventsScreen
from tui.screens.mine import MineScreen
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.review import ReviewScreen
from tui.screens.supervision import SupervisionScreen
from tui.workbench import CrmApp

REVIEWING_OFFICE = "省工信委审核处"
CITY = "南昌市政府"


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@dataclass
class Team:
    """The demo with a reviewer and a city's staff member; a database per login, scoped as the CLI does."""

    path: str
    refs: list[str]  # the city's signed projects, by ref
    opened: list[Database] = field(default_factory=list)

    def db(self, login: str) -> Database:
        database = Database(self.path, scope=lambda session: scope_of(session, login),
                            actor=lambda session: staff_for(session, login))
        self.opened.append(database)
        return database

    def app(self, login: str, screen: str, lang: str = "zh") -> CrmApp:
        return CrmApp(self.db(login), screen=screen, login=login, lang=lang, today=TODAY, config={})

    def submit(self, kind: str, ref: str, on: dt.date, login: str = "nc") -> None:
        with self.db(login).unit_of_work() as session:
            submissions.submit(session, kind, ref, on=on, actor=staff_for(session, login), today=TODAY)

    def decide(self, kind: str, ref: str, on: dt.date, *, accept: bool, reason: str | None = None) -> None:
        with self.db("rev").unit_of_work() as session:
            submissions.decide(session, kind, ref, accept=accept, reason=reason, on=on, actor=staff_for(session, "rev"),
                               today=TODAY)

    def order(self, ref: str, *, issued: int, due: int, note: str) -> str:
        with self.db("rev").unit_of_work() as session:
            order = supervision.add_order(session, ref, unit=CITY, due_on=days_ago(due), note=note, on=days_ago(issued),
                                          actor=staff_for(session, "rev"), today=TODAY)
            return supervision.order_ref(order.id)

    def reply(self, order: str, note: str, on: dt.date) -> None:
        with self.db("nc").unit_of_work() as session:
            supervision.reply(session, order, on=on, note=note, actor=staff_for(session, "nc"), today=TODAY)

    def close(self, order: str, on: dt.date) -> None:
        with self.db("rev").unit_of_work() as session:
            supervision.decide(session, order, accept=True, on=on, actor=staff_for(session, "rev"), today=TODAY)

    def refusal(self, login: str, call) -> str:
        """What the service says, in the language of the moment, when `login` asks it for `call(session)`
        (it refuses: nothing is written)."""
        with pytest.raises(CrmError) as refused:
            with self.db(login).unit_of_work() as session:
                call(session)
        return refused.value.message


@pytest.fixture
def team(demo_sqlite):
    with demo_sqlite.unit_of_work() as session:
        add_unit(session, REVIEWING_OFFICE, kind="office")
        add_staff(session, "rev", "李审核", REVIEWING_OFFICE, reviewer=True)
        add_staff(session, "nc", "王南昌", CITY)
        city = session.scalar(select(Unit.id).where(Unit.name == CITY))
        refs = list(session.scalars(select(Project.ref).where(
            Project.owner_unit_id == city, Project.signed_on.is_not(None), Project.deleted_at.is_(None))
            .order_by(Project.ref)))
    assert len(refs) >= 3
    team = Team(demo_sqlite.url.database, refs)
    yield team
    for database in team.opened:
        database.dispose()


async def highlight(pilot, table_id: str, key: str) -> None:
    table = pilot.app.screen.query_one(table_id)
    table.move_cursor(row=table.get_row_index(key))
    await settle(pilot)


def cell(app, table_id: str, key: str, column: int):
    return app.screen.query_one(table_id).get_row(key)[column]


def warned(app, message: str) -> bool:
    """The app said exactly this, as a warning."""
    return any(n.message == message and n.severity == "warning" for n in app._notifications)


def steps(team: Team, kind: str, ref: str) -> list[tuple]:
    with team.db("rev").unit_of_work(write=False) as session:
        return [(s.action, s.on, s.by, s.note) for s in submissions.history(session, kind, ref)]


# -- reporting up -----------------------------------------------------------------------------------------


async def test_a_reviewer_accepts_one_submission_and_returns_another_with_a_reason(team):
    first, second = team.refs[:2]
    team.submit("project", first, days_ago(5))
    team.submit("project", second, days_ago(4))
    app = team.app("rev", "review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.title == f"{REVIEWING_OFFICE}（全省）· 审核人"  # the user's scope, in the header
        shown = screen_text(app)
        assert first in shown and second in shown and "待审核 2" in shown

        await highlight(pilot, "#queue", f"project:{first}")
        await press(pilot, "a")
        assert isinstance(app.screen, ReviewForm)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert await until(pilot, lambda: cell(app, "#queue", f"project:{first}", 5).plain == "已认定")

        await highlight(pilot, "#queue", f"project:{second}")
        await press(pilot, "x")
        form = app.screen
        assert isinstance(form, ReviewForm)
        await press(pilot, "ctrl+s")  # no reason: refused beside the field, nothing saved
        assert app.screen is form and form.query_one("#error-reason").has_class("-shown")
        assert form.focused is form.control("reason")
        await fill(pilot, "reason", "缺合同扫描件")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert await until(pilot, lambda: cell(app, "#queue", f"project:{second}", 5).plain == "已退回")
        assert cell(app, "#queue", f"project:{second}", 6).plain == "缺合同扫描件"
        history = screen_text(app).split("上报记录", 1)[1]  # the panel under the list
        assert "退回" in history and "缺合同扫描件" in history
    assert [s[0] for s in steps(team, "project", first)] == ["submitted", "accepted"]
    assert steps(team, "project", second)[-1] == ("returned", TODAY, "rev", "缺合同扫描件")


async def test_a_project_that_looks_reported_twice_is_flagged_for_the_reviewer(team):
    with team.db("rev").unit_of_work(write=False) as session:
        project = session.scalar(select(Project).where(Project.ref == team.refs[0]))
        investor, name = project.investor.name, project.name
    from crm.services.projects import NewProject, add_project

    with team.db("jj").unit_of_work() as session:  # no staff member: adds for the city it names
        twin = add_project(session, NewProject(name=name + "二期", investor=investor, industry="光伏", city="九江市",
                                               amount="1000", signed_on=days_ago(30)),
                           actor=staff_for(session, "jj"), today=TODAY).ref
    team.submit("project", team.refs[0], days_ago(5))
    team.submit("project", twin, days_ago(3), login="rev")
    app = team.app("rev", "review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "#queue", f"project:{twin}", 6).plain.startswith(f"疑似重复上报：{team.refs[0]}")
        await highlight(pilot, "#queue", f"project:{twin}")
        await press(pilot, "x")
        assert "疑似重复上报" in str(app.screen.query_one("#form-about").render())


async def test_a_city_sees_why_it_was_returned_and_submits_again(team):
    returned, fresh = team.refs[1], team.refs[2]
    team.submit("project", returned, days_ago(5))
    team.decide("project", returned, days_ago(3), accept=False, reason="缺合同扫描件")
    app = team.app("nc", "review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.title == CITY
        assert "缺合同扫描件" in screen_text(app) and "已退回" in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        assert "认定" not in footer and "退回" not in footer and "s 再次上报" in footer  # a city does not decide
        await press(pilot, "a")
        assert isinstance(app.screen, ReviewScreen)
        await highlight(pilot, "#queue", f"project:{returned}")
        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SubmitForm) and "缺合同扫描件" in str(form.query_one("#form-about").render())
        await fill(pilot, "note", "已补合同")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert await until(pilot, lambda: cell(app, "#queue", f"project:{returned}", 5).plain == "待审核")

        # A signed project is reported from its page (u), once: while it awaits review, u says so.
        app.open_project(fresh)
        await settle(pilot)
        assert isinstance(app.screen, ProjectDetailScreen)
        await press(pilot, "u")
        assert isinstance(app.screen, SubmitForm)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert await until(pilot, lambda: "待审核" in screen_text(app))
        await press(pilot, "u")
        assert isinstance(app.screen, ProjectDetailScreen) and notified(app, "正在等待审核")
    assert [(s[0], s[2], s[3]) for s in steps(team, "project", returned)] == [
        ("submitted", "nc", None), ("returned", "rev", "缺合同扫描件"), ("submitted", "nc", "已补合同")]
    assert [s[0] for s in steps(team, "project", fresh)] == ["submitted"]


async def test_an_event_plan_is_submitted_from_the_event_and_a_refusal_keeps_the_form(team):
    app = team.app("nc", "events")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.screen.show_event("A5")  # the province's event: a city reads it but does not report it
        await settle(pilot)
        await press(pilot, "p")
        form = app.screen
        await fill(pilot, "note", "方案初稿")
        await press(pilot, "ctrl+s")
        assert app.screen is form and form.control("note").value == "方案初稿"  # nothing lost
        assert "不属于本单位" in str(form.query_one("#form-message").render()) and notified(app, "不属于本单位")
        await press(pilot, "escape")

        app.screen.show_event("B1")  # 南昌's own
        await settle(pilot)
        await press(pilot, "p")
        assert isinstance(app.screen, SubmitForm)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventsScreen)
        assert await until(pilot, lambda: app.screen.reported.get("plan") is not None)
    team.decide("plan", "B1", TODAY, accept=False, reason="规模未定")
    app = team.app("nc", "events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.show_event("B1")
        await settle(pilot)
        assert "已退回：规模未定" in screen_text(app)
        await press(pilot, "p")
        assert isinstance(app.screen, SubmitForm) and "再次上报" in app.screen.form_title


async def test_a_review_key_where_it_does_not_apply_says_why_as_the_service_refuses(team):
    pending, accepted, returned = team.refs[:3]
    app = team.app("rev", "review")  # nothing submitted yet: nothing to decide on
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for key in ("a", "x", "s"):
            await press(pilot, key)
            assert isinstance(app.screen, ReviewScreen) and warned(app, "没有选中的上报事项")
    for ref in (pending, accepted, returned):
        team.submit("project", ref, days_ago(5))
    team.decide("project", accepted, days_ago(3), accept=True)
    team.decide("project", returned, days_ago(3), accept=False, reason="缺合同扫描件")

    app = team.app("rev", "review")  # the reviewer: 认定 and 退回 only what awaits review
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for ref, key in ((accepted, "a"), (returned, "x"), (accepted, "x")):
            await highlight(pilot, "#queue", f"project:{ref}")
            await press(pilot, key)
            said = team.refusal("rev", lambda session: submissions.decide(
                session, "project", ref, accept=key == "a", reason="理由", today=TODAY))
            assert said == f"{ref} 没有待审核的上报"
            assert isinstance(app.screen, ReviewScreen) and warned(app, said)
        await highlight(pilot, "#queue", f"project:{pending}")
        await press(pilot, "a")
        assert isinstance(app.screen, ReviewForm)  # where it applies, the form opens as before
        await press(pilot, "escape")

    app = team.app("nc", "review", lang="en")  # the city: submits again only what was returned
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for ref in (pending, accepted):
            await highlight(pilot, "#queue", f"project:{ref}")
            await press(pilot, "s")
            said = team.refusal("nc", lambda session: submissions.submit(session, "project", ref, today=TODAY))
            assert said.startswith(ref) and said in (f"{ref} was submitted on {days_ago(5)} and awaits review",
                                                     f"{ref} has been accepted: nothing to submit again")
            assert isinstance(app.screen, ReviewScreen) and warned(app, said)
        await press(pilot, "a", "x")  # not a city's keys: nothing opens
        assert isinstance(app.screen, ReviewScreen)
    assert [s[0] for s in steps(team, "project", pending)] == ["submitted"]  # nothing was written
    assert [s[0] for s in steps(team, "project", accepted)] == ["submitted", "accepted"]


# -- supervision orders -------------------------------------------------------------------------------


async def test_an_order_is_issued_replied_to_and_accepted_with_its_colours(team):
    red_ref, yellow_ref = team.refs[0], team.refs[2]
    app = team.app("rev", "supervision")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, OrderForm)
        await fill(pilot, "target", red_ref)
        await fill(pilot, "due_on", days_ago(20).isoformat())
        await fill(pilot, "note", "加快办理用地手续")
        await fill(pilot, "on", days_ago(10).isoformat())
        await press(pilot, "ctrl+s")  # no unit chosen (none is proposed): refused beside it
        assert app.screen is form and form.query_one("#error-unit").has_class("-shown")
        form.control("unit").value = CITY
        await press(pilot, "ctrl+s")  # issued after it was due: refused beside the due date, nothing lost
        assert app.screen is form and form.query_one("#error-due_on").has_class("-shown")
        assert form.control("note").value == "加快办理用地手续"
        await fill(pilot, "on", days_ago(30).isoformat())
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, SupervisionScreen)
        assert await until(pilot, lambda: app.screen.loaded and len(app.screen.loaded.rows) == 1)
        red = app.screen.loaded.rows[0].ref
        state = cell(app, "#orders", red, 1)
        assert state.plain == "● 严重逾期" and "red" in str(state.spans[0].style)
        assert cell(app, "#orders", red, 2).plain == "20 天"

        # From the project's page (D): the project is the target, the unit is chosen.
        app.open_project(yellow_ref)
        await settle(pilot)
        await press(pilot, "D")
        form = app.screen
        assert isinstance(form, OrderForm) and form.control("target").value == yellow_ref
        form.control("unit").value = CITY
        await fill(pilot, "due_on", days_ago(5).isoformat())
        await fill(pilot, "note", "协调电力接入")
        await fill(pilot, "on", days_ago(10).isoformat())
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectDetailScreen)
        assert await until(pilot, lambda: app.screen.view.detail["supervision"])
        app.screen.query_one("#project-tabs").active = "tab-supervision"
        await settle(pilot)
        assert "已逾期" in screen_text(app) and "协调电力接入" in screen_text(app)
        yellow = app.screen.view.detail["supervision"][0]["ref"]

        # On the dashboard: the count, the red one first.
        await press(pilot, "escape", "f2")
        orders = app.screen.query_one("#orders")
        assert orders.border_title == "督办 2 · 红 1 · 黄 1"
        assert red in str(orders.get_option_at_index(0).prompt)

    app = team.app("nc", "supervision")  # the city replies
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "r 回复" in footer and "认可" not in footer
        await highlight(pilot, "#orders", red)
        await press(pilot, "r")
        assert isinstance(app.screen, ReplyForm)
        await fill(pilot, "note", "已完成土地挂牌")
        await press(pilot, "ctrl+s")
        assert await until(pilot, lambda: cell(app, "#orders", red, 1).plain == "… 待审核")
        await highlight(pilot, "#orders", yellow)
        await press(pilot, "r")
        await fill(pilot, "note", "已协调供电公司")
        await press(pilot, "ctrl+s")
        assert await until(pilot, lambda: cell(app, "#orders", yellow, 1).plain == "… 待审核")

    app = team.app("rev", "supervision")  # the reviewer accepts one reply, not the other
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await highlight(pilot, "#orders", red)
        await press(pilot, "a")
        assert isinstance(app.screen, OrderDecisionForm)
        await press(pilot, "ctrl+s")
        assert await until(pilot, lambda: cell(app, "#orders", red, 1).plain == "✓ 已办结")
        await highlight(pilot, "#orders", yellow)
        await press(pilot, "x")
        form = app.screen
        await press(pilot, "ctrl+s")
        assert app.screen is form and form.query_one("#error-reason").has_class("-shown")
        await fill(pilot, "reason", "未附证明材料")
        await press(pilot, "ctrl+s")
        assert await until(pilot, lambda: cell(app, "#orders", yellow, 1).plain == "● 已逾期")  # overdue again
        assert "不认可：未附证明材料" in screen_text(app).split("督办单", 2)[2]  # the order's panel
    with team.db("rev").unit_of_work(write=False) as session:
        states = {o.ref: (o.state, o.days_overdue) for o in supervision.list_orders(session, TODAY)}
    assert states == {red: ("closed", 0), yellow: ("yellow", 5)}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_an_order_key_where_it_does_not_apply_says_why_as_the_service_refuses(team, lang):
    app = team.app("rev", "supervision", lang=lang)  # no order yet: nothing to reply to or decide on
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for key in ("r", "a", "x"):
            await press(pilot, key)
            assert isinstance(app.screen, SupervisionScreen)
            assert warned(app, "没有选中的督办单" if lang == "zh" else "no order is highlighted")
    late = team.order(team.refs[0], issued=30, due=20, note="加快办理用地手续")
    replied = team.order(team.refs[1], issued=10, due=5, note="协调电力接入")
    team.reply(replied, "已协调供电公司", days_ago(1))
    closed = team.order(team.refs[2], issued=10, due=5, note="落实用工")
    team.reply(closed, "已招聘到位", days_ago(3))
    team.close(closed, days_ago(2))

    app = team.app("nc", "supervision", lang=lang)  # the city replies to what awaits its reply only
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for order in (replied, closed):
            await highlight(pilot, "#orders", order)
            await press(pilot, "r")
            said = team.refusal("nc", lambda session: supervision.reply(session, order, note="再次回复", today=TODAY))
            assert order in said
            assert isinstance(app.screen, SupervisionScreen) and warned(app, said)

    app = team.app("rev", "supervision", lang=lang)  # the reviewer decides on a reply awaiting review only
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for order, key in ((late, "a"), (late, "x"), (closed, "a"), (closed, "x")):
            await highlight(pilot, "#orders", order)
            await press(pilot, key)
            said = team.refusal("rev", lambda session: supervision.decide(
                session, order, accept=key == "a", reason="理由", today=TODAY))
            assert order in said
            assert isinstance(app.screen, SupervisionScreen) and warned(app, said)
        await highlight(pilot, "#orders", replied)
        await press(pilot, "a")
        assert isinstance(app.screen, OrderDecisionForm)  # where it applies, the form opens as before
        await press(pilot, "escape")
    with team.db("rev").unit_of_work(write=False) as session:
        states = {o.ref: o.state for o in supervision.list_orders(session, TODAY)}
    assert states == {late: "red", replied: "replied", closed: "closed"}  # nothing was written


# -- 我的待办 -----------------------------------------------------------------------------------------


async def test_my_to_do_lists_what_is_the_users_and_opens_it(team):
    pending, returned = team.refs[0], team.refs[1]
    team.submit("project", pending, days_ago(5))
    team.submit("project", returned, days_ago(5))
    team.decide("project", returned, days_ago(3), accept=False, reason="缺合同扫描件")
    red = team.order(team.refs[0], issued=30, due=20, note="加快办理用地手续")
    replied = team.order(team.refs[2], issued=10, due=5, note="协调电力接入")
    team.reply(replied, "已协调供电公司", days_ago(1))
    with team.db("nc").unit_of_work(write=False) as session:
        expected = my_work(session, "nc", TODAY)
        city = session.scalar(select(Unit.id).where(Unit.name == CITY))
        theirs = set(session.scalars(select(Project.ref).where(Project.owner_unit_id == city)))
    kinds = {(i.kind, i.ref) for i in expected.items}
    assert ("order", red) in kinds and ("resubmit", returned) in kinds
    assert ("order", replied) not in kinds  # replied: the reviewer's turn
    assert {i.ref for i in expected.items if i.ref.startswith("P")} <= theirs  # nothing of another city
    assert any(i.kind in ("construction", "production", "followup", "stale") for i in expected.items)

    app = team.app("nc", "mine")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#mine")
        assert table.row_count == len(expected.items)
        shown = screen_text(app)
        assert "王南昌" in shown and CITY in shown and "缺合同扫描件" in shown and red in shown
        row = next(i for i, item in enumerate(expected.items) if item.ref == red)
        table.move_cursor(row=row)
        await press(pilot, "enter")
        assert app.current_mode == "supervision"
        assert await until(pilot, lambda: isinstance(app.screen, SupervisionScreen) and app.screen.current()
                           and app.screen.current().ref == red)
        await press(pilot, "f9")
        table = app.screen.query_one("#mine")
        table.move_cursor(row=next(i for i, item in enumerate(expected.items) if item.kind == "resubmit"))
        await press(pilot, "enter")
        assert app.current_mode == "review"
        assert await until(pilot, lambda: app.screen.current() and app.screen.current().ref == returned)

    app = team.app("rev", "mine")  # the reviewer: the submission and the reply awaiting a decision
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MineScreen)
        items = {(i.kind, i.ref) for i in app.screen.work.items}
        assert ("review", pending) in items and ("order_review", replied) in items
        assert "审核项目" in screen_text(app) and "审核督办回复" in screen_text(app)


async def test_a_login_that_is_no_staff_member_is_told_so(demo_sqlite):
    app = CrmApp(demo_sqlite, screen="mine", login="nobody", today=TODAY, config={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "nobody 不是工作人员" in screen_text(app)


# -- at 80×24, in both languages --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_new_footers_fit_80_columns(team, lang):
    team.submit("project", team.refs[0], days_ago(5))
    team.submit("project", team.refs[1], days_ago(5))
    team.decide("project", team.refs[1], days_ago(3), accept=False, reason="缺合同扫描件")
    team.order(team.refs[0], issued=30, due=20, note="加快办理用地手续")
    replied = team.order(team.refs[2], issued=10, due=5, note="协调电力接入")
    team.reply(replied, "已协调供电公司", days_ago(1))
    for login in ("rev", "nc"):
        app = team.app(login, "dashboard", lang=lang)
        async with app.run_test(size=SMALL) as pilot:
            await settle_all(pilot)
            for key, where in (("f9", "mine"), ("f10", "review"), ("f12", "supervision")):
                await press(pilot, key)
                await settle_all(pilot)
                await check_footer(pilot, f"{login} {where}")
            await press(pilot, "f10")
            await highlight(pilot, "#queue", f"project:{team.refs[1]}")
            await check_footer(pilot, f"{login} review, a returned item")
            app.open_project(team.refs[0])
            await settle_all(pilot)
            await check_footer(pilot, f"{login} project")
            await press(pilot, "f2")
            await check_footer(pilot, f"{login} dashboard")
            assert "红 1" in screen_text(app) or "1 red" in screen_text(app)
