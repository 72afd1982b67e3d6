"""Periods are shown by name — 2026年上半年, 2026年第1季度, 2026年度 (H1 2026, Q1 2026, 2026 in English) —
never as the codes the roll-up stores (2026-H1)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from programs.periods import period_label

pytestmark = pytest.mark.django_db


def test_every_period_code_has_a_name_in_both_languages():
    codes = ["2026", "2026-H1", "2026-H2", "2026-Q1", "2026-09", "2023-08-02"]
    with translation.override("zh-hans"):
        assert [period_label(c) for c in codes] == [
            "2026年度",
            "2026年上半年",
            "2026年下半年",
            "2026年第1季度",
            "2026年9月",
            "2023-08-02",
        ]
    with translation.override("en"):
        assert [period_label(c) for c in codes] == [
            "2026",
            "H1 2026",
            "H2 2026",
            "Q1 2026",
            "September 2026",
            "2023-08-02",
        ]


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_reporting_period_is_named_in_the_language_of_the_page(client_for, office_user, plan):
    from programs.services import periods as period_services

    period = period_services.open_period(
        plan,
        year=2026,
        kind="half",
        half=1,
        opens_on=dt.date(2026, 6, 20),
        due_on=dt.date(2026, 7, 10),
        closes_on=dt.date(2026, 7, 31),
    )
    assert str(period) == "2026年上半年" and period.code == "2026-H1"
    url = reverse("programs:report-list")
    assert "2026年上半年" in client_for(office_user).get(url).content.decode()
    english = _english(client_for(office_user)).get(url).content.decode()
    assert "H1 2026" in english and "2026年上半年" not in english
    for page in ("programs:period-detail", "programs:report-completeness"):
        args = [period.pk] if page == "programs:period-detail" else []
        english = _english(client_for(office_user)).get(reverse(page, args=args)).content.decode()
        assert "H1 2026" in english and "2026年上半年" not in english, page


def test_the_indicator_page_names_half_year_columns(client_for, leader_user):
    from indicators.models import Indicator, IndicatorValue
    from programs.models import Region

    indicator = Indicator.objects.get(code="high_quality_farmers")
    city = Region.objects.city().first()
    for period, value in (("2025-H1", 2100), ("2025", 4600)):
        IndicatorValue.objects.create(
            indicator=indicator, period=period, year=2025, region=city, value=value, computed_at=timezone.now()
        )
    url = reverse("indicators:indicator-detail", args=[indicator.code])
    html = client_for(leader_user).get(url).content.decode()
    assert "2025年上半年" in html and "2025年度" in html and "2025-H1" not in html
    assert "H1 2025" in _english(client_for(leader_user)).get(url).content.decode()
