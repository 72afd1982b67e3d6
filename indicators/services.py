"""Writes for indicators: the roll-up, coalesced requests, observations (the catalogue from the plan file:
indicators/catalogue.py)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Set
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from common import clock
from programs.models import Region

from .models import (
    Indicator,
    IndicatorValue,
    Observation,
    RollupRun,
    RollupState,
)
from .sources import SOURCES, Fact, RunContext

log = logging.getLogger(__name__)
HUNDRED = Decimal(100)
ROLLUP_TASK = "indicators.rollup_task"


class RollupError(RuntimeError):
    pass


class RollupBusy(RollupError):
    """Another roll-up held the lock for longer than this one was willing to wait."""


# A roll-up that has run this long is taken for dead (its lease may be taken over; see rollup_lock).
RUN_TIMEOUT = dt.timedelta(minutes=settings.KEPU_ROLLUP_RUN_TIMEOUT_MINUTES)
# How long a second roll-up waits for the running one before giving up (RollupBusy).
LOCK_WAIT_SECONDS = float(settings.KEPU_ROLLUP_LOCK_WAIT_SECONDS)
ADVISORY_LOCK_KEY = (
    7_165_746_006  # pg_advisory_lock key of the roll-up: any constant no other lock in the database uses
)
POLL_SECONDS = 0.2


def _lease_holder_is_dead(token: str) -> bool:
    """A lease token is "host:pid:nonce"; on this host, a pid that no longer exists holds nothing."""
    host, _, rest = token.partition(":")
    pid = rest.partition(":")[0]
    if not pid.isdigit() or host != socket.gethostname()[:12]:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _uses_advisory_lock() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def rollup_lock(wait_seconds: float | None = None):
    """Hold the one roll-up lock, waiting up to `wait_seconds`; raise RollupBusy if it stays taken.

    PostgreSQL: a session-level advisory lock. The server drops it when the holder's connection ends,
    so a killed worker never blocks the next run, and holding it proves no other run is alive.
    Other databases (SQLite, one machine): a lease on the RollupState row, claimed by a conditional
    UPDATE (atomic on every database); a lease whose process is gone, or older than RUN_TIMEOUT,
    belongs to a dead run and is taken over. Yields True when the lock proves every other "running" run is dead
    (PostgreSQL).
    """
    wait = LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    if _uses_advisory_lock():
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
            if time.monotonic() >= deadline:
                raise RollupBusy(f"另一次数据汇总正在运行(等待 {wait:g} 秒后放弃)")
            time.sleep(POLL_SECONDS)
        try:
            yield True
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
            except Exception:  # connection gone or transaction aborted: the server releases it with the session
                log.warning("could not release the roll-up advisory lock", exc_info=True)
        return
    token = f"{socket.gethostname()[:12]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    RollupState.objects.get_or_create(pk=1)
    while True:
        now = timezone.now()
        free = Q(lease_token="") | Q(lease_since__lt=now - RUN_TIMEOUT)
        holder = RollupState.objects.filter(pk=1).values_list("lease_token", flat=True).first() or ""
        if _lease_holder_is_dead(holder):
            free |= Q(lease_token=holder)  # its process is gone (same machine): take the lease over now
        claimed = RollupState.objects.filter(pk=1).filter(free).update(lease_token=token, lease_since=now)
        if claimed:
            break
        if time.monotonic() >= deadline:
            raise RollupBusy(f"另一次数据汇总正在运行(等待 {wait:g} 秒后放弃)")
        time.sleep(POLL_SECONDS)
    try:
        yield False
    finally:
        RollupState.objects.filter(pk=1, lease_token=token).update(lease_token="", lease_since=None)


# --- roll-up ---------------------------------------------------------------------------------
def _ancestors() -> dict[int, list[int]]:
    """region id → the ids a fact there counts towards: its district (or itself) and the city."""
    regions = list(Region.objects.values_list("id", "path", "level", "code"))
    by_code = {code: rid for rid, _, _, code in regions}
    out = {}
    for rid, path, level, _code in regions:
        codes = [c for c in path.split("/") if c]
        chain = [by_code[c] for c in codes[:2] if c in by_code]  # city, district
        if rid not in chain:
            chain.append(rid) if level in ("city", "district") else None
        out[rid] = sorted(set(chain))
    return out


def compute_values(indicator: Indicator, ctx: RunContext, ancestors: dict[int, list[int]]) -> list[dict]:
    """Aggregate an indicator's facts up to district and city level."""
    facts: list[Fact] = SOURCES[indicator.source](indicator, ctx)
    if indicator.source == "observation":
        return _observation_values(indicator, facts, ancestors)
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), None, None, ""])
    for f in facts:
        for region_id in ancestors.get(f.region_id, [f.region_id]):
            slot = totals[(region_id, f.period, f.year, f.dimension, f.key)]
            slot[0] += f.value
            slot[3] = f.label
    rows = [
        {"region_id": r, "period": p, "year": y, "dimension": d, "key": k, "value": v, "label": label}
        for (r, p, y, d, k), (v, _, _, label) in totals.items()
    ]
    if (
        indicator.kind == Indicator.Kind.STOCK
        and indicator.params.get("accumulate", indicator.source == "report_sum")
        and indicator.source in ("report_sum", "activity_count", "activity_sum")
    ):
        if indicator.source != "report_sum":  # activities: the running total starts with the plan period
            rows = [r for r in rows if r["year"] >= ctx.first_year]
        rows = _accumulate(rows, ctx)  # running totals: unit-report stocks, activities since 2021
    return rows


def _observation_values(indicator, facts, ancestors) -> list[dict]:
    """Observations are not summed; a missing city ratio is Σnumerator/Σdenominator of its regions."""
    rows = {(f.region_id, f.period): f for f in facts}
    out = [
        {
            "region_id": f.region_id,
            "period": f.period,
            "year": f.year,
            "dimension": "",
            "key": "",
            "label": "",
            "value": f.value,
            "numerator": f.numerator,
            "denominator": f.denominator,
        }
        for f in facts
    ]
    if indicator.is_ratio:
        sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
        for f in facts:
            if f.numerator is None or not f.denominator:
                continue
            for parent in ancestors.get(f.region_id, []):
                if parent != f.region_id and (parent, f.period) not in rows:
                    s = sums[(parent, f.period, f.year)]
                    s[0] += f.numerator
                    s[1] += f.denominator
        for (region_id, period, year), (num, den, _) in sums.items():
            out.append(
                {
                    "region_id": region_id,
                    "period": period,
                    "year": year,
                    "dimension": "",
                    "key": "",
                    "label": "",
                    "value": (num / den * HUNDRED).quantize(Decimal("0.0001")),
                    "numerator": num,
                    "denominator": den,
                }
            )
    return out


def _accumulate(rows: list[dict], ctx: RunContext) -> list[dict]:
    """Turn per-year reported figures into a running total (stock targets), for every year since the first."""
    out = [r for r in rows if not r["period"].isdigit()]  # half-year progress stays as reported
    series: dict[tuple, dict[int, Decimal]] = defaultdict(dict)
    labels = {}
    for r in rows:
        if r["period"].isdigit():
            series[(r["region_id"], r["dimension"], r["key"])][r["year"]] = r["value"]
            labels[(r["region_id"], r["dimension"], r["key"])] = r["label"]
    for (region_id, dimension, key), by_year in series.items():
        running = Decimal(0)
        for year in range(min(by_year), ctx.today.year + 1):
            running += by_year.get(year, Decimal(0))
            out.append(
                {
                    "region_id": region_id,
                    "period": str(year),
                    "year": year,
                    "dimension": dimension,
                    "key": key,
                    "value": running,
                    "label": labels[(region_id, dimension, key)],
                }
            )
    return out


def run_rollup(
    trigger: str = "manual",
    today: dt.date | None = None,
    fail_after: str | None = None,
    wait_seconds: float | None = None,
) -> RollupRun:
    """Recompute every IndicatorValue. Atomic: on any failure the previous values stay untouched.

    One roll-up runs at a time (rollup_lock). A second one waits for the running one; if a run that
    *started* after this request has meanwhile finished, it has already seen every change committed
    before the request, so this one is coalesced into it: that run is returned (`run.coalesced`) and
    nothing is recomputed. If the lock is still taken after `wait_seconds`, RollupBusy is raised
    (the nightly run catches up).

    `fail_after` (tests only) raises after computing that indicator, to prove atomicity.
    """
    today = today or clock.today()
    requested_at = timezone.now()
    with rollup_lock(wait_seconds) as others_are_dead:
        done = (
            RollupRun.objects.filter(status=RollupRun.Status.OK, started_at__gte=requested_at)
            .order_by("-started_at")
            .first()
        )
        if done is not None and fail_after is None:
            done.coalesced = True
            return done
        _fail_abandoned_runs(others_are_dead)
        return _run_locked(trigger, today, fail_after)


def _fail_abandoned_runs(others_are_dead: bool) -> int:
    """A run left "running" by a killed worker never committed any value: record it as failed. Only runs
    that cannot be alive: every one when the lock proves it (PostgreSQL), else those older than RUN_TIMEOUT."""
    now = timezone.now()
    cutoff = now if others_are_dead else now - RUN_TIMEOUT
    return RollupRun.objects.filter(status=RollupRun.Status.RUNNING, started_at__lt=cutoff).update(
        status=RollupRun.Status.FAILED, error="进程中断(worker 被终止),未写入任何指标值", finished_at=now
    )


def _run_locked(trigger: str, today: dt.date, fail_after: str | None) -> RollupRun:
    run = RollupRun.objects.create(trigger=trigger, started_at=timezone.now())
    t0 = time.perf_counter()
    try:
        first_year = settings.KEPU_ROLLUP_FIRST_YEAR
        ctx = RunContext(today=today, first_year=first_year)
        ancestors = _ancestors()
        now = timezone.now()
        new_rows: list[IndicatorValue] = []
        kept: set[int] = set()  # indicators that could not be computed this run: their stored values stay
        for indicator in Indicator.objects.select_related("plan_target"):
            rows = _compute_or_report(indicator, ctx, ancestors)
            if rows is None:
                kept.add(indicator.pk)
                continue
            new_rows += [IndicatorValue(indicator=indicator, run=run, computed_at=now, **row) for row in rows]
            if fail_after == indicator.code:
                raise RollupError(f"模拟失败:计算到 {indicator.code} 后中断")
        with transaction.atomic():
            written = _write_values(new_rows, kept)
            if settings.KEPU_ROLLUP_FAULT_PAUSE_SECONDS:  # fault-injection knob for the killed-worker test
                time.sleep(settings.KEPU_ROLLUP_FAULT_PAUSE_SECONDS)
            if fail_after == "__write__":
                raise RollupError("模拟失败:写入中途中断")
        run.status = RollupRun.Status.OK
        run.rows = written
        run.error = "\n".join(ctx.warnings)[:10000]
    except Exception as exc:
        run.status = RollupRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        run.finished_at = timezone.now()
        run.duration_ms = int((time.perf_counter() - t0) * 1000)
        run.save(update_fields=["status", "rows", "error", "finished_at", "duration_ms"])
    return run


VALUE_FIELDS = ("value", "numerator", "denominator", "label")
# IndicatorValue's decimals hold 14 integer digits (max_digits 18, 4 places)
STORABLE = Decimal(10) ** 14


def _compute_or_report(indicator, ctx, ancestors) -> list[dict] | None:
    """The indicator's rows, or None (reported in ctx.warnings) when its source fails or gives a value too large
    to store: one bad indicator never stops the others. A savepoint keeps PostgreSQL's transaction usable."""
    try:
        with transaction.atomic():
            rows = list(compute_values(indicator, ctx, ancestors))
    except Exception as exc:  # a database error in one source (e.g. an overflowing SUM)
        log.exception("indicator %s could not be computed", indicator.code)
        ctx.warn(f"指标“{indicator.name}”({indicator.code})本次未能汇总,保留上次结果:{type(exc).__name__}: {exc}")
        return None
    too_large = [
        r
        for r in rows
        if any(r.get(f) is not None and abs(Decimal(r[f])) >= STORABLE for f in ("value", "numerator", "denominator"))
    ]
    if too_large:
        ctx.warn(f"指标“{indicator.name}”({indicator.code})有 {len(too_large)} 个值超出可存储范围,保留上次结果。")
        return None
    return rows


def _write_values(new_rows: list[IndicatorValue], kept: Set[int] = frozenset()) -> int:
    """Make the stored values equal to new_rows, writing only what changed (inside the caller's transaction).
    Values of the `kept` indicators (not computed this run) are left as they are.

    Returns the number of rows inserted, updated or deleted."""
    key = lambda v: (v.indicator_id, v.period, v.region_id, v.dimension, v.key)  # noqa: E731
    stored = {
        key(v): v
        for v in IndicatorValue.objects.select_for_update()
        .exclude(indicator_id__in=kept)
        .only("id", "indicator_id", "period", "region_id", "dimension", "key", *VALUE_FIELDS)
    }
    fresh = {key(v): v for v in new_rows}
    gone = [v.pk for k, v in stored.items() if k not in fresh]
    create, update = [], []
    for k, v in fresh.items():
        old = stored.get(k)
        if old is None:
            create.append(v)
        elif any(_differs(getattr(old, f), getattr(v, f)) for f in VALUE_FIELDS):
            for f in VALUE_FIELDS + ("run", "computed_at"):
                setattr(old, f, getattr(v, f))
            update.append(old)
    if gone:
        IndicatorValue.objects.filter(pk__in=gone).delete()
    IndicatorValue.objects.bulk_create(create, batch_size=2000)
    IndicatorValue.objects.bulk_update(update, VALUE_FIELDS + ("run", "computed_at"), batch_size=500)
    return len(gone) + len(create) + len(update)


def _differs(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if a is None or b is None:
            return a is not b
        return Decimal(a).quantize(Decimal("0.0001")) != Decimal(b).quantize(Decimal("0.0001"))
    return a != b


# --- coalesced requests ------------------------------------------------------------------------
def request_rollup(reason: str = "approval") -> bool:
    """Ask for a roll-up after the current transaction commits; a burst of requests gives one run.

    Within one transaction only the first request registers a callback; across transactions
    the RollupState flag lets only one queued run exist at a time.

    In-process (eager) mode — one machine, no broker — the callback runs the roll-up synchronously
    right after the commit: each approval committed on its own runs one roll-up in the approving
    request (acceptable: a full roll-up is a few SQL aggregates), and a burst of approvals inside one
    transaction (a bulk approval, an import) still runs exactly one.
    """
    connection = transaction.get_connection()
    # Already registered in this transaction? (Django drops callbacks of a rolled-back transaction.)
    if connection.in_atomic_block and any(
        getattr(entry[1], "kepu_rollup", False) for entry in connection.run_on_commit
    ):
        return False

    def callback():
        _enqueue_if_idle(reason)

    # the marker looked for above among the connection's on_commit callbacks
    callback.kepu_rollup = True  # type: ignore[attr-defined]
    transaction.on_commit(callback)
    return True


def _enqueue_if_idle(reason: str) -> bool:
    """Queue one roll-up unless one is already queued. If the broker is down the request is parked
    (common.tasks) and sent when Redis is back; the pending flag stays up so the dashboard says so."""
    from common.tasks import send_now_or_park

    RollupState.objects.get_or_create(pk=1)
    now = timezone.now()
    stale = now - dt.timedelta(minutes=settings.KEPU_ROLLUP_STALE_MINUTES)
    claimed = (
        RollupState.objects.filter(pk=1)
        .filter(Q(pending=False) | Q(requested_at__lt=stale))
        .update(pending=True, requested_at=now)
    )
    if not claimed:
        return False  # a run is already queued; it will see this change
    try:
        return send_now_or_park(ROLLUP_TASK, [], {"trigger": reason}, countdown=settings.KEPU_ROLLUP_DELAY_SECONDS)
    except Exception:  # in-process mode: the roll-up itself failed; the approval stands, the nightly run retries
        log.exception("in-process roll-up failed; the previous values stay until the next run")
        RollupState.objects.filter(pk=1).update(pending=False)
        return False


def start_queued_rollup(trigger: str) -> RollupRun:
    """Called by the task: clear the pending flag first so later approvals queue a new run."""
    RollupState.objects.filter(pk=1).update(pending=False)
    return run_rollup(trigger=trigger)


@transaction.atomic
def save_observation(data: dict, user) -> Observation:
    """Record (or correct) a manual observation; the roll-up follows on commit."""
    observation, _ = Observation.objects.update_or_create(
        indicator=data["indicator"],
        year=data["year"],
        region=data["region"],
        defaults={
            "value": data["value"],
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "source": data.get("source", ""),
            "note": data.get("note", ""),
            "entered_by": user,
        },
    )
    return observation
