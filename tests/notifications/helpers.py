"""Helpers shared by the notifications tests."""

from __future__ import annotations

import datetime as dt


def make_campaign(
    name="2026年全国科普日",
    regions=("320412", "320402"),
    units=("市教育局",),
    schedule_due=dt.date(2026, 9, 12),
    summary_due=dt.date(2026, 9, 30),
):
    from events.models import Campaign
    from programs.models import Region, ResponsibleUnit

    campaign = Campaign.objects.create(
        kind="science_day",
        year=2026,
        name=name,
        starts_on=dt.date(2026, 9, 15),
        ends_on=dt.date(2026, 9, 21),
        schedule_due=schedule_due,
        summary_due=summary_due,
        notice="9月12日前报送活动安排表。",
    )
    campaign.regions.set(Region.objects.filter(code__in=regions))
    campaign.units.set(ResponsibleUnit.objects.filter(name__in=units))
    return campaign


def titles(user, kind=None):
    from notifications.models import Notification

    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("title", flat=True))
