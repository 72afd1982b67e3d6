"""Reads for campaigns and activity returns (QuerySet methods exposed through managers)."""
from __future__ import annotations

import datetime as dt

from django.db import models

from accounts import scope


class CampaignQuerySet(models.QuerySet):
    def open_on(self, day: dt.date):
        """Campaigns still collecting returns on `day` (until the summary due date)."""
        return self.filter(summary_due__gte=day)

    def for_filer(self, user):
        """Campaigns the user's party must file for (accounts.scope: its district's, or its unit's)."""
        q = scope.campaign_filter_q(user)
        return self if q is None else self.filter(q).distinct()


class ActivityReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The returns the user may read (accounts.scope)."""
        return scope.readable(user, self)

    def changeable_by(self, user):
        """The returns the user may change (their own party's; the office any)."""
        return scope.changeable(user, self)

    def awaiting(self, user):
        """The returns waiting for this user's decision at their level: a district office's queue holds what its
        towns, organisations and bases submitted; the city office's what districts forwarded or filed."""
        return scope.reviewable(user, self)

    def forwarded(self):
        return self.filter(status="forwarded")

    def approved(self):
        return self.filter(status="approved")

    def submitted(self):
        return self.filter(status="submitted")

    def returned(self):
        return self.filter(status="returned")

    def in_region(self, region):
        """The region and the towns under it."""
        return self.filter(region__path__startswith=region.path)

    def review_queue(self, user):
        """The user's review queue, oldest submission first."""
        return (
            self.awaiting(user)
            .select_related("campaign", "region", "unit", "organisation", "base")
            .order_by("submitted_at", "id")
        )

    def summary_outstanding(self, ends_from: dt.date, ends_to: dt.date):
        """Approved campaign returns ending in [ends_from, ends_to] whose activity summary is still missing."""
        return (
            self.approved()
            .filter(campaign__isnull=False, ends_on__gte=ends_from, ends_on__lte=ends_to)
            .filter(models.Q(summary_text="") & (models.Q(summary_file="") | models.Q(summary_file__isnull=True)))
            .select_related("campaign", "region", "unit", "organisation", "base")
            .order_by("ends_on", "id")
        )

    def with_list_relations(self):
        return self.select_related("campaign", "region", "unit", "organisation", "base", "brand")
