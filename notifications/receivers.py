"""Signal receivers (connected in NotificationsConfig.ready): the source apps never import this app.

Each runs inside the transaction that made the change, in a savepoint: the notifications roll back with the change,
and a fault here is logged, never allowed to undo a reviewer's decision or a campaign's save.
"""

from __future__ import annotations

import logging

from django.db import transaction

from . import services

log = logging.getLogger("kepu.notifications")


def _safely(what: str, fn, *args, **kwargs):
    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except Exception:  # the change stands without its notice; the log says why
        log.exception("notification failed: %s", what)
        return None


def on_workflow_transition(sender, instance, action, from_status, to_status, actor, **kwargs):
    _safely("workflow transition", services.notify_transition, instance, action, from_status, to_status, actor)


def on_campaign_parties_added(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Districts or member units added to a published campaign (a loader or admin sets them after the campaign row;
    the office adds a party to a published one): tell the newly added parties' users that it is open. A draft's
    parties are told when it is published (on_campaign_published)."""
    if action != "post_add" or not pk_set:
        return
    from events.models import Campaign

    field = "regions" if sender is Campaign.regions.through else "units"
    if not reverse:
        if instance.published_at is None:  # a draft: its parties hear of it when it is published
            return
        added = list(model.objects.filter(pk__in=pk_set))
        _safely(
            "campaign opened",
            services.notify_campaign_opened,
            instance,
            **{field: added, ("units" if field == "regions" else "regions"): []},
        )
        return
    for campaign in Campaign.objects.published().filter(pk__in=pk_set):
        _safely(
            "campaign opened",
            services.notify_campaign_opened,
            campaign,
            **{field: [instance], ("units" if field == "regions" else "regions"): []},
        )


def on_campaign_published(sender, campaign, actor=None, **kwargs):
    """The office published a campaign: every party filing for it hears of it (once: the notice's dedupe key)."""
    _safely("campaign published", services.notify_campaign_opened, campaign)


def on_period_saved(sender, instance, created, **kwargs):
    """A reporting period opened (created open, or saved open): its liaisons hear of it now; the daily job catches
    a period whose opening date comes later or that was switched on by an update."""
    _safely("period opened", services.notify_period_opened, instance)
