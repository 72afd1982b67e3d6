"""A roll-up follows approvals on commit, coalesced; a real worker updates the dashboard by itself."""

import time
from unittest import mock

import pytest
from django.urls import reverse

from common import clock
from common.workflow import apply_transition
from indicators import services
from indicators.models import IndicatorValue, RollupState


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_approvals_enqueues_one_rollup(make_return, wujin, office_user):
    returns = [make_return(wujin, status="submitted") for _ in range(5)]
    with mock.patch("indicators.tasks.rollup_task.apply_async") as enqueue:
        for activity in returns:  # each approval commits on its own
            apply_transition(activity, "approve_report", office_user)
        assert enqueue.call_count == 1
        assert RollupState.objects.get(pk=1).pending is True
        # the queued run starts: later approvals queue a new run
        with mock.patch("indicators.services.run_rollup"):
            services.start_queued_rollup("test")
        apply_transition(returns[0], "reopen_report", office_user, reason="数据有误")
        assert enqueue.call_count == 2


@pytest.mark.django_db
def test_requests_inside_one_transaction_register_one_callback(django_capture_on_commit_callbacks):
    with mock.patch("indicators.services._enqueue_if_idle") as enqueue:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            for _ in range(10):
                services.request_rollup("test")
        assert len(callbacks) == 1 and enqueue.call_count == 1


@pytest.mark.django_db
def test_submitting_or_drafting_does_not_request_a_rollup(
    make_return, wujin, wujin_user, django_capture_on_commit_callbacks
):
    activity = make_return(wujin, status="draft")
    with mock.patch("indicators.services.request_rollup") as request:
        with django_capture_on_commit_callbacks(execute=True):
            apply_transition(activity, "submit", wujin_user)
        assert request.call_count == 0


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_approval_stands_the_dashboard_warns_and_the_rollup_runs_when_it_is_back(
    make_return, wujin, office_user, leader_user, client_for
):
    from common import tasks as common_tasks
    from common.models import PendingTask
    from indicators.tasks import rollup_task

    services.run_rollup()
    activity = make_return(wujin, status="submitted", participants=777, starts_on=clock.today())
    with (
        mock.patch.object(common_tasks, "_eager", return_value=False),
        mock.patch.object(common_tasks, "_publish", side_effect=OSError("Redis: connection refused")),
    ):
        apply_transition(activity, "approve_report", office_user)
    activity.refresh_from_db()
    assert activity.report_status == "approved"  # saved and acknowledged
    assert PendingTask.objects.filter(task_name="indicators.rollup_task").count() == 1
    assert RollupState.objects.get(pk=1).pending is True
    page = client_for(leader_user).get(reverse("indicators:dashboard") + "?region=320412").content.decode()
    assert "任务队列暂不可用" in page and "777" not in page  # last values, with the warning

    # Redis is back: the parked roll-up is sent (here: run in-process) and the dashboard catches up
    def publish(name, args, kwargs, countdown=None):
        rollup_task.apply(args=args, kwargs=kwargs)

    with mock.patch.object(common_tasks, "_publish", side_effect=publish):
        assert common_tasks.resend_pending() == 1
    page = client_for(leader_user).get(reverse("indicators:dashboard") + "?region=320412").content.decode()
    assert "任务队列暂不可用" not in page and "777" in page
    assert RollupState.objects.get(pk=1).pending is False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_a_real_worker_approving_a_return_updates_the_dashboard(
    require_postgres_and_redis, settings, client_for, leader_user, office_user, make_return, wujin
):
    from kepu_portal.celery import app
    from tests.common.test_worker_path import start_worker, stop_worker

    settings.KEPU_ROLLUP_DELAY_SECONDS = 0
    app.conf.task_always_eager = False
    activity = make_return(wujin, status="submitted", participants=4321, starts_on=clock.today())
    worker = start_worker(settings)
    try:
        apply_transition(activity, "approve_report", office_user)  # autocommit: on_commit fires now → Redis → worker
        deadline = time.time() + 90
        while time.time() < deadline:
            if IndicatorValue.objects.filter(
                indicator__code="activity_participants", region=wujin, dimension="", value=4321
            ).exists():
                break
            assert worker.poll() is None, stop_worker(worker)
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not roll up within 90 s:\n" + stop_worker(worker))
        page = client_for(leader_user).get(reverse("indicators:dashboard") + "?region=320412").content.decode()
        assert "4,321" in page
    finally:
        stop_worker(worker)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_rollup_leaves_the_previous_values_and_the_next_run_completes(
    require_postgres_and_redis, settings, make_return, wujin
):
    import os
    import signal

    from indicators.models import RollupRun
    from indicators.services import run_rollup
    from indicators.tasks import rollup_task
    from kepu_portal.celery import app
    from tests.common.test_worker_path import start_worker, stop_worker

    make_return(wujin, participants=111, starts_on=clock.today())
    run_rollup()
    before = sorted(
        IndicatorValue.objects.values_list("indicator__code", "period", "region_id", "dimension", "key", "value")
    )
    make_return(wujin, participants=222, starts_on=clock.today())
    app.conf.task_always_eager = False
    os.environ["KEPU_ROLLUP_FAULT_PAUSE_SECONDS"] = "30"
    try:
        worker = start_worker(settings)
    finally:
        del os.environ["KEPU_ROLLUP_FAULT_PAUSE_SECONDS"]
    try:
        rollup_task.delay(trigger="kill-test")
        deadline = time.time() + 60
        while not RollupRun.objects.filter(trigger="kill-test", status="running").exists():
            assert time.time() < deadline and worker.poll() is None, stop_worker(worker)
            time.sleep(0.3)
        time.sleep(2)  # inside the write transaction now (old rows deleted, new not yet inserted)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        after = sorted(
            IndicatorValue.objects.values_list("indicator__code", "period", "region_id", "dimension", "key", "value")
        )
        assert after == before  # the killed run's transaction never committed
    finally:
        stop_worker(worker)
    worker = start_worker(settings)
    try:
        rollup_task.delay(trigger="after-kill")
        deadline = time.time() + 60
        while not RollupRun.objects.filter(trigger="after-kill", status="ok").exists():
            assert time.time() < deadline and worker.poll() is None, stop_worker(worker)
            time.sleep(0.3)
        assert (
            IndicatorValue.objects.get(
                indicator__code="activity_participants", region=wujin, dimension="", period=str(clock.today().year)
            ).value
            == 333
        )
        killed = RollupRun.objects.get(trigger="kill-test")
        assert killed.status == "failed" and "中断" in killed.error
    finally:
        stop_worker(worker)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.django_db(transaction=True)
def test_in_eager_mode_a_real_committed_burst_runs_one_rollup_and_a_rolled_back_one_none(
    make_return, wujin, office_user, value_of, monkeypatch
):
    """Outside a test transaction: the commit really happens, its on_commit callbacks really run (as in
    seed_demo, or a bulk approval). One roll-up for five approvals; none for approvals rolled back."""
    from celery import current_app
    from django.db import transaction

    from indicators.models import RollupRun

    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    returns = [make_return(wujin, status="submitted", participants=10 * (i + 1)) for i in range(6)]
    runs = RollupRun.objects.count()
    with transaction.atomic():
        for activity in returns[:5]:
            apply_transition(activity, "approve_report", office_user)
    assert RollupRun.objects.count() == runs + 1
    assert value_of("activity_participants", "320412", 2024) == 150
    with pytest.raises(RuntimeError), transaction.atomic():
        apply_transition(returns[5], "approve_report", office_user)
        raise RuntimeError("the request failed after the approval")
    assert RollupRun.objects.count() == runs + 1


def test_the_nightly_beat_entry_runs_the_registered_rollup_task(settings):
    from celery.schedules import crontab

    from common.tasks import task_named
    from indicators.tasks import rollup_task

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == services.ROLLUP_TASK]
    assert len(entries) == 1
    nightly = entries[0]
    assert isinstance(nightly["schedule"], crontab)
    assert nightly["schedule"].hour == {2} and nightly["schedule"].minute == {0}
    assert nightly.get("kwargs") == {"trigger": "nightly"}
    registered = task_named(nightly["task"])  # the name points at a registered task …
    assert registered.name == rollup_task.name and registered.run.__module__ == "indicators.tasks"


@pytest.mark.django_db
def test_in_eager_mode_a_burst_of_approvals_in_one_transaction_runs_exactly_one_rollup(
    make_return, wujin, office_user, value_of, django_capture_on_commit_callbacks, monkeypatch
):
    from celery import current_app
    from django.db import transaction

    from indicators.models import RollupRun

    # in-process mode, as on one machine without Redis (the PostgreSQL pass has a broker configured)
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    returns = [make_return(wujin, status="submitted", participants=10 * (i + 1)) for i in range(5)]
    runs = RollupRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for activity in returns:
            apply_transition(activity, "approve_report", office_user)
    assert len([c for c in callbacks if getattr(c, "kepu_rollup", False)]) == 1
    assert RollupRun.objects.count() == runs + 1
    assert RollupRun.objects.latest().status == "ok"
    assert value_of("activity_participants", "320412", 2024) == 150  # the one run saw all five approvals
    assert RollupState.objects.get(pk=1).pending is False
