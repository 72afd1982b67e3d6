"""Demo notifications (seed_demo runs this last; idempotent).

The demo's review chain (events.demo) and unit reports (programs.demo) already told their filers through the
workflow signal. On top: today's daily notices (deadlines, periods and campaigns open), and one 催报 by the office
for each reporting period open today with units that have not filed, so the period page shows a log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from common import clock


def load_demo(stdout) -> dict:
    from accounts.models import Role, User
    from programs.models import ReportingPeriod

    from . import services
    from .models import Notification, ReminderLog

    today = clock.today()
    counts = services.send_deadline_notices(today=today)
    office = User.objects.filter(role=Role.OFFICE, username="office").first()
    chased = 0
    periods = ReportingPeriod.objects.open().filter(opens_on__lte=today, closes_on__gte=today)
    for period in periods:
        if office is None or ReminderLog.objects.for_target(period).exists():
            continue
        try:
            services.chase_period(period, office)
        except (services.ReminderRefused, PermissionDenied):
            continue
        chased += 1
    stdout.write(
        f"通知演示数据:共 {Notification.objects.count()} 条通知,今日到期/开启提醒 "
        f"{sum(counts.values())} 条,催报 {chased} 次"
    )
    return {"chased": chased, **counts}
