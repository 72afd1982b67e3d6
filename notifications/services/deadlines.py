"""The daily notices (Celery beat: notifications.send_deadline_notices_task): a deadline in 3 days, a deadline
missed, a reporting period or a campaign open. Idempotent: every notice carries a dedupe key, so a second run on the
same day — or a run after a missed day — tells nobody anything twice; a moved due date is a new notice."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from accounts.parties import key_of, users_of_parties
from common import clock

from .. import late
from ..models import Notification
from .core import notify
from .triggers import notify_campaign_opened, notify_period_opened

SOON_DAYS = 3  # "a deadline in 3 days"
MISSED_WINDOW_DAYS = 30  # a missed deadline is noticed within this many days of it (not for last year's campaigns)


def _deadline_notice(parties, due: dt.date, today: dt.date, what: str, link: str, key: str) -> int:
    """One notice per party's users for a due date: "soon" from SOON_DAYS before it, "missed" after it.

    On a day the reminder digests e-mail the same parties (settings.KEPU_REMINDER_DAYS_BEFORE: the campaign and
    report reminders), the "soon" notice stays inside the portal: one e-mail a day about one deadline, not two."""
    days = (due - today).days
    if days > SOON_DAYS or days < -MISSED_WINDOW_DAYS or not parties:
        return 0
    if days >= 0:
        kind, stem = Notification.Kind.DEADLINE_SOON, "deadline-soon"
        title = f"{what}今天截止" if days == 0 else f"{what}还有 {days} 天截止"
        body = f"{what}须于 {due:%Y-%m-%d} 前报送,贵单位尚未报送。"
    else:
        kind, stem = Notification.Kind.DEADLINE_MISSED, "deadline-missed"
        title = f"{what}已逾期未报送"
        body = f"{what}已于 {due:%Y-%m-%d} 截止,贵单位尚未报送(已逾期 {-days} 天),请尽快报送。"
    users = users_of_parties(parties)
    recipients = [u for p in parties for u in users[key_of(p)]]
    emailed_by_digest = days >= 0 and days in set(settings.KEPU_REMINDER_DAYS_BEFORE)
    return len(
        notify(
            recipients,
            kind,
            title,
            body,
            link,
            dedupe_key=f"{stem}:{key}:{due.isoformat()}",
            email=not emailed_by_digest,
        )
    )


def send_deadline_notices(today: dt.date | None = None) -> dict:
    """Run every daily notice for `today` (the portal's local date by default); returns what was written."""
    from events.models import Campaign
    from programs.models import ReportingPeriod

    today = today or clock.today()
    counts = {"campaign_opened": 0, "period_opened": 0, "deadline_soon_or_missed": 0}
    window = (today - dt.timedelta(days=MISSED_WINDOW_DAYS), today + dt.timedelta(days=SOON_DAYS))
    for campaign in Campaign.objects.published().filter(summary_due__gte=today).prefetch_related("regions", "units"):
        counts["campaign_opened"] += len(notify_campaign_opened(campaign, today=today))
    campaigns = (
        Campaign.objects.published()
        .filter(Q(schedule_due__range=window) | Q(summary_due__range=window))
        .prefetch_related("regions")
    )
    for campaign in campaigns:
        link = reverse("events:campaign-detail", args=[campaign.pk])
        levels = [None] + list(campaign.regions.filter(level="district"))  # the city's parties, each district's
        for kind in ("schedule", "summary"):
            due = getattr(campaign, f"{kind}_due")
            if not window[0] <= due <= window[1]:
                continue
            parties = [p for district in levels for p in late.campaign_unfiled(campaign, district, kind)]
            counts["deadline_soon_or_missed"] += _deadline_notice(
                parties, due, today, f"{campaign.name}{late.KIND_LABELS[kind]}", link, f"campaign:{campaign.pk}:{kind}"
            )
    periods = ReportingPeriod.objects.open().filter(opens_on__lte=today, closes_on__gte=today).select_related("plan")
    for period in periods:
        counts["period_opened"] += len(notify_period_opened(period, today=today))
        units = [row.party for row in late.period_late_units(period, today)]
        counts["deadline_soon_or_missed"] += _deadline_notice(
            units,
            period.due_on,
            today,
            f"{period.name}工作报告",
            reverse("programs:period-detail", args=[period.pk]),
            f"period:{period.pk}",
        )
    return counts
