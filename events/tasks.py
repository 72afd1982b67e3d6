"""Thin Celery wrappers over events.services."""

from celery import shared_task

from . import services


@shared_task(name="events.send_deadline_reminders_task")
def send_deadline_reminders_task(today: str | None = None) -> dict:
    import datetime as dt

    return services.send_deadline_reminders(today=dt.date.fromisoformat(today) if today else None)
