"""Fixtures for the assessment tests: a districts scheme with one item of each kind, the two districts' parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def private_media_in_tmp(settings, tmp_path):
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def wujin(db):
    from programs.models import Region

    return Region.objects.get(code="320412")


@pytest.fixture
def tianning(db):
    from programs.models import Region

    return Region.objects.get(code="320402")


@pytest.fixture
def campaign_2023(db):
    """2023年全国科普日: registrations due 9月12日, reports due 9月25日."""
    from events.models import Campaign
    from programs.models import Region

    campaign = Campaign.objects.create(
        kind="science_day",
        year=2023,
        name="2023年全国科普日",
        starts_on=dt.date(2023, 9, 15),
        ends_on=dt.date(2023, 9, 21),
        schedule_due=dt.date(2023, 9, 12),
        summary_due=dt.date(2023, 9, 25),
    )
    campaign.regions.set(Region.objects.districts())
    return campaign


@pytest.fixture
def make_activity(db):
    """make_activity(region, participants, report_status="approved", **fields) → an ActivityReturn of 2023."""
    from events.models import ActivityReturn

    def make(region=None, participants=100, report_status="approved", status="approved", unit=None, **fields):
        values = dict(
            title="科普进社区",
            category="town_main_event",
            starts_on=dt.date(2023, 9, 16),
            ends_on=dt.date(2023, 9, 16),
            actual_participants=participants,
        )
        values.update(fields)
        return ActivityReturn.objects.create(
            region=region, unit=unit, status=status, report_status=report_status, **values
        )

    return make


@pytest.fixture
def scheme(db, office_user):
    """2023 districts scheme: 1 computed (participants, proportional to 1,000, 40 points), 1 self (30), 1 office
    (30); grades 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60."""
    from assessment.models import AssessmentItem, AssessmentScheme

    s = AssessmentScheme.objects.create(
        year=2023, name="2023年度辖市(区)全民科学素质工作考核", assessed="districts", created_by=office_user
    )
    AssessmentItem.objects.create(
        scheme=s,
        order=1,
        title="科普活动参与人次",
        max_points=Decimal("40"),
        method="computed",
        measure="participants",
        rule="proportional",
        params={"target": 1000},
    )
    AssessmentItem.objects.create(
        scheme=s, order=2, title="组织领导与工作机制", max_points=Decimal("30"), method="self"
    )
    AssessmentItem.objects.create(scheme=s, order=3, title="创新特色", max_points=Decimal("30"), method="office")
    return s


@pytest.fixture
def opened(scheme, office_user):
    """The scheme's round, opened (computed items computed in-process on commit) and in self-assessment."""
    from assessment import services

    round_ = services.open_round(scheme, office_user)
    services.compute_round(round_.pk)
    return services.advance_round(round_, "start_self", office_user)


def score_of(round_, region, order):
    from assessment.models import Score

    return Score.objects.get(round=round_, region=region, item__order=order)


@pytest.fixture
def in_process(monkeypatch):
    """Tasks run in the process that enqueues them (the SQLite pass's mode), also in the PostgreSQL + Redis pass."""
    from celery import current_app

    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
