"""签约 → 开工 → 投产 → 见效: forward only, dates in order, corrections as their own rows."""
import datetime as dt

import pytest

from crm.errors import RuleViolation
from crm.rules.stages import Step, check_advance, check_redate, parse_stage, stage_as_of
from db.models import Stage

D = dt.date
TODAY = D(2026, 11, 27)
SIGNED = [Step(Stage.SIGNED, D(2011, 11, 20))]


def test_forward_step_on_a_later_day_is_accepted():
    check_advance("P1", SIGNED, Stage.CONSTRUCTION, D(2012, 3, 1), TODAY)


def test_same_day_as_previous_step_is_accepted():
    check_advance("P1", SIGNED, Stage.CONSTRUCTION, D(2011, 11, 20), TODAY)


@pytest.mark.parametrize("target", [Stage.SIGNED, Stage.NEGOTIATING, Stage.LEAD])
def test_backwards_or_repeated_step_is_refused(target):
    with pytest.raises(RuleViolation) as err:
        check_advance("P1", SIGNED, target, D(2012, 1, 1), TODAY)
    assert err.value.key == "stage_backwards"


def test_skipping_a_pipeline_stage_is_refused():
    with pytest.raises(RuleViolation) as err:
        check_advance("P1", SIGNED, Stage.PRODUCTION, D(2012, 1, 1), TODAY)
    assert err.value.key == "stage_skip_needs_dates"
    assert "开工" in err.value.message


def test_date_before_previous_step_is_refused():
    with pytest.raises(RuleViolation) as err:
        check_advance("P1", SIGNED, Stage.CONSTRUCTION, D(2011, 11, 19), TODAY)
    assert err.value.key == "stage_date_before_previous"
    assert "2011-11-20" in err.value.message


def test_future_date_is_refused():
    with pytest.raises(RuleViolation) as err:
        check_advance("P1", SIGNED, Stage.CONSTRUCTION, TODAY + dt.timedelta(days=1), TODAY)
    assert err.value.key == "stage_date_in_future"


def test_lead_may_be_signed_without_negotiation():
    check_advance("P1", [Step(Stage.LEAD, D(2011, 1, 5))], Stage.SIGNED, D(2011, 2, 1), TODAY)


def test_redate_must_stay_between_neighbours():
    steps = [Step(Stage.SIGNED, D(2011, 1, 1)), Step(Stage.CONSTRUCTION, D(2011, 6, 1)),
             Step(Stage.PRODUCTION, D(2012, 1, 1))]
    check_redate(steps, 1, D(2011, 12, 31), TODAY)
    with pytest.raises(RuleViolation):
        check_redate(steps, 1, D(2012, 1, 2), TODAY)
    with pytest.raises(RuleViolation):
        check_redate(steps, 1, D(2010, 12, 31), TODAY)


def test_stage_as_of_takes_the_furthest_reached_by_that_day():
    steps = [Step(Stage.SIGNED, D(2011, 1, 1)), Step(Stage.CONSTRUCTION, D(2011, 6, 1))]
    assert stage_as_of(steps, D(2010, 12, 31)) is None
    assert stage_as_of(steps, D(2011, 5, 31)) == Stage.SIGNED
    assert stage_as_of(steps, D(2011, 6, 1)) == Stage.CONSTRUCTION


@pytest.mark.parametrize("text,stage", [("construction", Stage.CONSTRUCTION), ("开工", Stage.CONSTRUCTION),
                                        ("见效", Stage.RESULTS), (" Production ", Stage.PRODUCTION)])
def test_parse_stage_in_both_languages(text, stage):
    assert parse_stage(text) == stage


def test_parse_stage_unknown():
    with pytest.raises(RuleViolation):
        parse_stage("done")
