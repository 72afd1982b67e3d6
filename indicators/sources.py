"""Where indicator values come from. Every source answers with SQL aggregates.

A source returns *facts*: aggregated rows at the finest region the data carries
(region_id, period, year, dimension, key, label, value, numerator, denominator).
The roll-up (services.py) adds facts up the region tree — a loop over aggregated
groups (regions × periods × keys), never over raw records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from bases.querysets import valid_on_q
from common.levels import LEVEL_RANK, RANK_LEVEL, level_rank_expression

ZERO = Decimal(0)


@dataclass(frozen=True)
class Fact:
    region_id: int
    period: str
    year: int
    value: Decimal
    dimension: str = ""
    key: str = ""
    label: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None


class RunContext:
    """Per-run cache so indicators that share a query (e.g. activities by month) run it once."""

    def __init__(self, today: dt.date, first_year: int, cutoff: dt.date | None = None):
        """`cutoff`: read the records as they stood at the end of that day (the brief "as of a date"): only
        activities held and whose report was approved by then, observations reported by then, filings made by
        then. None (the roll-up): every record as it is now."""
        self.today = today
        self.first_year = first_year
        self.cutoff = cutoff
        self.cache: dict = {}
        self.warnings: list[str] = []

    @property
    def years(self) -> range:
        return range(self.first_year, self.today.year + 1)

    def as_of(self, year: int) -> dt.date:
        return min(dt.date(year, 12, 31), self.today)

    def warn(self, message: str) -> None:
        """A value the run could not use: reported in the run's log and by check_indicators, never fatal."""
        if message not in self.warnings:
            self.warnings.append(message)

    def memo(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def _city_id(ctx: RunContext) -> int:
    Region = apps.get_model("programs", "Region")
    return ctx.memo("city_id", lambda: Region.objects.filter(level="city").values_list("id", flat=True).first())


def _dec(value) -> Decimal:
    return Decimal(value or 0)


# --- manual observations ---------------------------------------------------------------------
def observation_facts(indicator, ctx: RunContext) -> list[Fact]:
    observations = indicator.observations.all()
    if ctx.cutoff:  # reported by then (an observation without a report date: by the end of its year)
        observations = observations.filter(
            Q(reported_on__lte=ctx.cutoff) | Q(reported_on__isnull=True, year__lte=ctx.cutoff.year)
        )
    rows = observations.values_list("region_id", "year", "value", "numerator", "denominator")
    return [Fact(region_id=r, period=str(y), year=y, value=v, numerator=n, denominator=d) for r, y, v, n, d in rows]


# --- science-education bases ----------------------------------------------------------------
def _certification_rank():
    return level_rank_expression(default=None)


def _snapshot_points(ctx: RunContext, snapshots=()) -> list[tuple[str, int, dt.date]]:
    """(period, year, date) of each year end, plus any dated snapshot ("2023-08-02": a meeting day)."""
    points = [(str(y), y, ctx.as_of(y)) for y in ctx.years]
    for day in sorted({dt.date.fromisoformat(str(d)) for d in snapshots}):
        if day <= ctx.today:
            points.append((day.isoformat(), day.year, day))
    return points


def _base_level_counts(ctx: RunContext, snapshots=()) -> dict[str, list[tuple[int, int, int]]]:
    """period → [(region_id, top level rank, bases)]: each base counted once, at its highest level valid on
    that period's date (a year end, or a dated snapshot). One statement: per base the top rank at every
    date (conditional MAX over its certifications), then a GROUP BY per date over that per-base table."""
    from django.db import connection

    Certification = apps.get_model("bases", "Certification")
    points = _snapshot_points(ctx, snapshots)
    tops = {f"t{i}": Max(_certification_rank(), filter=valid_on_q(day)) for i, (_p, _y, day) in enumerate(points)}
    per_base = (
        Certification.objects.filter(certified_on__lte=max(day for _p, _y, day in points))
        .annotate(region=F("base__region_id"))
        .values("base_id", "region")
        .annotate(**tops)
        .order_by()
    )
    sql, params = per_base.query.sql_with_params()
    parts = [
        f"SELECT {i}, region, t{i}, COUNT(*) FROM per_base WHERE t{i} IS NOT NULL GROUP BY region, t{i}"
        for i in range(len(points))
    ]
    out: dict[str, list] = {period: [] for period, _y, _d in points}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH per_base AS ({sql}) " + " UNION ALL ".join(parts), params)
        for i, region_id, rank, n in cursor.fetchall():
            out[points[int(i)][0]].append((region_id, int(rank), n))
    return out


def base_count_facts(indicator, ctx: RunContext) -> list[Fact]:
    """Bases by highest valid level at each year end ("2023") and at each dated snapshot in
    params.snapshots ("2023-08-02", e.g. the day a leading-group meeting quoted the counts)."""
    levels = set(indicator.params.get("levels") or LEVEL_RANK)
    snapshots = tuple(sorted(indicator.params.get("snapshots") or ()))
    by_period = ctx.memo(("base_levels", snapshots), lambda: _base_level_counts(ctx, snapshots))
    facts = []
    for period, year, _day in _snapshot_points(ctx, snapshots):
        per_region: dict[int, int] = {}
        for region_id, rank, n in by_period[period]:
            if RANK_LEVEL[rank] in levels:
                per_region[region_id] = per_region.get(region_id, 0) + n
        facts += [Fact(region_id=r, period=period, year=year, value=_dec(n)) for r, n in per_region.items()]
    return facts


def base_new_facts(indicator, ctx: RunContext) -> list[Fact]:
    """Bases newly certified (renewals of an earlier cycle excluded) at the given levels since `since`,
    not revoked by each year end (cumulative): one query with a filtered COUNT(DISTINCT base) per year."""
    Certification = apps.get_model("bases", "Certification")
    levels = indicator.params.get("levels") or list(LEVEL_RANK)
    since = dt.date.fromisoformat(indicator.params.get("since", f"{ctx.first_year}-01-01"))
    years = list(ctx.years)
    counts = {
        f"n{y}": Count(
            "base_id",
            distinct=True,
            filter=Q(certified_on__lte=ctx.as_of(y)) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=ctx.as_of(y))),
        )
        for y in years
    }
    rows = (
        Certification.objects.filter(level__in=levels, certified_on__gte=since, is_renewal=False)
        .values("base__region_id")
        .annotate(**counts)
        .order_by()
    )
    return [
        Fact(region_id=row["base__region_id"], period=str(y), year=y, value=_dec(row[f"n{y}"]))
        for row in rows
        for y in years
        if row[f"n{y}"]
    ]


# --- activity returns -------------------------------------------------------------------------
ACTIVITY_FIELDS = ("actual_participants", "online_views", "volunteers", "experts", "planned_participants")


COUNTED_STATUSES = ("approved", "forwarded")  # city-approved; forwarded by a district, awaiting the city


def _activity_aggregates(ctx: RunContext, dimension: str, status: str = "approved") -> list[dict]:
    """One GROUP BY over activities whose post-event report is in `status` (city-approved by default): count and
    sums per region × year (× dimension). The registration's state does not count: an activity counts once its
    report of what happened is accepted."""
    ActivityReturn = apps.get_model("events", "ActivityReturn")
    if status not in COUNTED_STATUSES:
        raise ValueError(f"未知的活动状态 {status}")
    counted = ActivityReturn.objects.filter(report_status=status, region__isnull=False)
    if ctx.cutoff:  # held by then, and its report decided by the end of that day
        counted = counted.filter(starts_on__lte=ctx.cutoff).filter(
            Q(report_decided_at__isnull=True) | Q(report_decided_at__date__lte=ctx.cutoff)
        )
    unusable = _unusable_activities(counted)
    if unusable:
        ctx.memo(
            ("unusable", status),
            lambda: ctx.warn(
                "以下活动填报的数字超出上限,未计入汇总(请核实后重新打开修改):"
                + "、".join(f"#{pk}" for pk in unusable[:50])
                + (f" 等 {len(unusable)} 条" if len(unusable) > 50 else "")
            ),
        )
        counted = counted.exclude(pk__in=unusable)
    qs = counted.annotate(y=ExtractYear("starts_on"))
    group = ["region_id", "y"]
    if dimension == "month":
        qs = qs.annotate(k=ExtractMonth("starts_on"))
        group.append("k")
    elif dimension == "campaign":
        qs = qs.filter(campaign__isnull=False).annotate(k=Coalesce("campaign_id", 0))
        group.append("k")
    elif dimension == "category":
        qs = qs.annotate(k=Coalesce("category", Value("")))
        group.append("k")
    elif dimension == "population":
        qs = qs.filter(target_populations__isnull=False).annotate(k=Coalesce("target_populations__code", Value("")))
        group.append("k")
    sums = {f: Coalesce(Sum(f), 0) for f in ACTIVITY_FIELDS}
    return list(qs.values(*group).annotate(n=Count("id", distinct=dimension == "population"), **sums).order_by())


def _unusable_activities(returns) -> list[int]:
    """Returns whose figures exceed the portal's maxima (stored before the limits, or by a path that skipped them):
    they would overflow the sums and the stored values, so the roll-up leaves them out and says so."""
    from common import limits

    over = (
        Q(actual_participants__gt=limits.max_participants())
        | Q(planned_participants__gt=limits.max_participants())
        | Q(online_views__gt=limits.max_online_views())
        | Q(volunteers__gt=limits.max_helpers())
        | Q(experts__gt=limits.max_helpers())
    )
    return list(returns.filter(over).order_by("pk").values_list("pk", flat=True)[:1000])


def _activity_labels(dimension: str) -> dict:
    if dimension == "campaign":
        Campaign = apps.get_model("events", "Campaign")
        return {str(pk): name for pk, name in Campaign.objects.values_list("pk", "name")}
    if dimension == "category":
        ActivityReturn = apps.get_model("events", "ActivityReturn")
        return {str(k): str(v) for k, v in ActivityReturn._meta.get_field("category").flatchoices}
    if dimension == "population":
        TargetPopulation = apps.get_model("programs", "TargetPopulation")
        return dict(TargetPopulation.objects.values_list("code", "name"))
    if dimension == "month":
        return {f"{m:02d}": f"{m}月" for m in range(1, 13)}
    return {}


def activity_facts(indicator, ctx: RunContext) -> list[Fact]:
    field = indicator.params.get("field")  # None → count of activities
    if field and field not in ACTIVITY_FIELDS:
        raise ValueError(f"未知的活动字段 {field}")
    status = indicator.params.get("status", "approved")
    facts = []
    for dimension in [""] + list(indicator.params.get("breakdowns", [])):
        labels = _activity_labels(dimension)
        for row in ctx.memo(
            ("activities", dimension, status), lambda d=dimension: _activity_aggregates(ctx, d, status)
        ):
            if row["y"] is None:
                continue
            key = ""
            if dimension:
                key = f"{row['k']:02d}" if dimension == "month" else str(row["k"])
            value = _dec(row[field] if field else row["n"])
            facts.append(
                Fact(
                    region_id=row["region_id"],
                    period=str(row["y"]),
                    year=row["y"],
                    value=value,
                    dimension=dimension,
                    key=key,
                    label=labels.get(key, key),
                )
            )
    return facts


# --- unit reports -----------------------------------------------------------------------------
def _report_sums(ctx: RunContext) -> dict[str, list[tuple]]:
    """target code → [(region_id, year, kind, half, total)] over accepted reports: one GROUP BY for all targets."""
    UnitReportFigure = apps.get_model("programs", "UnitReportFigure")
    rows = (
        UnitReportFigure.objects.filter(report__status="accepted")
        .values_list(
            "target__code",
            "report__unit__region_id",
            "report__period__year",
            "report__period__kind",
            "report__period__half",
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    out: dict[str, list] = {}
    for code, *rest in rows:
        out.setdefault(code, []).append(tuple(rest))
    return out


def report_facts(indicator, ctx: RunContext) -> list[Fact]:
    """Sum of a figure over accepted unit reports; annual periods → 'YYYY', half-years → 'YYYY-H1'.
    A city-level unit (no region) counts for the city."""
    city_id = _city_id(ctx)
    code = indicator.params.get("target") or (indicator.plan_target.code if indicator.plan_target_id else None)
    facts = []
    for region_id, year, kind, half, total in ctx.memo("report_sums", lambda: _report_sums(ctx)).get(code, []):
        period = str(year) if kind == "year" else f"{year}-H{half or 1}"
        facts.append(Fact(region_id=region_id or city_id, period=period, year=year, value=_dec(total)))
    return facts


# --- overdue filings (a snapshot as of the run's day) -------------------------------------------
OVERDUE_WINDOW_DAYS = 366


def overdue_returns_facts(indicator, ctx: RunContext) -> list[Fact]:
    """Campaign filings (活动安排表, 活动总结) past their due date in the last year and still not filed,
    per region that must file (a member unit that must file counts for the city)."""
    from django.db.models import Exists, OuterRef

    Campaign = apps.get_model("events", "Campaign")
    CampaignFiling = apps.get_model("events", "CampaignFiling")
    city_id = _city_id(ctx)
    since = ctx.today - dt.timedelta(days=OVERDUE_WINDOW_DAYS)
    totals: dict[int, int] = {}
    for kind, due_field in (("schedule", "schedule_due"), ("summary", "summary_due")):
        window = {f"campaign__{due_field}__lt": ctx.today, f"campaign__{due_field}__gte": since}
        for through, party in ((Campaign.regions.through, "region"), (Campaign.units.through, "responsibleunit")):
            filed = CampaignFiling.objects.filter(
                campaign=OuterRef("campaign_id"),
                kind=kind,
                **{"region" if party == "region" else "unit": OuterRef(f"{party}_id")},
            )
            if ctx.cutoff:
                filed = filed.filter(filed_at__date__lte=ctx.cutoff)
            rows = (
                through.objects.filter(**window)
                .annotate(filed=Exists(filed))
                .filter(filed=False)
                .values_list(f"{party}_id" if party == "region" else "campaign_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for key, n in rows:
                region_id = key if party == "region" else city_id
                totals[region_id] = totals.get(region_id, 0) + n
    year = ctx.today.year
    return [Fact(region_id=r, period=str(year), year=year, value=_dec(n)) for r, n in totals.items()]


def overdue_reports_facts(indicator, ctx: RunContext) -> list[Fact]:
    """Unit reports of periods due in the last year that are not filed — never submitted, or returned and not
    resubmitted (UnitReport.objects.filed(), the completeness matrix's rule) — per unit region (city units → city)."""
    from django.db.models import Exists, OuterRef

    ReportingPeriod = apps.get_model("programs", "ReportingPeriod")
    ResponsibleUnit = apps.get_model("programs", "ResponsibleUnit")
    UnitReport = apps.get_model("programs", "UnitReport")
    city_id = _city_id(ctx)
    since = ctx.today - dt.timedelta(days=OVERDUE_WINDOW_DAYS)
    totals: dict[int, int] = {}
    for period in ReportingPeriod.objects.filter(due_on__lt=ctx.today, due_on__gte=since):
        filed = UnitReport.objects.filed().filter(unit=OuterRef("pk"), period=period)
        if ctx.cutoff:
            filed = filed.filter(first_submitted_at__date__lte=ctx.cutoff)
        rows = (
            ResponsibleUnit.objects.expected_to_report(period.plan)
            .annotate(filed=Exists(filed))
            .filter(filed=False)
            .values_list("region_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for region_id, n in rows:
            totals[region_id or city_id] = totals.get(region_id or city_id, 0) + n
    year = ctx.today.year
    return [Fact(region_id=r, period=str(year), year=year, value=_dec(n)) for r, n in totals.items()]


SOURCES = {
    "overdue_returns": overdue_returns_facts,
    "overdue_reports": overdue_reports_facts,
    "observation": observation_facts,
    "base_count": base_count_facts,
    "base_new": base_new_facts,
    "activity_count": activity_facts,
    "activity_sum": activity_facts,
    "report_sum": report_facts,
}
