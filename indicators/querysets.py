"""Reads for indicators. Dashboards read only IndicatorValue rows."""
from __future__ import annotations

from django.db import models


class IndicatorQuerySet(models.QuerySet):
    def on_dashboard(self):
        return self.filter(on_dashboard=True).select_related("plan_target", "population", "programme", "task")

    def with_targets(self):
        return self.prefetch_related("targets", "baselines")


class IndicatorValueQuerySet(models.QuerySet):
    def totals(self):
        """Values without a breakdown (dimension = '')."""
        return self.filter(dimension="")

    def for_region(self, region):
        return self.filter(region=region)

    def breakdown(self, dimension: str):
        return self.filter(dimension=dimension)

    def yearly(self):
        return self.filter(period__regex=r"^\d{4}$")

    def series(self, indicator, region, dimension: str = ""):
        return (
            self.filter(indicator=indicator, region=region, dimension=dimension)
            .yearly()
            .order_by("year", "key")
        )
