"""Fixtures for the notifications tests: a fixed clock, e-mail in memory, a campaign and a reporting period whose
deadlines are a few days from that clock."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from .helpers import make_campaign

TODAY = dt.date(2026, 9, 9)  # three days before the campaign's 活动安排表 is due


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The portal's date for the notifications, the reports and the 工作台 (common.clock.today); a test moves it
    with `clock.day = …`."""
    fixed = SimpleNamespace(day=TODAY)
    monkeypatch.setattr("common.clock.today", lambda: fixed.day)
    return fixed


@pytest.fixture(autouse=True)
def mail_in_memory(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KEPU_OFFICE_EMAILS = []
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.KEPU_REMINDER_DAYS_BEFORE = [7, 3, 1]
    settings.KEPU_REMINDER_MIN_INTERVAL_MINUTES = 60


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in-process, as on one machine without Redis: the e-mail task enqueued on commit runs at once
    (the PostgreSQL pass has a broker configured, where it would wait for a worker)."""
    from celery import current_app

    monkeypatch.setitem(current_app.conf, "task_always_eager", True)


@pytest.fixture
def campaign(db):
    """2026年全国科普日 for 武进区, 天宁区 and 市教育局: 活动安排表 due 2026-09-12, 活动总结 due 2026-09-30."""
    return make_campaign()


@pytest.fixture
def plan(db):
    from programs.models import Plan

    return Plan.objects.get(code="changzhou-2021-2035")


@pytest.fixture
def period(plan):
    """2026年上半年: opens 2026-08-01, due 2026-09-12, closes 2026-10-31 (open on the fixed clock)."""
    from programs.services import periods as period_services

    return period_services.open_period(
        plan,
        year=2026,
        kind="half",
        half=1,
        opens_on=dt.date(2026, 8, 1),
        due_on=dt.date(2026, 9, 12),
        closes_on=dt.date(2026, 10, 31),
    )


@pytest.fixture
def make_return(db):
    """make_return(status="draft", **owner and fields) → an ActivityReturn."""
    from events.models import ActivityReturn

    def make(status="draft", **fields):
        values = dict(
            title="科普进社区 · 人工智能体验",
            category="other",
            starts_on=dt.date(2026, 9, 16),
            ends_on=dt.date(2026, 9, 16),
            planned_participants=100,
        )
        values.update(fields)
        return ActivityReturn.objects.create(status=status, **values)

    return make
