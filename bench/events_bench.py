"""Benchmark for campaigns and activity returns (issue 4) — `.venv/bin/python bench/events_bench.py`.

Builds a throwaway PostgreSQL database `kepu_bench_events` on the server named by PG_URL (the database name
in PG_URL is stripped; only kepu_bench_events is ever created or dropped), generates activity returns in SQL
(INSERT … SELECT generate_series) across all 7 regions, 6 campaigns, member units and every state, at 10,000
and then 100,000 returns, and measures as an office user (django.test.Client):
  * the review queue page            /events/review/
  * the review queue, one campaign   /events/review/?campaign=<id>
  * the completeness table page      /events/campaigns/<id>/
  * the completeness API             /api/v1/campaigns/<id>/completeness/
server time p50/p95 over repeated requests and the query count (CaptureQueriesContext).
Prints a table; exits 1 if any query count grows with the data.

Env: PG_URL (default postgres://postgres@127.0.0.1:5432/kepu), KEPU_BENCH_RETURNS (default 10000,100000),
KEPU_BENCH_REQUESTS (default 20), KEPU_BENCH_KEEP=1 keeps the database for inspection.
"""

from __future__ import annotations

import io
import os
import sys
import time

from benchlib import create_database, drop_database, insert_series, pct, pg_server, setup_django

DB_NAME = "kepu_bench_events"
PG = pg_server()
SIZES = [int(x) for x in os.environ.get("KEPU_BENCH_RETURNS", "10000,100000").split(",")]
REQUESTS = int(os.environ.get("KEPU_BENCH_REQUESTS", "20"))
N_CAMPAIGNS = 6


def build_campaigns():
    import datetime as dt

    from django.utils import timezone

    from events.models import Campaign, CampaignFiling
    from programs.models import Region, ResponsibleUnit

    districts = list(Region.objects.districts())
    units = list(ResponsibleUnit.objects.filter(name__in=["市教育局", "市农业农村局", "市卫健委", "团市委"]))
    campaigns = []
    for i in range(N_CAMPAIGNS):
        year = 2024 + i // 2
        start = dt.date(year, 9, 15) if i % 2 == 0 else dt.date(year, 5, 17)
        campaign = Campaign.objects.create(
            kind="science_day" if i % 2 == 0 else "sci_tech_week",
            year=year,
            name=f"{year}年{'全国科普日' if i % 2 == 0 else '科技活动周'}(基准)",
            starts_on=start,
            ends_on=start + dt.timedelta(days=6),
            schedule_due=start - dt.timedelta(days=3),
            summary_due=start + dt.timedelta(days=10),
        )
        campaign.regions.set(districts)
        campaign.units.set(units)
        campaigns.append(campaign)
        for j, region in enumerate(districts):  # most regions filed, some late, one not at all
            if j == len(districts) - 1:
                continue
            late = dt.timedelta(days=2 if j % 3 == 0 else -1)
            CampaignFiling.objects.create(
                campaign=campaign,
                region=region,
                kind="schedule",
                filed_at=timezone.make_aware(dt.datetime.combine(campaign.schedule_due + late, dt.time(10))),
            )
            if j % 2 == 0:
                CampaignFiling.objects.create(
                    campaign=campaign,
                    region=region,
                    kind="summary",
                    filed_at=timezone.make_aware(dt.datetime.combine(campaign.summary_due + late, dt.time(10))),
                )
    return campaigns, districts, units


def add_returns(n: int, start: int, campaigns, districts, units, office_id: int) -> None:
    from django.db import connection

    from events.models import ActivityReturn

    reg = "ARRAY[" + ",".join(str(r.pk) for r in districts) + "]"
    uni = "ARRAY[" + ",".join(str(u.pk) for u in units) + "]"
    camp = "ARRAY[" + ",".join(str(c.pk) for c in campaigns) + "]"
    starts = "ARRAY[" + ",".join(f"DATE '{c.starts_on}'" for c in campaigns) + "]"
    categories = [c for c, _ in ActivityReturn.Category.choices]
    cat = "ARRAY[" + ",".join(f"'{c}'" for c in categories) + "]"
    # every 10th return is a member unit's (no region); 1 in 8 is year-round (no campaign)
    status = "(ARRAY['draft','submitted','submitted','approved','approved','approved','returned'])[1 + g % 7]"
    day = f"COALESCE(({starts})[1 + g % {len(campaigns)}], DATE '2025-01-01') + (g % 7)"
    insert_series(
        ActivityReturn,
        n,
        {
            "status": status,
            "campaign": f"CASE WHEN g % 8 = 0 THEN NULL ELSE ({camp})[1 + g % {len(campaigns)}] END",
            "region": f"CASE WHEN g % 10 = 0 THEN NULL ELSE ({reg})[1 + g % {len(districts)}] END",
            "unit": f"CASE WHEN g % 10 = 0 THEN ({uni})[1 + g % {len(units)}] ELSE NULL END",
            "title": "'基准活动' || g",
            "category": f"({cat})[1 + g % {len(categories)}]",
            "starts_on": day,
            "ends_on": day,
            "planned_participants": "100 + (g * 7) % 900",
            "actual_participants": "(g * 7) % 900",
            "online_views": "(g * 3) % 300",
            "budget": "((g % 50) / 10.0)::numeric(10,2)",
            "source": "'bench'",
            "version": "CASE WHEN g % 7 = 0 THEN 1 ELSE 2 END",
            "submitted_at": "CASE WHEN g % 7 = 0 THEN NULL ELSE now() - ((g % 5000) || ' minutes')::interval END",
            "submitted_by": "NULL",
            "decided_at": "CASE WHEN g % 7 IN (3,4,5,6) THEN now() - ((g % 3000) || ' minutes')::interval END",
            "decided_by": f"CASE WHEN g % 7 IN (3,4,5,6) THEN {office_id} END",
            "return_reason": "CASE WHEN g % 7 = 6 THEN '请补充活动照片。' ELSE '' END",
        },
        start=start,
    )
    with connection.cursor() as cur:
        # autovacuum keeps the visibility map current in a live database; do it now for index-only scans
        cur.execute("VACUUM ANALYZE events_activityreturn")


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up (sessions, content types, caches)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "queries": len(ctx.captured_queries),
        "slowest_sql": max((float(q["time"]) for q in ctx.captured_queries), default=0.0),
    }


def main() -> int:
    setup_django(create_database(DB_NAME, PG))
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from events.models import ActivityReturn

    results: dict[int, dict[str, dict]] = {}
    try:
        call_command("migrate", verbosity=0)
        call_command("load_plan", verbosity=0, stdout=io.StringIO())
        office = User.objects.create_user(
            "bench-office", password="x" * 12, role="office", is_staff=True, last_name="市科协科普部"
        )
        campaigns, districts, units = build_campaigns()
        target = campaigns[-2]  # a campaign with returns from every region, unit and state
        pages = {
            "review queue": "/events/review/",
            "review queue (campaign)": f"/events/review/?campaign={target.pk}",
            "review queue (page 20)": "/events/review/?page=20",
            "completeness page": f"/events/campaigns/{target.pk}/",
            "completeness API": f"/api/v1/campaigns/{target.pk}/completeness/",
        }
        client = Client()
        client.force_login(office)
        print(f"database: {connection.vendor} {DB_NAME}; {REQUESTS} requests per page and size", flush=True)
        inserted = 0
        for size in SIZES:
            t0 = time.perf_counter()
            add_returns(size - inserted, inserted + 1, campaigns, districts, units, office.pk)
            inserted = size
            count = ActivityReturn.objects.count()
            in_campaign = ActivityReturn.objects.filter(campaign=target).count()
            queue = ActivityReturn.objects.submitted().count()
            print(
                f"returns: {count} ({in_campaign} in {target.name}, {queue} awaiting review) "
                f"generated in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
            results[size] = {name: measure(client, url) for name, url in pages.items()}
    finally:
        if os.environ.get("KEPU_BENCH_KEEP") != "1":
            drop_database(DB_NAME, PG)

    print()
    header = f"{'page':<26}{'returns':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'max sql ms':>12}"
    print(header)
    print("-" * len(header))
    for name in pages:
        for size in SIZES:
            r = results[size][name]
            print(
                f"{name:<26}{size:>9}{r['p50'] * 1000:>9.1f}{r['p95'] * 1000:>9.1f}{r['queries']:>9}"
                f"{r['slowest_sql'] * 1000:>12.1f}"
            )
    grew = [name for name in pages if len({results[s][name]["queries"] for s in SIZES}) > 1]
    small, large = SIZES[0], SIZES[-1]
    print()
    for name in pages:
        ratio = results[large][name]["p50"] / max(results[small][name]["p50"], 1e-9)
        print(f"{name}: p50 ×{ratio:.2f} for ×{large / small:.0f} returns")
    if grew:
        print("QUERY COUNT GREW WITH DATA: " + ", ".join(grew))
        return 1
    print("query counts flat: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
