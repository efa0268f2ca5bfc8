"""The services the workbench reads through: the dashboard's figures, the paged project list, the
programme tree and event detail, and editing a project from what the user saw. Both backends."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.errors import NotFound, StaleEdit
from crm.rules import deadlines, signals
from crm.services import dashboard as dashboard_service
from crm.services.dashboard import LIST_LIMIT, dashboard, project_alert
from crm.services.event_detail import event_detail, programme_tree
from crm.services.kpi import kpi_report
from crm.services.project_query import (
    ProjectFilter,
    ProjectOrder,
    count_projects,
    filter_choices,
    project_page,
)
from crm.services.projects import NewProject, add_project, edit_project, get_project, list_projects
from crm.services.snapshot import project_states
from crm.services.warnings import event_deadlines
from db.models import Invitation, ProjectStatus, Stage, Staff
from tests.conftest import TODAY


def test_dashboard_figures_agree_with_the_kpi_report_and_the_warnings(demo_database):
    with demo_database.unit_of_work(write=False) as session:
        board = dashboard(session, TODAY)
        report = kpi_report(session, TODAY)
        states = project_states(session, TODAY)
        expected_deadlines = [w for w in event_deadlines(session, TODAY) if w.status != deadlines.DONE]
    for key in ("signed", "signed_amount", "started_rate", "production_rate", "results_rate",
                "funds_in_place_rate", "problems_resolved_rate"):
        assert board.kpi[key] == report[key], key
    colours = [s.colour(TODAY) for s in states]
    assert (board.red, board.yellow) == (colours.count(signals.RED), colours.count(signals.YELLOW))
    assert board.red > 0 and board.yellow > 0
    assert [a.colour for a in board.alerts] == sorted((a.colour for a in board.alerts), key=lambda c: c != "red")
    assert len(board.alerts) == min(LIST_LIMIT, board.red + board.yellow)
    assert sorted((w.ref, w.kind) for w in board.deadlines) == sorted((w.ref, w.kind) for w in expected_deadlines)
    assert ("A5", "plan") in {(w.ref, w.kind) for w in board.deadlines}
    monday, sunday = TODAY - dt.timedelta(days=TODAY.weekday()), TODAY + dt.timedelta(days=6 - TODAY.weekday())
    assert board.followups_due and all(monday <= f.next_on <= sunday for f in board.followups_due)
    live = [s for s in states if s.status != ProjectStatus.TERMINATED and s.stage is not None]
    assert sum(row.total for row in board.pipeline) == len(live)
    assert sum(row.counts[Stage.LEAD] for row in board.pipeline) == sum(s.stage == Stage.LEAD for s in live)


@pytest.mark.parametrize("limit", [5, LIST_LIMIT])
def test_the_alerts_shown_are_the_first_of_every_project_alert_in_order(demo_database, monkeypatch, limit):
    """Only the alerts shown are spelled out: they must be the ones that sorting every project's alert puts
    first (red, then the earliest date behind it, then the ref), and the counts must cover every project."""
    monkeypatch.setattr(dashboard_service, "LIST_LIMIT", limit)
    with demo_database.unit_of_work(write=False) as session:
        for as_of in (TODAY, dt.date(2012, 6, 30)):
            board = dashboard(session, as_of)
            every = [a for a in (project_alert(s, as_of) for s in project_states(session, as_of)) if a is not None]
            every.sort(key=lambda a: (a.colour != signals.RED, a.due or as_of, a.ref))
            assert board.alerts == every[:limit]
            assert (board.red, board.yellow) == (sum(a.colour == signals.RED for a in every),
                                                 sum(a.colour == signals.YELLOW for a in every))
    assert len(every) > 5  # the shorter limit leaves some out


def test_the_dashboard_as_of_an_earlier_day_counts_what_had_happened_by_then(demo_database):
    with demo_database.unit_of_work(write=False) as session:
        now, then = dashboard(session, TODAY), dashboard(session, dt.date(2012, 6, 30))
    assert then.kpi["started"] < now.kpi["started"]
    assert then.as_of == dt.date(2012, 6, 30)


def test_project_pages_filter_sort_and_search_in_sql(demo_database):
    with demo_database.unit_of_work() as session:
        everything = list_projects(session)
        actor = session.scalars(select(Staff)).first()
        odd = add_project(session, NewProject(name="满意度100%_项目", investor="[VIP]客户", industry="光伏",
                                              city="南昌市", amount="1", signed_on=TODAY), actor=actor, today=TODAY)
    with demo_database.unit_of_work(write=False) as session:
        everyone = ProjectFilter()
        total = count_projects(session, everyone)
        assert total == len(everything) + 1
        # Windows of a page concatenate to the whole ordered list.
        order = ProjectOrder("amount", descending=True)
        paged = [r for offset in range(0, total, 7) for r in project_page(session, everyone, order, offset, 7)]
        whole = project_page(session, everyone, order, 0, total)
        assert [r.ref for r in paged] == [r.ref for r in whole] and len(whole) == total
        amounts = [r.amount for r in whole]
        known = [a for a in amounts if a is not None]
        assert known == sorted(known, reverse=True) and amounts[len(known):] == [None] * (total - len(known))
        # Filters as the list offers them.
        pv = next(c for c in filter_choices(session).industries if c.name == "光伏")
        construction = ProjectFilter(stage=Stage.CONSTRUCTION, industry_id=pv.id)
        expected = [p.ref for p in everything if p.stage == Stage.CONSTRUCTION and p.industry and p.industry.name == "光伏"]
        assert sorted(r.ref for r in project_page(session, construction, ProjectOrder(), 0, 100)) == sorted(expected)
        assert count_projects(session, construction) == len(expected)
        stalled = ProjectFilter(status=ProjectStatus.STALLED)
        assert count_projects(session, stalled) == sum(p.status == ProjectStatus.STALLED for p in everything) > 0
        # Text is text: % and _ match themselves, brackets are not markup, case does not matter.
        assert [r.ref for r in project_page(session, ProjectFilter(text="100%_"), ProjectOrder(), 0, 10)] == [odd.ref]
        assert [r.ref for r in project_page(session, ProjectFilter(text="[vip]"), ProjectOrder(), 0, 10)] == [odd.ref]
        assert count_projects(session, ProjectFilter(text="%")) == 1


def test_the_programme_tree_is_five_four_four_with_the_meetings_under_their_activity(demo_database):
    with demo_database.unit_of_work(write=False) as session:
        tree = programme_tree(session, TODAY)
        a2 = event_detail(session, "A2", TODAY)
        a2_ids = [session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.event.has(ref=ref), Invitation.deleted_at.is_(None))) for ref in ("A2", *a2.meetings)]
    assert [(group, len(nodes)) for group, nodes in tree.groups] == [("major", 5), ("matchmaking", 4), ("cooperation", 4)]
    activity = next(node for node in tree.groups[0][1] if node.ref == "A2")
    assert [child.ref for child in activity.children] == ["A2-PV", "A2-NEV", "A2-SO"]
    assert activity.plan is None and all(child.plan is not None for child in activity.children)
    a5 = next(node for node in tree.groups[0][1] if node.ref == "A5")
    assert a5.plan.status == deadlines.OVERDUE and a5.plan.submitted_on is None
    assert sum(a2.invitations_by_status.values()) == sum(a2_ids) > 0
    assert sum(a2.invitations_by_category.values()) == sum(a2_ids)
    assert a2.signed_projects and a2.organizers["hosts"] == [] and a2.meetings == ["A2-PV", "A2-NEV", "A2-SO"]


def test_an_edit_applies_what_changed_and_refuses_a_stale_version(demo_database):
    with demo_database.unit_of_work() as session:
        project = get_project(session, "P00004")
        version = project.version
        # Construction moved to 2027 moves production too: it is never planned before construction.
        edit_project(session, "P00004", {"amount": Decimal("15000.5"), "park": " 新 园区 ", "jobs": 12,
                                         "planned_construction_on": dt.date(2027, 3, 1),
                                         "planned_production_on": dt.date(2028, 3, 1), "industry": "铜"},
                     version=version)
    with demo_database.unit_of_work(write=False) as session:
        project = get_project(session, "P00004")
        assert (project.contracted_amount, project.park, project.jobs, project.planned_construction_on,
                project.industry.name) == (Decimal("15000.50"), "新 园区", 12, dt.date(2027, 3, 1), "铜")
        assert project.version == version + 1
    with pytest.raises(StaleEdit), demo_database.unit_of_work() as session:
        edit_project(session, "P00004", {"park": "旧的"}, version=version)
    with pytest.raises(NotFound), demo_database.unit_of_work() as session:
        edit_project(session, "P00004", {"industry": "不存在的产业"}, version=version + 1)
    with demo_database.unit_of_work(write=False) as session:
        assert get_project(session, "P00004").park == "新 园区"
