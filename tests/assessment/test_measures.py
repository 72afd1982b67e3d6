"""The measures on hand-made data, against numbers worked out by hand: the same rows the dashboards count."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessment.measures import compute, party_key

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_activities_and_participants_count_only_city_approved_reports_of_the_year_in_the_subtree(
    wujin, tianning, hutang, make_activity
):
    make_activity(wujin, 200)
    make_activity(hutang, 300)  # a town of 武进区 counts for 武进区
    make_activity(wujin, 5000, report_status="forwarded")  # not yet decided by the city: not counted
    make_activity(wujin, 7000, starts_on=dt.date(2022, 5, 1), ends_on=dt.date(2022, 5, 1))  # another year
    make_activity(tianning, 50)
    parties = [wujin, tianning]
    assert compute("approved_activities", 2023, parties) == {party_key(wujin): 2, party_key(tianning): 1}
    assert compute("participants", 2023, parties) == {party_key(wujin): 500, party_key(tianning): 50}
    assert compute("participants", 2023, [hutang]) == {party_key(hutang): 300}


def test_per_ten_thousand_residents_uses_the_office_entered_population(wujin, tianning, make_activity):
    from assessment.models import RegionPopulation

    make_activity(wujin, 12_500)
    make_activity(wujin, 2_500)
    RegionPopulation.objects.create(region=wujin, year=2022, population=1_600_000, source="2022年统计年鉴")
    RegionPopulation.objects.create(region=wujin, year=2023, population=1_500_000, source="2023年统计年鉴")
    got = compute("participants_per_10k", 2023, [wujin, tianning])
    # 15,000 × 10,000 / 1,500,000 = 100.00 (the 2023 figure, not 2022's); 天宁 has no population: None
    assert got == {party_key(wujin): D("100.00"), party_key(tianning): None}
    assert compute("activities_per_10k", 2023, [wujin])[party_key(wujin)] == D("0.01")  # 2 × 10⁴ / 1.5M = 0.0133


def test_on_time_rates_compare_submission_with_the_campaign_deadlines(wujin, campaign_2023, make_activity):
    on_time = make_activity(wujin, campaign=campaign_2023)
    late = make_activity(wujin, campaign=campaign_2023)
    third = make_activity(wujin, campaign=campaign_2023, report_status="draft")
    from events.models import ActivityReturn

    ActivityReturn.objects.filter(pk=on_time.pk).update(
        submitted_at=_at(dt.date(2023, 9, 12), 23), report_submitted_at=_at(dt.date(2023, 9, 25))
    )
    ActivityReturn.objects.filter(pk=late.pk).update(
        submitted_at=_at(dt.date(2023, 9, 13)), report_submitted_at=_at(dt.date(2023, 9, 26))
    )
    ActivityReturn.objects.filter(pk=third.pk).update(submitted_at=_at(dt.date(2023, 9, 1)))
    # registrations: 2 of 3 on time (66.67 %); reports: 1 of the 2 submitted on time (the draft is not counted)
    assert compute("registration_on_time_rate", 2023, [wujin]) == {party_key(wujin): D("66.67")}
    assert compute("report_on_time_rate", 2023, [wujin]) == {party_key(wujin): D("50.00")}


def test_unit_report_acceptance_and_timeliness_over_the_years_periods(liaison_user, other_liaison_user):
    from programs.models import Plan, ReportingPeriod, UnitReport

    plan = Plan.objects.current()
    h1 = ReportingPeriod.objects.create(
        plan=plan,
        year=2023,
        kind="half",
        half=1,
        name="2023年上半年",
        opens_on=dt.date(2023, 6, 1),
        due_on=dt.date(2023, 7, 10),
        closes_on=dt.date(2023, 7, 31),
    )
    h2 = ReportingPeriod.objects.create(
        plan=plan,
        year=2023,
        kind="half",
        half=2,
        name="2023年下半年",
        opens_on=dt.date(2023, 12, 1),
        due_on=dt.date(2024, 1, 10),
        closes_on=dt.date(2024, 1, 31),
    )
    edu, farm = liaison_user.unit, other_liaison_user.unit
    UnitReport.objects.create(unit=edu, period=h1, status="accepted", first_submitted_at=_at(dt.date(2023, 7, 10)))
    UnitReport.objects.create(unit=edu, period=h2, status="submitted", first_submitted_at=_at(dt.date(2024, 1, 12)))
    UnitReport.objects.create(unit=farm, period=h1, status="draft")
    got_accepted = compute("unit_reports_accepted_rate", 2023, [edu, farm])
    got_on_time = compute("unit_reports_on_time_rate", 2023, [edu, farm])
    assert got_accepted == {party_key(edu): D("50.00"), party_key(farm): D("0.00")}  # 1 of 2 periods; 0 of 2
    assert got_on_time == {party_key(edu): D("50.00"), party_key(farm): D("0.00")}  # h1 on the day; h2 late


def test_new_bases_and_annual_reports(wujin, tianning):
    from bases.models import Base, BaseAnnualReport, Certification

    a = Base.objects.create(name="甲基地", region=wujin)
    b = Base.objects.create(name="乙基地", region=wujin)
    c = Base.objects.create(name="丙基地", region=wujin)
    Certification.objects.create(
        base=a, level="municipal", certified_on=dt.date(2023, 3, 1), valid_until=dt.date(2027, 12, 31)
    )
    Certification.objects.create(
        base=b, level="municipal", certified_on=dt.date(2023, 4, 1), valid_until=dt.date(2027, 12, 31), is_renewal=True
    )  # a renewal: not new
    Certification.objects.create(
        base=c, level="municipal", certified_on=dt.date(2021, 4, 1), valid_until=dt.date(2023, 6, 30)
    )  # expired before the year's end
    BaseAnnualReport.objects.create(base=a, year=2023)
    BaseAnnualReport.objects.create(base=c, year=2023)
    assert compute("new_bases_certified", 2023, [wujin, tianning]) == {party_key(wujin): 1, party_key(tianning): 0}
    # bases valid at 2023-12-31: 甲, 乙; of these 甲 filed: 50 %; 天宁 has none: None
    assert compute("base_annual_reports_rate", 2023, [wujin, tianning]) == {
        party_key(wujin): D("50.00"),
        party_key(tianning): None,
    }
