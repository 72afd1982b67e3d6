"""Period codes in words, in the active language: the codes the roll-up and the API use (``2026``,
``2026-H1``, ``2026-Q1``, ``2026-09``) are never shown as they are stored.

======================  ==================  ==================
code                    中文                 English
======================  ==================  ==================
``2026``                2026年度             2026
``2026-H1`` / ``-H2``   2026年上半年 / 下半年   H1 2026 / H2 2026
``2026-Q1`` … ``-Q4``   2026年第1季度         Q1 2026
``2026-09``             2026年9月            September 2026
======================  ==================  ==================

Anything else (a dated snapshot such as ``2023-08-02``, which reads the same in both languages) is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats
from django.utils.translation import gettext

_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-H([12])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def period_code(year: int, half: int | None = None, quarter: int | None = None) -> str:
    if half:
        return f"{year}-H{half}"
    if quarter:
        return f"{year}-Q{quarter}"
    return str(year)


def period_label(code) -> str:
    """The period's name in the active language (see the table above)."""
    code = str(code if code is not None else "")
    if m := _YEAR.fullmatch(code):
        return gettext("%(year)s年度") % {"year": m[1]}
    if m := _HALF.fullmatch(code):
        label = gettext("%(year)s年上半年") if m[2] == "1" else gettext("%(year)s年下半年")
        return label % {"year": m[1]}
    if m := _QUARTER.fullmatch(code):
        return gettext("%(year)s年第%(quarter)s季度") % {"year": m[1], "quarter": m[2]}
    if m := _MONTH.fullmatch(code):
        return formats.date_format(dt.date(int(m[1]), int(m[2]), 1), "YEAR_MONTH_FORMAT")
    return code
