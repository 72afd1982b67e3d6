"""Demo data tells seed 000's story and can be loaded twice without duplicates."""

import datetime as dt
import io

import pytest
from django.db.models import Sum

from events.completeness import completeness
from events.demo import load_demo
from events.models import ActivityReturn, Campaign, CampaignFiling

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_matches_the_seed_figures():
    from accounts.demo import load_demo as load_users

    load_users(io.StringIO())
    out = io.StringIO()
    load_demo(out)
    count = ActivityReturn.objects.count()
    load_demo(io.StringIO())
    assert ActivityReturn.objects.count() == count and Campaign.objects.filter(name="2025年全国科普日").count() == 1
    # seed 000 reports 5,200+ activities and 2.2M+ participants on the meeting day (2023-08-02, issue 14): the
    # activities held by then and approved by then; the rest of 2023 follows at the same pace
    meeting = dt.date(2023, 8, 2)
    by_meeting = ActivityReturn.objects.approved().filter(
        starts_on__range=(dt.date(2021, 1, 1), meeting), report_decided_at__date__lte=meeting
    )
    total = by_meeting.aggregate(p=Sum("actual_participants"))["p"]
    assert 5200 <= by_meeting.count() <= 5400 and 2_200_000 <= total <= 2_300_000
    history = ActivityReturn.objects.approved().filter(starts_on__year__range=(2021, 2023))
    assert history.count() > by_meeting.count() and history.filter(campaign__name="2023年全国科普日").exists()
    assert history.values("region").distinct().count() == 7
    for name in ("2025年全国科普日", "2026年科技活动周"):
        campaign_returns = ActivityReturn.objects.filter(campaign__name=name)
        for region_code in ("320481", "320413", "320412", "320411", "320402", "320404", "320491"):
            states = set(campaign_returns.filter(region__code=region_code).values_list("status", flat=True))
            assert states == {"draft", "submitted", "returned", "approved"}, (name, region_code, states)
        assert not campaign_returns.filter(status="returned", return_reason="").exists(), name
        assert campaign_returns.filter(recommended=True, status="approved").count() == 7, name
    current = ActivityReturn.objects.filter(campaign__name="2025年全国科普日")
    assert not current.filter(status="returned", return_reason="").exists()
    assert current.filter(recommended=True, status="approved").count() == 7
    rows = {r.name: r for r in completeness(Campaign.objects.get(name="2025年全国科普日"))}
    assert rows["金坛区"].schedule_on_time is False and rows["常州经开区"].summary_filed is False
    assert rows["武进区"].schedule_on_time is True
    assert CampaignFiling.objects.exists()
    assert "活动演示数据" in out.getvalue()
