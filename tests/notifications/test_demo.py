"""The demo's notifications: today's daily notices and one 催报 per open period with late units; idempotent."""

import io

import pytest

from notifications import demo
from notifications.models import Notification, ReminderLog

pytestmark = pytest.mark.django_db


def test_the_demo_chases_an_open_period_once_and_runs_the_daily_notices(
    office_user, liaison_user, period, campaign, settings
):
    office_user.username = "office"
    office_user.save()
    out = io.StringIO()
    first = demo.load_demo(out)
    assert first["chased"] == 1 and "催报 1 次" in out.getvalue()
    assert Notification.objects.filter(recipient=liaison_user, kind="reminder").count() == 1
    assert Notification.objects.filter(kind="deadline_soon").exists()  # 2026-09-09: three days before 09-12
    count = Notification.objects.count()
    assert demo.load_demo(io.StringIO())["chased"] == 0
    assert Notification.objects.count() == count and ReminderLog.objects.count() == 1


def test_the_demo_is_among_seed_demos_modules():
    from accounts.management.commands.seed_demo import DEMO_MODULES

    assert DEMO_MODULES[-1] == "notifications.demo"
