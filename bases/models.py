"""Science-education bases (科普教育基地): the registry, certifications, other designations, annual reports."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import OwnedBy
from common.links import validate_http_url

from .querysets import BaseQuerySet, CertificationQuerySet

CERTIFICATION_CYCLE_YEARS = 5


class Theme(models.Model):
    """A theme tag (卫生健康, 应急, 气象, 水情, 生态环保, 科学家精神 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Base(models.Model):
    class Category(models.TextChoices):
        VENUE_GENERAL = "venue_general", _("科技场馆类(综合)")
        VENUE_SPECIAL = "venue_special", _("科技场馆类(专业)")
        EDUCATION_RESEARCH = "education_research", _("教育科研类")
        PRODUCTION = "production", _("生产设施类")
        NATURE = "nature", _("自然资源类")
        PUBLIC_PLACE = "public_place", _("公共场所类")
        OTHER = "other", _("其他")

    class Opening(models.TextChoices):
        FREE = "free", _("免费开放")
        DISCOUNTED = "discounted", _("优惠开放")
        PAID = "paid", _("收费开放")

    name = models.CharField(_("基地名称"), max_length=200)
    host_organisation = models.CharField(_("依托单位"), max_length=200, blank=True)
    region = models.ForeignKey(
        "programs.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="bases"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    category = models.CharField(_("类别"), max_length=32, choices=Category.choices, default=Category.OTHER)
    themes = models.ManyToManyField(Theme, verbose_name=_("主题"), blank=True, related_name="bases")
    opening_policy = models.CharField(_("开放方式"), max_length=16, choices=Opening.choices, default=Opening.FREE)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    website = models.URLField(_("网址"), blank=True, validators=[validate_http_url])
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])
    objects = BaseQuerySet.as_manager()
    # kept by the office and the district office of its region; its contact reads it
    owned_by = OwnedBy(region="region", base="pk", changed_by=frozenset({"district"}), district_keeps=True)

    class Meta:
        verbose_name = _("科普教育基地")
        verbose_name_plural = _("科普教育基地")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="base_name_unique_in_region",
                violation_error_message=_("该区域已有同名基地。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Certification(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已到期")
        REVOKED = "revoked", _("已撤销")

    base = models.ForeignKey(Base, verbose_name=_("基地"), on_delete=models.CASCADE, related_name="certifications")
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    batch = models.CharField(_("批次"), max_length=100, blank=True)
    certified_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"), blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=64, blank=True)
    recommending_unit = models.CharField(_("推荐单位"), max_length=200, blank=True)
    is_renewal = models.BooleanField(
        _("复核延续"),
        default=False,
        help_text=_("到期复核后延续的认定;不计入“新认定”基地数。"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = CertificationQuerySet.as_manager()
    owned_by = OwnedBy(region="base__region", base="base", changed_by=frozenset())  # the office records them

    class Meta:
        verbose_name = _("认定")
        verbose_name_plural = _("认定")
        ordering = ["-certified_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="certificate_no_unique_when_set",
                violation_error_message=_("证书编号已被其他认定记录使用。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("certified_on")),
                name="certification_valid_after_certified",
                violation_error_message=_("有效期至不能早于认定日期。"),
            ),
            # counting goes by revoked_on: a revoked certification without that date would still count as valid
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_on__isnull=False),
                name="certification_revoked_has_date",
                violation_error_message=_("撤销的认定必须填写撤销日期。"),
            ),
        ]
        indexes = [models.Index(fields=["certified_on", "valid_until"], name="cert_validity_idx")]

    def __str__(self) -> str:
        return f"{self.base} · {self.get_level_display()} · {self.certified_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.certified_on and not self.valid_until:
            self.valid_until = self.default_valid_until(self.certified_on)
        self.certificate_no = (self.certificate_no or "").strip()
        super().save(*args, **kwargs)

    @staticmethod
    def default_valid_until(certified_on: dt.date) -> dt.date:
        """The day before the fifth anniversary; a cycle from 29 February has its anniversary on 1 March of a
        common year, so it ends on 28 February (not the 27th)."""
        try:
            anniversary = certified_on.replace(year=certified_on.year + CERTIFICATION_CYCLE_YEARS)
        except ValueError:  # 29 February → 1 March
            anniversary = dt.date(certified_on.year + CERTIFICATION_CYCLE_YEARS, 3, 1)
        return anniversary - dt.timedelta(days=1)

    def clean(self):
        super().clean()
        if self.certified_on and not self.valid_until:
            self.valid_until = self.default_valid_until(self.certified_on)
        if self.certified_on and self.valid_until and self.valid_until < self.certified_on:
            raise ValidationError({"valid_until": _("有效期至不能早于认定日期。")})
        errors = {}
        if self.status == self.Status.REVOKED and not (self.revoke_reason or "").strip():
            errors["revoke_reason"] = [_("撤销必须填写原因。")]
        if self.status == self.Status.REVOKED and self.revoked_on is None:
            errors["revoked_on"] = [_("撤销的认定必须填写撤销日期。")]
        if self.revoked_on and self.certified_on and self.revoked_on < self.certified_on:
            errors["revoked_on"] = [_("撤销日期不能早于认定日期。")]
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, d: dt.date) -> bool:
        return self.certified_on <= d <= self.valid_until and (self.revoked_on is None or self.revoked_on > d)


class Designation(models.Model):
    """Another title a base holds (全国科学家精神教育基地, 青少年科普研学实训基地 …)."""

    base = models.ForeignKey(Base, verbose_name=_("基地"), on_delete=models.CASCADE, related_name="designations")
    name = models.CharField(_("称号"), max_length=200)
    awarded_by = models.CharField(_("授予单位"), max_length=200, blank=True)
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    owned_by = OwnedBy(region="base__region", base="base", changed_by=frozenset())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("其他称号")
        verbose_name_plural = _("其他称号")
        ordering = ["base", "-awarded_on", "name"]

    def __str__(self) -> str:
        return f"{self.base} · {self.name}"


class BaseAnnualReport(models.Model):
    """A base's yearly return with the national science-statistics fields (全国科普统计)."""

    base = models.ForeignKey(Base, verbose_name=_("基地"), on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    open_days = models.PositiveSmallIntegerField(_("开放天数"), default=0)
    free_open_days = models.PositiveSmallIntegerField(_("免费开放天数"), default=0)
    visitors = models.PositiveIntegerField(_("参观人次"), default=0)
    activities = models.PositiveIntegerField(_("举办活动次数"), default=0)
    staff_full_time = models.PositiveIntegerField(_("专职人员"), default=0)
    staff_part_time = models.PositiveIntegerField(_("兼职人员"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者"), default=0)
    exhibition_area = models.DecimalField(
        _("展厅面积(平方米)"), max_digits=10, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    funding = models.DecimalField(
        _("科普经费(万元)"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # filed by the base's contact or its district office (or the office on their behalf)
    owned_by = OwnedBy(
        region="base__region", base="base", changed_by=frozenset({"district", "base"}), district_keeps=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("基地年报")
        verbose_name_plural = _("基地年报")
        ordering = ["base", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "year"],
                name="annual_report_unique_year",
                violation_error_message=_("该基地该年度的年报已存在。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.base} · {self.year}"

    def clean(self):
        super().clean()
        if self.open_days is not None and self.open_days > 366:
            raise ValidationError({"open_days": _("开放天数不能超过 366 天。")})
        if (self.free_open_days or 0) > (self.open_days or 0):
            raise ValidationError({"free_open_days": _("免费开放天数不能超过开放天数。")})
