"""三色 warnings: red past a planned date without the stage, yellow near it / stalled / no follow-up."""
import datetime as dt

from crm.rules.signals import GREEN, RED, YELLOW, colour, followup_is_stale, planned_date_warnings
from db.models import ProjectStatus, Stage

D = dt.date


def test_planned_construction_passed_without_start_is_red():
    warnings = planned_date_warnings(Stage.SIGNED, D(2012, 3, 1), D(2013, 3, 1), D(2012, 3, 2))
    assert [(w.kind, w.status) for w in warnings] == [("construction", "overdue")]
    assert colour(ProjectStatus.ACTIVE, warnings, False) == RED


def test_planned_date_within_30_days_is_yellow():
    warnings = planned_date_warnings(Stage.SIGNED, D(2012, 3, 1), None, D(2012, 1, 31))  # 30 days before
    assert [(w.kind, w.status) for w in warnings] == [("construction", "due")]
    assert colour(ProjectStatus.ACTIVE, warnings, False) == YELLOW
    assert planned_date_warnings(Stage.SIGNED, D(2012, 3, 1), None, D(2012, 1, 30)) == []  # 31 days before


def test_reached_stage_clears_its_planned_date():
    assert planned_date_warnings(Stage.CONSTRUCTION, D(2012, 3, 1), None, D(2013, 1, 1)) == []
    warnings = planned_date_warnings(Stage.CONSTRUCTION, D(2012, 3, 1), D(2012, 12, 1), D(2013, 1, 1))
    assert [(w.kind, w.status) for w in warnings] == [("production", "overdue")]


def test_stalled_or_stale_project_is_yellow_else_green():
    assert colour(ProjectStatus.STALLED, [], False) == YELLOW
    assert colour(ProjectStatus.ACTIVE, [], True) == YELLOW
    assert colour(ProjectStatus.ACTIVE, [], False) == GREEN


def test_no_followup_for_more_than_30_days_is_stale():
    assert not followup_is_stale(D(2011, 1, 1), D(2012, 1, 1), D(2012, 1, 31))  # 30 days
    assert followup_is_stale(D(2011, 1, 1), D(2012, 1, 1), D(2012, 2, 1))  # 31 days
    assert followup_is_stale(D(2011, 1, 1), None, D(2011, 2, 1))  # counted from signing
