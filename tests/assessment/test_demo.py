"""The demo's 2023 assessment: computed from the demo's activities, claims by the districts' logins, published;
a second run creates nothing."""

import io
from decimal import Decimal as D

import pytest

from assessment import demo
from assessment.models import AssessmentRound, Result, Score

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_2023_round_computed_from_the_activities_and_is_idempotent(
    office_user, wujin_user, wujin, tianning, make_activity
):
    office_user.username, wujin_user.username = "office", "wujin"
    office_user.save()
    wujin_user.save()
    for _ in range(3):
        make_activity(wujin, 1000)
    make_activity(tianning, 500)
    out = io.StringIO()
    assert demo.load_demo(out)["created"] is True
    round_ = AssessmentRound.objects.get(scheme__name=demo.NAME)
    assert round_.status == "published" and Result.objects.filter(round=round_).count() == 7
    activities = Score.objects.get(round=round_, region=wujin, item__measure="approved_activities")
    assert (activities.computed_value, activities.points) == (D(3), D(15))  # first of seven on 3 activities
    per_10k = Score.objects.get(round=round_, region=wujin, item__measure="participants_per_10k")
    # 3,000 participants × 10,000 / 1,680,000 residents = 17.86; 17.86 / 2,000 × 15 = 0.13
    assert (per_10k.computed_value, per_10k.points) == (D("17.86"), D("0.13"))
    claim = Score.objects.get(round=round_, region=wujin, item__method="self")
    assert claim.claimed_by == wujin_user and (claim.claimed_points, claim.reviewed_points) == (D(19), D(17))
    assert Result.objects.get(round=round_, region=wujin).rank == 1
    assert "已公布" in out.getvalue()
    counts = (AssessmentRound.objects.count(), Score.objects.count(), Result.objects.count())
    assert demo.load_demo(io.StringIO())["created"] is False
    assert (AssessmentRound.objects.count(), Score.objects.count(), Result.objects.count()) == counts
