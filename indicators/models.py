"""Indicators: definitions, targets, manual observations, rolled-up values and roll-up runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import IndicatorQuerySet, IndicatorValueQuerySet


class Indicator(models.Model):
    class Source(models.TextChoices):
        OBSERVATION = "observation", _("人工录入(调查/认定)")
        BASE_COUNT = "base_count", _("科普教育基地数(按最高有效级别)")
        BASE_NEW = "base_new", _("新认定科普教育基地数")
        ACTIVITY_COUNT = "activity_count", _("已通过活动项数")
        ACTIVITY_SUM = "activity_sum", _("已通过活动数值合计")
        REPORT_SUM = "report_sum", _("已采纳工作报告数值合计")
        OVERDUE_RETURNS = "overdue_returns", _("逾期未报的活动安排表/总结")
        OVERDUE_REPORTS = "overdue_reports", _("逾期未报的工作报告")

    class Kind(models.TextChoices):
        STOCK = "stock", _("累计(存量)")
        FLOW = "flow", _("每年(流量)")
        LEVEL = "level", _("水平(比例)")

    class Direction(models.TextChoices):
        UP = "up", _("越高越好")
        DOWN = "down", _("越低越好")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=16)
    description = models.TextField(_("说明"), blank=True)
    plan_target = models.ForeignKey(
        "programs.PlanTarget", verbose_name=_("规划目标"), null=True, blank=True, on_delete=models.SET_NULL
    )
    population = models.ForeignKey(
        "programs.TargetPopulation", verbose_name=_("重点人群"), null=True, blank=True, on_delete=models.SET_NULL
    )
    programme = models.ForeignKey(
        "programs.Programme", verbose_name=_("工程"), null=True, blank=True, on_delete=models.SET_NULL
    )
    task = models.ForeignKey("programs.Task", verbose_name=_("任务"), null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("目标类型"), max_length=8, choices=Kind.choices)
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices, default=Direction.UP)
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices)
    params = models.JSONField(_("来源参数"), default=dict, blank=True)
    is_ratio = models.BooleanField(_("比例指标"), default=False)
    margin = models.DecimalField(_("预警幅度"), max_digits=4, decimal_places=3, default=0.1)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    on_dashboard = models.BooleanField(_("在看板显示"), default=True)
    on_cockpit = models.BooleanField(
        _("在驾驶舱显示"),
        default=False,
        help_text=_("驾驶舱显示六至八项重点指标,由办公室勾选并排序;均未勾选时显示默认的八项"),
    )
    cockpit_order = models.PositiveSmallIntegerField(_("驾驶舱排序"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年份"), help_text=_("到期年份;每年目标为起始年份"))
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    per_year = models.BooleanField(_("每年"), default=False, help_text=_("规划写“每年……”:每一年都要达到"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_year_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value:g}"

    @property
    def period_label(self) -> str:
        return str(_("每年")) if self.per_year else str(_("%(year)s年") % {"year": self.year})


class IndicatorBaseline(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="baselines")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("基线值"), max_digits=14, decimal_places=2)
    source = models.CharField(_("出处"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("指标基线")
        verbose_name_plural = _("指标基线")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_baseline_year_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value:g}"


class Observation(models.Model):
    """A manually recorded value: the literacy survey result, a designation count …"""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="observations"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey(
        "programs.Region",
        verbose_name=_("区域"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("全市数据选择常州市"),
    )
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    numerator = models.DecimalField(_("分子"), max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=16, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("出处"), max_length=200, blank=True)
    reported_on = models.DateField(
        _("报告日期"),
        null=True,
        blank=True,
        help_text=_("该数值见于材料的日期(观测不晚于此日);调查年份未知时年份取报告当年并在备注中说明"),
    )
    note = models.TextField(_("备注"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "region"], name="observation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.region}: {self.value:g}"


class RollupRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    trigger = models.CharField(_("触发"), max_length=32)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("开始"))
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时(毫秒)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("写入行数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    # not stored: True on a finished run handed to a caller whose roll-up request it already covered
    coalesced = False

    class Meta:
        verbose_name = _("汇总运行")
        verbose_name_plural = _("汇总运行")
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.get_status_display()}"


class RollupState(models.Model):
    """One row: whether a roll-up is already queued (coalesces bursts of approvals), and — on databases
    without advisory locks (SQLite) — the lease of the roll-up that is running now."""

    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    lease_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("汇总排队状态")
        verbose_name_plural = _("汇总排队状态")

    def __str__(self) -> str:
        return f"pending={self.pending} requested_at={self.requested_at} lease={self.lease_token or '-'}"


class IndicatorValue(models.Model):
    """indicator × period × region (× optional breakdown), written only by the roll-up."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("期间"), max_length=16, help_text="2024, 2024-H1 or 2024-09")
    year = models.PositiveSmallIntegerField(_("年份"))
    region = models.ForeignKey("programs.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(_("分组维度"), max_length=16, blank=True, default="")
    key = models.CharField(_("分组值"), max_length=64, blank=True, default="")
    label = models.CharField(_("分组名称"), max_length=200, blank=True, default="")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    numerator = models.DecimalField(_("分子"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=18, decimal_places=4, null=True, blank=True)
    run = models.ForeignKey(RollupRun, verbose_name=_("汇总运行"), on_delete=models.SET_NULL, null=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "region", "dimension", "key"], name="indicator_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["region", "indicator", "dimension"], name="iv_region_indicator_dim")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.region_id} {self.dimension}:{self.key} = {self.value}"
