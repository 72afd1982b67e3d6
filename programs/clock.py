"""The date the reporting rules use (filing window, due dates, digests).

Services take an explicit `today=`; when a caller leaves it out they ask `today()` here, so there
is one place a test (or a demo loader) fixes the clock."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
