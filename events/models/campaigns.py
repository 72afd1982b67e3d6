"""Campaigns (全国科普日, 科技活动周 …), the brands activities run under, and the filings (活动安排表, 工作总结) a
region or unit sends for a campaign."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import OwnedBy
from common.limits import validate_plan_date
from common.storage import private_storage

from ..querysets import CampaignQuerySet
from .files import upload_filings


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SCIENCE_DAY = "science_day", _("全国科普日")
        SCI_TECH_WEEK = "sci_tech_week", _("科技活动周")
        PUBLICITY_WEEK = "publicity_week", _("科普宣传周")
        THREE_TO_COUNTRYSIDE = "three_to_countryside", _("文化科技卫生“三下乡”")
        DISASTER_REDUCTION_DAY = "disaster_reduction_day", _("防灾减灾日")
        METEOROLOGICAL_DAY = "meteorological_day", _("世界气象日")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, default=Kind.SCIENCE_DAY)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200, unique=True)
    theme = models.CharField(_("主题"), max_length=300, blank=True)
    starts_on = models.DateField(_("开始日期"), validators=[validate_plan_date])
    ends_on = models.DateField(_("结束日期"), validators=[validate_plan_date])
    schedule_due = models.DateField(
        _("活动安排表报送截止"), help_text=_("如:9月12日前报送活动安排表"), validators=[validate_plan_date]
    )
    summary_due = models.DateField(
        _("活动总结报送截止"), help_text=_("如:9月25日前报送工作总结和汇总表"), validators=[validate_plan_date]
    )
    report_due = models.DateField(
        _("活动补充信息填报截止"),
        null=True,
        blank=True,
        validators=[validate_plan_date],
        help_text=_("如:9月25日前完成活动补充信息填报(实际人数、照片、新闻和视频链接);留空则与活动总结报送截止相同"),
    )
    summary_days_after = models.PositiveSmallIntegerField(_("活动结束后几日内上传活动总结"), default=10)
    regions = models.ManyToManyField(
        "programs.Region", verbose_name=_("须报送的辖市(区)"), blank=True, related_name="campaigns"
    )
    units = models.ManyToManyField(
        "programs.ResponsibleUnit", verbose_name=_("须报送的成员单位"), blank=True, related_name="campaigns"
    )
    notice = models.TextField(_("通知要点"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # None: a draft the office is still setting up (its pages and the API create drafts); rows written in code
    # (loaders, the demo) are published when they are created. Publishing notifies every filing party.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, default=timezone.now, editable=False)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[regions, units])

    class Meta:
        verbose_name = _("活动专项")
        verbose_name_plural = _("活动专项")
        ordering = ["-year", "-starts_on"]

    def __str__(self) -> str:
        return self.name

    @property
    def report_deadline(self) -> dt.date:
        """The post-event reports' deadline (seed 002: 9月25日前完成活动补充信息填报)."""
        return self.report_due or self.summary_due

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Brand(models.Model):
    """A managed list of activity brands (龙城科普大讲堂, 科普邮路 …)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动品牌")
        verbose_name_plural = _("活动品牌")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignFiling(models.Model):
    """A region's (or unit's) 活动安排表 or 工作总结 for a campaign: what the completeness table checks."""

    class Kind(models.TextChoices):
        SCHEDULE = "schedule", _("活动安排表")
        SUMMARY = "summary", _("活动总结")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动专项"), on_delete=models.CASCADE, related_name="filings")
    region = models.ForeignKey(
        "programs.Region", verbose_name=_("辖市(区)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "programs.ResponsibleUnit",
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("基层组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    base = models.ForeignKey(
        "bases.Base", verbose_name=_("科普教育基地"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    filed_at = models.DateTimeField(_("报送时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("说明/总结"), blank=True, max_length=10000)
    file = models.FileField(_("附件"), upload_to=upload_filings, storage=private_storage, blank=True, max_length=200)

    class Meta:
        verbose_name = _("专项报送记录")
        verbose_name_plural = _("专项报送记录")
        ordering = ["campaign", "kind", "filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=False, unit__isnull=True)
                    & (models.Q(organisation__isnull=True) | models.Q(base__isnull=True))
                )
                | models.Q(region__isnull=True, unit__isnull=False, organisation__isnull=True, base__isnull=True),
                name="events_filing_one_owner",
                violation_error_message=_("一条报送记录只能有一个报送主体。"),
            ),
            models.UniqueConstraint(
                fields=["campaign", "region", "kind"],
                condition=models.Q(unit__isnull=True, organisation__isnull=True, base__isnull=True),
                name="events_filing_unique_region",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind"],
                condition=models.Q(organisation__isnull=False),
                name="events_filing_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["campaign", "base", "kind"],
                condition=models.Q(base__isnull=False),
                name="events_filing_unique_base",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit", "kind"],
                condition=models.Q(region__isnull=True),
                name="events_filing_unique_unit",
            ),
        ]

    owned_by = OwnedBy(region="region", unit="unit", organisation="organisation", base="base")

    def __str__(self) -> str:
        owner = self.base or self.organisation or self.unit or self.region
        return f"{self.campaign} · {owner} · {self.get_kind_display()}"
