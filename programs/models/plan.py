"""The plan as data: plan, regions, populations, programmes, units, tasks, assignments, targets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import PlanQuerySet, RegionQuerySet, ResponsibleUnitQuerySet, TaskQuerySet


class Plan(models.Model):
    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发布机构"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(_("截止年份"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    goals = models.TextField(_("主要目标"), blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("辖市(区)")
        TOWN = "town", _("镇(街道)")
        VILLAGE = "village", _("村(社区)")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("320400/320412/") so a subtree is one indexed prefix filter.
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["path", "order"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)


class TargetPopulation(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点人群")
        verbose_name_plural = _("重点人群")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工程")
        verbose_name_plural = _("工程")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="programme_code_unique_in_plan")]

    def __str__(self) -> str:
        return f"({self.code}){self.name}"


class ResponsibleUnit(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", _("党委部门")
        GOVERNMENT = "government", _("政府部门")
        MASS = "mass", _("群团组织")
        MEDIA = "media", _("新闻媒体")
        DISTRICT_GOVERNMENT = "district_government", _("辖市(区)政府")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    is_member = models.BooleanField(_("领导小组成员单位"), default=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    contact_email = models.EmailField(_("联络邮箱"), blank=True)

    objects = ResponsibleUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task (一.1) or a numbered measure under it (一.1.(1)); safeguards under 组织实施 too."""

    class Level(models.TextChoices):
        TASK = "task", _("重点任务")
        MEASURE = "measure", _("措施")

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="tasks")
    programme = models.ForeignKey(
        Programme, verbose_name=_("工程"), null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("编号"), max_length=32)
    number = models.CharField(_("序号"), max_length=16)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    units_text = models.TextField(_("责任单位(原文)"), blank=True)
    populations = models.ManyToManyField(TargetPopulation, verbose_name=_("重点人群"), blank=True, related_name="tasks")
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务/措施")
        verbose_name_plural = _("任务/措施")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def assignment_task(self) -> Task:
        """The task whose 〔责任单位〕 line covers this one (a measure inherits its task's)."""
        if self.level == self.Level.MEASURE and self.parent is not None:
            return self.parent
        return self

    def responsible_units(self):
        return ResponsibleUnit.objects.filter(assignments__task=self.assignment_task).order_by("assignments__order")


class TaskAssignment(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("责任单位"), on_delete=models.CASCADE, related_name="assignments"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    via_group = models.CharField(_("来自集合表述"), max_length=100, blank=True)
    added_by_office = models.BooleanField(
        _("办公室添加"),
        default=False,
        help_text=_("规划原文未列、由领导小组办公室添加的分工(如常州经开区管委会);重新载入规划文件时保留"),
    )

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.task.code} ← {self.unit}"


class PlanTarget(models.Model):
    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", _("累计(到期达到)")
        PER_YEAR = "per_year", _("每年")
        LEVEL = "level", _("水平(比例达到)")

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(
        Task, verbose_name=_("任务/措施"), null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    population = models.ForeignKey(
        TargetPopulation, verbose_name=_("重点人群"), null=True, blank=True, on_delete=models.SET_NULL
    )
    code = models.SlugField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    clause = models.CharField(_("条款"), max_length=32, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=32)
    year = models.PositiveSmallIntegerField(
        _("年份"),
        null=True,
        blank=True,
        help_text=_("到期年份;每年目标(“每年……”)没有年份"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    comparator = models.CharField(_("比较"), max_length=4, default=">=")
    quote = models.TextField(_("原文"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    reporting_units = models.ManyToManyField(
        ResponsibleUnit,
        verbose_name=_("报送单位"),
        blank=True,
        related_name="reported_targets",
        help_text=_("在工作报告中填报该数据的牵头单位(规划文件 targets[].reported_by)"),
    )

    class Meta:
        verbose_name = _("规划目标")
        verbose_name_plural = _("规划目标")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~models.Q(kind="per_year") | models.Q(year__isnull=True), name="per_year_target_has_no_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.comparator} {self.value:g}{self.unit}"

    @property
    def period_label(self) -> str:
        """「每年」 for a per-year target, 「2025年」 for one due in a year, "" when the plan gives no year."""
        if self.kind == self.Kind.PER_YEAR:
            return str(_("每年"))
        return str(_("%(year)s年") % {"year": self.year}) if self.year else ""


class PlanBaseline(models.Model):
    target = models.ForeignKey(PlanTarget, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="baselines")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    quote = models.TextField(_("原文"), blank=True)

    class Meta:
        verbose_name = _("基线")
        verbose_name_plural = _("基线")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="baseline_unique_year")]

    def __str__(self) -> str:
        return f"{self.target.name} {self.year}: {self.value:g}"
