"""Each source kind, with known data, gives exact values per region and for the city."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators.audit import recompute_and_compare
from indicators.models import Indicator, IndicatorValue, Observation, RollupRun
from indicators.services import RollupError, run_rollup
from programs.models import Region

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)


def test_literacy_observations_from_the_plan_and_seed_000_are_rolled_up(value_of):
    run_rollup(today=TODAY)
    assert value_of("literacy_rate", "320400", 2016) == Decimal("10.3")
    assert value_of("literacy_rate", "320400", 2020) == Decimal("15.2")
    # seed 000's 17% is kept under the year it was reported (2023-08-02; no survey year given, issue 14)
    assert value_of("literacy_rate", "320400", 2022) is None
    assert value_of("literacy_rate", "320400", 2023) == Decimal("17")


def test_ratio_city_value_is_sum_of_numerators_over_sum_of_denominators(value_of, wujin, tianning):
    indicator = Indicator.objects.get(code="literacy_rate")
    # 武进 20% of 1,000 sampled; 天宁 10% of 3,000 — average of percentages would be 15%, the true rate 12.5%.
    Observation.objects.create(indicator=indicator, year=2024, region=wujin, value=20, numerator=200, denominator=1000)
    Observation.objects.create(
        indicator=indicator, year=2024, region=tianning, value=10, numerator=300, denominator=3000
    )
    run_rollup(today=TODAY)
    assert value_of("literacy_rate", "320412", 2024) == Decimal("20")
    assert value_of("literacy_rate", "320400", 2024) == Decimal("12.5")


def test_base_counts_by_highest_valid_level_per_region_and_city_at_year_end(
    make_base, wujin, tianning, town_in_wujin, value_of
):
    d = dt.date
    make_base(wujin, ("municipal", d(2019, 3, 1), None, None), ("provincial", d(2022, 5, 1), None, None))
    make_base(town_in_wujin, ("municipal", d(2021, 4, 1), None, None))  # a town's base counts for 武进
    make_base(wujin, ("national", d(2018, 1, 1), d(2022, 12, 31), None))  # expired after 2022
    make_base(tianning, ("municipal", d(2021, 6, 1), None, d(2023, 3, 1)))  # revoked in 2023
    make_base(tianning, ("municipal", d(2024, 2, 1), None, None))
    run_rollup(today=TODAY)
    # 2022 year end: 武进 national 1, provincial 1 (highest), municipal 1 (town); 天宁 municipal 1
    assert value_of("bases_national", "320412", 2022) == 1
    assert value_of("bases_provincial", "320412", 2022) == 1
    assert value_of("bases_municipal", "320412", 2022) == 1
    assert value_of("bases_total", "320400", 2022) == 4
    # 2023: the national certificate expired, the 天宁 one was revoked
    assert value_of("bases_national", "320412", 2023) is None
    assert value_of("bases_municipal", "320402", 2023) is None
    assert value_of("bases_total", "320400", 2023) == 2
    # 2025 as of 30 June: 天宁 has its 2024 base again
    assert value_of("bases_total", "320400", 2025) == 3
    assert value_of("bases_total", "320402", 2025) == 1


def test_new_certifications_since_2021_are_cumulative_and_exclude_revoked(make_base, wujin, tianning, value_of):
    d = dt.date
    make_base(wujin, ("municipal", d(2020, 5, 1), None, None))  # before the plan: not new
    make_base(wujin, ("municipal", d(2021, 5, 1), None, None))
    make_base(tianning, ("municipal", d(2023, 5, 1), None, None), ("provincial", d(2024, 9, 1), None, None))
    make_base(tianning, ("municipal", d(2022, 5, 1), None, d(2024, 1, 10)))  # revoked in 2024
    renewed = make_base(wujin, ("municipal", d(2017, 5, 1), None, None))
    from bases.models import Certification

    Certification.objects.create(
        base=renewed, level="municipal", certified_on=d(2022, 5, 1), valid_until=d(2027, 4, 30), is_renewal=True
    )  # a renewal is not "new"
    run_rollup(today=TODAY)
    assert [value_of("new_municipal_bases", "320400", y) for y in (2021, 2022, 2023, 2024)] == [1, 2, 3, 2]
    assert value_of("new_municipal_bases", "320402", 2023) == 2
    assert value_of("new_provincial_plus_bases", "320400", 2024) == 1
    assert value_of("new_provincial_plus_bases", "320400", 2023) is None


def test_only_approved_activity_returns_count_by_region_month_campaign_and_population(
    make_return, make_campaign, wujin, tianning, town_in_wujin, value_of
):
    day = make_campaign()
    make_return(wujin, participants=300, online=50, campaign=day, populations=["youth"])
    make_return(town_in_wujin, participants=200, starts_on=dt.date(2024, 5, 20), populations=["youth", "elderly"])
    make_return(tianning, participants=1000, campaign=day)
    for status in ("draft", "submitted", "returned"):
        make_return(wujin, status=status, participants=99999)
    make_return(wujin, participants=7, starts_on=dt.date(2023, 3, 1))
    run_rollup(today=TODAY)
    assert value_of("activities", "320412", 2024) == 2
    assert value_of("activity_participants", "320412", 2024) == 500
    assert value_of("activities", "320400", 2024) == 3
    assert value_of("activity_participants", "320400", 2024) == 1500
    assert value_of("activity_online_views", "320400", 2024) == 50
    assert value_of("activities", "320400", 2023) == 1
    assert value_of("activities", "320400", 2024, "month", "09") == 2
    assert value_of("activity_participants", "320400", 2024, "month", "05") == 200
    assert value_of("activity_participants", "320400", 2024, "campaign", str(day.pk)) == 1300
    assert value_of("activities", "320400", 2024, "population", "youth") == 2
    assert value_of("activity_participants", "320412", 2024, "population", "elderly") == 200


def test_reopening_an_approved_return_changes_the_values_after_the_next_rollup(
    make_return, wujin, office_user, value_of
):
    from common.workflow import apply_transition

    activity = make_return(wujin, participants=400)
    run_rollup(today=TODAY)
    assert value_of("activity_participants", "320412", 2024) == 400
    apply_transition(activity, "reopen_report", office_user, reason="参与人次需核实")
    assert value_of("activity_participants", "320412", 2024) == 400  # unchanged until the roll-up runs
    run_rollup(today=TODAY)
    assert value_of("activity_participants", "320412", 2024) is None


def test_only_accepted_unit_report_figures_count(make_report, value_of):
    make_report("市农业农村局", 2024, {"high_quality_farmers": 4650, "agri_business_leaders": 102})
    make_report("市教育局", 2024, {"tech_tutors_trained": 310}, status="submitted")
    make_report("武进区人民政府", 2024, {"high_quality_farmers": 500})
    make_report("市农业农村局", 2025, {"high_quality_farmers": 2100}, kind="half", half=1)
    run_rollup(today=TODAY)
    assert value_of("high_quality_farmers", "320400", 2024) == 5150
    assert value_of("high_quality_farmers", "320412", 2024) == 500
    assert value_of("agri_business_leaders", "320400", 2024) == 102
    assert value_of("tech_tutors_trained", "320400", 2024) is None
    assert value_of("high_quality_farmers", "320400", "2025-H1") == 2100


def test_stock_targets_accumulate_yearly_reported_figures(make_report, value_of):
    make_report("市教育局", 2022, {"sci_edu_demo_schools_municipal": 12})
    make_report("市教育局", 2024, {"sci_edu_demo_schools_municipal": 15})
    run_rollup(today=TODAY)
    assert [value_of("sci_edu_demo_schools_municipal", "320400", y) for y in (2022, 2023, 2024, 2025)] == [
        12,
        12,
        27,
        27,
    ]


def test_a_rollup_that_fails_half_way_leaves_the_previous_values(make_return, wujin, value_of):
    make_return(wujin, participants=100)
    run_rollup(today=TODAY)
    before = list(IndicatorValue.objects.order_by("pk").values_list("pk", "value"))
    make_return(wujin, participants=900)
    with pytest.raises(RollupError):
        run_rollup(today=TODAY, fail_after="activities")
    with pytest.raises(RollupError):
        run_rollup(today=TODAY, fail_after="__write__")
    assert list(IndicatorValue.objects.order_by("pk").values_list("pk", "value")) == before
    assert value_of("activity_participants", "320412", 2024) == 100
    failed = RollupRun.objects.filter(status="failed")
    assert failed.count() == 2 and all(r.finished_at and r.error for r in failed)
    run_rollup(today=TODAY)
    assert value_of("activity_participants", "320412", 2024) == 1000


def test_each_run_records_start_end_rows_and_duration_and_is_idempotent(make_return, wujin):
    make_return(wujin)
    first = run_rollup(today=TODAY)
    snapshot = sorted(
        IndicatorValue.objects.values_list("indicator__code", "period", "region_id", "dimension", "key", "value")
    )
    second = run_rollup(today=TODAY)
    assert first.status == second.status == "ok"
    assert first.rows > 0 and IndicatorValue.objects.count() >= first.rows
    assert second.rows == 0  # nothing changed, nothing written
    assert second.finished_at >= second.started_at and second.duration_ms is not None
    assert (
        sorted(
            IndicatorValue.objects.values_list("indicator__code", "period", "region_id", "dimension", "key", "value")
        )
        == snapshot
    )


def test_check_command_reports_values_that_differ_from_a_fresh_computation(make_return, wujin):
    from io import StringIO

    from django.core.management import call_command

    make_return(wujin, participants=250)
    run_rollup(today=TODAY)
    assert recompute_and_compare(today=TODAY) == []
    IndicatorValue.objects.filter(indicator__code="activity_participants", region=wujin, dimension="").update(value=1)
    problems = recompute_and_compare(today=TODAY)
    assert len(problems) == 1 and "activity_participants 2024" in problems[0] and "存储=1" in problems[0]
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_indicators", stdout=out)
    assert "activity_participants" in out.getvalue()


def test_every_plan_indicator_is_in_the_catalogue_with_its_target():
    expected = {
        "literacy_rate": (Decimal("21.5"), 2025),
        "new_municipal_bases": (Decimal(100), 2025),
        "new_provincial_plus_bases": (Decimal(20), 2025),
        "national_demo_districts": (Decimal(2), 2025),
        "high_quality_farmers": (Decimal(4500), None),
        "tech_tutors_trained": (Decimal(300), None),
        "skilled_workers_trained": (Decimal(100000), None),
        "elderly_tech_university_coverage": (Decimal(6), 2025),  # the six 辖市(区) (issue 14)
    }
    for code, (value, year) in expected.items():
        indicator = Indicator.objects.get(code=code)
        target = indicator.targets.order_by("-year").first()
        assert target.value == value, code
        if year:
            assert target.year == year
    assert Indicator.objects.get(code="high_quality_farmers").kind == "flow"
    assert Indicator.objects.get(code="new_municipal_bases").kind == "stock"
    assert Region.objects.get(code="320400")  # city exists for city-level values


def test_activity_returns_are_broken_down_by_category_with_its_label(make_return, wujin, tianning, value_of):
    make_return(wujin, participants=120, category="main_event")
    make_return(tianning, participants=80, category="main_event")
    make_return(wujin, participants=45, category="youth_special")
    make_return(wujin, participants=99999, category="youth_special", status="submitted")
    make_return(wujin, participants=5)  # no category given: 其他
    run_rollup(today=TODAY)
    assert value_of("activities", "320400", 2024, "category", "main_event") == 2
    assert value_of("activity_participants", "320400", 2024, "category", "main_event") == 200
    assert value_of("activity_participants", "320412", 2024, "category", "main_event") == 120
    assert value_of("activities", "320412", 2024, "category", "youth_special") == 1
    assert value_of("activity_participants", "320412", 2024, "category", "youth_special") == 45
    assert value_of("activity_participants", "320412", 2024, "category", "other") == 5
    assert value_of("activities", "320402", 2024, "category", "youth_special") is None
    label = IndicatorValue.objects.get(
        indicator__code="activities", region__code="320400", period="2024", dimension="category", key="youth_special"
    ).label
    assert label == "青少年科技教育专项行动"


def test_seed_000_activity_totals_are_2023_baselines_of_running_totals_since_2021_not_of_a_year(
    make_return, wujin, tianning, value_of
):
    for code in ("activities", "activity_participants"):
        assert not Indicator.objects.get(code=code).baselines.exists(), code  # per-year figures: no 3-year baseline
    count = Indicator.objects.get(code="activities_since_2021")
    people = Indicator.objects.get(code="activity_participants_since_2021")
    assert (count.kind, people.kind) == ("stock", "stock")
    assert [(b.year, b.value) for b in count.baselines.all()] == [(2023, Decimal(5200))]
    assert [(b.year, b.value) for b in people.baselines.all()] == [(2023, Decimal(2200000))]
    assert "2021-2023年合计" in count.baselines.get().source
    make_return(wujin, participants=100, starts_on=dt.date(2020, 6, 1))  # before the plan period
    make_return(wujin, participants=10, starts_on=dt.date(2021, 6, 1))
    make_return(tianning, participants=20, starts_on=dt.date(2023, 6, 1))
    make_return(wujin, participants=30, starts_on=dt.date(2024, 6, 1))
    run_rollup(today=TODAY)
    assert [value_of("activities_since_2021", "320400", y) for y in (2021, 2022, 2023, 2024, 2025)] == [1, 1, 2, 3, 3]
    assert value_of("activity_participants_since_2021", "320400", 2023) == 30
    assert value_of("activity_participants_since_2021", "320412", 2024) == 40
    assert value_of("activity_participants_since_2021", "320400", 2020) is None
    assert value_of("activity_participants", "320400", 2023) == 20  # the per-year figure is unchanged


def test_reloading_the_plan_removes_a_baseline_taken_out_of_the_file():
    from django.core.management import call_command

    from indicators.models import IndicatorBaseline

    activities = Indicator.objects.get(code="activities")
    IndicatorBaseline.objects.create(indicator=activities, year=2023, value=5200, source="旧版目录")
    call_command("load_plan", verbosity=0)
    assert not activities.baselines.exists()
    assert Indicator.objects.get(code="literacy_rate").baselines.filter(year=2020).exists()  # from the plan target


def test_base_counts_are_also_taken_on_the_dated_snapshot_of_the_2023_meeting(make_base, wujin, value_of):
    make_base(wujin, ("municipal", dt.date(2022, 3, 1), None, None))
    make_base(wujin, ("municipal", dt.date(2023, 11, 27), None, None))  # certified after the meeting
    make_base(wujin, ("provincial", dt.date(2019, 1, 1), dt.date(2023, 9, 30), None))  # lapsed after it
    run_rollup(today=TODAY)
    assert value_of("bases_total", "320412", "2023-08-02") == 2
    assert value_of("bases_municipal", "320412", "2023-08-02") == 1
    assert value_of("bases_provincial", "320400", "2023-08-02") == 1
    assert value_of("bases_total", "320412", 2023) == 2  # year end: one more municipal, one provincial fewer
    assert value_of("bases_provincial", "320412", 2023) is None
    row = IndicatorValue.objects.get(indicator__code="bases_total", region__code="320412", period="2023-08-02")
    assert row.year == 2023
