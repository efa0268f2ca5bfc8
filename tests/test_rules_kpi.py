"""KPIs with hand-checked numbers: every rate's denominator is the cohort's signed projects."""
import datetime as dt
from decimal import Decimal

from crm.rules.kpi import ProjectFacts, compute, compute_by
from db.models import SigningForm, Stage

D = dt.date


def facts(stage, amount, *, form=SigningForm.CONTRACT, converted=None, terminated=False, funds=0, raised=0,
          resolved=0, industry="光伏", city="南昌市"):
    return ProjectFacts(signed_on=D(2011, 11, 20), signing_form=form, converted_on=converted, amount=Decimal(amount),
                        stage=stage, terminated=terminated, funds_in_place=Decimal(funds), problems_raised=raised,
                        problems_resolved=resolved, industry=industry, city=city)


COHORT = [
    facts(Stage.SIGNED, 10000, form=SigningForm.AGREEMENT, raised=2, resolved=1),
    facts(Stage.CONSTRUCTION, 20000, funds=5000, raised=1, resolved=1, industry="铜"),
    facts(Stage.PRODUCTION, 50000, form=SigningForm.AGREEMENT, converted=D(2012, 1, 1), funds=25000, city="鹰潭市"),
    facts(Stage.RESULTS, 120000, funds=120000, industry="铜", city="鹰潭市"),
    facts(Stage.SIGNED, 300, terminated=True),
]


def test_rates_by_hand():
    kpi = compute(COHORT).as_dict()
    assert kpi["signed"] == 5
    assert kpi["signed_amount"] == 200300.0
    assert kpi["started_rate"] == 0.6  # construction, production, results: 3 / 5
    assert kpi["production_rate"] == 0.4  # 2 / 5
    assert kpi["results_rate"] == 0.2  # 1 / 5
    assert kpi["funds_in_place_rate"] == round(150000 / 200300, 4)  # 0.7489
    assert kpi["performance_rate"] == 0.8  # 4 of 5 not terminated
    assert kpi["agreement_conversion_rate"] == 0.5  # 1 of 2 agreements converted
    assert kpi["problems_resolved_rate"] == 0.6667  # 2 of 3


def test_size_tiers_count_and_amount():
    tiers = {t["min_wan"]: t for t in compute(COHORT).as_dict()["size_tiers"]}
    assert tiers[10000]["count"] == 4 and tiers[10000]["amount"] == 200000.0  # 亿元以上
    assert tiers[50000]["count"] == 2
    assert tiers[100000]["count"] == 1 and tiers[100000]["amount"] == 120000.0  # 10亿元以上


def test_seed_example_performance_rate():
    # DOMAIN.md: 292 contracts, 1 terminated by the investor → 99.65%
    cohort = [facts(Stage.SIGNED, 1) for _ in range(291)] + [facts(Stage.SIGNED, 1, terminated=True)]
    assert compute(cohort).as_dict()["performance_rate"] == 0.9966  # 291/292 = 0.99657 → 4 places


def test_empty_cohort_has_no_rates():
    kpi = compute([]).as_dict()
    assert kpi["signed"] == 0
    assert kpi["started_rate"] is None and kpi["funds_in_place_rate"] is None


def test_grouping_by_industry():
    groups = compute_by(COHORT, lambda p: p.industry)
    assert set(groups) == {"光伏", "铜"}
    assert groups["铜"].as_dict()["signed"] == 2
    assert groups["铜"].as_dict()["results_rate"] == 0.5


def test_merged_groups_give_the_kpis_of_their_union():
    first, second = compute(COHORT[:2]), compute(COHORT[2:])
    first.merge(second)
    assert first.as_dict() == compute(COHORT).as_dict()
    assert second.as_dict() == compute(COHORT[2:]).as_dict()  # the one merged in is left as it was
