"""What a value may be, whatever the database could hold: one place for the portal's sane maxima and date range.

Counts (participants, views, volunteers, experts) have maxima the office sets in the environment
(`KEPU_MAX_PARTICIPANTS`, `KEPU_MAX_ONLINE_VIEWS`, `KEPU_MAX_HELPERS`); dates lie within the plan's years
± `KEPU_DATE_MARGIN_YEARS` (2021-2035 ± 5: 2016-2040). Limits are callables so a changed setting needs no migration.
Every message is Chinese and names the limit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator
from django.utils.deconstruct import deconstructible

# the largest id a query string may name: PostgreSQL's and SQLite's 64-bit integer
MAX_ID = 2**63 - 1


def max_participants() -> int:
    return settings.KEPU_MAX_PARTICIPANTS


def max_online_views() -> int:
    return settings.KEPU_MAX_ONLINE_VIEWS


def max_helpers() -> int:
    return settings.KEPU_MAX_HELPERS


def first_year() -> int:
    return settings.KEPU_PLAN_START_YEAR - settings.KEPU_DATE_MARGIN_YEARS


def last_year() -> int:
    return settings.KEPU_PLAN_END_YEAR + settings.KEPU_DATE_MARGIN_YEARS


@deconstructible
class CountLimit(BaseValidator):
    """At most a settings-driven limit, with a Chinese message naming it. (Not a MaxValueValidator: DRF would lift
    that one into the field's max_value and print the callable in its message.)"""

    message = "数值过大:不能超过 %(limit_value)s。如确属实,请联系领导小组办公室调整上限。"
    code = "max_value"

    def __init__(self, limit):
        super().__init__(limit, message=self.message)

    def compare(self, a, b):
        return a > b


participants_limit = CountLimit(max_participants)
online_views_limit = CountLimit(max_online_views)
helpers_limit = CountLimit(max_helpers)


def validate_plan_date(value: dt.date) -> None:
    """A date of the plan's work: within its years ± the margin (not year 1, not 9999)."""
    if value is None:
        return
    if not first_year() <= value.year <= last_year():
        raise ValidationError(
            "日期须在 %(first)s 年至 %(last)s 年之间"
            "(规划期 %(start)s-%(end)s 年前后 %(margin)s 年),填写的是 %(value)s。",
            code="date_out_of_range",
            params={
                "first": first_year(),
                "last": last_year(),
                "start": settings.KEPU_PLAN_START_YEAR,
                "end": settings.KEPU_PLAN_END_YEAR,
                "margin": settings.KEPU_DATE_MARGIN_YEARS,
                "value": value.isoformat(),
            },
        )
