"""推优: a district's nominations for a campaign (优秀组织单位: its towns and organisations; 优秀活动: approved
activities), the office's selection, and awards received from the province or the nation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Nomination(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("优秀组织单位")
        ACTIVITY = "activity", _("优秀活动")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已推荐")
        SELECTED = "selected", _("已评为优秀")
        NOT_SELECTED = "not_selected", _("未入选")

    campaign = models.ForeignKey(
        "events.Campaign", verbose_name=_("活动专项"), on_delete=models.PROTECT, related_name="nominations"
    )
    district = models.ForeignKey(
        "programs.Region", verbose_name=_("推荐的辖市(区)"), on_delete=models.PROTECT, related_name="nominations"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    town = models.ForeignKey(
        "programs.Region", verbose_name=_("镇(街道)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("基层组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    activity = models.ForeignKey(
        "events.ActivityReturn",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    reason = models.TextField(_("推荐理由"), max_length=2000)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推优推荐")
        verbose_name_plural = _("推优推荐")
        ordering = ["campaign", "district__path", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                name="nomination_one_nominee",
                condition=(
                    models.Q(kind="activity", activity__isnull=False, town__isnull=True, organisation__isnull=True)
                    | models.Q(kind="unit", activity__isnull=True, town__isnull=False, organisation__isnull=True)
                    | models.Q(kind="unit", activity__isnull=True, town__isnull=True, organisation__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["campaign", "activity"],
                condition=models.Q(activity__isnull=False),
                name="nomination_activity_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "town"], condition=models.Q(town__isnull=False), name="nomination_town_once"
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="nomination_org_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.nominee}"

    @property
    def nominee(self):
        return self.activity or self.town or self.organisation


class Award(models.Model):
    """An award received from the province or the nation (seed 000: 54 at provincial level or above)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2016), MaxValueValidator(2040)])
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    title = models.CharField(_("称号"), max_length=200)
    awarded_by = models.CharField(_("授予单位"), max_length=200, blank=True)
    region = models.ForeignKey(
        "programs.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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
    activity = models.ForeignKey(
        "events.ActivityReturn",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("推优推荐"), null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("获奖记录")
        verbose_name_plural = _("获奖记录")
        ordering = ["-year", "level", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()} {self.title}"
