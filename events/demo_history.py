"""The events demo's past: the 2021-2023 campaigns and activities seed 000 reports on its meeting day (2023-08-02),
their filings, and 2024-2025 at the same pace. `load_demo` (events/demo.py) passes in how one activity is drawn
(`pick_region`, `approved`), so the random sequence — and with it every demo figure — is the one it always was."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import ActivityReturn, Campaign, CampaignFiling

HISTORY_END = dt.date(2023, 7, 20)  # the last activity day counted by the 2023-08-02 meeting (seed 000)


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def history_campaigns(districts: dict) -> list[tuple[Campaign, str, dt.date]]:
    """The 2021-2023 全国科普日 and 科技活动周 for every district: (campaign, label, start)."""
    history_campaigns = []
    for year in (2021, 2022, 2023):
        for kind, label, start, sched, summ in (
            ("science_day", "全国科普日", dt.date(year, 9, 15), dt.date(year, 9, 12), dt.date(year, 9, 25)),
            ("sci_tech_week", "科技活动周", dt.date(year, 5, 21), dt.date(year, 5, 14), dt.date(year, 6, 5)),
        ):
            campaign, _ = Campaign.objects.get_or_create(
                name=f"{year}年{label}",
                defaults=dict(
                    kind=kind,
                    year=year,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=6),
                    schedule_due=sched,
                    summary_due=summ,
                ),
            )
            campaign.regions.set(districts.values())
            history_campaigns.append((campaign, label, start))
    return history_campaigns


def history_filings(history_campaigns, districts: dict, users: dict) -> list[CampaignFiling]:
    """The 2021-2023 campaigns were filed on time (a brief read for a day then lists few overdue filings), except
    经开区's 2023 科技活动周 summary."""
    filings = []
    for campaign, _label, _start in history_campaigns:
        for code, region in districts.items():
            for kind, due in (("schedule", campaign.schedule_due), ("summary", campaign.summary_due)):
                if (code, campaign.name, kind) == ("320491", "2023年科技活动周", "summary"):
                    continue
                filings.append(
                    CampaignFiling(
                        campaign=campaign,
                        region=region,
                        kind=kind,
                        filed_by=users.get(code),
                        filed_at=aware(due - dt.timedelta(days=1)),
                        text=f"{region.name}{campaign.name}活动总结。" if kind == "summary" else "",
                    )
                )
    return filings


def history_returns(rng, pick_region, approved, history_campaigns) -> tuple[list[ActivityReturn], float]:
    """The approved activities of 2021-2023 and the participants per activity they average."""
    campaign: Campaign | None
    # Seed 000 reports on the meeting day (2023-08-02) 「两年来,全市举办各类科普活动5200多项,参与公众达220多万人次」:
    # 5,300 activities held from January 2021 to 2023-07-20 (so every report is approved by the meeting day) with
    # 2.25 million participants; the rest of 2023 (the 2023 全国科普日 too) follows at the same pace.
    before_meeting = [c for c in history_campaigns if c[2] < HISTORY_END]
    history: list[ActivityReturn] = []
    for _ in range(5300):
        region = pick_region()
        if rng.random() < 0.42:
            campaign, label, start = rng.choice(before_meeting)
            day = start + dt.timedelta(days=rng.randint(0, 6))
        else:
            campaign, label = None, "科普"
            day = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randint(0, (HISTORY_END - dt.date(2021, 1, 4)).days))
        history.append(approved(region, campaign, label, day))
    target = 2_250_000
    total = sum(a.actual_participants for a in history)
    for activity in history:
        activity.actual_participants = max(1, round(activity.actual_participants * target / total))
    per_activity = target / len(history)
    late_2023 = [c for c in history_campaigns if c[2] >= HISTORY_END]
    rest: list[ActivityReturn] = []
    for _ in range(900):
        region = pick_region()
        if rng.random() < 0.42 and late_2023:
            campaign, label, start = rng.choice(late_2023)
            day = start + dt.timedelta(days=rng.randint(0, 6))
        else:
            campaign, label = None, "科普"
            day = HISTORY_END + dt.timedelta(days=rng.randint(1, (dt.date(2023, 12, 30) - HISTORY_END).days))
        rest.append(approved(region, campaign, label, day))
    mean = sum(a.actual_participants for a in rest) / len(rest)
    for activity in rest:
        activity.actual_participants = max(1, round(activity.actual_participants * per_activity / mean))
    history.extend(rest)
    return history, per_activity


def recent_returns(rng, pick_region, approved, districts: dict, per_activity: float) -> list[ActivityReturn]:
    """2024 and January-August 2025 at the pace of 2021-2023 (year-round and the 2024-2025 campaigns)."""
    campaign: Campaign | None
    recent_campaigns = []
    for kind, label, start, sched, summ in (
        ("science_day", "全国科普日", dt.date(2024, 9, 15), dt.date(2024, 9, 12), dt.date(2024, 9, 25)),
        ("sci_tech_week", "科技活动周", dt.date(2024, 5, 25), dt.date(2024, 5, 18), dt.date(2024, 6, 8)),
        ("sci_tech_week", "科技活动周", dt.date(2025, 5, 24), dt.date(2025, 5, 17), dt.date(2025, 6, 7)),
    ):
        campaign, _ = Campaign.objects.get_or_create(
            name=f"{start.year}年{label}",
            defaults=dict(
                kind=kind,
                year=start.year,
                starts_on=start,
                ends_on=start + dt.timedelta(days=6),
                schedule_due=sched,
                summary_due=summ,
            ),
        )
        campaign.regions.set(districts.values())
        recent_campaigns.append((campaign, label, start))
    recent: list[ActivityReturn] = []
    for count, first, days in ((1850, dt.date(2024, 1, 2), 362), (1150, dt.date(2025, 1, 2), 235)):
        for _ in range(count):
            region = pick_region()
            day = first + dt.timedelta(days=rng.randint(0, days))
            in_year = [c for c in recent_campaigns if c[2].year == day.year]
            if rng.random() < 0.4 and in_year:
                campaign, label, start = rng.choice(in_year)
                day = start + dt.timedelta(days=rng.randint(0, 6))
            else:
                campaign, label = None, "科普"
            recent.append(approved(region, campaign, label, day))
    scale = per_activity  # same participants per activity as 2021-2023
    mean = sum(a.actual_participants for a in recent) / len(recent)
    for activity in recent:
        activity.actual_participants = max(1, round(activity.actual_participants * scale / mean))
    return recent
