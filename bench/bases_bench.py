"""Benchmark for the base registry — `.venv/bin/python bench/bases_bench.py` (`make bench` passes PG_URL).

Always runs in its own throwaway database and never touches another one: it creates `kepu_bench_bases` on the
PostgreSQL server named by PG_URL (default postgres://postgres@127.0.0.1:5432/kepu; only the server part is used,
the database name in the URL is ignored), and drops it at the end. DATABASE_URL is ignored. When no PostgreSQL
server is reachable it says so and falls back to SQLite in a temporary directory — except under CI=true, where
that is a failure. Prints plain lines `name: value unit`:
  * import of 10,000 bases from an xlsx through the portal's import path (file checks, dry-run preview,
    then the real all-or-nothing run) in rows/s, beside a raw bulk_create of the same rows;
  * the list page's query count at 1,000 and at 10,000 bases (they must be equal).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time

from benchlib import create_database, drop_database, pg_server, setup_django

N_IMPORT = int(os.environ.get("BENCH_ROWS", "10000"))
BENCH_DB = "kepu_bench_bases"  # the only database this script creates or drops
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_tmp = tempfile.TemporaryDirectory(prefix="kepu-bench-bases-")
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
setup_django(database_url, MEDIA_ROOT=os.path.join(_tmp.name, "media"))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def out(name: str, value, unit: str = "") -> None:
    print(f"{name}: {value}{(' ' + unit) if unit else ''}", flush=True)


def make_rows(n: int):
    from bases.models import Base

    regions = ["武进区", "新北区", "天宁区", "钟楼区", "溧阳市", "金坛区", "常州经开区"]
    categories = [str(label) for _code, label in Base.Category.choices]
    themes = ["气象", "应急", "卫生健康", "水情", "生态环保", "科学家精神"]
    headers = ["编号", "基地名称", "所属区域", "依托单位", "地址", "类别", "主题", "开放方式", "联系人", "联系电话"]
    rows = [
        [
            None,
            f"压测科普基地{i:05d}",
            regions[i % 7],
            f"压测依托单位{i % 500}",
            f"测试路{i}号",
            categories[i % len(categories)],
            themes[i % 6] + ("、" + themes[(i + 1) % 6] if i % 3 == 0 else ""),
            "免费开放",
            "王老师",
            f"0519-8{i:07d}",
        ]
        for i in range(n)
    ]
    return headers, rows


def xlsx(headers, rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bench_import(office):
    from bases.models import Base
    from bases.resources import BaseResource
    from common.imports import read_upload, run_import

    headers, rows = make_rows(N_IMPORT)
    data = xlsx(headers, rows)
    out("xlsx_file_size", f"{len(data) / 1024:.0f}", "KiB")
    t0 = time.perf_counter()
    upload = read_upload(data, "bases.xlsx", BaseResource.column_names(), BaseResource.required_columns)
    t1 = time.perf_counter()
    preview = run_import(BaseResource(user=office), upload, dry_run=True)
    t2 = time.perf_counter()
    upload = read_upload(data, "bases.xlsx", BaseResource.column_names(), BaseResource.required_columns)
    result = run_import(BaseResource(user=office), upload, dry_run=False)
    t3 = time.perf_counter()
    assert preview.ok and result.ok, (preview.problems[:5], result.problems[:5])
    assert Base.objects.count() == N_IMPORT
    out("import_rows", N_IMPORT, "rows")
    out("import_read_and_check_xlsx", f"{N_IMPORT / (t1 - t0):.0f}", "rows/s")
    out("import_preview_dry_run", f"{N_IMPORT / (t2 - t1):.0f}", "rows/s")
    out("import_confirm_real_run", f"{N_IMPORT / (t3 - t2):.0f}", "rows/s")
    out("import_xlsx_end_to_end", f"{N_IMPORT / (t3 - t0):.0f}", "rows/s")
    out("import_xlsx_end_to_end_time", f"{t3 - t0:.2f}", "s")

    # the same rows through a raw bulk_create (no checks, no history, themes through the m2m table)
    from bases.models import Theme
    from programs.models import Region

    Base.history.all().delete()
    Base.themes.through.objects.all().delete()
    Base.objects.all().delete()
    region_by_name = {r.name: r for r in Region.objects.all()}
    theme_by_name = {t.name: t for t in Theme.objects.all()}
    category_by_label = {str(label): code for code, label in Base.Category.choices}
    t0 = time.perf_counter()
    objs = [
        Base(
            name=r[1],
            region=region_by_name[r[2]],
            host_organisation=r[3],
            address=r[4],
            category=category_by_label[r[5]],
            opening_policy="free",
            contact_person=r[8],
            contact_phone=r[9],
        )
        for r in rows
    ]
    objs = Base.objects.bulk_create(objs, batch_size=1000)
    if not objs[0].pk:
        ids = dict(Base.objects.values_list("name", "pk"))
        for o in objs:
            o.pk = ids[o.name]
    through = Base.themes.through
    through.objects.bulk_create(
        [
            through(base_id=o.pk, theme_id=theme_by_name[t].pk)
            for o, r in zip(objs, rows, strict=False)
            for t in r[6].split("、")
        ],
        batch_size=2000,
    )
    t1 = time.perf_counter()
    out("bulk_create_same_rows", f"{N_IMPORT / (t1 - t0):.0f}", "rows/s")
    out("bulk_create_same_rows_time", f"{t1 - t0:.2f}", "s")
    Base.themes.through.objects.all().delete()
    Base.objects.all().delete()


def fill(n_total: int):
    """Grow the registry to n_total bases, each with a certification and a theme (bulk)."""
    import datetime as dt

    from bases.models import Base, Certification, Theme
    from programs.models import Region

    have = Base.objects.count()
    regions = list(Region.objects.districts())
    theme = Theme.objects.first()
    assert theme is not None, "no themes: load_plan loads them first"
    levels = ["municipal"] * 8 + ["provincial", "national"]
    objs = Base.objects.bulk_create(
        [Base(name=f"列表基地{i:05d}", region=regions[i % len(regions)]) for i in range(have, n_total)], batch_size=1000
    )
    if not objs or not objs[0].pk:
        ids = dict(Base.objects.values_list("name", "pk"))
        for o in objs:
            o.pk = ids[o.name]
    Certification.objects.bulk_create(
        [
            Certification(
                base_id=o.pk,
                level=levels[i % 10],
                certified_on=dt.date(2022, 1 + i % 12, 1),
                valid_until=dt.date(2027, 1 + i % 12, 1) - dt.timedelta(days=1),
            )
            for i, o in enumerate(objs)
        ],
        batch_size=1000,
    )
    Base.themes.through.objects.bulk_create(
        [Base.themes.through(base_id=o.pk, theme_id=theme.pk) for o in objs], batch_size=1000
    )


def list_queries(client, url="/bases/?ordering=-level"):
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries), elapsed


def main():
    out("database", connection.vendor if USE_PG else f"sqlite (fallback: {_fallback_reason})")
    if USE_PG:
        out("bench_database", f"{BENCH_DB} on {PG} (created now, dropped at the end)")
    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    from accounts.models import User

    office = User.objects.create_user("bench-office", password="x" * 12, role="office", is_staff=True)
    bench_import(office)
    client = Client()
    client.force_login(office)
    results = {}
    for n in (1000, 10000):
        fill(n)
        client.get("/bases/")  # warm caches (content types, sessions)
        queries, elapsed = list_queries(client)
        results[n] = queries
        out(f"list_page_queries_at_{n}_bases", queries, "queries")
        out(f"list_page_time_at_{n}_bases", f"{elapsed * 1000:.0f}", "ms")
    out("list_page_queries_equal", "yes" if results[1000] == results[10000] else "NO")
    return 0 if results[1000] == results[10000] else 1


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
