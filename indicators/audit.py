"""The self-audit: recompute every indicator value from the sources without writing, and list what differs from
the stored values (`manage.py check_indicators`, the nightly check that an incremental roll-up equals a full one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from common import clock

from .models import Indicator, IndicatorValue
from .services import _ancestors, _compute_or_report
from .sources import RunContext


def recompute_and_compare(today: dt.date | None = None) -> list[str]:
    """Recompute from scratch without writing; report every stored value that differs."""
    today = today or clock.today()
    ctx = RunContext(today=today, first_year=settings.KEPU_ROLLUP_FIRST_YEAR)
    ancestors = _ancestors()
    stored = {
        (v.indicator_id, v.period, v.region_id, v.dimension, v.key): v.value for v in IndicatorValue.objects.all()
    }
    problems = []
    fresh = {}
    codes = dict(Indicator.objects.values_list("id", "code"))
    for indicator in Indicator.objects.all():
        rows = _compute_or_report(indicator, ctx, ancestors)
        if rows is None:  # reported below; its stored values are not compared
            stored = {k: v for k, v in stored.items() if k[0] != indicator.id}
            continue
        for row in rows:
            fresh[(indicator.id, row["period"], row["region_id"], row["dimension"], row["key"])] = row["value"]
    for key in sorted(set(stored) | set(fresh), key=str):
        a, b = stored.get(key), fresh.get(key)
        if a is None or b is None or Decimal(a).quantize(Decimal("0.0001")) != Decimal(b).quantize(Decimal("0.0001")):
            ind, period, region, dim, k = key
            problems.append(f"{codes[ind]} {period} region={region} {dim}:{k} 存储={a} 重算={b}")
    return [f"注意:{w}" for w in ctx.warnings] + problems
