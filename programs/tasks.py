"""Thin Celery wrappers over programs.services (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import reminders as reminder_services


@shared_task(name="programs.send_report_reminders_task")
def send_report_reminders_task(today: str | None = None) -> dict:
    """Daily: remind liaisons before the due date, send the office one overdue digest."""
    return reminder_services.send_report_reminders(today=dt.date.fromisoformat(today) if today else None)
