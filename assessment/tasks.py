"""Thin Celery wrappers over assessment.services."""

from celery import shared_task

from . import services


@shared_task(name="assessment.compute_round_task")
def compute_round_task(round_id: int) -> int:
    """(Re)compute the round's computed items; idempotent (a second run changes nothing)."""
    return services.compute_round(round_id)
