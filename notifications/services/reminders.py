"""催报: the office (city level) or a district office (its own level) reminds every late party on a completeness
page, and the page keeps a log of what was sent to whom and when.

Who may chase, and at which level, is accounts.scope.chase_level; who is late is notifications.late (the
completeness modules). The same reminder (same page, same level) is refused within KEPU_REMINDER_MIN_INTERVAL_MINUTES
of the last one; the target row is locked while deciding, so two clicks at once send one reminder.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import scope
from accounts.parties import key_of, users_of_parties
from common import clock
from common.workflow import WorkflowError

from .. import late
from ..models import Notification, ReminderLog
from .core import acting_name, notify


class ReminderRefused(WorkflowError):
    """A 催报 that is not sent (too soon after the last one, nobody late): the message says why, in Chinese."""

    status_code = 409


def min_interval() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KEPU_REMINDER_MIN_INTERVAL_MINUTES)


def _refuse_if_recent(logs, now) -> None:
    last = logs.filter(sent_at__gt=now - min_interval()).order_by("-sent_at").select_related("sent_by").first()
    if last is None:
        return
    again = timezone.localtime(last.sent_at + min_interval())
    who = last.sent_by.display_name if last.sent_by else ""
    minutes = settings.KEPU_REMINDER_MIN_INTERVAL_MINUTES
    raise ReminderRefused(
        f"本页已于 {timezone.localtime(last.sent_at):%H:%M} 由{who}催报过,{minutes} 分钟内不能重复催报,"
        f"请于 {again:%H:%M} 后再试。"
    )


def _send(log: ReminderLog, late_parties, title: str, sender: str, link: str, now) -> ReminderLog:
    users = users_of_parties([p.party for p in late_parties])
    entries, total = [], 0
    for party in late_parties:
        recipients = users[key_of(party.party)]
        body = f"{sender}提醒您尽快报送:" + ";".join(party.items) + "。"
        sent = notify(recipients, Notification.Kind.REMINDER, title, body, link, reminder=log, now=now)
        total += len(sent)
        entries.append(
            {
                "party": party.name,
                "items": party.items,
                "recipients": [f"{u.display_name}({u.username})" for u in recipients],
            }
        )
    log.parties = entries
    log.recipients = total
    log.save(update_fields=["parties", "recipients"])
    return log


def chase_campaign(campaign, user, *, now=None) -> ReminderLog:
    """Remind every party at the user's level that has a filing for the campaign overdue or due soon."""
    from events.models import Campaign

    level = scope.chase_level(user)
    if level is None:
        raise PermissionDenied("只有领导小组办公室和辖市(区)科协可以催报。")
    district = level[1]
    if district is not None and not Campaign.objects.for_filer(user).filter(pk=campaign.pk).exists():
        raise PermissionDenied("该活动专项不要求本区报送,不能在本区层级催报。")
    today = clock.today() if now is None else timezone.localdate(now)
    now = now or timezone.now()
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # two clicks at once: one reminder
        _refuse_if_recent(ReminderLog.objects.for_target(campaign).at_level(district), now)
        parties = late.campaign_late_parties(campaign, district, today)
        if not parties:
            raise ReminderRefused("目前没有需要催报的单位:须报送的单位都已报送,或报送截止日期还早。")
        log = ReminderLog.objects.create(
            target=ReminderLog.Target.CAMPAIGN, campaign=campaign, district=district, sent_by=user, sent_at=now
        )
        return _send(
            log,
            parties,
            f"催报:{campaign.name}",
            acting_name(user),
            reverse("events:campaign-detail", args=[campaign.pk]),
            now,
        )


def chase_period(period, user, *, now=None) -> ReminderLog:
    """Remind every member unit whose report for the period is not filed (units report to the city office)."""
    from programs.models import ReportingPeriod

    level = scope.chase_level(user)
    if level is None or level[0] != "city":
        raise PermissionDenied("只有领导小组办公室可以催报成员单位的工作报告。")
    today = clock.today() if now is None else timezone.localdate(now)
    now = now or timezone.now()
    if period.window(today) != period.OPEN:
        raise ReminderRefused("该报送周期当前未开放填报,不能催报。")
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().filter(pk=period.pk).first()
        _refuse_if_recent(ReminderLog.objects.for_target(period).at_level(None), now)
        parties = late.period_late_units(period, today)
        if not parties:
            raise ReminderRefused("目前没有需要催报的单位:各单位的工作报告都已提交。")
        log = ReminderLog.objects.create(target=ReminderLog.Target.PERIOD, period=period, sent_by=user, sent_at=now)
        return _send(
            log,
            parties,
            f"催报:{period.name}工作报告",
            acting_name(user),
            reverse("programs:period-detail", args=[period.pk]),
            now,
        )
