"""/healthz: database, broker, last roll-up and last worker heartbeat, without a login."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from common.models import PendingTask, WorkerHeartbeat

from .services import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_anonymous_callers_with_json_and_200_when_the_database_is_up(settings):
    settings.CELERY_BROKER_URL = ""  # in-process mode: no broker to check
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["down"] == []
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True and "in-process" in body["broker"]["mode"]
    assert body["pending_tasks"] == 0


def test_healthz_names_the_broker_when_redis_is_unreachable_but_stays_200(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.KEPU_HEALTH_BROKER_TIMEOUT = 0.5
    started = timezone.now()
    response = Client().get("/healthz")
    assert (timezone.now() - started) < timedelta(seconds=5)
    body = response.json()
    assert response.status_code == 200  # submissions are still saved while the broker is away
    assert body["status"] == "degraded" and body["down"] == ["broker"]
    assert body["broker"]["ok"] is False and body["broker"]["error"]


def test_healthz_hides_the_broker_password(settings):
    settings.CELERY_BROKER_URL = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    settings.KEPU_HEALTH_BROKER_TIMEOUT = 0.5
    body = Client().get("/healthz").content.decode()
    assert "s3cret" not in body and "***" in body


def test_healthz_reports_the_age_of_the_last_worker_heartbeat_and_parked_tasks(settings):
    settings.CELERY_BROKER_URL = ""
    WorkerHeartbeat.objects.create(name="old", at=timezone.now() - timedelta(hours=2), worker="w1")
    WorkerHeartbeat.objects.create(name="beat", at=timezone.now() - timedelta(seconds=90), worker="w2")
    PendingTask.objects.create(task_name="common.heartbeat_task")
    body = Client().get("/healthz").json()
    assert body["worker"]["name"] == "beat" and 85 <= body["worker"]["age_seconds"] <= 150
    assert body["pending_tasks"] == 1


def test_healthz_reports_the_last_finished_rollup_when_the_indicators_app_has_one(settings):
    from django.apps import apps

    settings.CELERY_BROKER_URL = ""
    body = Client().get("/healthz").json()
    try:
        model = apps.get_model("indicators", "RollupRun")
    except LookupError:
        assert body["rollup"] is None  # the roll-up model is not built yet: reported as null
        return
    model.objects.all().delete()  # runs made while the test database was set up
    now = timezone.now()
    fields = {f.name for f in model._meta.get_fields()}
    extra = {k: v for k, v in {"status": "ok", "rows": 1, "duration_ms": 5}.items() if k in fields}
    model.objects.create(started_at=now - timedelta(minutes=11), finished_at=now - timedelta(minutes=10), **extra)
    model.objects.create(
        started_at=now - timedelta(minutes=1),
        finished_at=None,
        **dict(extra, status="running") if "status" in extra else extra,
    )
    body = Client().get("/healthz").json()
    assert 590 <= body["rollup"]["age_seconds"] <= 700


def test_healthz_refuses_writes():
    assert Client().post("/healthz").status_code == 405
