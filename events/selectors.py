"""Reads for the events pages and the 工作台 that are more than one queryset: what a filer has to do."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import scope
from common import clock

from . import services
from .models import ActivityReturn, Campaign, CampaignFiling


def todo_for(user, today=None) -> dict:
    """我的待办: campaigns due that the user's region/unit has not filed for, and returns sent back."""
    today = today or clock.today()
    if scope.scope_of(user).kind not in scope.FILER_KINDS:
        return {}
    party = services.filer_party(user)
    own = ActivityReturn.objects.changeable_by(user)
    campaigns = list(Campaign.objects.for_filer(user).open_on(today).order_by("schedule_due"))
    filed = set(CampaignFiling.objects.filter(campaign__in=campaigns, **party).values_list("campaign_id", "kind"))
    due = []
    for c in campaigns:
        for kind, label, day in (
            ("schedule", _("活动安排表"), c.schedule_due),
            ("summary", _("活动总结"), c.summary_due),
        ):
            if (c.pk, kind) not in filed:
                due.append({"campaign": c, "kind": kind, "label": label, "due": day, "days": (day - today).days})
    returned = (
        own.filter(Q(status="returned") | Q(report_status="returned"))
        .select_related("campaign")
        .order_by("decided_at", "report_decided_at")[:20]
    )
    drafts = own.filter(status="draft").count()
    horizon = max(settings.KEPU_REMINDER_DAYS_BEFORE or [7])
    summaries = [{"activity": a, "due": d, "days": left} for a, d, left in services.summaries_due(own, today, horizon)][
        :20
    ]
    to_review = ActivityReturn.objects.awaiting(user).count() if scope.scope_of(user).reviews else 0
    return {"due": due, "returned": returned, "drafts": drafts, "summaries": summaries, "to_review": to_review}
