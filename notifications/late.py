"""Who is late (a read): the parties that have not filed, as the completeness modules count them.

A campaign's completeness (events.completeness) at one level — the city's districts and member units, or a
district's towns, organisations and bases — and a reporting period's (programs.services.completeness). The 催报
pages, the daily deadline job and the 工作台 all ask here, so they agree on who is late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

KIND_LABELS = {"schedule": "活动安排表", "summary": "活动总结"}


@dataclass
class LateParty:
    party: object  # a Region, ResponsibleUnit, Organisation or Base
    name: str
    items: list[str] = field(default_factory=list)  # what is outstanding, each with its due date
    kinds: list[str] = field(default_factory=list)


def chase_horizon_days() -> int:
    """Reminders are sent from this many days before a due date (the longest of KEPU_REMINDER_DAYS_BEFORE)."""
    return max(settings.KEPU_REMINDER_DAYS_BEFORE or [7])


def due_text(label: str, due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    if days < 0:
        return f"{label}(截止 {due:%Y-%m-%d},已逾期 {-days} 天)"
    if days == 0:
        return f"{label}(今天截止)"
    return f"{label}(截止 {due:%Y-%m-%d},还有 {days} 天)"


def _parties_of_rows(rows) -> dict:
    """The party object of each completeness row, in one query per kind of party."""
    from bases.models import Base
    from programs.models import Organisation, Region, ResponsibleUnit

    codes = {r.region_code for r in rows if r.kind == "region"}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    units = ResponsibleUnit.objects.in_bulk({r.unit_id for r in rows if r.kind == "unit"})
    organisations = Organisation.objects.select_related("region").in_bulk(
        {r.organisation_id for r in rows if r.kind == "organisation"}
    )
    bases = Base.objects.select_related("region").in_bulk({r.base_id for r in rows if r.kind == "base"})
    found = {}
    for r in rows:
        party = {
            "region": lambda row: regions.get(row.region_code),
            "unit": lambda row: units.get(row.unit_id),
            "organisation": lambda row: organisations.get(row.organisation_id),
            "base": lambda row: bases.get(row.base_id),
        }[r.kind](r)
        if party is not None:
            found[id(r)] = party
    return found


def level_rows(campaign, district, rows=None):
    """The completeness rows of the parties chased at a level: at the city the districts and member units; at a
    district its towns, organisations and bases — not the district's own row (the city chases the district)."""
    from events import completeness

    rows = completeness.completeness(campaign, district) if rows is None else rows
    if district is None:
        return list(rows)
    return [r for r in rows if not (r.kind == "region" and r.region_code == district.code)]


def campaign_unfiled(campaign, district, kind: str, rows=None) -> list:
    """The parties at a level that have not filed the campaign's `kind` (schedule or summary)."""
    rows = level_rows(campaign, district, rows)
    parties = _parties_of_rows(rows)
    attr = "schedule_filed" if kind == "schedule" else "summary_filed"
    return [parties[id(r)] for r in rows if not getattr(r, attr) and id(r) in parties]


def campaign_late_parties(campaign, district, today: dt.date, rows=None) -> list[LateParty]:
    """The parties at a level with a filing outstanding that is overdue or due within the chase horizon: what a
    催报 on the campaign's completeness page reminds them of."""
    rows = level_rows(campaign, district, rows)
    horizon = today + dt.timedelta(days=chase_horizon_days())
    due = [(kind, getattr(campaign, f"{kind}_due")) for kind in ("schedule", "summary")]
    due = [(kind, day) for kind, day in due if day <= horizon]
    if not due:
        return []
    parties = _parties_of_rows(rows)
    late = []
    for r in rows:
        if id(r) not in parties:
            continue
        kinds = [(kind, day) for kind, day in due if not getattr(r, f"{kind}_filed")]
        if kinds:
            late.append(
                LateParty(
                    party=parties[id(r)],
                    name=r.name,
                    kinds=[k for k, _d in kinds],
                    items=[due_text(KIND_LABELS[k], d, today) for k, d in kinds],
                )
            )
    return late


def period_late_units(period, today: dt.date) -> list[LateParty]:
    """The member units expected to report for the period whose report is not filed (missing, not yet due, or
    returned and not resubmitted), from the completeness matrix."""
    from programs.services.completeness import completeness_matrix

    matrix = completeness_matrix(period.plan, [period], today=today)
    late = []
    for row in matrix["rows"]:
        cell = row["cells"][0]
        if cell["state"] in ("on_time", "late"):
            continue
        item = due_text(f"{period.name}工作报告", period.due_on, today)
        if cell["state"] == "returned":
            item += ":已被退回,请修改后重新提交"
        late.append(LateParty(party=row["unit"], name=row["unit"].name, items=[item], kinds=[cell["state"]]))
    return late
