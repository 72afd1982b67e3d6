"""Reporting periods: the office opens a period and switches it open or closed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import scope

from ..models import ReportingPeriod


@transaction.atomic
def open_period(
    plan, *, year: int, kind: str, half: int | None = None, opens_on, due_on, closes_on, user=None, name: str = ""
) -> ReportingPeriod:
    """The office opens a period; every unit with assigned tasks is then expected to report."""
    if user is not None and not scope.scope_of(user).writes_all:
        raise PermissionDenied("只有领导小组办公室可以开启报送周期。")
    if kind == ReportingPeriod.Kind.YEAR:
        half = None
    elif half not in (1, 2):
        raise ValidationError({"half": "半年报送周期必须指明上半年或下半年。"})
    if not (opens_on <= due_on <= closes_on):
        raise ValidationError({"due_on": "日期须满足:开始填报 ≤ 截止报送 ≤ 关闭日期。"})
    name = name or ReportingPeriod.default_name(year, kind, half)
    if ReportingPeriod.objects.filter(plan=plan, year=year, kind=kind, half=half).exists():
        raise ValidationError({"year": f"报送周期“{name}”已存在。"})
    return ReportingPeriod.objects.create(
        plan=plan,
        year=year,
        kind=kind,
        half=half,
        name=name,
        opens_on=opens_on,
        due_on=due_on,
        closes_on=closes_on,
        is_open=True,
        opened_by=user,
    )


def set_period_open(period: ReportingPeriod, is_open: bool, user) -> ReportingPeriod:
    if not scope.scope_of(user).writes_all:
        raise PermissionDenied("只有领导小组办公室可以开启或关闭报送周期。")
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=is_open)
    period.refresh_from_db()
    return period
