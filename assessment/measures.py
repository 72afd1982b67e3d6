"""The registry of measures a computed assessment item can be scored on.

Each measure reads the same data the dashboards count, through the same querysets: activities whose post-event
report the city accepted (``ActivityReturn.objects.reported()``, by the year the activity starts, as the roll-up
counts them), registrations and reports with their submission stamps against the campaign deadlines (as the
completeness page has them), accepted unit reports (``UnitReport.objects.accepted()``), new certifications (not
renewals, not revoked: the roll-up's ``base_new``), bases' annual reports, and for the targets a unit answers for the
roll-up's precomputed ``IndicatorValue`` rows classified by ``indicators.status``.

``compute(code, year, parties)`` returns ``{party_key: Decimal | None}`` for every party (a Region — district or
town — or a ResponsibleUnit): None when the measure has nothing to measure (no denominator, no population figure).
Rates are percentages (0–100) rounded to 0.01, per-10,000 figures to 0.01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from common import clock

DISTRICTS, UNITS, TOWNS = "districts", "units", "towns"
REGIONS = (DISTRICTS, TOWNS)
CENT = Decimal("0.01")


def party_key(party) -> str:
    """ "region:<pk>" or "unit:<pk>" — how scores, results and measures name an assessed party."""
    kind = "region" if party._meta.model_name == "region" else "unit"
    return f"{kind}:{party.pk}"


@dataclass(frozen=True)
class Measure:
    label: str
    unit: str
    parties: tuple[str, ...]
    fn: Callable


MEASURES: dict[str, Measure] = {}


def measure(code: str, label: str, unit: str, parties=(DISTRICTS, TOWNS, UNITS)):
    def register(fn):
        MEASURES[code] = Measure(label, unit, tuple(parties), fn)
        return fn

    return register


def compute(code: str, year: int, parties) -> dict:
    parties = list(parties)
    return MEASURES[code].fn(year, parties)


def _round(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return _round(Decimal(numerator) * 100 / Decimal(denominator))


def _local(value) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _per_party(parties, rows, region_path: str = "region__path", unit: str = "unit_id"):
    """Attribute grouped rows to parties: a region party takes the rows of its subtree, a unit party its own."""
    out: dict[str, list] = {party_key(p): [] for p in parties}
    for p in parties:
        key = party_key(p)
        if key.startswith("region:"):
            out[key] = [r for r in rows if r.get(region_path) and r[region_path].startswith(p.path)]
        else:
            out[key] = [r for r in rows if r.get(unit) == p.pk]
    return out


def _activities(year: int):
    ActivityReturn = apps.get_model("events", "ActivityReturn")
    return ActivityReturn.objects.filter(starts_on__year=year)


# --- activities ---------------------------------------------------------------------------------------------------
def _reported_sums(year: int, parties):
    rows = list(
        _activities(year)
        .reported()
        .values("region__path", "unit_id")
        .annotate(n=Count("id"), people=Coalesce(Sum("actual_participants"), 0))
        .order_by()
    )
    return {k: (sum(r["n"] for r in rs), sum(r["people"] for r in rs)) for k, rs in _per_party(parties, rows).items()}


@measure("approved_activities", "已通过活动项数", "项")
def approved_activities(year, parties):
    return {k: Decimal(n) for k, (n, _people) in _reported_sums(year, parties).items()}


@measure("participants", "已通过活动参与人次", "人次")
def participants(year, parties):
    return {k: Decimal(people) for k, (_n, people) in _reported_sums(year, parties).items()}


def _populations(year: int, parties) -> dict:
    """The latest office-entered population of each region party for `year` or before."""
    RegionPopulation = apps.get_model("assessment", "RegionPopulation")
    out = {}
    for row in (
        RegionPopulation.objects.filter(
            year__lte=year, region__in=[p for p in parties if party_key(p).startswith("region:")]
        )
        .order_by("region_id", "year")
        .values("region_id", "population")
    ):
        out[f"region:{row['region_id']}"] = row["population"]
    return out


@measure("activities_per_10k", "每万常住人口已通过活动项数", "项/万人", parties=REGIONS)
def activities_per_10k(year, parties):
    sums, people = _reported_sums(year, parties), _populations(year, parties)
    return {k: _round(Decimal(n) * 10000 / people[k]) if people.get(k) else None for k, (n, _p) in sums.items()}


@measure("participants_per_10k", "每万常住人口参与人次", "人次/万人", parties=REGIONS)
def participants_per_10k(year, parties):
    sums, people = _reported_sums(year, parties), _populations(year, parties)
    return {k: _round(Decimal(p) * 10000 / people[k]) if people.get(k) else None for k, (_n, p) in sums.items()}


def _on_time(year: int, parties, phase: str):
    """Share (%) of the year's campaign activities whose phase was submitted by the campaign's deadline."""
    qs = _activities(year).filter(campaign__isnull=False)
    if phase == "registration":
        qs = qs.registered().annotate(at=F("submitted_at"), due=F("campaign__schedule_due"))
    else:
        qs = qs.filter(report_status__in=("submitted", "forwarded", "approved")).annotate(
            at=F("report_submitted_at"), due=Coalesce("campaign__report_due", "campaign__summary_due")
        )
    rows = list(qs.values("region__path", "unit_id", "at", "due"))
    out = {}
    for key, rs in _per_party(parties, rows).items():
        on_time = sum(1 for r in rs if r["at"] is not None and _local(r["at"]) <= r["due"])
        out[key] = _rate(on_time, len(rs))
    return out


@measure("registration_on_time_rate", "活动登记按时报送率", "%")
def registration_on_time_rate(year, parties):
    return _on_time(year, parties, "registration")


@measure("report_on_time_rate", "活动补充信息按时报送率", "%")
def report_on_time_rate(year, parties):
    return _on_time(year, parties, "report")


# --- unit reports -----------------------------------------------------------------------------------------------
def _unit_reports(year: int, parties):
    ReportingPeriod = apps.get_model("programs", "ReportingPeriod")
    UnitReport = apps.get_model("programs", "UnitReport")
    periods = list(ReportingPeriod.objects.filter(year=year))
    rows = list(
        UnitReport.objects.filter(period__in=periods).values(
            "unit_id", "status", "first_submitted_at", "period__due_on"
        )
    )
    return len(periods), _per_party(parties, rows)


@measure("unit_reports_accepted_rate", "工作报告通过率", "%", parties=(UNITS,))
def unit_reports_accepted_rate(year, parties):
    periods, per = _unit_reports(year, parties)
    return {k: _rate(sum(1 for r in rs if r["status"] == "accepted"), periods) for k, rs in per.items()}


@measure("unit_reports_on_time_rate", "工作报告按时报送率", "%", parties=(UNITS,))
def unit_reports_on_time_rate(year, parties):
    periods, per = _unit_reports(year, parties)
    return {
        k: _rate(
            sum(1 for r in rs if r["first_submitted_at"] and _local(r["first_submitted_at"]) <= r["period__due_on"]),
            periods,
        )
        for k, rs in per.items()
    }


# --- bases -------------------------------------------------------------------------------------------------------
@measure("new_bases_certified", "新认定科普教育基地数", "个", parties=REGIONS)
def new_bases_certified(year, parties):
    Certification = apps.get_model("bases", "Certification")
    end = dt.date(year, 12, 31)
    rows = list(
        Certification.objects.filter(certified_on__year=year, is_renewal=False)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=end))
        .values("base__region__path")
        .annotate(n=Count("base", distinct=True))
        .order_by()
    )
    return {
        k: Decimal(sum(r["n"] for r in rs))
        for k, rs in _per_party(parties, rows, region_path="base__region__path").items()
    }


@measure("base_annual_reports_rate", "科普教育基地年报报送率", "%", parties=REGIONS)
def base_annual_reports_rate(year, parties):
    """Of the bases holding a certification valid at the year's end, the share that filed that year's report."""
    Base = apps.get_model("bases", "Base")
    end = dt.date(year, 12, 31)
    valid = Q(certifications__certified_on__lte=end, certifications__valid_until__gte=end) & (
        Q(certifications__revoked_on__isnull=True) | Q(certifications__revoked_on__gt=end)
    )
    rows = list(
        Base.objects.filter(valid)
        .distinct()
        .annotate(filed=Count("annual_reports", filter=Q(annual_reports__year=year), distinct=True))
        .values("id", "region__path", "filed")
    )
    return {k: _rate(sum(1 for r in rs if r["filed"]), len(rs)) for k, rs in _per_party(parties, rows).items()}


# --- targets a unit answers for ------------------------------------------------------------------------------
@measure("targets_on_track_rate", "所承担任务指标进度正常率", "%", parties=(UNITS,))
def targets_on_track_rate(year, parties):
    """Of the dashboard indicators tied to a target of a task the unit is assigned (the task or its measure), the
    share on track at the year's end (or today) by the roll-up's city value — as the dashboard's cards say."""
    from indicators import status as target_status

    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    Region = apps.get_model("programs", "Region")
    city = Region.objects.filter(level="city").first()
    day = min(dt.date(year, 12, 31), clock.today())
    indicators = list(
        Indicator.objects.filter(plan_target__task__isnull=False, targets__isnull=False)
        .distinct()
        .select_related("plan_target__task")
        .prefetch_related("targets", "baselines")
    )
    by_year: dict[int, dict[int, Decimal]] = {}
    if city is not None:
        for row in IndicatorValue.objects.filter(
            region=city, dimension="", year__lte=year, indicator__in=indicators
        ).values("indicator_id", "period", "value"):
            if row["period"].isdigit():  # year values only (not half-years, months or dated snapshots)
                by_year.setdefault(row["indicator_id"], {})[int(row["period"])] = row["value"]
    states = {}
    for ind in indicators:
        target = min((t for t in ind.targets.all() if t.year >= year), key=lambda t: t.year, default=None)
        if target is None:
            continue
        values = by_year.get(ind.pk, {})
        value = values.get(year)
        if value is None and ind.kind != "flow" and values:  # a stock keeps its latest value
            value = values[max(values)]
        base = max(((b.year, b.value) for b in ind.baselines.all() if b.year < year), default=None)
        states[ind.pk] = (
            target_status.status_for(
                ind.kind, ind.direction, target.value, target.year, value, day, base, ind.margin
            ).state
            == target_status.ON_TRACK
        )
    TaskAssignment = apps.get_model("programs", "TaskAssignment")
    assigned = {}
    for unit_id, task_id, parent_id in TaskAssignment.objects.filter(unit__in=parties).values_list(
        "unit_id", "task_id", "task__parent_id"
    ):
        assigned.setdefault(unit_id, set()).update({task_id, parent_id})
    out = {}
    for p in parties:
        tasks = assigned.get(p.pk, set())
        mine = [
            ind
            for ind in indicators
            if ind.pk in states and (ind.plan_target.task_id in tasks or ind.plan_target.task.parent_id in tasks)
        ]
        out[party_key(p)] = _rate(sum(1 for ind in mine if states[ind.pk]), len(mine))
    return out
