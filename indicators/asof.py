"""The dashboard as it read at the end of a past day (a meeting day, the brief): the roll-up's computation over the
records as they stood then, in memory — nothing is written, the stored values stay the current ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from .services import _ancestors, compute_values
from .sources import RunContext


def values_on(day: dt.date, indicators, region_ids) -> list[tuple]:
    """Every value of `indicators` in `region_ids` as the roll-up would have computed it at the end of `day`
    (records as they stood then: RunContext.cutoff), in memory, nothing written. The rows the dashboard reads:
    (code, region_id, dimension, period, key, label, value)."""
    ctx = RunContext(today=day, first_year=settings.KEPU_ROLLUP_FIRST_YEAR, cutoff=day)
    ancestors = _ancestors()
    wanted = set(region_ids)
    out = []
    for indicator in indicators:
        for r in compute_values(indicator, ctx, ancestors):
            if r["region_id"] in wanted:
                out.append(
                    (
                        indicator.code,
                        r["region_id"],
                        r["dimension"],
                        r["period"],
                        r["key"],
                        r["label"],
                        Decimal(r["value"]),
                    )
                )
    return out
