"""Celery tasks of the common app, and the one way the apps should enqueue work.

`enqueue_on_commit(task, *args, **kwargs)` hands a task to the broker after the current
transaction commits. If the broker (Redis) is down the caller's write is already saved and the
request still succeeds: the task is logged and parked as a `PendingTask` row, which
`resend_pending_tasks_task` (beat, every minute) or the next enqueue that reaches the broker
sends. Identical parked tasks (same name and arguments) are sent once, so tasks enqueued this way
must be idempotent (a roll-up is).
"""

from __future__ import annotations

import json
import logging

from celery import shared_task
from django.db import transaction

from . import services

log = logging.getLogger("kepu.tasks")

# Publish quickly or give up: a request must not hang while Redis is away.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


@shared_task(name="common.heartbeat_task")
def heartbeat_task(name: str = "worker") -> str:
    """Thin wrapper: a worker writes a heartbeat row (used by CI and /healthz)."""
    hb = services.record_heartbeat(name, worker=heartbeat_task.request.hostname or "")
    return hb.at.isoformat()


@shared_task(name="common.resend_pending_tasks_task")
def resend_pending_tasks_task() -> int:
    """Beat job: send the tasks parked while the broker was down."""
    return resend_pending()


def _eager() -> bool:
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def task_named(task_name: str):
    """The registered task called `task_name`; outside a worker the apps' tasks modules load lazily."""
    from celery import current_app

    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]


def _publish(task_name: str, args: list, kwargs: dict, countdown: int | None = None) -> None:
    task = task_named(task_name)
    task.apply_async(args=args, kwargs=kwargs, countdown=countdown, retry=True, retry_policy=RETRY_POLICY)


def send_now_or_park(task_name: str, args: list, kwargs: dict, countdown: int | None = None) -> bool:
    """Publish the task (optionally to run `countdown` seconds later); if the broker refuses, park it.
    Returns True when it was published. A parked task is re-sent without the delay."""
    if _eager():  # in-process mode (no broker): run it; errors propagate as everywhere in eager mode
        _publish(task_name, args, kwargs)
        return True
    try:
        _publish(task_name, args, kwargs, countdown)
    except Exception as exc:  # broker down or unreachable: never raise into the request
        from .models import PendingTask

        log.warning(
            "broker unavailable, task parked for later: %s", task_name, extra={"task": task_name, "error": repr(exc)}
        )
        PendingTask.objects.create(task_name=task_name, args=list(args), kwargs=dict(kwargs), last_error=repr(exc))
        return False
    resend_pending()
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` to the workers once the surrounding transaction commits.

    Arguments must be JSON-serialisable (they may be parked in the database).
    """
    json.dumps([args, kwargs])  # fail now, in the caller, rather than later in a callback
    name = task if isinstance(task, str) else task.name
    transaction.on_commit(lambda: send_now_or_park(name, list(args), dict(kwargs)))


def resend_pending(limit: int = 200) -> int:
    """Send parked tasks (oldest first). Stops at the first broker failure. Returns how many were sent."""
    from .models import PendingTask

    if not PendingTask.objects.exists():
        return 0
    sent = 0
    seen: set[str] = set()
    with transaction.atomic():
        rows = list(PendingTask.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for row in rows:
            key = json.dumps([row.task_name, row.args, row.kwargs], sort_keys=True)
            if key not in seen:
                try:
                    _publish(row.task_name, row.args, row.kwargs)
                except Exception as exc:
                    PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(exc))
                    log.warning(
                        "broker still unavailable, %d parked task(s) wait", len(rows) - sent, extra={"error": repr(exc)}
                    )
                    break
                seen.add(key)
                sent += 1
            row.delete()
    if sent:
        log.info("re-sent %d parked task(s)", sent)
    return sent
