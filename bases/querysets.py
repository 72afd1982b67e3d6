"""Reads for the base registry: QuerySet methods exposed through managers.

Counting rules (the indicators app relies on them):
* a certification is valid on date D when certified_on <= D <= valid_until and it was not revoked on or
  before D (revoked_on is null or revoked_on > D) — computed from dates, never from the status column,
  so counts at a past date are true;
* a base's level on D is the highest level among its certifications valid on D.
All counts are SQL aggregates.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts import scope
from common import clock
from common.levels import LEVEL_RANK, RANK_LEVEL, level_rank_expression

LEVELS = ("national", "provincial", "municipal")
SINCE_2021 = dt.date(2021, 1, 1)


def _today() -> dt.date:
    return clock.today()


def valid_on_q(d: dt.date, prefix: str = "") -> Q:
    """Q for 'certification valid on d' (prefix e.g. 'certifications__')."""
    return Q(**{f"{prefix}certified_on__lte": d, f"{prefix}valid_until__gte": d}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": d})
    )


def _region_q(region, field: str = "region") -> Q:
    if region is None:
        return Q()
    return Q(**{f"{field}__path__startswith": region.path})


class CertificationQuerySet(models.QuerySet):
    def valid_on(self, d: dt.date | None = None):
        return self.filter(valid_on_q(d or _today()))

    def in_region(self, region):
        return self.filter(_region_q(region, "base__region"))

    def visible_to(self, user):
        return scope.readable(user, self)

    def expiring_within(self, months: int = 6, today: dt.date | None = None):
        """Currently valid certifications whose cycle ends within `months` months of today."""
        today = today or _today()
        horizon = _add_months(today, months)
        return self.valid_on(today).filter(valid_until__lte=horizon).order_by("valid_until", "pk")

    def lapsed(self, today: dt.date | None = None):
        """Marked valid but the cycle has ended before today (what the daily job expires)."""
        today = today or _today()
        return self.filter(status="valid", valid_until__lt=today)

    def certified_since(self, since: dt.date = SINCE_2021, until: dt.date | None = None):
        qs = self.filter(certified_on__gte=since, is_renewal=False)
        if until is not None:
            qs = qs.filter(certified_on__lte=until)
        return qs

    def counts_certified_since(self, since: dt.date = SINCE_2021, until: dt.date | None = None, region=None):
        """{"national": n, "provincial": n, "municipal": n, "provincial_or_higher": n, "total": n}: newly
        certified *bases* (the plan's "新评定…基地"), i.e. distinct bases holding a new certification issued on or
        after `since` (renewals of an expiring cycle excluded; revoked ones still count as issued). A base promoted
        from municipal to provincial counts once in each of those levels, but once in "provincial_or_higher" and
        once in "total". One SQL aggregate."""
        qs = self.certified_since(since, until).filter(_region_q(region, "base__region"))
        agg = qs.aggregate(
            **{level: Count("base", distinct=True, filter=Q(level=level)) for level in LEVELS},
            provincial_or_higher=Count("base", distinct=True, filter=Q(level__in=("national", "provincial"))),
            total=Count("base", distinct=True),
        )
        return agg


class BaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """accounts.scope: office and leaders everything, a district office its subtree, a base contact its base."""
        return scope.readable(user, self)

    def changeable_by(self, user):
        return scope.changeable(user, self)

    def in_region(self, region):
        return self.filter(_region_q(region))

    def with_level_on(self, d: dt.date | None = None):
        """Annotate `level_rank` (0 none, 1 municipal, 2 provincial, 3 national) valid on d, by a subquery."""
        d = d or _today()
        from .models import Certification

        best = (
            Certification.objects.filter(base=OuterRef("pk"))
            .filter(valid_on_q(d))
            .annotate(rank=level_rank_expression())
            .order_by("-rank")
            .values("rank")[:1]
        )
        return self.annotate(level_rank=Coalesce(Subquery(best), Value(0)))

    def certified_on_date(self, d: dt.date | None = None):
        """Bases holding at least one valid certification on d."""
        d = d or _today()
        return self.filter(valid_on_q(d, "certifications__")).distinct()

    def counts_by_level(self, d: dt.date | None = None, region=None):
        """{"national": n, "provincial": n, "municipal": n, "total": n}: bases by their highest level valid
        on d, in the region subtree (None = the whole city). One SQL aggregate query."""
        qs = self.in_region(region).with_level_on(d)
        agg = qs.aggregate(
            **{level: Count("pk", filter=Q(level_rank=rank)) for level, rank in LEVEL_RANK.items()},
        )
        agg["total"] = sum(agg[level] for level in LEVELS)
        return agg

    def counts_by_region(self, d: dt.date | None = None, regions=None):
        """{region_code: {"national": n, …, "total": n}} for each district (or the given regions) in one
        grouped query: each base is attributed to the given region whose path prefixes its own."""
        from programs.models import Region

        regions = list(regions if regions is not None else Region.objects.districts().order_by("order", "code"))
        out = {r.code: {level: 0 for level in LEVELS} | {"total": 0} for r in regions}
        if not regions:
            return out
        whens = [When(region__path__startswith=r.path, then=Value(r.code)) for r in regions]
        rows = (
            self.with_level_on(d)
            .annotate(district=Case(*whens, default=Value(""), output_field=models.CharField()))
            .filter(level_rank__gt=0)
            .exclude(district="")
            .values("district", "level_rank")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            level = RANK_LEVEL[row["level_rank"]]
            out[row["district"]][level] += row["n"]
            out[row["district"]]["total"] += row["n"]
        return out


def _add_months(d: dt.date, months: int) -> dt.date:
    month = d.month - 1 + months
    year = d.year + month // 12
    month = month % 12 + 1
    import calendar

    day = min(d.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
