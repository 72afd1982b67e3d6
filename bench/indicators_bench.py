"""Roll-up and dashboard benchmark on PostgreSQL.

Builds a throwaway database with 50,000 bases, 5,000 unit reports and 100,000 then 1,000,000 activity
returns (generated in SQL), and at each size measures:
  - the full roll-up (indicators.services.run_rollup) beside the same aggregates as hand-written SQL,
  - the dashboard page's server time (p50/p95 over repeated requests) and its query count.

Run: PG_URL=postgres://postgres@127.0.0.1:5432/kepu .venv/bin/python bench/indicators_bench.py  (as `make bench`)
The server comes from PG_URL (its database name is dropped: the bench creates and drops its own database,
KEPU_BENCH_DB); KEPU_BENCH_PG=postgres://user@host:port/ overrides it.
Sizes can be reduced for a quick run: KEPU_BENCH_RETURNS=100000,1000000 KEPU_BENCH_BASES=50000

Exit status 1 when the dashboard's query count grows with the number of returns. The roll-up/SQL ratio
is reported against the 1.5x aim but does not fail the run (timings on a shared machine are noisy).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from benchlib import (
    create_database,
    drop_database,
    generate_registry_and_reports,
    generate_returns,
    pct,
    pg_server,
    setup_django,
)

AIM_RATIO = 1.5


PG = pg_server()
DB_NAME = os.environ.get("KEPU_BENCH_DB", "kepu_bench_indicators")
SIZES = [int(x) for x in os.environ.get("KEPU_BENCH_RETURNS", "100000,1000000").split(",")]
N_BASES = int(os.environ.get("KEPU_BENCH_BASES", "50000"))
N_REPORT_UNITS = int(os.environ.get("KEPU_BENCH_REPORT_UNITS", "1000"))  # × 5 annual periods = 5,000 reports
DASHBOARD_REQUESTS = int(os.environ.get("KEPU_BENCH_DASHBOARD_REQUESTS", "30"))


HAND_SQL = {
    "activities by region×year": """
        SELECT region_id, EXTRACT(YEAR FROM starts_on) y, COUNT(*), SUM(actual_participants), SUM(online_views),
               SUM(volunteers), SUM(experts), SUM(planned_participants)
        FROM events_activityreturn WHERE status = 'approved' AND region_id IS NOT NULL GROUP BY 1, 2""",
    "activities by month": """
        SELECT region_id, EXTRACT(YEAR FROM starts_on), EXTRACT(MONTH FROM starts_on), COUNT(*),
               SUM(actual_participants), SUM(online_views), SUM(volunteers), SUM(experts), SUM(planned_participants)
        FROM events_activityreturn WHERE status = 'approved' AND region_id IS NOT NULL GROUP BY 1, 2, 3""",
    "activities by campaign": """
        SELECT region_id, EXTRACT(YEAR FROM starts_on), campaign_id, COUNT(*), SUM(actual_participants),
               SUM(online_views), SUM(volunteers), SUM(experts), SUM(planned_participants)
        FROM events_activityreturn WHERE status = 'approved' AND region_id IS NOT NULL
        AND campaign_id IS NOT NULL GROUP BY 1, 2, 3""",
    "activities by category": """
        SELECT region_id, EXTRACT(YEAR FROM starts_on), category, COUNT(*), SUM(actual_participants),
               SUM(online_views), SUM(volunteers), SUM(experts), SUM(planned_participants)
        FROM events_activityreturn WHERE status = 'approved' AND region_id IS NOT NULL GROUP BY 1, 2, 3""",
    "activities by population": """
        SELECT a.region_id, EXTRACT(YEAR FROM a.starts_on), p.code, COUNT(DISTINCT a.id), SUM(a.actual_participants),
               SUM(a.online_views), SUM(a.volunteers), SUM(a.experts), SUM(a.planned_participants)
        FROM events_activityreturn a
        JOIN events_activityreturn_target_populations t ON t.activityreturn_id = a.id
        JOIN programs_targetpopulation p ON p.id = t.targetpopulation_id
        WHERE a.status = 'approved' AND a.region_id IS NOT NULL GROUP BY 1, 2, 3""",
    "bases by top level, per year end": "BASES_BY_TOP_LEVEL",  # built below for the years in range
    "new certifications since 2021, per year end": "NEW_CERTIFICATIONS",
    "observations (survey results, designations)": """
        SELECT o.indicator_id, o.region_id, o.year, o.value, o.numerator, o.denominator
        FROM indicators_observation o JOIN indicators_indicator i ON i.id = o.indicator_id
        WHERE i.source = 'observation'""",
    "overdue campaign filings (regions and units, schedule and summary)": "OVERDUE_RETURNS",
    "overdue unit reports": "OVERDUE_REPORTS",
    "unit report figures": """
        SELECT t.code, u.region_id, p.year, p.kind, p.half, SUM(f.value)
        FROM programs_unitreportfigure f JOIN programs_unitreport r ON r.id = f.report_id
        JOIN programs_reportingperiod p ON p.id = r.period_id JOIN programs_responsibleunit u ON u.id = r.unit_id
        JOIN programs_plantarget t ON t.id = f.target_id
        WHERE r.status = 'accepted' GROUP BY 1, 2, 3, 4, 5""",
}


def _year_ends(snapshots: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, date) of every year end since 2021, plus dated snapshots (the 2023-08-02 meeting day)."""
    import datetime as dt

    from common import clock

    today = clock.today()
    ends = [(str(y), min(dt.date(y, 12, 31), today).isoformat()) for y in range(2021, today.year + 1)]
    return ends + [(d.replace("-", "_"), d) for d in snapshots]


def _hand_sql_text(key: str, sql: str) -> str:
    """The two base queries as a DBA would write them: one pass over certifications per statement."""
    ends = _year_ends()
    snapshot_ends = _year_ends(("2023-08-02",))  # base counts are also taken on the meeting day (plan file)
    rank = "CASE c.level WHEN 'national' THEN 3 WHEN 'provincial' THEN 2 ELSE 1 END"
    if sql == "BASES_BY_TOP_LEVEL":
        tops = ", ".join(
            f"MAX({rank}) FILTER (WHERE c.certified_on <= DATE '{d}' AND c.valid_until >= DATE '{d}' "
            f"AND (c.revoked_on IS NULL OR c.revoked_on > DATE '{d}')) t{y}"
            for y, d in snapshot_ends
        )
        union = " UNION ALL ".join(
            f"SELECT '{y}', region_id, t{y}, COUNT(*) FROM per_base WHERE t{y} IS NOT NULL GROUP BY 2, 3"
            for y, _d in snapshot_ends
        )
        return (
            f"WITH per_base AS (SELECT c.base_id, b.region_id, {tops} FROM bases_certification c "
            f"JOIN bases_base b ON b.id = c.base_id GROUP BY 1, 2) {union}"
        )
    if sql == "NEW_CERTIFICATIONS":
        counts = ", ".join(
            f"COUNT(DISTINCT c.base_id) FILTER (WHERE c.certified_on <= DATE '{d}' "
            f"AND (c.revoked_on IS NULL OR c.revoked_on > DATE '{d}')) n{y}"
            for y, d in ends
        )
        return " UNION ALL ".join(
            f"SELECT b.region_id, {counts} FROM bases_certification c JOIN bases_base b ON b.id = c.base_id "
            f"WHERE c.level IN ({levels}) AND c.certified_on >= DATE '2021-01-01' AND NOT c.is_renewal GROUP BY 1"
            for levels in ("'municipal'", "'provincial','national'")
        )
    if sql == "OVERDUE_RETURNS":
        import datetime as dt

        from common import clock

        today = clock.today()
        since = today - dt.timedelta(days=366)
        parts = []
        for kind, due in (("schedule", "schedule_due"), ("summary", "summary_due")):
            for table, col, filing_col in (
                ("events_campaign_regions", "region_id", "region_id"),
                ("events_campaign_units", "responsibleunit_id", "unit_id"),
            ):
                parts.append(
                    f"SELECT '{kind}', {'t.region_id' if col == 'region_id' else 'NULL::bigint'}, COUNT(*) "
                    f"FROM {table} t JOIN events_campaign c ON c.id = t.campaign_id "
                    f"WHERE c.{due} < DATE '{today}' AND c.{due} >= DATE '{since}' AND NOT EXISTS ("
                    f"SELECT 1 FROM events_campaignfiling f WHERE f.campaign_id = t.campaign_id "
                    f"AND f.kind = '{kind}' AND f.{filing_col} = t.{col}) GROUP BY 2"
                )
        return " UNION ALL ".join(parts)
    if sql == "OVERDUE_REPORTS":
        import datetime as dt

        from common import clock

        today = clock.today()
        since = today - dt.timedelta(days=366)
        return (
            "SELECT p.id, u.region_id, COUNT(*) FROM programs_reportingperiod p "
            "JOIN programs_responsibleunit u ON u.id IN (SELECT a.unit_id FROM programs_taskassignment a "
            "JOIN programs_task t ON t.id = a.task_id WHERE t.plan_id = p.plan_id) "
            f"WHERE p.due_on < DATE '{today}' AND p.due_on >= DATE '{since}' AND NOT EXISTS ("
            "SELECT 1 FROM programs_unitreport r WHERE r.unit_id = u.id AND r.period_id = p.id "
            "AND r.first_submitted_at IS NOT NULL) GROUP BY 1, 2"
        )
    return sql


def time_hand_sql() -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for key, sql in HAND_SQL.items():
            cur.execute(_hand_sql_text(key, sql))
            cur.fetchall()
    return time.perf_counter() - t0


def time_dashboard() -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    leader, _ = User.objects.get_or_create(username="bench-leader", defaults={"role": "leader"})
    client = Client()
    client.force_login(leader)
    client.get("/indicators/")  # warm up
    times = []
    for i in range(DASHBOARD_REQUESTS):
        region = "" if i % 2 == 0 else "?region=320412"
        t0 = time.perf_counter()
        response = client.get("/indicators/" + region)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get("/indicators/")
    return times, len(ctx.captured_queries)


def _seconds(run) -> float:
    """How long a finished roll-up took."""
    assert run.duration_ms is not None, f"roll-up {run.pk} has not finished"
    return run.duration_ms / 1000


def main() -> int:
    print(f"server: {PG} (database {DB_NAME}, created and dropped by the bench)")
    setup_django(create_database(DB_NAME, PG))
    from django.core.management import call_command

    from events.models import ActivityReturn
    from indicators.services import run_rollup

    results: dict[int, dict] = {}
    try:
        call_command("migrate", verbosity=0)
        call_command("load_plan", verbosity=0)
        t0 = time.perf_counter()
        generate_registry_and_reports(N_BASES, N_REPORT_UNITS)
        print(f"setup: {N_BASES} bases, {N_REPORT_UNITS * 5} unit reports in {time.perf_counter() - t0:.1f} s")
        inserted = 0
        for size in SIZES:
            t0 = time.perf_counter()
            generate_returns(size - inserted, start=inserted + 1)
            inserted = size
            print(
                f"returns: {ActivityReturn.objects.count()} activity returns "
                f"(generated in {time.perf_counter() - t0:.1f} s)"
            )
            first = run_rollup(trigger="bench-first")
            print(f"rollup_first_run_{size}: {_seconds(first):.2f} s ({first.rows} values written)")
            rollups, hand = [], []
            for _ in range(3):
                run = run_rollup(trigger="bench")
                rollups.append(_seconds(run))
                hand.append(time_hand_sql())
            r, h = statistics.median(rollups), statistics.median(hand)
            print(f"rollup_full_{size}: {r:.2f} s (median of 3, {run.rows} values written)")
            print(f"hand_sql_same_aggregates_{size}: {h:.2f} s (median of 3)")
            print(f"rollup_vs_sql_ratio_{size}: {r / h:.2f} x (aim <= {AIM_RATIO} x)")
            times, queries = time_dashboard()
            print(f"dashboard_p50_{size}: {pct(times, 50) * 1000:.1f} ms")
            print(f"dashboard_p95_{size}: {pct(times, 95) * 1000:.1f} ms")
            print(f"dashboard_queries_{size}: {queries}")
            results[size] = {
                "rollup": r,
                "sql": h,
                "ratio": r / h,
                "p50": pct(times, 50) * 1000,
                "p95": pct(times, 95) * 1000,
                "queries": queries,
            }
    finally:
        if os.environ.get("KEPU_BENCH_KEEP") != "1":
            drop_database(DB_NAME, PG)
    return report(results)


def report(results: dict[int, dict]) -> int:
    """Print the summary; 1 when the dashboard's query count grows with the number of returns."""
    print("\n== summary (indicators bench)")
    print(f"{'returns':>10} {'roll-up s':>10} {'SQL s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for size, r in results.items():
        print(
            f"{size:>10,} {r['rollup']:>10.2f} {r['sql']:>8.2f} {r['ratio']:>6.2f}x {r['p50']:>8.1f} "
            f"{r['p95']:>8.1f} {r['queries']:>8}"
        )
    failed = False
    counts = [r["queries"] for r in results.values()]
    if len(counts) > 1 and max(counts) > counts[0]:
        print(f"FAIL dashboard query count grows with the returns: {counts}")
        failed = True
    elif counts:
        print(f"ok   dashboard query count does not grow: {counts[0]} at every size")
    for size, r in results.items():
        verdict = "within" if r["ratio"] <= AIM_RATIO else "ABOVE"
        print(
            f"note roll-up/SQL at {size:,} returns: {r['ratio']:.2f}x, {verdict} the {AIM_RATIO}x aim "
            "(reported, not enforced: timings on a shared machine are noisy)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
