"""An activity return in two phases (registration, post-event report), its transitions and its photos."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import scope
from accounts.scope import OwnedBy
from common.limits import helpers_limit, online_views_limit, participants_limit, validate_plan_date
from common.links import validate_http_links
from common.models import TransitionRecord, WorkflowModel
from common.storage import private_storage
from common.workflow import Phase, Transition

from ..querysets import ActivityReturnQuerySet
from .campaigns import Brand, Campaign
from .files import upload_photos, upload_summaries

STATUS_CHOICES = [
    ("draft", _("草稿")),
    ("submitted", _("已提交")),
    ("forwarded", _("区级已审核,待市级审核")),
    ("approved", _("已通过")),
    ("returned", _("已退回")),
]
REPORT_SUFFIX = "_report"


def _chain_rules(phase: str, what: str) -> tuple[dict, dict, dict]:
    """The declared transitions of one phase and the rules they follow at the district and the city level.

    The registration's actions are submit/approve/return/reopen; the post-event report's carry the suffix
    ``_report`` (submit_report …). Both go along the same review chain."""
    suffix = REPORT_SUFFIX if phase else ""

    def rule(sources, target, who, label, stamps, reason=False):
        return Transition(
            sources=set(sources),
            target=target,
            who=who,
            needs_reason=reason,
            label=label,
            stamps=(stamps,),
            phase=phase,
        )

    declared = {
        f"submit{suffix}": rule({"draft", "returned"}, "submitted", "filer", f"提交{what}", "submitted"),
        f"approve{suffix}": rule({"submitted", "forwarded"}, "approved", "reviewer", f"通过{what}", "decided"),
        f"return{suffix}": rule(
            {"submitted", "forwarded"}, "returned", "reviewer", f"退回{what}", "decided", reason=True
        ),
        f"reopen{suffix}": rule({"approved"}, "returned", "reviewer", f"重新打开{what}", "decided", reason=True),
    }
    district = {
        "approve": rule({"submitted"}, "forwarded", "reviewer", f"{what}审核通过并报市", "decided"),
        "return": rule({"submitted"}, "returned", "reviewer", f"退回{what}", "decided", reason=True),
    }
    city = {
        "approve": rule({"submitted", "forwarded"}, "approved", "reviewer", f"通过{what}", "decided"),
        "return": rule({"submitted"}, "returned", "reviewer", f"退回{what}", "decided", reason=True),
        "return_forwarded": rule({"forwarded"}, "submitted", "reviewer", f"{what}退回区级", "decided", reason=True),
    }
    return declared, district, city


_REGISTRATION, _DISTRICT_REGISTRATION, _CITY_REGISTRATION = _chain_rules("", "")  # labels as before the split
_REPORT, _DISTRICT_REPORT, _CITY_REPORT = _chain_rules("report", "活动补充信息")


class ActivityReturn(WorkflowModel):
    """An activity with one filing owner (a region, a member unit, an organisation or a base), in two phases.

    Seed 002 has two: the registration (登记: what, when, where, who organises, planned participants — the
    活动安排表, due by the campaign's schedule deadline) and the post-event report (活动补充信息: actual figures,
    news and video links, photos, the summary — due by the campaign's report deadline, the summary within N days
    of the end). Each phase is submitted, reviewed and locked on its own (`status`/`version` … for the
    registration, `report_status`/`report_version` … for the report), through the same rules; accepting the
    registration never blocks the report. Only an accepted report counts on the dashboards.

    The review chain (accounts.scope): a phase owned below a district (a town, an organisation, a base) is
    reviewed by the district office first — its approval forwards it to the city ("forwarded") — and then by the
    city office; a phase a district, a unit or the city files goes straight to the city. A phase the city returns
    from "forwarded" goes back to the district (status submitted, the reason kept), which may send it further down.
    """

    STATUS_CHOICES = STATUS_CHOICES
    PHASES = {"": Phase(label=_("活动登记")), "report": Phase("report", "report_", _("活动补充信息"))}
    TRANSITIONS = {**_REGISTRATION, **_REPORT}
    # the rule each action follows at each level, per phase (see rule_for)
    DISTRICT_RULES = {"": _DISTRICT_REGISTRATION, "report": _DISTRICT_REPORT}
    CITY_RULES = {"": _CITY_REGISTRATION, "report": _CITY_REPORT}
    LOCKED_STATUSES = ("submitted", "forwarded", "approved")
    COUNTED_PHASE = "report"  # what the dashboards count: accepted post-event reports
    # the fields of each phase: a phase's fields are locked while it is submitted, forwarded or approved
    REGISTRATION_FIELDS = (
        "campaign",
        "region",
        "unit",
        "organisation",
        "base",
        "title",
        "category",
        "format",
        "starts_on",
        "ends_on",
        "town",
        "venue",
        "organiser",
        "co_organisers",
        "topics",
        "target_populations",
        "general_public",
        "brand",
        "planned_participants",
        "platform_ref",
        "contact_name",
        "contact_phone",
    )
    REPORT_FIELDS = (
        "actual_participants",
        "online_views",
        "volunteers",
        "experts",
        "budget",
        "news_links",
        "video_links",
        "summary_text",
        "summary_file",
        "recommended",
        "recommendation_reason",
    )
    owned_by = OwnedBy(
        region="region",
        unit="unit",
        organisation="organisation",
        base="base",
        review_chain=True,
        statuses=("status", "report_status"),
    )

    class Category(models.TextChoices):
        MAIN_EVENT = "main_event", _("主场活动")
        TOWN_MAIN_EVENT = "town_main_event", _("镇街主场活动")
        DEPARTMENT_JOINT = "department_joint", _("部门系统联合行动")
        ENTERPRISE_JOINT = "enterprise_joint", _("企业科普联合行动")
        VENUE_JOINT = "venue_joint", _("科普阵地联合行动")
        RURAL_JOINT = "rural_joint", _("农村科普联合行动")
        YOUTH_SPECIAL = "youth_special", _("青少年科技教育专项行动")
        EXPERT_SPECIAL = "expert_special", _("专家讲科普专项行动")
        CLOUD_SPECIAL = "cloud_special", _("“云上科普日”专项行动")
        OTHER = "other", _("其他")

    class Format(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")
        HYBRID = "hybrid", _("线上线下")

    status = models.CharField(_("登记状态"), max_length=16, choices=STATUS_CHOICES, default="draft", db_index=True)
    # the post-event report's own state (common.workflow.Phase "report")
    report_status = models.CharField(
        _("补充信息状态"), max_length=16, choices=STATUS_CHOICES, default="draft", db_index=True
    )
    report_version = models.PositiveIntegerField(_("补充信息版本"), default=1, editable=False)
    report_submitted_at = models.DateTimeField(_("补充信息提交时间"), null=True, blank=True, editable=False)
    report_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补充信息提交人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report_decided_at = models.DateTimeField(_("补充信息审核时间"), null=True, blank=True, editable=False)
    report_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补充信息审核人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report_return_reason = models.TextField(_("补充信息退回/重开理由"), blank=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动专项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        help_text=_("全年常态化活动可不选"),
    )
    region = models.ForeignKey(
        "programs.Region",
        verbose_name=_("组织区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_returns",
    )
    unit = models.ForeignKey(
        "programs.ResponsibleUnit",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_returns",
    )
    organisation = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("基层组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_returns",
    )
    base = models.ForeignKey(
        "bases.Base",
        verbose_name=_("科普教育基地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_returns",
    )
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    co_organisers = models.CharField(_("协办单位"), max_length=300, blank=True)
    title = models.CharField(_("活动名称"), max_length=200)
    category = models.CharField(_("活动类别"), max_length=32, choices=Category.choices, default=Category.OTHER)
    format = models.CharField(_("活动形式"), max_length=16, choices=Format.choices, default=Format.OFFLINE)
    starts_on = models.DateField(_("开始日期"), validators=[validate_plan_date])
    ends_on = models.DateField(_("结束日期"), validators=[validate_plan_date])
    venue = models.CharField(_("活动地点"), max_length=200, blank=True)
    town = models.CharField(_("所在镇(街道)"), max_length=100, blank=True)
    topics = models.CharField(_("活动主题/领域"), max_length=300, blank=True)
    target_populations = models.ManyToManyField(
        "programs.TargetPopulation", verbose_name=_("面向重点人群"), blank=True, related_name="activity_returns"
    )
    general_public = models.BooleanField(_("面向社会公众"), default=True)
    brand = models.ForeignKey(
        Brand, verbose_name=_("活动品牌"), null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    planned_participants = models.PositiveIntegerField(_("预计参与人数"), default=0, validators=[participants_limit])
    actual_participants = models.PositiveIntegerField(_("实际参与人次"), default=0, validators=[participants_limit])
    online_views = models.PositiveIntegerField(_("线上浏览量"), default=0, validators=[online_views_limit])
    volunteers = models.PositiveIntegerField(_("志愿者人数"), default=0, validators=[helpers_limit])
    experts = models.PositiveIntegerField(_("专家人数"), default=0, validators=[helpers_limit])
    budget = models.DecimalField(_("经费(万元)"), max_digits=10, decimal_places=2, default=0)
    platform_ref = models.CharField(_("全国科普日平台登记号或链接"), max_length=300, blank=True)
    news_links = models.TextField(
        _("新闻报道链接"),
        blank=True,
        max_length=2000,
        help_text=_("每行一个 http 或 https 链接"),
        validators=[validate_http_links],
    )
    video_links = models.TextField(
        _("活动视频链接"),
        blank=True,
        max_length=2000,
        help_text=_("每行一个 http 或 https 链接"),
        validators=[validate_http_links],
    )
    summary_text = models.TextField(_("活动简要总结"), blank=True, max_length=5000)
    summary_file = models.FileField(
        _("活动总结附件"), upload_to=upload_summaries, storage=private_storage, blank=True, max_length=200
    )
    recommended = models.BooleanField(_("推荐为优秀活动"), default=False)
    recommendation_reason = models.TextField(_("推荐理由"), blank=True, max_length=2000)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="form", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ActivityReturnQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("活动填报")
        verbose_name_plural = _("活动填报")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # the review queue: WHERE status='submitted' ORDER BY submitted_at, id (and its COUNT) from the index
            models.Index(fields=["status", "submitted_at", "id"], name="events_ret_queue_idx"),
            models.Index(fields=["report_status", "report_submitted_at", "id"], name="events_ret_report_queue_idx"),
            # a campaign's completeness table and 汇总表: grouped aggregates answered by an index-only scan
            # (PostgreSQL; other databases get the plain index on the key columns)
            models.Index(
                fields=["campaign", "report_status", "region", "unit", "category"],
                name="events_ret_campaign_cov_idx",
                include=["id", "actual_participants", "online_views", "volunteers", "experts", "budget", "recommended"],
            ),
            models.Index(fields=["starts_on"], name="events_ret_starts_idx"),
        ]
        constraints = [
            # one filing owner: a region (with at most one of organisation/base below it) or a member unit alone
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=False, unit__isnull=True)
                    & (models.Q(organisation__isnull=True) | models.Q(base__isnull=True))
                )
                | models.Q(unit__isnull=False, region__isnull=True, organisation__isnull=True, base__isnull=True),
                name="events_return_one_owner",
                violation_error_message=_(
                    "一条活动填报只能有一个填报主体:区域(可含其下一个基层组织或基地),或一个成员单位。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="events_return_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="events_return_budget_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    # --- who may do what: asked of accounts.scope (used by common.workflow and the pages/API) ---
    def can_view(self, user) -> bool:
        return scope.can_read(user, self)

    def can_file(self, user) -> bool:
        """The owner's own users, or office staff on their behalf."""
        return scope.can_change(user, self)

    def can_review(self, user) -> bool:
        """Is the return in the user's review domain (its district office, or the city office)?"""
        return scope.can_review(user, self)

    def review_level(self, phase: str = "") -> str:
        return scope.review_level(self, self.PHASES[phase].field("status"))

    @property
    def report_review_level(self) -> str:
        return self.review_level("report")

    def rule_for(self, action: str, user) -> Transition | None:
        """The transition `action` means for this user now, or None when it is not theirs to take.

        A district office approving a phase filed below it forwards it to the city; the city office approves
        what a district forwarded or filed itself, and its return of a forwarded phase sends it back to the
        district. Reopening an approved phase is the city office's alone."""
        rule = self.TRANSITIONS.get(action)
        if rule is None or rule.who == "filer":
            return rule
        base = action.removesuffix(REPORT_SUFFIX)
        status = self.PHASES[rule.phase].status_of(self)
        kind = scope.scope_of(user).kind
        below = scope.is_below_district(self)
        if base == "reopen":
            return rule if kind == "office" else None
        if kind == "district" and below and status != "forwarded":
            return self.DISTRICT_RULES[rule.phase].get(base)
        if kind == "office" and (status == "forwarded" or not below):
            if base == "return" and status == "forwarded":
                return self.CITY_RULES[rule.phase]["return_forwarded"]
            return self.CITY_RULES[rule.phase].get(base)
        return None

    def is_locked(self) -> bool:
        """The registration is locked (submitted, under review or approved)."""
        return self.status in self.LOCKED_STATUSES

    def is_report_locked(self) -> bool:
        return self.report_status in self.LOCKED_STATUSES

    def can_edit(self, user) -> bool:
        return not self.is_locked() and self.can_file(user)

    def can_edit_report(self, user) -> bool:
        return not self.is_report_locked() and self.can_file(user)

    def has_started(self, today: dt.date) -> bool:
        return self.starts_on <= today

    def counts(self) -> bool:
        """On the dashboards: only an accepted post-event report counts."""
        return self.report_status == "approved"

    @property
    def owner(self):
        return self.base or self.organisation or self.unit or self.region

    @property
    def filer_name(self) -> str:
        """The owner, with its region when the owner is an organisation or a base."""
        owner = self.owner
        if owner is None:
            return ""
        if owner is self.region or self.region_id is None:
            return str(owner)
        return f"{self.region} · {owner}"

    @property
    def news_link_list(self) -> list[str]:
        return [line.strip() for line in self.news_links.splitlines() if line.strip()]

    @property
    def video_link_list(self) -> list[str]:
        return [line.strip() for line in self.video_links.splitlines() if line.strip()]

    @property
    def has_summary(self) -> bool:
        return bool(self.summary_text.strip() or self.summary_file)

    @property
    def summary_due_on(self) -> dt.date | None:
        """Seed 002: the activity's summary is due `campaign.summary_days_after` days after it ends."""
        if self.campaign is None:
            return None
        return self.ends_on + dt.timedelta(days=self.campaign.summary_days_after)

    def summary_days_left(self, today: dt.date) -> int | None:
        due = self.summary_due_on
        return None if due is None else (due - today).days


class ActivityReturnTransition(TransitionRecord):
    activity = models.ForeignKey(
        ActivityReturn, verbose_name=_("活动填报"), on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("活动填报流转记录")
        verbose_name_plural = _("活动填报流转记录")

    def __str__(self) -> str:
        return f"{self.activity_id} {self.action} {self.from_status}→{self.to_status}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        ActivityReturn, verbose_name=_("活动填报"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=upload_photos, storage=private_storage, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name
