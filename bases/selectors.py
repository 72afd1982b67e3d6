"""Reads for the bases pages that are more than one queryset: the annotated list, a base's overview and its
history."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from common import audit, clock
from common.levels import LEVEL_RANK

from .models import Base, BaseAnnualReport, Certification

RANK_LABELS = {LEVEL_RANK[level]: label for level, label in Certification.Level.choices}


def annotated_bases(user):
    """The bases the user may read, with today's level and the date the next valid certification expires."""
    today = clock.today()
    next_expiry = (
        Certification.objects.filter(base=OuterRef("pk"))
        .valid_on(today)
        .order_by("valid_until")
        .values("valid_until")[:1]
    )
    return (
        Base.objects.visible_to(user)
        .with_level_on(today)
        .annotate(next_expiry=Subquery(next_expiry))
        .select_related("region")
        .prefetch_related("themes")
    )


def base_overview(base: Base, today: dt.date) -> dict:
    """What the base's page shows: its certifications (newest first), annual reports and their chart, the
    highest level valid `today`, and its history."""
    certs = list(base.certifications.order_by("-certified_on", "-pk"))
    reports = list(base.annual_reports.order_by("year"))
    level = max((LEVEL_RANK[c.level] for c in certs if c.is_valid_on(today)), default=0)
    return {
        "base": base,
        "certifications": certs,
        "reports": reports,
        "history": base_history(base),
        "chart": {
            "years": [r.year for r in reports],
            "visitors": [r.visitors for r in reports],
            "activities": [r.activities for r in reports],
            "labels": {"visitors": _("参观人次"), "activities": _("举办活动次数")},
        },
        "level_label": RANK_LABELS.get(level, _("无有效认定")),
        "designations": base.designations.all(),
        "themes": base.themes.all(),
        "today": today,
    }


def base_history(base: Base, limit: int = 50) -> list[dict]:
    """The newest `limit` changes to the base, its certifications and its annual reports, each with what changed
    (field: old → new), described by the audit trail's helper."""
    parts = (
        (Base, base.history.all()),
        (Certification, Certification.history.filter(base_id=base.pk)),
        (BaseAnnualReport, BaseAnnualReport.history.filter(base_id=base.pk)),
    )
    rows = []
    for model, qs in parts:
        rows += [
            {
                "a_label": model._meta.label_lower,
                "a_id": h["history_id"],
                "a_at": h["history_date"],
                "a_type": h["history_type"],
                "a_user": h["history_user_id"],
                "a_pk": str(h["id"]),
                "a_reason": h["history_change_reason"],
            }
            for h in qs.order_by("-history_date", "-history_id").values(
                "history_id", "history_date", "history_type", "history_user_id", "id", "history_change_reason"
            )[:limit]
        ]
    rows.sort(key=lambda r: (r["a_at"], r["a_id"]), reverse=True)
    return audit.describe(rows[:limit])
