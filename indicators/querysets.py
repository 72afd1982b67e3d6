"""Reads for indicators. Dashboards read only IndicatorValue rows."""

from __future__ import annotations

from django.db import models


def regions_visible_to(user) -> list:
    """Whose figures the user may see: asked of accounts.scope (dashboard_regions)."""
    from accounts import scope

    return scope.dashboard_regions(user)


class IndicatorQuerySet(models.QuerySet):
    def on_dashboard(self):
        return self.filter(on_dashboard=True).select_related("plan_target", "population", "programme", "task")

    def with_targets(self):
        return self.prefetch_related("targets", "baselines")


class IndicatorValueQuerySet(models.QuerySet):
    def totals(self):
        """Values without a breakdown (dimension = '')."""
        return self.filter(dimension="")

    def within(self, regions):
        """Only rows of these regions (Region objects or ids)."""
        return self.filter(region_id__in=[getattr(r, "id", r) for r in regions])

    def visible_to(self, user):
        """Only rows the user may see (see regions_visible_to)."""
        return self.within(regions_visible_to(user))

    def for_region(self, region):
        return self.filter(region=region)

    def breakdown(self, dimension: str):
        return self.filter(dimension=dimension)

    def yearly(self):
        return self.filter(period__regex=r"^\d{4}$")

    def series(self, indicator, region, dimension: str = ""):
        return self.filter(indicator=indicator, region=region, dimension=dimension).yearly().order_by("year", "key")
