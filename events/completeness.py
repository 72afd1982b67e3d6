"""Who has filed for a campaign, at the city and at a district (a read: grouped aggregates, no writes).

The city sees one row per district that must file (its towns', organisations' and bases' returns rolled up) and
one per member unit; a district sees its own row, then each of its towns and organisations (and any base that
filed); any other party its own row. Which rows a user may see is asked of accounts.scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts import scope

from .models import ActivityReturn, Campaign, CampaignFiling


@dataclass
class CompletenessRow:
    name: str
    region_code: str | None
    unit_id: int | None
    schedule_filed_at: dt.datetime | None
    summary_filed_at: dt.datetime | None
    schedule_on_time: bool | None
    summary_on_time: bool | None
    returns: int
    submitted: int
    returned: int
    approved: int
    participants: int
    forwarded: int = 0
    reports_submitted: int = 0  # post-event reports submitted or forwarded, awaiting a decision
    reports_approved: int = 0  # post-event reports accepted: the activities that count
    reports_missing: int = 0  # registered activities whose report is not yet submitted
    kind: str = "region"  # region (district or town), unit, organisation, base
    organisation_id: int | None = None
    base_id: int | None = None

    @property
    def schedule_filed(self) -> bool:
        return self.schedule_filed_at is not None

    @property
    def summary_filed(self) -> bool:
        return self.summary_filed_at is not None


COUNTS = (
    "returns",
    "submitted",
    "forwarded",
    "returned",
    "approved",
    "participants",
    "reports_submitted",
    "reports_approved",
    "reports_missing",
)
REGISTERED = ("submitted", "forwarded", "approved")


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _return_aggregates(returns):
    return (
        returns.values("region__path", "region_id", "unit_id", "organisation_id", "base_id")
        .annotate(
            returns=Count("id"),
            submitted=Count("id", filter=Q(status="submitted")),
            forwarded=Count("id", filter=Q(status="forwarded")),
            returned=Count("id", filter=Q(status="returned")),
            approved=Count("id", filter=Q(status="approved")),
            participants=Sum("actual_participants", filter=Q(report_status="approved")),
            reports_submitted=Count("id", filter=Q(report_status__in=("submitted", "forwarded"))),
            reports_approved=Count("id", filter=Q(report_status="approved")),
            reports_missing=Count("id", filter=Q(status__in=REGISTERED, report_status__in=("draft", "returned"))),
        )
        .order_by()
    )


def completeness(campaign: Campaign, district=None) -> list[CompletenessRow]:
    """Who has filed for the campaign: schedule filed? on time? summary filed? on time? activities, participants.

    At the city (district=None): one row per district that must file, its towns', organisations' and bases'
    returns rolled up into it, and one per member unit. At a district: the district's own row, then one per town
    and organisation under it (and any base that filed), each with its own filings. A fixed number of queries
    whatever the number of returns: one grouped aggregate over the returns, one over the filings, and the lists
    of who must file."""
    from programs.models import Organisation, Region

    # (region, unit, organisation, base, kind) → filed_at; all but one of the four owners is None
    filings: dict[tuple[int | None, int | None, int | None, int | None, str], dt.datetime] = {
        (f["region_id"], f["unit_id"], f["organisation_id"], f["base_id"], f["kind"]): f["filed_at"]
        for f in CampaignFiling.objects.filter(campaign=campaign).values(
            "region_id", "unit_id", "organisation_id", "base_id", "kind", "filed_at"
        )
    }
    returns = ActivityReturn.objects.filter(campaign=campaign)
    if district is None:
        parties = [("region", r) for r in campaign.regions.order_by("path", "order")]
        parties += [("unit", u) for u in campaign.units.order_by("order", "name")]
    else:
        returns = returns.filter(region__path__startswith=district.path)
        towns = Region.objects.filter(parent=district, level="town").order_by("order", "code")
        organisations = Organisation.objects.filter(region__path__startswith=district.path, is_active=True)
        parties = [("region", district)] + [("region", t) for t in towns]
        parties += [("organisation", o) for o in organisations.select_related("region")]
    aggregates = list(_return_aggregates(returns))
    if district is not None:
        from bases.models import Base

        with_base = {a["base_id"] for a in aggregates if a["base_id"]} | {k[3] for k in filings if k[3]}
        parties += [
            ("base", b)
            for b in Base.objects.filter(pk__in=with_base, region__path__startswith=district.path).order_by("name")
        ]

    def key_of(agg) -> tuple | None:
        if district is None:  # roll towns, organisations and bases up into their district
            if agg["unit_id"]:
                return ("unit", agg["unit_id"])
            for kind, party in parties:
                if kind == "region" and agg["region__path"] and agg["region__path"].startswith(party.path):
                    return ("region", party.pk)
            return None
        if agg["base_id"]:
            return ("base", agg["base_id"])
        if agg["organisation_id"]:
            return ("organisation", agg["organisation_id"])
        return ("region", agg["region_id"])

    totals: dict[tuple | None, dict] = {}  # None: returns outside every party listed
    for agg in aggregates:
        key = key_of(agg)
        bucket = totals.setdefault(key, dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            bucket[name] += agg[name] or 0

    def row(kind, party) -> CompletenessRow:
        owner: dict[str, int | None] = {"region": None, "unit": None, "organisation": None, "base": None}
        owner[kind] = party.pk
        if kind in ("organisation", "base"):
            owner["region"] = party.region_id
        key = (owner["region"], owner["unit"], owner["organisation"], owner["base"])
        schedule_at, summary_at = filings.get(key + ("schedule",)), filings.get(key + ("summary",))
        return CompletenessRow(
            name=str(party),
            kind=kind,
            region_code=party.code if kind == "region" else None,
            unit_id=owner["unit"],
            organisation_id=owner["organisation"],
            base_id=owner["base"],
            schedule_filed_at=schedule_at,
            summary_filed_at=summary_at,
            schedule_on_time=None if schedule_at is None else _local_date(schedule_at) <= campaign.schedule_due,
            summary_on_time=None if summary_at is None else _local_date(summary_at) <= campaign.summary_due,
            **totals.get((kind, party.pk), dict.fromkeys(COUNTS, 0)),
        )

    return [row(kind, party) for kind, party in parties]


def completeness_for(campaign: Campaign, user) -> list[CompletenessRow]:
    """The completeness rows the user may see (accounts.scope): the city's for office and leaders; a district its
    own district level; any other party its own row only."""
    sc = scope.scope_of(user)
    if sc.reads_all:
        return completeness(campaign)
    district = sc.district
    if district is None and sc.kind == "unit":
        return [r for r in completeness(campaign) if r.unit_id == sc.unit.pk]
    if district is None:
        return []
    rows = completeness(campaign, district)
    if sc.kind == "district":
        return rows
    own = scope.owner_for(user)
    return [
        r
        for r in rows
        if (r.base_id, r.organisation_id, r.unit_id)
        == (getattr(own["base"], "pk", None), getattr(own["organisation"], "pk", None), None)
        and (r.kind != "region" or r.region_code == own["region"].code)
    ]
