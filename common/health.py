"""/healthz — is this portal able to serve, and how fresh is what it serves?

No login (load balancers and container probes call it). JSON body:

    {"status": "ok" | "degraded" | "down",
     "database": {"ok": true}, "broker": {"ok": true, "url": "redis://127.0.0.1:6379/0"},
     "rollup": {"last_finished_at": "…", "age_seconds": 812, "status": "ok"} | null,
     "worker": {"last_heartbeat_at": "…", "age_seconds": 40, "name": "beat"} | null,
     "pending_tasks": 0}

HTTP 200 while the database answers (a broker outage only delays background work: submissions
are still saved), 503 when it does not. "degraded" names the part that is down.
"""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("kepu.health")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def check_database() -> dict:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True}
    except Exception as exc:
        # drop the broken connection: the next request opens a fresh one (closing a dead one may itself fail)
        with contextlib.suppress(Exception):
            connection.close()
        return {"ok": False, "error": exc.__class__.__name__}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "mode": "in-process (no broker configured)"}
    timeout = settings.KEPU_HEALTH_BROKER_TIMEOUT
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
        return {"ok": True, "url": _redact(url)}
    except Exception as exc:
        return {"ok": False, "url": _redact(url), "error": exc.__class__.__name__}


def _age(at) -> int | None:
    return None if at is None else max(0, int((timezone.now() - at).total_seconds()))


def last_rollup() -> dict | None:
    """The latest finished indicators.RollupRun, read generically (None until that model exists)."""
    try:
        model = apps.get_model("indicators", "RollupRun")
    except LookupError:
        return None
    run = model.objects.exclude(finished_at=None).order_by("-finished_at").first()
    if run is None:
        return {"last_finished_at": None, "age_seconds": None, "status": None}
    return {
        "last_finished_at": run.finished_at.isoformat(),
        "age_seconds": _age(run.finished_at),
        "status": getattr(run, "status", None),
    }


def last_heartbeat() -> dict | None:
    from .models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-at").first()
    if beat is None:
        return None
    return {
        "last_heartbeat_at": beat.at.isoformat(),
        "age_seconds": _age(beat.at),
        "name": beat.name,
        "worker": beat.worker,
    }


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    broker = check_broker()
    body: dict = {"database": database, "broker": broker, "rollup": None, "worker": None, "pending_tasks": None}
    if database["ok"]:
        try:
            from .models import PendingTask

            body["rollup"] = last_rollup()
            body["worker"] = last_heartbeat()
            body["pending_tasks"] = PendingTask.objects.count()
        except Exception as exc:  # e.g. migrations not applied yet
            log.warning("healthz: could not read roll-up/heartbeat: %r", exc)
            body["error"] = exc.__class__.__name__
    down = [name for name in ("database", "broker") if not body[name]["ok"]]
    body["down"] = down
    body["status"] = "down" if not database["ok"] else ("degraded" if down else "ok")
    return JsonResponse(body, status=200 if database["ok"] else 503, json_dumps_params={"ensure_ascii": False})
