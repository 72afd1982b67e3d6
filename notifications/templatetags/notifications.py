"""{% reminder_panel target rows %}: the 催报 panel of a completeness page (a campaign's or a reporting period's):
who is late at the user's level, the 催报 button for those accounts.scope.chase_level allows, and the log of what
was sent to whom and when."""

from django import template
from django.urls import reverse

from accounts import scope
from common import clock

from .. import late
from ..models import ReminderLog

register = template.Library()


@register.inclusion_tag("notifications/_reminders.html", takes_context=True)
def reminder_panel(context, target, rows=None):
    """`rows`: the campaign's completeness rows the page already computed for this user (its own level)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    today = clock.today()
    level = scope.chase_level(user)
    is_campaign = target._meta.label == "events.Campaign"
    if is_campaign:
        may_send = level is not None and (level[1] is None or target in _filer_campaigns(user, target))
        action = reverse("notifications:remind-campaign", args=[target.pk])
    else:
        may_send = level is not None and level[0] == "city" and target.window(today) == target.OPEN
        action = reverse("notifications:remind-period", args=[target.pk])
    logs = list(ReminderLog.objects.visible_to(user, target)[:20])
    late_parties = []
    if may_send:
        if is_campaign:
            late_parties = late.campaign_late_parties(target, level[1], today, rows)
        else:
            late_parties = late.period_late_units(target, today)
    shown = may_send or bool(logs)
    return {
        "shown": shown,
        "may_send": may_send,
        "action": action,
        "late_parties": late_parties,
        "logs": logs,
        "csrf_token": context.get("csrf_token"),
        "level_name": _level_name(level),
        "horizon": late.chase_horizon_days(),
        "is_campaign": is_campaign,
    }


def _filer_campaigns(user, campaign):
    from events.models import Campaign

    return Campaign.objects.for_filer(user).filter(pk=campaign.pk)


def _level_name(level) -> str:
    if level is None:
        return ""
    return str(level[1]) if level[1] is not None else ""
