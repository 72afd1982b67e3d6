"""The portal's "today": the date in the portal's time zone (settings.TIME_ZONE) that every rule about due dates,
filing windows, certification validity, digests and dashboards uses.

Services take an explicit `today=`; when a caller leaves it out they ask `today()` here, so there is one place a
test (or a demo loader) fixes the clock: monkeypatch `common.clock.today`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
