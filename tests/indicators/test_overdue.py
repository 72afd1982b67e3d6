"""Overdue filings: campaign schedules/summaries and unit reports past due and not filed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.services import run_rollup

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 1)


def test_campaign_filings_past_due_and_missing_are_counted_per_region(make_campaign, wujin, tianning, value_of):
    from events.models import CampaignFiling

    campaign = make_campaign("2025年全国科普日", 2025)  # schedule due 9-12, summary due 9-25: both past
    campaign.regions.set([wujin, tianning])
    CampaignFiling.objects.create(campaign=campaign, region=wujin, kind="schedule", filed_at=timezone.now())
    CampaignFiling.objects.create(campaign=campaign, region=wujin, kind="summary", filed_at=timezone.now())
    CampaignFiling.objects.create(campaign=campaign, region=tianning, kind="schedule", filed_at=timezone.now())
    future = make_campaign("2025年冬季科普", 2025)
    future.schedule_due = dt.date(2025, 12, 1)
    future.summary_due = dt.date(2025, 12, 20)
    future.save()
    future.regions.set([wujin, tianning])  # not yet due: not overdue
    run_rollup(today=TODAY)
    assert value_of("overdue_returns", "320412", 2025) is None
    assert value_of("overdue_returns", "320402", 2025) == 1  # 天宁's summary
    assert value_of("overdue_returns", "320400", 2025) == 1


def test_unit_reports_never_submitted_after_the_due_date_are_overdue(make_report, value_of):
    from programs.models import Plan, ResponsibleUnit

    report = make_report("市教育局", 2024, {}, status="submitted")
    report.first_submitted_at = timezone.now()
    report.save()
    make_report("武进区人民政府", 2024, {}, status="draft")  # started but never submitted: still overdue
    expected = ResponsibleUnit.objects.expected_to_report(Plan.objects.get()).count()
    run_rollup(today=dt.date(2025, 3, 1))  # the 2024 annual period was due 2025-01-15
    assert value_of("overdue_reports", "320400", 2025) == expected - 1
    assert value_of("overdue_reports", "320412", 2025) == 1


def test_a_returned_report_not_yet_resubmitted_is_overdue_like_in_the_completeness_matrix(make_report, value_of):
    from programs.models import Plan, ResponsibleUnit

    for name, status in (("市教育局", "accepted"), ("市科技局", "returned")):
        report = make_report(name, 2024, {}, status=status)
        report.first_submitted_at = timezone.now()  # both were submitted once
        report.save()
    expected = ResponsibleUnit.objects.expected_to_report(Plan.objects.get()).count()
    run_rollup(today=dt.date(2025, 3, 1))
    assert value_of("overdue_reports", "320400", 2025) == expected - 1  # only 市教育局's counts as filed


def test_dashboard_shows_overdue_counts(client_for, leader_user, make_report, value_of):
    make_report("市教育局", 2024, {}, status="draft")
    run_rollup(today=dt.date(2025, 3, 1))
    expected = int(value_of("overdue_reports", "320400", 2025))
    body = client_for(leader_user).get(reverse("indicators:dashboard")).content.decode()
    assert f'data-testid="overdue-reports">{expected} 份' in body
