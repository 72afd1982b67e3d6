"""推优: a district nominates, for a campaign, up to its quota of 优秀组织单位 (its towns and organisations) and
优秀活动 (its activities that meet seed 002's conditions); the office selects and records awards received.

Seed 002: 「上传活动总结(10天内)及照片、视频、新闻链接是评选全国科普日优秀组织单位和优秀活动的必备条件」 — so an
activity is eligible when its post-event report is city-approved, its summary (text or file) was submitted within
the campaign's N days after the end, it has photos or a video link, and a news link. `ineligible_reasons` says
which condition fails, in Chinese, for the page that lists candidates.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import scope
from common.workflow import InvalidTransition, TransitionNotAllowed

from .models import AssessmentScheme, Award, Nomination

DEFAULT_UNIT_QUOTA, DEFAULT_ACTIVITY_QUOTA = 3, 5


def quotas(campaign) -> tuple[int, int]:
    """(优秀组织单位, 优秀活动) per district: the campaign year's districts scheme's, else the defaults."""
    scheme = AssessmentScheme.objects.filter(year=campaign.year, assessed="districts").order_by("id").first()
    if scheme is None:
        return DEFAULT_UNIT_QUOTA, DEFAULT_ACTIVITY_QUOTA
    return scheme.unit_quota, scheme.activity_quota


def _local(value) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def ineligible_reasons(activity) -> list[str]:
    """Why the activity cannot be nominated as 优秀活动 (empty: eligible)."""
    reasons = []
    if activity.report_status != "approved":
        reasons.append("活动补充信息尚未通过市级审核。")
    days = activity.campaign.summary_days_after if activity.campaign_id else 10
    due = activity.ends_on + dt.timedelta(days=days)
    if not (activity.summary_text.strip() or activity.summary_file):
        reasons.append("没有上传活动总结。")
    elif activity.report_submitted_at is None or _local(activity.report_submitted_at) > due:
        when = _local(activity.report_submitted_at).isoformat() if activity.report_submitted_at else "未提交"
        reasons.append(f"活动总结未在活动结束后 {days} 日内上传(应在 {due.isoformat()} 前,实际 {when})。")
    if not activity.photos.exists() and not activity.video_links.strip():
        reasons.append("没有活动照片或视频链接。")
    if not activity.news_links.strip():
        reasons.append("没有新闻报道链接。")
    return reasons


def _what_is_nominated(campaign, district, nominee) -> tuple[str, int, dict]:
    """(kind, the district's quota for it, the nominee's field) — or refused: not the district's, not the
    campaign's, not eligible (seed 002's conditions), not a kind that can be nominated."""
    from events.models import ActivityReturn
    from programs.models import Organisation, Region

    unit_quota, activity_quota = quotas(campaign)
    fields: dict = {}
    if isinstance(nominee, ActivityReturn):
        kind, quota, fields["activity"] = Nomination.Kind.ACTIVITY, activity_quota, nominee
        if nominee.campaign_id != campaign.pk:
            raise InvalidTransition(f"活动“{nominee.title}”不属于“{campaign}”。")
        if not scope.nominee_in_district(nominee, district):
            raise TransitionNotAllowed(f"活动“{nominee.title}”不是{district}的活动,不能推荐。")
        problems = ineligible_reasons(nominee)
        if problems:
            raise InvalidTransition(f"活动“{nominee.title}”不符合推优条件:" + "".join(problems))
    elif isinstance(nominee, Region) and nominee.level == "town":
        kind, quota, fields["town"] = Nomination.Kind.UNIT, unit_quota, nominee
        if not scope.nominee_in_district(nominee, district):
            raise TransitionNotAllowed(f"“{nominee}”不是{district}的镇(街道)。")
    elif isinstance(nominee, Organisation):
        kind, quota, fields["organisation"] = Nomination.Kind.UNIT, unit_quota, nominee
        if not scope.nominee_in_district(nominee, district):
            raise TransitionNotAllowed(f"“{nominee}”不是{district}的基层组织。")
    else:
        raise InvalidTransition("只能推荐镇(街道)、基层组织或活动。")
    return kind, quota, fields


@transaction.atomic
def nominate(user, campaign, nominee, reason: str, district=None) -> Nomination:
    """Nominate a town or organisation (优秀组织单位) or an activity (优秀活动) of the district for the campaign."""
    try:
        district = scope.nominating_district(user, district)
    except ValidationError as exc:
        raise InvalidTransition(" ".join(exc.messages)) from None
    except Exception as exc:  # PermissionDenied
        raise TransitionNotAllowed(str(exc)) from None
    if not campaign.regions.filter(pk=district.pk).exists():
        raise InvalidTransition(f"“{district}”不在“{campaign}”的报送范围内。")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition("请填写推荐理由。")
    if len(reason) > 2000:
        raise InvalidTransition("推荐理由不能超过 2000 字。")
    kind, quota, fields = _what_is_nominated(campaign, district, nominee)
    taken = (
        Nomination.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, district=district, kind=kind)
        .order_by("pk")
    )
    if taken.filter(**fields).exists():
        raise InvalidTransition(f"“{nominee}”已经推荐过了。")
    if taken.count() >= quota:
        raise InvalidTransition(f"{district}的{Nomination.Kind(kind).label}推荐名额为 {quota} 个,已用完。")
    return Nomination.objects.create(
        campaign=campaign, district=district, kind=kind, reason=reason, nominated_by=user, **fields
    )


@transaction.atomic
def decide(nomination: Nomination, user, selected: bool) -> Nomination:
    if not scope.can_manage_assessment(user):
        raise TransitionNotAllowed("只有领导小组办公室可以评定推优结果。")
    nomination.status = Nomination.Status.SELECTED if selected else Nomination.Status.NOT_SELECTED
    nomination.decided_by, nomination.decided_at = user, timezone.now()
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    return nomination


@transaction.atomic
def record_award(user, **fields) -> Award:
    """An award received from the province or the nation (level, year, title; whom or what it went to)."""
    if not scope.can_manage_assessment(user):
        raise TransitionNotAllowed("只有领导小组办公室可以登记获奖。")
    award = Award(recorded_by=user, **fields)
    try:
        award.full_clean()
    except ValidationError as exc:
        raise InvalidTransition(";".join(exc.messages)) from None
    award.save()
    return award
