"""Benchmark of the 活动安排表 import (issue 12) — `.venv/bin/python bench/events_import_bench.py` (`make bench`).

Runs in its own throwaway database: `kepu_bench_events_import` on the PostgreSQL server named by PG_URL (only
the server part is used; only that database is created and dropped), or, when no server is reachable, SQLite in a
temporary directory (under CI=true that is a failure). As the 武进区 district clerk, for 1,500 and 10,000 activity
rows of an xlsx (env KEPU_BENCH_IMPORT_ROWS, default "1500,10000"):
  * preview: the file checked and read, every row checked in a dry run (nothing written) — rows/s;
  * confirm: the real all-or-nothing run, bulk writes with history and the populations' m2m rows — rows/s;
  * re-import of the same sheet (every row 无变化: no duplicate written) — rows/s;
  * a raw bulk_create of the same activities and their population rows (no checks, no history), same run — rows/s.
Prints plain lines `name: value unit`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time

from benchlib import create_database, drop_database, pg_server, setup_django

SIZES = [int(x) for x in os.environ.get("KEPU_BENCH_IMPORT_ROWS", "1500,10000").split(",")]
BENCH_DB = "kepu_bench_events_import"  # the only database this script creates or drops
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_tmp = tempfile.TemporaryDirectory(prefix="kepu-bench-events-import-")
PG = pg_server()
USE_PG = False
_fallback_reason = ""
try:
    database_url = create_database(BENCH_DB, PG)
    USE_PG = True
except Exception as exc:  # no server, no driver, no rights: say so
    _fallback_reason = f"PostgreSQL at {PG} not usable ({str(exc).strip().splitlines()[0]})"
    if IN_CI:
        print(f"CI=true but {_fallback_reason}", file=sys.stderr)
        sys.exit(2)
    os.environ["KEPU_VAR_DIR"] = _tmp.name
    database_url = f"sqlite:///{_tmp.name}/bench.sqlite3"
setup_django(
    database_url,
    MEDIA_ROOT=os.path.join(_tmp.name, "media"),
    KEPU_PRIVATE_MEDIA_ROOT=os.path.join(_tmp.name, "private"),
    KEPU_MAX_IMPORT_BYTES=str(20 * 1024 * 1024),
)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CATEGORIES = ["镇街主场活动", "农村科普联合行动", "企业科普联合行动", "“云上科普日”专项行动", "专家讲科普专项行动"]
POPULATIONS = ["青少年", "农民", "老年人", "产业工人", "领导干部和公务员"]


def out(name: str, value, unit: str = "") -> None:
    print(f"{name}: {value}{(' ' + unit) if unit else ''}", flush=True)


def make_rows(n: int):
    from events.resources import KNOWN_HEADERS

    rows = []
    for i in range(n):
        day = dt.date(2025, 9, 15) + dt.timedelta(days=i % 7)
        people = POPULATIONS[i % 5] + ("、" + POPULATIONS[(i + 2) % 5] if i % 3 == 0 else "")
        rows.append(
            [
                i + 1,
                f"压测科普活动{i:05d}",
                CATEGORIES[i % 5],
                "线下",
                day,
                day,
                "",
                f"湖塘镇{i % 20}",
                "武进区科协",
                "",
                f"压测地点{i}",
                "人工智能",
                people,
                "",
                100 + i % 400,
                i % 30,
                i % 5,
                round((i % 50) / 10, 2),
                f"KPR-{i:05d}",
                "张老师",
                "0519-86000000",
                None,
            ]
        )
    return KNOWN_HEADERS, rows


def xlsx(headers, rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年武进区全国科普日活动安排表"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def clear():
    from events.models import ActivityReturn

    ActivityReturn.target_populations.through.objects.all().delete()
    ActivityReturn.history.all().delete()
    ActivityReturn.objects.all().delete()


def bench(n: int, clerk, campaign):
    from events import services
    from events.models import ActivityReturn
    from programs.models import TargetPopulation

    headers, rows = make_rows(n)
    data = xlsx(headers, rows)
    out(f"rows_{n}_xlsx_size", f"{len(data) / 1024:.0f}", "KiB")
    t0 = time.perf_counter()
    preview = services.import_returns(SimpleUploadedFile("活动安排表.xlsx", data), clerk, campaign, dry_run=True)
    t1 = time.perf_counter()
    assert preview.ok, preview.errors[:5]
    assert ActivityReturn.objects.count() == 0  # the preview writes nothing
    done = services.import_returns(SimpleUploadedFile("活动安排表.xlsx", data), clerk, campaign, dry_run=False)
    t2 = time.perf_counter()
    assert done.ok and done.created == n, done.errors[:5]
    again = services.import_returns(SimpleUploadedFile("活动安排表.xlsx", data), clerk, campaign, dry_run=False)
    t3 = time.perf_counter()
    assert again.ok and again.unchanged == n and ActivityReturn.objects.count() == n, again.errors[:5]
    out(f"rows_{n}_preview", f"{n / (t1 - t0):.0f}", f"rows/s ({t1 - t0:.2f} s)")
    confirm_s = t2 - t1
    out(f"rows_{n}_confirm", f"{n / confirm_s:.0f}", f"rows/s ({confirm_s:.2f} s)")
    out(
        f"rows_{n}_confirm_minus_preview",
        f"{max(confirm_s - (t1 - t0), 0):.2f}",
        "s (the writes: bulk rows + history + m2m)",
    )
    out(f"rows_{n}_reimport_unchanged", f"{n / (t3 - t2):.0f}", f"rows/s ({t3 - t2:.2f} s)")
    clear()

    # the same rows through a raw bulk_create (no checks, no history), populations through the m2m table
    by_name = {p.name: p for p in TargetPopulation.objects.all()}
    labels = {str(label): code for code, label in ActivityReturn.Category.choices}
    t0 = time.perf_counter()
    objs = [
        ActivityReturn(
            campaign=campaign,
            region=clerk.region,
            title=r[1],
            category=labels[r[2]],
            format="offline",
            starts_on=r[4],
            ends_on=r[5],
            town=r[7],
            organiser=r[8],
            venue=r[10],
            topics=r[11],
            general_public=False,
            planned_participants=r[14],
            volunteers=r[15],
            experts=r[16],
            budget=r[17],
            platform_ref=r[18],
            contact_name=r[19],
            contact_phone=r[20],
            source="import",
            created_by=clerk,
        )
        for r in rows
    ]
    objs = ActivityReturn.objects.bulk_create(objs, batch_size=500)
    if not objs[0].pk:
        ids = dict(ActivityReturn.objects.values_list("title", "pk"))
        for o in objs:
            o.pk = ids[o.title]
    through = ActivityReturn.target_populations.through
    through.objects.bulk_create(
        [
            through(activityreturn_id=o.pk, targetpopulation_id=by_name[p].pk)
            for o, r in zip(objs, rows, strict=False)
            for p in r[12].split("、")
        ],
        batch_size=2000,
    )
    t1 = time.perf_counter()
    out(f"rows_{n}_raw_bulk_create", f"{n / (t1 - t0):.0f}", f"rows/s ({t1 - t0:.2f} s)")
    out(f"rows_{n}_confirm_time_over_raw", f"{confirm_s / (t1 - t0):.1f}", "x")
    clear()


def main():
    out("database", connection.vendor if USE_PG else f"sqlite (fallback: {_fallback_reason})")
    if USE_PG:
        out("bench_database", f"{BENCH_DB} on {PG} (created now, dropped at the end)")
    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    from accounts.models import User
    from events.models import Campaign
    from programs.models import Region

    wujin = Region.objects.get(code="320412")
    clerk = User.objects.create_user("bench-wujin", password="x" * 12, role="district", region=wujin)
    campaign = Campaign.objects.create(
        kind="science_day",
        year=2025,
        name="2025年全国科普日",
        starts_on=dt.date(2025, 9, 15),
        ends_on=dt.date(2025, 9, 21),
        schedule_due=dt.date(2025, 9, 12),
        summary_due=dt.date(2025, 9, 25),
    )
    campaign.regions.set(Region.objects.districts())
    for n in SIZES:
        bench(n, clerk, campaign)
    return 0


if __name__ == "__main__":
    code = 1
    try:
        code = main()
    finally:
        connection.close()
        if USE_PG:
            drop_database(BENCH_DB, PG)
        _tmp.cleanup()
    sys.exit(code)
