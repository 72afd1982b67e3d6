"""What happens in the portal that its users are told about: a decision on what they filed, a campaign or a
reporting period opened. (Deadlines: deadlines.py; 催报: reminders.py.)"""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse

from accounts import scope
from accounts.parties import district_of, owner_party, users_filing_to, users_of, users_of_parties
from common import clock

from ..models import Notification
from .core import acting_name, notify

# the page of a record a notification links to, for models without get_absolute_url
RECORD_PAGES = {"events.ActivityReturn": "events:detail", "programs.UnitReport": "programs:report-detail"}


def record_link(instance) -> str:
    if hasattr(instance, "get_absolute_url"):
        return instance.get_absolute_url()
    name = RECORD_PAGES.get(instance._meta.label)
    if name is None:
        return ""
    try:
        return reverse(name, args=[instance.pk])
    except NoReverseMatch:
        return ""


def _latest_reason(instance) -> str:
    transitions = getattr(instance, "transitions", None)
    if transitions is not None:
        last = transitions.order_by("-id").values_list("reason", flat=True).first()
        if last is not None:
            return last
    return getattr(instance, "return_reason", "") or ""


def notify_transition(instance, action: str, from_status: str, to_status: str, actor) -> list[Notification]:
    """Tell the filer about a reviewer's decision (common.workflow's workflow_transitioned), for any workflow model.

    Generic on purpose (activity returns gain phases; new actions need no change here): the rule is the model's
    ``TRANSITIONS[action]``; a reviewer's action that needs a reason is a return, any other a pass (approved,
    accepted, forwarded). The recipients are the users of the record's owner party (accounts.parties, through the
    model's ``owned_by``), falling back to its district office when a town has no account; when the city decides
    on a record filed below a district, that district's office is told too; when the city sends a record back to
    the district's review (it waits at the district again), the district office is told instead of the filer.
    Filers' own actions (submit) notify nobody: what waits for review is on the reviewer's 工作台."""
    model = type(instance)
    rule = getattr(model, "TRANSITIONS", {}).get(action)
    if rule is None or rule.who != "reviewer" or getattr(model, "owned_by", None) is None:
        return []
    owner = owner_party(instance)
    if owner is None:
        return []
    spec = model.owned_by
    district = district_of(owner)
    below = district is not None and scope.is_below_district(instance)
    waits_at_district = bool(spec.review_chain and below and scope.review_level(instance) == "district")
    if waits_at_district:
        recipients = users_of(district)
    else:
        recipients = list(users_of(owner, fallback_to_district=True))
        if below and scope.scope_of(actor).kind == "office":
            recipients += users_of(district)
    recipients = [u for u in recipients if actor is None or u.pk != actor.pk]
    if not recipients:
        return []
    returned = rule.needs_reason
    status_label = str(dict(model.STATUS_CHOICES).get(to_status, to_status))
    what = f"{model._meta.verbose_name}“{instance}”"
    if waits_at_district:
        title = f"{what}被市级退回,请重新审核"
    elif returned:
        title = f"{what}被退回"
    else:
        title = f"{what}:{status_label}"
    who = acting_name(actor) if actor is not None else ""
    body = f"{who}{rule.label or action}"
    reason = (_latest_reason(instance) if returned else "").strip().rstrip("。.")
    if reason:
        body += f"。理由:{reason}"
    body += f"。当前状态:{status_label}。"
    kind = Notification.Kind.RETURNED if returned else Notification.Kind.APPROVED
    return notify(recipients, kind, title, body, record_link(instance))


def notify_campaign_opened(campaign, *, regions=None, units=None, today: dt.date | None = None) -> list[Notification]:
    """Tell every party that must file for the campaign that it is open: the users filing to each of its
    districts (the district office, its towns, organisations and bases) and its member units' liaisons.

    Called when districts or units are added to a campaign (notifications.receivers) and by the daily job (which
    reaches accounts created later); and when the office publishes a campaign. Once per user and
    campaign (dedupe key); nothing once the campaign's filing is over (its summary due date has passed)."""
    today = today or clock.today()
    if campaign.summary_due < today:
        return []
    regions = list(campaign.regions.all() if regions is None else regions)
    units = list(campaign.units.all() if units is None else units)
    users = []
    for region in regions:
        users += list(users_filing_to(region))
    for found in users_of_parties(units).values():
        users += found
    if not users:
        return []
    title = f"新活动专项:{campaign.name}"
    body = (
        f"活动时间 {campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d};"
        f"活动安排表 {campaign.schedule_due:%Y-%m-%d} 前报送,活动总结 {campaign.summary_due:%Y-%m-%d} 前报送。"
    )
    if campaign.notice:
        body += f"\n通知要点:{campaign.notice[:500]}"
    return notify(
        users,
        Notification.Kind.CAMPAIGN_OPENED,
        title,
        body,
        reverse("events:campaign-detail", args=[campaign.pk]),
        dedupe_key=f"campaign-opened:{campaign.pk}",
    )


def notify_period_opened(period, *, today: dt.date | None = None) -> list[Notification]:
    """Tell the liaisons of every unit expected to report that the period is open for filing (once per user and
    period); nothing while it is not yet open, switched off, or past its closing date."""
    from programs.models import ResponsibleUnit

    today = today or clock.today()
    if period.window(today) != period.OPEN:
        return []
    units = ResponsibleUnit.objects.expected_to_report(period.plan)
    users = [u for found in users_of_parties(units).values() for u in found]
    title = f"报送周期已开启:{period.name}工作报告"
    body = (
        f"请于 {period.due_on:%Y-%m-%d} 前提交本单位的{period.name}工作报告"
        f"(填报时间 {period.opens_on:%Y-%m-%d} 至 {period.closes_on:%Y-%m-%d})。"
    )
    return notify(
        users,
        Notification.Kind.PERIOD_OPENED,
        title,
        body,
        reverse("programs:period-detail", args=[period.pk]),
        dedupe_key=f"period-opened:{period.pk}",
    )
