"""One roll-up at a time: a second one waits, is coalesced into a later run, or gives up; only dead runs are failed."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from indicators import services
from indicators.models import IndicatorValue, RollupRun, RollupState
from indicators.services import RollupBusy, run_rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def lease_lock():
    """The lease on RollupState (the lock on databases without advisory locks), whatever the database."""
    with mock.patch("indicators.services._uses_advisory_lock", return_value=False):
        yield


def _live_run(started_ago: dt.timedelta, lease: bool = True) -> RollupRun:
    started = timezone.now() - started_ago
    if lease:
        RollupState.objects.update_or_create(pk=1, defaults={"lease_token": "other-worker", "lease_since": started})
    return RollupRun.objects.create(trigger="other-worker", started_at=started)


def test_a_second_rollup_while_one_is_live_gives_up_without_touching_the_live_one(make_return, wujin, lease_lock):
    make_return(wujin, participants=5)
    live = _live_run(dt.timedelta(seconds=5))
    runs, values = RollupRun.objects.count(), list(IndicatorValue.objects.values_list("id", "value"))
    with pytest.raises(RollupBusy):
        run_rollup(wait_seconds=0.3)
    live.refresh_from_db()
    assert live.status == RollupRun.Status.RUNNING and live.error == ""
    assert RollupRun.objects.count() == runs and list(IndicatorValue.objects.values_list("id", "value")) == values
    assert RollupState.objects.get(pk=1).lease_token == "other-worker"  # the live run keeps its lease


def test_a_lease_left_by_a_process_that_died_is_taken_over_at_once(make_return, wujin, lease_lock):
    import subprocess
    import sys

    make_return(wujin, participants=5)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    token = f"{services.socket.gethostname()[:12]}:{dead.stdout.strip()}:deadbeef"
    RollupState.objects.update_or_create(pk=1, defaults={"lease_token": token, "lease_since": timezone.now()})
    run = run_rollup(wait_seconds=0)
    assert run.status == RollupRun.Status.OK
    # a live process on this machine (this one) keeps its lease
    live = f"{services.socket.gethostname()[:12]}:{services.os.getpid()}:cafebabe"
    RollupState.objects.filter(pk=1).update(lease_token=live, lease_since=timezone.now())
    with pytest.raises(RollupBusy):
        run_rollup(wait_seconds=0)


def test_a_second_rollup_runs_as_soon_as_the_live_one_releases_its_lease(make_return, wujin, lease_lock, value_of):
    make_return(wujin, participants=5)
    _live_run(dt.timedelta(seconds=5))
    sleeps = []

    def release_after_first_poll(seconds):
        sleeps.append(seconds)
        RollupState.objects.filter(pk=1).update(lease_token="", lease_since=None)

    with mock.patch("indicators.services.time.sleep", side_effect=release_after_first_poll):
        run = run_rollup(wait_seconds=30)
    assert len(sleeps) == 1 and run.status == RollupRun.Status.OK
    assert value_of("activity_participants", "320412", 2024) == 5
    assert RollupState.objects.get(pk=1).lease_token == ""  # released after the run


def test_a_run_left_running_past_the_timeout_is_failed_but_a_younger_one_is_left_alone(make_return, wujin, lease_lock):
    make_return(wujin)
    dead = _live_run(services.RUN_TIMEOUT + dt.timedelta(minutes=5))  # its lease has expired too
    young = _live_run(dt.timedelta(minutes=2), lease=False)  # e.g. on another database's lock; not ours to judge
    RollupState.objects.filter(pk=1).update(lease_since=dead.started_at)
    run = run_rollup()
    dead.refresh_from_db()
    young.refresh_from_db()
    assert run.status == RollupRun.Status.OK
    assert dead.status == RollupRun.Status.FAILED and "中断" in dead.error
    assert young.status == RollupRun.Status.RUNNING


def test_a_rollup_that_waited_for_one_started_after_its_request_is_coalesced_into_it(make_return, wujin):
    make_return(wujin)
    runs = RollupRun.objects.count()

    @contextmanager
    def lock_held_by_a_run_that_then_finishes(wait_seconds=None):
        # while we wait, another worker's run starts (after our request) and completes
        RollupRun.objects.create(
            trigger="other-worker",
            status=RollupRun.Status.OK,
            started_at=timezone.now(),
            finished_at=timezone.now(),
            rows=3,
        )
        yield False

    with (
        mock.patch("indicators.services.rollup_lock", lock_held_by_a_run_that_then_finishes),
        mock.patch("indicators.services._run_locked") as recompute,
    ):
        run = run_rollup(trigger="queued")
    assert recompute.call_count == 0
    assert run.trigger == "other-worker" and run.coalesced is True
    assert RollupRun.objects.count() == runs + 1  # only the other worker's run


def test_a_run_that_finished_before_the_request_does_not_coalesce_a_new_one(make_return, wujin, value_of):
    first = run_rollup()
    make_return(wujin, participants=42)
    second = run_rollup()
    assert second.pk != first.pk and not getattr(second, "coalesced", False)
    assert value_of("activity_participants", "320412", 2024) == 42


@pytest.mark.services
def test_on_postgresql_a_second_rollup_waits_for_the_advisory_lock_held_by_another_connection(make_return, wujin):
    import psycopg2
    from django.db import connection

    from tests.conftest import require

    require(connection.vendor == "postgresql", "this test needs DATABASE_URL=postgres://…")
    make_return(wujin)
    live = RollupRun.objects.create(trigger="other-worker", started_at=timezone.now())
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [services.ADVISORY_LOCK_KEY])
        with pytest.raises(RollupBusy):
            run_rollup(wait_seconds=0.5)
        live.refresh_from_db()
        assert live.status == RollupRun.Status.RUNNING
    finally:
        other.close()  # the "worker" dies: the server drops its lock
    run = run_rollup(wait_seconds=5)
    live.refresh_from_db()
    assert run.status == RollupRun.Status.OK
    assert live.status == RollupRun.Status.FAILED  # the lock proved it dead
