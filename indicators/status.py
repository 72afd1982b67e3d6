"""Status of an indicator against its target: actual vs. the pro-rated expectation for today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ON_TRACK, AT_RISK, BEHIND, NO_DATA = "on_track", "at_risk", "behind", "no_data"
LABELS = {ON_TRACK: "进度正常", AT_RISK: "存在风险", BEHIND: "进度滞后", NO_DATA: "暂无数据"}


@dataclass(frozen=True)
class Status:
    actual: Decimal | None
    expected: Decimal | None
    target: Decimal
    target_year: int
    state: str

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def percent_of_target(self) -> Decimal | None:
        if self.actual is None or not self.target:
            return None
        return (self.actual / self.target * 100).quantize(Decimal("0.1"))


def _fraction(start: dt.date, end: dt.date, today: dt.date) -> Decimal:
    if today <= start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days) / Decimal((end - start).days)


def expected_value(
    kind: str,
    target: Decimal,
    target_year: int,
    today: dt.date,
    baseline: tuple[int, Decimal] | None,
    plan_start_year: int = 2021,
) -> Decimal:
    """What the actual should be today if progress were even.

    stock/level: linear from the baseline (end of its year; 0 at the plan start if none) to the target at
    the end of the target year. flow (per year): the target pro-rated over the elapsed part of this year.
    """
    if kind == "flow":
        year = today.year
        return (target * _fraction(dt.date(year - 1, 12, 31), dt.date(year, 12, 31), today)).quantize(Decimal("0.01"))
    base_year, base_value = baseline if baseline else (plan_start_year - 1, Decimal(0))
    start, end = dt.date(base_year, 12, 31), dt.date(target_year, 12, 31)
    return (base_value + (target - base_value) * _fraction(start, end, today)).quantize(Decimal("0.01"))


def classify(actual: Decimal | None, expected: Decimal, direction: str = "up", margin: Decimal = Decimal("0.1")) -> str:
    """on track when at least the expectation (at most, for 'down'); at risk within the margin; else behind."""
    if actual is None:
        return NO_DATA
    if direction == "down":
        if actual <= expected:
            return ON_TRACK
        return AT_RISK if actual <= expected * (1 + margin) else BEHIND
    if actual >= expected:
        return ON_TRACK
    return AT_RISK if actual >= expected * (1 - margin) else BEHIND


def status_for(
    kind: str,
    direction: str,
    target: Decimal,
    target_year: int,
    actual: Decimal | None,
    today: dt.date,
    baseline: tuple[int, Decimal] | None = None,
    margin: Decimal = Decimal("0.1"),
    plan_start_year: int = 2021,
) -> Status:
    expected = expected_value(kind, target, target_year, today, baseline, plan_start_year)
    return Status(
        actual=actual,
        expected=expected,
        target=target,
        target_year=target_year,
        state=classify(actual, expected, direction, margin),
    )
