"""工作台 (the home page) for every role — a read: what is due and in how many days, what was returned and why,
what waits for my review, and the latest notifications.

Every list comes from a queryset that asks accounts.scope (changeable_by, review_queue, reviewable, for_filer) or
from the completeness modules at the user's own level (notifications.late); nothing here decides who sees what.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts import scope

from . import late
from .models import Notification

RECENT = 8  # notifications shown on the home page
REVIEW_SHOWN = 5  # records of each review queue listed (the count is for all of them)
OVERVIEW_PAST_DAYS = 30  # a deadline passed within this many days still shows on the overview


def _item(label, url, due=None, today=None, note="", danger=False):
    return {
        "label": label,
        "url": url,
        "due": due,
        "days": (due - today).days if due and today else None,
        "note": note,
        "danger": danger,
    }


def _filer_sections(user, today, bench) -> None:
    """A filing party's own work: campaign filings and activity summaries due, returns sent back (events' todo)."""
    from events.selectors import todo_for  # the events list's 我的待办: one definition of a filer's campaign work

    todo = todo_for(user, today)
    for d in todo.get("due", []):
        bench["due"].append(
            _item(
                f"{d['campaign'].name} · {d['label']}",
                reverse("events:campaign-detail", args=[d["campaign"].pk]),
                d["due"],
                today,
            )
        )
    for s in todo.get("summaries", []):
        bench["due"].append(
            _item(
                f"{s['activity'].title} · 活动总结", reverse("events:detail", args=[s["activity"].pk]), s["due"], today
            )
        )
    for a in todo.get("returned", []):
        bench["returned"].append(
            {
                "label": a.title,
                "what": a._meta.verbose_name,
                "reason": a.return_reason,
                "at": a.decided_at,
                "url": reverse("events:detail", args=[a.pk]),
            }
        )
    bench["drafts"] = todo.get("drafts", 0)


def _unit_sections(user, today, bench) -> None:
    """A liaison: each open reporting period with its due date and the unit's report, returned reports."""
    from programs.models import ReportingPeriod, UnitReport

    own = UnitReport.objects.changeable_by(user)
    reports = {r.period_id: r for r in own.select_related("period")}
    for period in ReportingPeriod.objects.open().with_window(today).filter(window_state="open").order_by("due_on"):
        report = reports.get(period.pk)
        if report is not None and report.status in ("submitted", "accepted"):
            continue
        note = report.get_status_display() if report is not None else "尚未填报"
        bench["due"].append(
            _item(
                f"{period.name}工作报告",
                reverse("programs:period-detail", args=[period.pk]),
                period.due_on,
                today,
                note=note,
                danger=report is not None and report.status == "returned",
            )
        )
    for report in own.filter(status="returned").select_related("period", "unit").order_by("-decided_at"):
        bench["returned"].append(
            {
                "label": str(report),
                "what": report._meta.verbose_name,
                "reason": report.return_reason,
                "at": report.decided_at,
                "url": reverse("programs:report-detail", args=[report.pk]),
            }
        )


def _overview(user, today, bench, district=None) -> None:
    """Deadlines at the user's level and how many parties have not filed (the office and leaders: the city's
    districts, units and reports; a district office: its towns', organisations' and bases' filings)."""
    from events.models import Campaign
    from programs.models import ReportingPeriod

    campaigns = Campaign.objects.published().filter(summary_due__gte=today - dt.timedelta(days=OVERVIEW_PAST_DAYS))
    if district is not None:
        campaigns = campaigns.for_filer(user)
    for campaign in campaigns.order_by("schedule_due"):
        rows = late.level_rows(campaign, district)
        url = reverse("events:campaign-detail", args=[campaign.pk]) + "#reminders"
        for kind in ("schedule", "summary"):
            due = getattr(campaign, f"{kind}_due")
            if due < today - dt.timedelta(days=OVERVIEW_PAST_DAYS):
                continue
            missing = len(late.campaign_unfiled(campaign, district, kind, rows))
            where = "所辖镇(街道)、基层组织" if district is not None else "须报送单位"
            note = f"{where}未报送 {missing} 个" if missing else "均已报送"
            bench["overview"].append(
                _item(
                    f"{campaign.name} · {late.KIND_LABELS[kind]}",
                    url,
                    due,
                    today,
                    note=note,
                    danger=bool(missing) and due < today,
                )
            )
    if district is None:
        for period in ReportingPeriod.objects.open().filter(closes_on__gte=today).order_by("due_on"):
            missing = len(late.period_late_units(period, today))
            note = f"未报送 {missing} 个单位" if missing else "均已报送"
            bench["overview"].append(
                _item(
                    f"{period.name}工作报告",
                    reverse("programs:period-detail", args=[period.pk]) + "#reminders",
                    period.due_on,
                    today,
                    note=note,
                    danger=bool(missing) and period.due_on < today,
                )
            )
    bench["overview"].sort(key=lambda i: i["due"])


def _review_sections(user, bench) -> None:
    """What waits for the user's decision at their level (accounts.scope's review queues)."""
    from django.db.models import OuterRef, Subquery

    from events.models import ActivityReturn, ActivityReturnTransition
    from programs.models import UnitReport

    queue = ActivityReturn.objects.review_queue(user)
    last = ActivityReturnTransition.objects.filter(activity=OuterRef("pk")).order_by("-id")
    shown = queue.annotate(
        last_level=Subquery(last.values("level")[:1]), last_reason=Subquery(last.values("reason")[:1])
    )[:REVIEW_SHOWN]
    items = []
    for a in shown:
        # waiting again after the city sent it back to the district's review: show the city's reason
        sent_back = a.status == "submitted" and a.last_level == "city"
        items.append(
            {
                "label": a.title,
                "url": reverse("events:detail", args=[a.pk]),
                "who": a.filer_name,
                "at": a.submitted_at,
                "reason": a.last_reason if sent_back else "",
            }
        )
    bench["review"].append(
        {
            "label": ActivityReturn._meta.verbose_name_plural,
            "count": queue.count(),
            "url": reverse("events:review-queue"),
            "items": items,
        }
    )
    reports = scope.reviewable(user, UnitReport.objects.all())
    if scope.scope_of(user).kind == "office":
        shown = reports.select_related("unit", "period").order_by("submitted_at", "id")[:REVIEW_SHOWN]
        bench["review"].append(
            {
                "label": UnitReport._meta.verbose_name_plural,
                "count": reports.count(),
                "url": reverse("programs:report-list") + "?status=submitted",
                "items": [
                    {
                        "label": str(r),
                        "url": reverse("programs:report-detail", args=[r.pk]),
                        "who": r.unit.name,
                        "at": r.submitted_at,
                        "reason": "",
                    }
                    for r in shown
                ],
            }
        )


def for_user(user, today: dt.date) -> dict:
    sc = scope.scope_of(user)
    bench = {
        "kind": sc.kind,
        "due": [],
        "overview": [],
        "returned": [],
        "review": [],
        "drafts": 0,
        "notifications": list(Notification.objects.for_user(user)[:RECENT]),
        "unread": Notification.objects.for_user(user).unread().count(),
    }
    if sc.kind in scope.FILER_KINDS:
        _filer_sections(user, today, bench)
    if sc.kind == "unit":
        _unit_sections(user, today, bench)
    if sc.kind in ("office", "leader"):
        _overview(user, today, bench)
    elif sc.kind == "district":
        _overview(user, today, bench, district=sc.region)
    if sc.reviews:
        _review_sections(user, bench)
    bench["due"].sort(key=lambda i: (i["due"] or today, i["label"]))
    return bench
