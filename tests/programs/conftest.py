"""Fixtures for the unit-report tests (tests/programs/test_report_*.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Fixed clock for the filing rules (common.clock.today): 2026-01-10, inside 2025年度 (opens
    2025-12-01, due 2026-01-15, closes 2026-03-31). A test moves it with `clock.day = …`."""
    fixed = SimpleNamespace(day=dt.date(2026, 1, 10))
    monkeypatch.setattr("common.clock.today", lambda: fixed.day)
    return fixed


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Report attachments go to a throw-away directory."""
    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.KEPU_PRIVATE_MEDIA_ROOT


@pytest.fixture
def plan(db):
    from programs.models import Plan

    return Plan.objects.get(code="changzhou-2021-2035")


@pytest.fixture
def unit(db):
    """unit("市教育局") → the ResponsibleUnit."""
    from programs.models import ResponsibleUnit

    return lambda name: ResponsibleUnit.objects.get(name=name)


@pytest.fixture
def period(plan):
    """2025年度: opens 2025-12-01, due 2026-01-15, closes 2026-03-31."""
    from programs.services import periods as period_services

    return period_services.open_period(
        plan,
        year=2025,
        kind="year",
        opens_on=dt.date(2025, 12, 1),
        due_on=dt.date(2026, 1, 15),
        closes_on=dt.date(2026, 3, 31),
    )


@pytest.fixture
def edu_report(period, liaison_user):
    """市教育局's draft for 2025年度, started by its liaison."""
    from programs.services import reports as report_services

    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    return report


@pytest.fixture
def agri_report(period, other_liaison_user):
    from programs.services import reports as report_services

    report, _ = report_services.start_report(other_liaison_user.unit, period, other_liaison_user)
    return report


@pytest.fixture
def target(db):
    from programs.models import PlanTarget

    return lambda code: PlanTarget.objects.get(code=code)
