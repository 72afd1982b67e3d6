"""The beat task name reaches a real Celery worker, which expires a lapsed certification in PostgreSQL."""

import datetime as dt
import time

import pytest

from bases.models import Base, Certification
from programs.models import Region
from tests.common.test_worker_path import start_worker, stop_worker


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_daily_expiry_task_by_its_beat_name(require_postgres_and_redis, settings):
    from kepu_portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    base = Base.objects.create(region=Region.objects.get(code="320412"), name="到期测试馆")
    cert = Certification.objects.create(base=base, level="municipal", certified_on=dt.date(2015, 1, 1))
    worker = start_worker(settings)
    try:
        app.send_task("bases.expire_certifications_task")
        deadline = time.time() + 60
        while time.time() < deadline:
            cert.refresh_from_db()
            if cert.status == "expired":
                break
            assert worker.poll() is None, stop_worker(worker)
            time.sleep(0.3)
        assert cert.status == "expired", "the worker did not expire the certification:\n" + stop_worker(worker)
    finally:
        stop_worker(worker)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
