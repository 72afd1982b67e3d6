"""Redis stopped: a write that enqueues a task is still saved and acknowledged; the task runs later.

The unit tests simulate a refusing broker; the `services` test stops a real Redis (a private one,
see services.py) under a real Celery worker and shows the parked task running once Redis is back.
"""

import contextlib
import os
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction
from kombu.exceptions import OperationalError

from common import tasks as common_tasks
from common.models import PendingTask, WorkerHeartbeat
from common.tasks import enqueue_on_commit, heartbeat_task, resend_pending

from .services import ROOT


@contextlib.contextmanager
def broker(url: str):
    """Point the Celery app at `url` (not eager) for the duration; restore everything after."""
    from django.conf import settings

    from kepu_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_BROKER_URL)
    saved_pools = (app._pool, app.amqp._producer_pool)
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads this variable before its own configuration
    app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_BROKER_URL = url, False, url
    app._pool = None  # new connection and producer pools for the new URL
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app._pool, app.amqp._producer_pool = saved_pools
        app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_BROKER_URL = saved


@pytest.fixture
def not_eager():
    from kepu_portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_a_write_is_saved_and_the_task_parked_when_the_broker_refuses(
    monkeypatch, not_eager, office_user, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(common_tasks, "_publish", refuse)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        office_user.phone = "0519-8888"
        office_user.save()
        enqueue_on_commit(heartbeat_task, "after-outage")
    office_user.refresh_from_db()
    assert office_user.phone == "0519-8888"
    parked = PendingTask.objects.get()
    assert parked.task_name == "common.heartbeat_task" and parked.args == ["after-outage"]
    assert "Connection refused" in parked.last_error


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(monkeypatch, not_eager, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(common_tasks, "_publish", lambda *a: sent.append(a))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(heartbeat_task, "never")
        raise RuntimeError("the write failed")
    assert sent == [] and not PendingTask.objects.exists()


@pytest.mark.django_db
def test_parked_tasks_are_sent_once_each_when_the_broker_is_back(monkeypatch, not_eager):
    PendingTask.objects.create(task_name="common.heartbeat_task", args=["a"])
    PendingTask.objects.create(task_name="common.heartbeat_task", args=["a"])  # same task twice: sent once
    PendingTask.objects.create(task_name="common.heartbeat_task", args=["b"])
    sent = []
    monkeypatch.setattr(common_tasks, "_publish", lambda name, args, kwargs: sent.append((name, args)))
    assert resend_pending() == 2
    assert sent == [("common.heartbeat_task", ["a"]), ("common.heartbeat_task", ["b"])]
    assert not PendingTask.objects.exists()


@pytest.mark.django_db
def test_resending_stops_at_the_first_refusal_and_keeps_the_rest(monkeypatch, not_eager):
    for name in ("a", "b"):
        PendingTask.objects.create(task_name="common.heartbeat_task", args=[name])

    def refuse(*args, **kwargs):
        raise OperationalError("still down")

    monkeypatch.setattr(common_tasks, "_publish", refuse)
    assert resend_pending() == 0
    assert PendingTask.objects.count() == 2
    assert PendingTask.objects.order_by("id").first().attempts == 2


@pytest.mark.django_db
def test_a_successful_enqueue_also_flushes_earlier_parked_tasks(
    monkeypatch, not_eager, django_capture_on_commit_callbacks
):
    PendingTask.objects.create(task_name="common.heartbeat_task", args=["parked"])
    sent = []
    monkeypatch.setattr(common_tasks, "_publish", lambda name, args, kwargs, countdown=None: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(heartbeat_task, "new")
    assert sent == [["new"], ["parked"]] and not PendingTask.objects.exists()


@pytest.mark.django_db
def test_in_process_mode_runs_the_task_at_commit(django_capture_on_commit_callbacks):
    from kepu_portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the default with no broker configured
    try:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(heartbeat_task, "eager")
    finally:
        app.conf.task_always_eager = saved
    assert WorkerHeartbeat.objects.filter(name="eager").exists()
    assert not PendingTask.objects.exists()


def test_arguments_must_be_json_so_they_can_be_parked():
    with pytest.raises(TypeError):
        enqueue_on_commit(heartbeat_task, object())


def test_beat_resends_parked_tasks_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["resend-pending-tasks"]
    assert entry["task"] == "common.resend_pending_tasks_task" and entry["schedule"] <= 60


def start_worker(broker_url: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        KEPU_TESTING="true",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kepu_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"outage-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_write_is_acknowledged_and_its_task_runs_on_a_worker_once_redis_is_back(
    require_postgres_and_redis, private_redis, ensure_plan
):
    from accounts.models import User

    user = User.objects.create_user("outage-office", password="x", role="office")
    with broker(private_redis.url()):
        worker = start_worker(private_redis.url())
        try:
            private_redis.stop()  # ---- Redis is down from here ----
            started = time.monotonic()
            with transaction.atomic():
                user.phone = "0519-0001"
                user.save()
                enqueue_on_commit(heartbeat_task, "after-outage")
            elapsed = time.monotonic() - started
            user.refresh_from_db()
            assert user.phone == "0519-0001"  # saved and acknowledged
            assert elapsed < 5, f"the write waited {elapsed:.1f} s for the broker"
            assert PendingTask.objects.filter(task_name="common.heartbeat_task", args=["after-outage"]).exists()
            assert not WorkerHeartbeat.objects.filter(name="after-outage").exists()
            private_redis.start()  # ---- Redis is back ----
            assert common_tasks.resend_pending_tasks_task() == 1, list(PendingTask.objects.values("last_error"))
            deadline = time.time() + 60
            while time.time() < deadline and not WorkerHeartbeat.objects.filter(name="after-outage").exists():
                assert worker.poll() is None, stop_worker(worker)
                time.sleep(0.3)
            beat = WorkerHeartbeat.objects.filter(name="after-outage").first()
            assert beat is not None, "the parked task did not run within 60 s:\n" + stop_worker(worker)
            assert beat.worker.startswith("outage-")  # run by the worker process
            assert not PendingTask.objects.exists()
        finally:
            stop_worker(worker)
