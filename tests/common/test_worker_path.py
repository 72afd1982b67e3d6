"""A real Celery worker process executes a real task: enqueue → Redis → worker → PostgreSQL."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from common.models import WorkerHeartbeat
from common.tasks import heartbeat_task

ROOT = Path(__file__).resolve().parents[2]


def start_worker(settings) -> subprocess.Popen:
    """A real `celery worker` process on the test database; tasks left in the queue are purged first."""
    from kepu_portal.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.control.purge()
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
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
            f"test-{os.getpid()}@%h",
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
def test_real_worker_executes_task_and_writes_to_database(require_postgres_and_redis, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from kepu_portal.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    worker = start_worker(settings)
    try:
        result = heartbeat_task.delay("ci-worker-test")
        deadline = time.time() + 60
        while time.time() < deadline and not WorkerHeartbeat.objects.filter(name="ci-worker-test").exists():
            assert worker.poll() is None, stop_worker(worker)
            time.sleep(0.3)
        hb = WorkerHeartbeat.objects.filter(name="ci-worker-test").first()
        assert hb is not None, "the worker did not write the heartbeat within 60 s:\n" + stop_worker(worker)
        assert hb.worker.startswith("test-")  # written by the worker process, not in-process
        assert result.id
    finally:
        stop_worker(worker)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_a_task_named_by_string_is_found_before_any_tasks_module_was_imported():
    """A management command (seed_demo) enqueues by name before Celery autodiscovery ran."""
    code = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kepu_portal.settings');"
        "django.setup(); assert 'indicators.tasks' not in sys.modules, 'already imported';"
        "from common.tasks import task_named; print(task_named('indicators.rollup_task').name)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("indicators.rollup_task")
