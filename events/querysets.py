"""Reads for campaigns and activity returns (QuerySet methods exposed through managers)."""
from __future__ import annotations

import datetime as dt

from django.db import models


class CampaignQuerySet(models.QuerySet):
    def open_on(self, day: dt.date):
        """Campaigns still collecting returns on `day` (until the summary due date)."""
        return self.filter(summary_due__gte=day)

    def for_filer(self, user):
        """Campaigns the user's region or unit must file for."""
        if user.is_district:
            return self.filter(regions=user.region).distinct()
        if user.is_liaison:
            return self.filter(units=user.unit).distinct()
        return self


class ActivityReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office and leaders see everything; a district its region subtree; a liaison its unit's."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.reads_everything:
            return self
        if user.is_district:
            return self.filter(region__path__startswith=user.region.path)
        if user.is_liaison:
            return self.filter(unit_id=user.unit_id)
        return self.none()

    def approved(self):
        return self.filter(status="approved")

    def submitted(self):
        return self.filter(status="submitted")

    def returned(self):
        return self.filter(status="returned")

    def in_region(self, region):
        """The region and the towns under it."""
        return self.filter(region__path__startswith=region.path)

    def review_queue(self):
        """Submitted returns, oldest submission first."""
        return (
            self.submitted()
            .select_related("campaign", "region", "unit")
            .order_by("submitted_at", "id")
        )

    def summary_outstanding(self, ends_from: dt.date, ends_to: dt.date):
        """Approved campaign returns ending in [ends_from, ends_to] whose activity summary is still missing."""
        return (
            self.approved()
            .filter(campaign__isnull=False, ends_on__gte=ends_from, ends_on__lte=ends_to)
            .filter(models.Q(summary_text="") & (models.Q(summary_file="") | models.Q(summary_file__isnull=True)))
            .select_related("campaign", "region", "unit")
            .order_by("ends_on", "id")
        )

    def with_list_relations(self):
        return self.select_related("campaign", "region", "unit", "brand")
