"""Builders for source records (bases, activity returns, unit reports) used by indicator tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from programs.models import Region

_seq = itertools.count(1)


@pytest.fixture
def town_in_wujin(db, wujin):
    return Region.objects.get(code="320412100", name="湖塘镇", level="town", parent=wujin)


@pytest.fixture
def make_base(db):
    from bases.models import Base, Certification

    def make(region, *certs):
        """certs: (level, certified_on, valid_until or None, revoked_on or None)"""
        base = Base.objects.create(name=f"测试基地{next(_seq)}", region=region)
        for level, certified_on, valid_until, revoked_on in certs:
            Certification.objects.create(
                base=base,
                level=level,
                certified_on=certified_on,
                valid_until=valid_until or certified_on.replace(year=certified_on.year + 5),
                revoked_on=revoked_on,
                status="revoked" if revoked_on else "valid",
                certificate_no=f"T-{next(_seq)}",
            )
        return base

    return make


@pytest.fixture
def make_return(db):
    from events.models import ActivityReturn

    def make(
        region,
        status="approved",
        starts_on=dt.date(2024, 9, 16),
        participants=100,
        online=0,
        campaign=None,
        category=None,
        populations=(),
        unit=None,
        report_status=None,
    ):
        # the report stands where the registration does unless told: what counts is the accepted report
        activity = ActivityReturn.objects.create(
            region=region,
            unit=unit,
            status=status,
            report_status=report_status or status,
            title=f"测试活动{next(_seq)}",
            starts_on=starts_on,
            ends_on=starts_on,
            actual_participants=participants,
            online_views=online,
            campaign=campaign,
            **({"category": category} if category else {}),
        )
        if populations:
            from programs.models import TargetPopulation

            activity.target_populations.set(TargetPopulation.objects.filter(code__in=populations))
        return activity

    return make


@pytest.fixture
def make_campaign(db):
    from events.models import Campaign

    def make(name="2024年全国科普日", year=2024):
        return Campaign.objects.create(
            name=name,
            year=year,
            kind="science_day",
            starts_on=dt.date(year, 9, 15),
            ends_on=dt.date(year, 9, 30),
            schedule_due=dt.date(year, 9, 12),
            summary_due=dt.date(year, 9, 25),
        )

    return make


@pytest.fixture
def make_report(db):
    from programs.models import Plan, PlanTarget, ReportingPeriod, ResponsibleUnit, UnitReport, UnitReportFigure

    def make(unit_name, year, figures: dict, status="accepted", kind="year", half=None):
        plan = Plan.objects.get()
        period, _ = ReportingPeriod.objects.get_or_create(
            plan=plan,
            year=year,
            kind=kind,
            half=half,
            defaults={
                "name": f"{year}{'年度' if kind == 'year' else '上半年'}",
                "opens_on": dt.date(year, 12 if kind == "year" else 6, 1),
                "due_on": dt.date(year + 1 if kind == "year" else year, 1 if kind == "year" else 7, 15),
                "closes_on": dt.date(year + 1 if kind == "year" else year, 1 if kind == "year" else 7, 31),
            },
        )
        report = UnitReport.objects.create(
            unit=ResponsibleUnit.objects.get(name=unit_name), period=period, status=status
        )
        for code, value in figures.items():
            UnitReportFigure.objects.create(
                report=report, target=PlanTarget.objects.get(code=code), value=Decimal(value)
            )
        return report

    return make


@pytest.fixture
def value_of():
    from indicators.models import IndicatorValue

    def get(code, region, period, dimension="", key=""):
        row = IndicatorValue.objects.filter(
            indicator__code=code, region__code=region, period=str(period), dimension=dimension, key=key
        ).first()
        return None if row is None else row.value

    return get
