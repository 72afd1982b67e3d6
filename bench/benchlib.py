"""What the benchmarks share: a throwaway PostgreSQL database, Django set up on it, SQL data generators.

Each bench creates and drops only its own database (`kepu_bench_<name>`) on the server named by
KEPU_BENCH_PG (postgres://user@host:port/) or, as `make bench` passes it, PG_URL with its database name
taken off. Data is generated inside PostgreSQL (INSERT … SELECT over generate_series), so a million
activity returns take seconds, not the hours the ORM would need.

Also a command, for the load bench's served portal (it runs in another process):
    DATABASE_URL=postgres://…/kepu_bench_load python bench/benchlib.py generate --bases 10000 --returns 100000
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pg_server(environ=os.environ) -> str:
    """postgres://user@host:port/ of the server to use: KEPU_BENCH_PG, else PG_URL without its database name."""
    if environ.get("KEPU_BENCH_PG"):
        url = environ["KEPU_BENCH_PG"]
        return url if url.endswith("/") else url + "/"
    if environ.get("PG_URL"):
        parts = urlsplit(environ["PG_URL"])
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    return "postgres://postgres@127.0.0.1:5432/"


def _admin(sql: str, server: str) -> None:
    import psycopg2

    conn = psycopg2.connect(server + "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def create_database(name: str, server: str | None = None) -> str:
    """(Re)create the bench's own database `name` (it must start with kepu_bench_); returns its URL."""
    if not name.startswith("kepu_bench_"):
        raise SystemExit(f"refusing to drop and create {name!r}: a bench database is named kepu_bench_…")
    server = server or pg_server()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server)
    _admin(f'CREATE DATABASE "{name}"', server)
    return server + name


def drop_database(name: str, server: str | None = None) -> None:
    if not name.startswith("kepu_bench_"):
        raise SystemExit(f"refusing to drop {name!r}")
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django not set up in this process
        pass
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server or pg_server())


def setup_django(database_url: str, **extra_env: str) -> None:
    """Django on `database_url`, tasks in-process (no broker), uploads in a temporary directory."""
    import tempfile

    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("CELERY_BROKER_URL", None)
    tmp = tempfile.mkdtemp(prefix="kepu-bench-")
    os.environ.setdefault("MEDIA_ROOT", os.path.join(tmp, "media"))
    os.environ.setdefault("KEPU_PRIVATE_MEDIA_ROOT", os.path.join(tmp, "private"))
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ.update(extra_env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kepu_portal.settings")
    import django

    django.setup()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def insert_series(model, n: int, exprs: dict[str, str], start: int = 1) -> None:
    """INSERT … SELECT over generate_series(start, start+n-1) AS g; unspecified columns get their defaults."""
    from django.db import connection
    from django.utils import timezone

    cols: list[str] = []
    values: list[str] = []
    params: list = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        cols.append(connection.ops.quote_name(field.column))
        if field.name in exprs or field.column in exprs:
            values.append((exprs[field.name] if field.name in exprs else exprs[field.column]).replace("%", "%%"))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("%s")
            params.append(timezone.now())
        elif field.has_default():
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            values.append("NULL")
        else:
            values.append("%s")
            params.append("")
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(cols)}) "
        f"SELECT {', '.join(values)} FROM generate_series({start}, {start + n - 1}) AS g"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)


def sql_array(values, quote: bool = False) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" if quote else str(v) for v in values) + "]"


def generate_registry_and_reports(n_bases: int, n_report_units: int) -> None:
    """`n_bases` bases over the 7 districts, each certified once (a fifth promoted later), and
    `n_report_units` extra units × 5 annual periods of unit reports with three plan figures each."""
    from django.db import connection

    from bases.models import Base, Certification
    from programs.models import Plan, PlanTarget, Region, ReportingPeriod, ResponsibleUnit, UnitReport, UnitReportFigure

    districts = list(Region.objects.districts().values_list("id", flat=True))
    arr = sql_array(districts)
    insert_series(Base, n_bases, {"name": "'基准基地' || g", "region": f"({arr})[1 + g % {len(districts)}]"})
    first, last = Base.objects.order_by("id").values_list("id", flat=True)[:1][0], Base.objects.latest("id").id
    insert_series(
        Certification,
        last - first + 1,
        {
            "base": f"{first} - 1 + g",
            "level": "(ARRAY['municipal','municipal','municipal','provincial','national'])[1 + g % 5]",
            "certified_on": "DATE '2016-01-01' + ((g * 37) % 3300)",
            "valid_until": "DATE '2016-01-01' + ((g * 37) % 3300) + 1826",
            "certificate_no": "'BENCH-' || g",
            "status": "'valid'",
        },
    )
    # a fifth of the bases were later promoted: a second, higher certification
    insert_series(
        Certification,
        (last - first + 1) // 5,
        {
            "base": f"{first} - 1 + g * 5",
            "level": "'provincial'",
            "certified_on": "DATE '2021-03-01' + ((g * 11) % 1400)",
            "valid_until": "DATE '2021-03-01' + ((g * 11) % 1400) + 1826",
            "certificate_no": "'BENCH-P-' || g",
            "status": "'valid'",
        },
    )
    plan = Plan.objects.get()
    periods = [
        ReportingPeriod.objects.get_or_create(
            plan=plan,
            year=y,
            kind="year",
            defaults=dict(name=f"{y}年度", opens_on=f"{y}-12-01", due_on=f"{y + 1}-01-15", closes_on=f"{y + 1}-01-31"),
        )[0]
        for y in range(2021, 2026)
    ]
    ResponsibleUnit.objects.bulk_create(
        [ResponsibleUnit(name=f"基准单位{i}", kind="government", is_member=False) for i in range(n_report_units)]
    )
    unit_ids = list(ResponsibleUnit.objects.filter(name__startswith="基准单位").values_list("id", flat=True))
    UnitReport.objects.bulk_create(
        [
            UnitReport(unit_id=u, period=p, status="accepted" if (u + p.year) % 5 else "submitted")
            for u in unit_ids
            for p in periods
        ],
        batch_size=2000,
    )
    targets = list(
        PlanTarget.objects.filter(code__in=["high_quality_farmers", "tech_tutors_trained", "skilled_workers_trained"])
    )
    report_ids = list(UnitReport.objects.filter(unit_id__in=unit_ids).values_list("id", flat=True))
    UnitReportFigure.objects.bulk_create(
        [UnitReportFigure(report_id=r, target=t, value=(r * 7 + t.id) % 97) for r in report_ids for t in targets],
        batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def generate_returns(n: int, start: int = 1) -> None:
    """`n` activity returns 2021-2025 over the 7 districts (7 in 10 approved), a quarter in campaigns,
    a third aimed at a target population; numbered from `start` (titles 基准活动<g>)."""
    import datetime as dt

    from django.db import connection

    from events.models import ActivityReturn, Campaign
    from programs.models import Region, TargetPopulation

    districts = list(Region.objects.districts().values_list("id", flat=True))
    campaigns = list(Campaign.objects.values_list("id", flat=True)[:3])
    if not campaigns:
        for year in (2023, 2024, 2025):
            campaigns.append(
                Campaign.objects.create(
                    name=f"{year}年全国科普日(基准)",
                    year=year,
                    kind="science_day",
                    starts_on=dt.date(year, 9, 15),
                    ends_on=dt.date(year, 9, 30),
                    schedule_due=dt.date(year, 9, 12),
                    summary_due=dt.date(year, 9, 25),
                ).id
            )
    categories = list(ActivityReturn.Category.values)  # the field's choices
    insert_series(
        ActivityReturn,
        n,
        {
            "status": "(ARRAY['approved','approved','approved','approved','approved','approved','approved',"
            "'submitted','draft','returned'])[1 + g % 10]",
            "region": f"({sql_array(districts)})[1 + g % {len(districts)}]",
            "campaign": f"CASE WHEN g % 4 = 0 THEN ({sql_array(campaigns)})[1 + g % {len(campaigns)}] ELSE NULL END",
            "category": f"({sql_array(categories, quote=True)})[1 + g % {len(categories)}]",
            "title": "'基准活动' || g",
            "starts_on": "DATE '2021-01-01' + ((g * 13) % 1790)",
            "ends_on": "DATE '2021-01-01' + ((g * 13) % 1790)",
            "actual_participants": "(g * 7) % 900",
            "online_views": "(g * 3) % 300",
            "submitted_at": (
                "CASE WHEN g % 10 IN (8, 9) THEN NULL ELSE now() - ((g % 5000) || ' minutes')::interval END"
            ),
        },
        start=start,
    )
    through = ActivityReturn.target_populations.through
    pops = list(TargetPopulation.objects.values_list("id", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {through._meta.db_table} (activityreturn_id, targetpopulation_id) "
            f"SELECT id, ({sql_array(pops)})[1 + id % {len(pops)}] FROM {ActivityReturn._meta.db_table} "
            f"WHERE id % 3 = 0 AND title LIKE '基准活动%%' AND id NOT IN "
            f"(SELECT activityreturn_id FROM {through._meta.db_table})"
        )
    # Set hint bits and statistics now, so no measurement pays for the first scan over freshly inserted
    # rows (autovacuum does this in a live database; VACUUM cannot run in a transaction: autocommit here).
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {ActivityReturn._meta.db_table}, {through._meta.db_table}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="generate a large data set in the DATABASE_URL database")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--bases", type=int, default=10000)
    gen.add_argument("--report-units", type=int, default=200)
    gen.add_argument("--returns", type=int, default=100000)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.rsplit("/", 1)[-1].startswith("kepu_bench_"):
        raise SystemExit("benchlib generate writes only into a kepu_bench_… database (DATABASE_URL)")
    setup_django(database_url)
    generate_registry_and_reports(args.bases, args.report_units)
    generate_returns(args.returns)
    from django.core.management import call_command

    call_command("rollup", stdout=sys.stdout)
    print(f"generated {args.bases} bases, {args.report_units * 5} unit reports, {args.returns} activity returns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
