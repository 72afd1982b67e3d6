"""A district's board tells apart what it forwarded and the city has not decided — and says nothing when that is
nothing (the notice 另有区级已审核、待市级审核的科普活动 0 项 was shown at 0)."""

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _forwarded(region, activities, participants):
    from indicators.models import Indicator, IndicatorValue

    for code, value in (("activities_forwarded", activities), ("activity_participants_forwarded", participants)):
        IndicatorValue.objects.create(
            indicator=Indicator.objects.get(code=code),
            period="2025",
            year=2025,
            region=region,
            value=value,
            computed_at=timezone.now(),
        )


def test_the_awaiting_city_notice_is_hidden_when_nothing_waits(client_for, wujin_user, wujin):
    _forwarded(wujin, 0, 0)
    body = client_for(wujin_user).get(reverse("indicators:dashboard")).content.decode()
    assert 'data-testid="awaiting-city"' not in body and "待市级审核的科普活动 0 项" not in body


def test_the_awaiting_city_notice_counts_what_waits_for_the_city(client_for, wujin_user, wujin):
    _forwarded(wujin, 2, 640)
    body = client_for(wujin_user).get(reverse("indicators:dashboard")).content.decode()
    assert 'data-testid="awaiting-city"' in body and "待市级审核的科普活动 2 项,参与 640 人次" in body
