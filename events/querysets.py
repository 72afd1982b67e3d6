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
        """Published campaigns the user's party must file for (accounts.scope: its district's, or its unit's)."""
        q = scope.campaign_filter_q(user)
        return self if q is None else self.filter(q).distinct()

    def published(self):
        return self.filter(scope.PUBLISHED_CAMPAIGN_Q)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def visible_to(self, user):
        """Campaigns the user may open (a draft: the office only)."""
        q = scope.campaign_read_q(user)
        return self if q is None else self.filter(q)

    def listed_for(self, user):
        """The campaign list: the office every campaign, drafts too; a party the published ones it files for."""
        q = scope.campaign_list_q(user)
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
        """Activities whose registration is approved."""
        return self.filter(status="approved")

    def reported(self):
        """Activities whose post-event report is accepted: the ones that count on the dashboards."""
        return self.filter(report_status="approved")

    def registered(self):
        """Activities whose registration has been submitted (whatever its review stands at)."""
        return self.filter(status__in=("submitted", "forwarded", "approved"))

    def report_pending(self):
        """Registered activities whose post-event report is not yet submitted (a draft or returned)."""
        return self.registered().filter(report_status__in=("draft", "returned"))

    def submitted(self):
        return self.filter(status="submitted")

    def returned(self):
        return self.filter(status="returned")

    def likely_duplicates(self, owner: dict, campaign, title: str, starts_on: dt.date, exclude=None):
        """Activities of the same owner, campaign, title (ignoring case and spaces) and start date."""
        lookups = {}
        for name, value in owner.items():
            lookups[f"{name}_id" if not name.endswith("_id") else name] = getattr(value, "pk", value)
        qs = self.filter(**lookups, campaign=campaign, starts_on=starts_on, title__iexact=" ".join(title.split()))
        return qs.exclude(pk=exclude) if exclude else qs

    def in_region(self, region):
        """The region and the towns under it."""
        return self.filter(region__path__startswith=region.path)

    def review_queue(self, user):
        """The user's review queue, the longest waiting first (a registration waits since it was submitted, a
        post-event report since the report was)."""
        waiting = models.Case(
            models.When(status__in=("submitted", "forwarded"), then=models.F("submitted_at")),
            default=models.F("report_submitted_at"),
        )
        return (
            self.awaiting(user)
            .select_related("campaign", "region", "unit", "organisation", "base")
            .annotate(waiting_since=waiting)
            .order_by("waiting_since", "id")
        )

    def summary_outstanding(self, ends_from: dt.date, ends_to: dt.date):
        """Registered campaign activities ending in [ends_from, ends_to] whose post-event report is not yet submitted
        and whose activity summary is still missing."""
        return (
            self.report_pending()
            .filter(campaign__isnull=False, ends_on__gte=ends_from, ends_on__lte=ends_to)
            .filter(models.Q(summary_text="") & (models.Q(summary_file="") | models.Q(summary_file__isnull=True)))
            .select_related("campaign", "region", "unit", "organisation", "base")
            .order_by("ends_on", "id")
        )

    def with_list_relations(self):
        return self.select_related("campaign", "region", "unit", "organisation", "base", "brand")
