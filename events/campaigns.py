"""Setting up a campaign in the portal (the office's pages and the API): create, edit, copy last year's, publish.

A campaign is a draft until it is published: only the office sees it, nobody can file into it, and nobody is told
about it. Publishing tells every filing party once (the ``campaign_published`` signal, received by notifications);
publishing again changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import scope

from .models import Campaign
from .signals import campaign_published

FIELDS = (
    "kind",
    "year",
    "name",
    "theme",
    "starts_on",
    "ends_on",
    "schedule_due",
    "report_due",
    "summary_due",
    "summary_days_after",
    "notice",
)
DATE_FIELDS = ("starts_on", "ends_on", "schedule_due", "report_due", "summary_due")


def _check_manager(user) -> None:
    if not scope.can_manage_campaigns(user):
        raise PermissionDenied("只有领导小组办公室可以设置活动专项。")


def validate_campaign(data: dict, regions, units, instance: Campaign | None = None) -> dict[str, str]:
    """The errors of a campaign's settings, field → message in Chinese (empty when it is consistent): the end after
    the start, the deadlines in order, the year matching the dates, a unique name, at least one filing party."""
    errors: dict[str, str] = {}
    starts, ends = data.get("starts_on"), data.get("ends_on")
    schedule, report, summary = data.get("schedule_due"), data.get("report_due"), data.get("summary_due")
    year, name = data.get("year"), (data.get("name") or "").strip()
    if starts and ends and ends < starts:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if year and starts and starts.year != year:
        errors["year"] = f"年度({year})与开始日期({starts:%Y-%m-%d})不一致。"
    if schedule and ends and schedule > ends:
        errors["schedule_due"] = "活动安排表报送截止不能晚于活动结束日期(安排表在活动前报送)。"
    if summary and ends and summary < ends:
        errors["summary_due"] = "活动总结报送截止不能早于活动结束日期。"
    if schedule and summary and summary < schedule and "summary_due" not in errors:
        errors["summary_due"] = "活动总结报送截止不能早于活动安排表报送截止。"
    if report:
        if ends and report < ends:
            errors["report_due"] = "活动补充信息填报截止不能早于活动结束日期。"
        elif summary and report > summary:
            errors["report_due"] = "活动补充信息填报截止不能晚于活动总结报送截止。"
    if name:
        same = Campaign.objects.filter(name=name)
        if instance is not None and instance.pk:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["name"] = f"已有同名的活动专项“{name}”,请换一个名称。"
    if not list(regions or []) and not list(units or []):
        errors["regions"] = "请至少选择一个须报送的辖市(区)或成员单位。"
    return errors


def _validated(data: dict, instance: Campaign | None = None):
    regions, units = list(data.get("regions") or []), list(data.get("units") or [])
    errors = validate_campaign(data, regions, units, instance)
    if errors:
        raise ValidationError(errors)
    return regions, units


def _save(campaign: Campaign, regions, units) -> Campaign:
    """Check and save the campaign, then its filing parties (already validated)."""
    campaign.name = campaign.name.strip()
    campaign.full_clean(exclude=["regions", "units"])
    campaign.save()
    campaign.regions.set(regions)
    campaign.units.set(units)
    return campaign


@transaction.atomic
def create_campaign(user, data: dict) -> Campaign:
    """A new draft campaign (nobody but the office sees it, nobody is told until it is published)."""
    _check_manager(user)
    regions, units = _validated(data)
    campaign = Campaign(**{name: data[name] for name in FIELDS if name in data}, published_at=None)
    return _save(campaign, regions, units)


@transaction.atomic
def update_campaign(campaign: Campaign, user, data: dict) -> Campaign:
    """Change a campaign's settings. A published campaign's newly added parties are told (notifications receives the
    change of its parties); a draft's are told when it is published."""
    _check_manager(user)
    merged = {name: getattr(campaign, name) for name in FIELDS}
    merged.update({name: data[name] for name in FIELDS if name in data})
    merged["regions"] = data["regions"] if "regions" in data else list(campaign.regions.all())
    merged["units"] = data["units"] if "units" in data else list(campaign.units.all())
    regions, units = _validated(merged, campaign)
    for name in FIELDS:
        setattr(campaign, name, merged[name])
    return _save(campaign, regions, units)


def next_year(day: dt.date | None) -> dt.date | None:
    """The same day a year later; 29 February becomes 28 February."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def copy_campaign(source: Campaign, user, *, save: bool = False):
    """Next year's campaign from `source`: every date a year later, the year in the name replaced, same kind,
    deadlines and parties, the theme and notice left blank (each year has its own). Returns the initial data for the
    form, or with ``save=True`` a new draft."""
    _check_manager(user)
    year = source.year + 1
    name = source.name.replace(str(source.year), str(year))
    if name == source.name:
        name = f"{year}年{source.name}"
    data = {
        "kind": source.kind,
        "year": year,
        "name": name,
        "theme": "",
        "notice": "",
        "summary_days_after": source.summary_days_after,
        "regions": list(source.regions.all()),
        "units": list(source.units.all()),
    }
    for field in DATE_FIELDS:
        data[field] = next_year(getattr(source, field))
    return create_campaign(user, data) if save else data


@dataclass(frozen=True)
class Published:
    campaign: Campaign
    now: bool  # False: it was already published, nobody was told again

    @property
    def message(self) -> str:
        when = timezone.localtime(self.campaign.published_at).strftime("%Y-%m-%d %H:%M")
        if self.now:
            return f"已发布“{self.campaign.name}”,已通知须报送的各单位。"
        return f"“{self.campaign.name}”已于 {when} 发布,未重复发送通知。"


def publish_campaign(campaign: Campaign, user, *, now: dt.datetime | None = None) -> Published:
    """Publish a draft: its parties see it, may file into it and are told once. Publishing a published campaign
    changes nothing (two clicks at once: one publication, one round of notices)."""
    _check_manager(user)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.published_at is not None:
            return Published(locked, now=False)
        if not locked.regions.exists() and not locked.units.exists():
            raise ValidationError({"regions": "请至少选择一个须报送的辖市(区)或成员单位后再发布。"})
        locked.published_at = now or timezone.now()
        locked.save(update_fields=["published_at"])
        campaign_published.send(sender=Campaign, campaign=locked, actor=user)
    campaign.published_at = locked.published_at
    return Published(locked, now=True)
