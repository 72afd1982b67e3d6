"""Thin Celery wrappers over notifications.services (the deadline job is scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services


@shared_task(name="notifications.send_notification_emails_task")
def send_notification_emails_task(ids: list[int]) -> dict:
    """Send the e-mails of these notifications (enqueued on commit by services.notify; idempotent)."""
    return services.send_emails(ids)


@shared_task(name="notifications.send_deadline_notices_task")
def send_deadline_notices_task(today: str | None = None) -> dict:
    """Daily: deadlines in 3 days, deadlines missed, periods and campaigns open (idempotent: dedupe keys)."""
    return services.send_deadline_notices(today=dt.date.fromisoformat(today) if today else None)
