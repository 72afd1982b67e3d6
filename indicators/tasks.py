from celery import shared_task

from . import services


@shared_task(name="indicators.rollup_task", acks_late=True)
def rollup_task(trigger: str = "queued") -> dict:
    """Thin wrapper: recompute every indicator value (atomic; one at a time, see services.run_rollup)."""
    run = services.start_queued_rollup(trigger=trigger)
    return {
        "run": run.pk,
        "rows": run.rows,
        "duration_ms": run.duration_ms,
        "coalesced": getattr(run, "coalesced", False),
    }
