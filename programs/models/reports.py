"""Member units' periodic work reports on the plan: periods, reports, entries, figures, attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import scope
from accounts.scope import OwnedBy
from common.models import TransitionRecord, WorkflowModel
from common.storage import private_storage
from common.workflow import Transition

from ..periods import period_code, period_label
from ..querysets import ReportingPeriodQuerySet, UnitReportQuerySet
from .plan import Plan, PlanTarget, ResponsibleUnit, Task

if TYPE_CHECKING:
    from accounts.models import User


def attachment_path(instance, filename):
    """A random name; the extension only if it is one common.uploads gives (never x.php, .htaccess, .html)."""
    from common.uploads import generated_path

    return generated_path("reports", filename)


class ReportingPeriod(models.Model):
    """A year or half-year for which every unit with assigned tasks reports on its tasks."""

    class Kind(models.TextChoices):
        YEAR = "year", _("年度")
        HALF = "half", _("半年")

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="reporting_periods")
    year = models.PositiveSmallIntegerField(_("年份"))
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    half = models.PositiveSmallIntegerField(
        _("半年"), null=True, blank=True, choices=[(1, _("上半年")), (2, _("下半年"))]
    )
    name = models.CharField(_("名称"), max_length=50)
    opens_on = models.DateField(_("开始填报"))
    due_on = models.DateField(_("截止报送"))
    closes_on = models.DateField(_("关闭日期"))
    is_open = models.BooleanField(_("开放填报"), default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["-year", "kind", "half"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "kind", "half"], name="period_unique"),
            models.UniqueConstraint(
                fields=["plan", "year", "kind"], condition=models.Q(half__isnull=True), name="period_unique_year"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="year", half__isnull=True) | models.Q(kind="half", half__in=[1, 2])),
                name="period_half_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        """The period as the roll-up and the API name it: 2026, 2026-H1."""
        return period_code(self.year, self.half if self.kind == self.Kind.HALF else None)

    @property
    def label(self) -> str:
        """The name pages and exports show, in the active language (2026年上半年, H1 2026); `name` keeps the
        Chinese name stored when the period was opened."""
        return period_label(self.code)

    # Filing window (services.reports.ensure_filing_window): a liaison may start, edit and submit only while
    # the office's switch is on AND opens_on ≤ today ≤ closes_on. Office staff are not bound by it.
    NOT_YET, OPEN, CLOSED = "not_yet", "open", "closed"
    WINDOW_LABELS = {NOT_YET: _("尚未开始填报"), OPEN: _("开放填报"), CLOSED: _("已关闭")}

    def window(self, today) -> str:
        if not self.is_open:
            return self.CLOSED
        if today < self.opens_on:
            return self.NOT_YET
        if today > self.closes_on:
            return self.CLOSED
        return self.OPEN

    @staticmethod
    def default_name(year: int, kind: str, half: int | None) -> str:
        if kind == ReportingPeriod.Kind.YEAR:
            return f"{year}年度"
        return f"{year}年{'上' if half == 1 else '下'}半年"


class UnitReport(WorkflowModel):
    """One unit's report for one period: an entry per assigned task plus the unit's figures."""

    STATUS_CHOICES = [
        ("draft", _("草稿")),
        ("submitted", _("已提交")),
        ("accepted", _("已通过")),
        ("returned", _("已退回")),
    ]
    TRANSITIONS = {
        "submit": Transition(
            sources=frozenset({"draft", "returned"}),
            target="submitted",
            who="filer",
            label="提交",
            stamps=("submitted",),
        ),
        "accept": Transition(
            sources=frozenset({"submitted"}), target="accepted", who="reviewer", label="通过", stamps=("decided",)
        ),
        "return": Transition(
            sources=frozenset({"submitted"}),
            target="returned",
            who="reviewer",
            needs_reason=True,
            label="退回",
            stamps=("decided",),
        ),
    }
    EDITABLE_STATUSES = ("draft", "returned")

    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("报送周期"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("状态"), max_length=16, choices=STATUS_CHOICES, default="draft", db_index=True)
    # entered_by: who started the report (an office user → entered on the unit's behalf); never
    # changed by later saves. last_edited_by: who saved it last (the liaison may take over).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_unit_reports",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="last_edited_unit_reports",
    )
    summary = models.TextField(_("总体情况"), blank=True)
    source_note = models.CharField(
        _("材料来源"), max_length=200, blank=True, help_text=_("代录时注明,例如“2026-01-10 邮件报送的材料”")
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    _history_user: User | None  # set before save(): simple_history records it as the change's author
    objects = UnitReportQuerySet.as_manager()
    # filed by the unit's liaison (or the office on its behalf), reviewed by the city office; a district office
    # reads the reports of the units in its region (its district government)
    owned_by = OwnedBy(unit="unit", region="unit__region", changed_by=frozenset({"unit"}))

    class Meta:
        verbose_name = _("成员单位工作报告")
        verbose_name_plural = _("成员单位工作报告")
        ordering = ["period", "unit__order"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="unit_report_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    # --- workflow hooks (common.workflow) ---
    def can_file(self, user) -> bool:
        return scope.can_file_for_unit(user, self.unit)

    def can_review(self, user) -> bool:
        return scope.scope_of(user).writes_all

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_by is not None and self.entered_by.unit_id != self.unit_id

    @property
    def is_late(self) -> bool | None:
        if not self.first_submitted_at:
            return None
        return timezone.localdate(self.first_submitted_at) > self.period.due_on


class OverdueDigest(models.Model):
    """What the overdue digest to the office said, one row each time the overdue set changed
    (services.reminders.send_report_reminders sends again only when it differs from the latest row)."""

    sent_on = models.DateField(_("日期"))
    items = models.JSONField(
        _("逾期清单"), default=list, help_text=_('[[报送周期ID, 单位ID, "missing" 或 "returned"], …],已排序')
    )
    body = models.TextField(_("内容"), blank=True)
    recipients = models.PositiveIntegerField(_("发送封数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("逾期汇总")
        verbose_name_plural = _("逾期汇总")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} · {len(self.items)}"


class UnitReportTransition(TransitionRecord):
    report = models.ForeignKey(UnitReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")


class UnitReportEntry(models.Model):
    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        UNDER_WAY = "under_way", _("推进中")
        DONE = "done", _("已完成")

    report = models.ForeignKey(UnitReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="entries")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="report_entries")
    progress = models.CharField(_("进展"), max_length=16, choices=Progress.choices, default=Progress.NOT_STARTED)
    narrative = models.TextField(_("工作情况"), blank=True)

    history = HistoricalRecords()
    _history_user: User | None  # set before save(): simple_history records it as the change's author

    class Meta:
        verbose_name = _("报告条目")
        verbose_name_plural = _("报告条目")
        ordering = ["report", "task__order"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="report_entry_unique_task")]

    def __str__(self) -> str:
        return f"{self.report} · {self.task.code}"


class UnitReportFigure(models.Model):
    report = models.ForeignKey(UnitReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="figures")
    target = models.ForeignKey(
        PlanTarget, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="report_figures"
    )
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()
    _history_user: User | None  # set before save(): simple_history records it as the change's author

    class Meta:
        verbose_name = _("报告数据")
        verbose_name_plural = _("报告数据")
        ordering = ["report", "target_id"]
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="report_figure_unique_target")]

    def __str__(self) -> str:
        return f"{self.report} · {self.target.name}: {self.value:g}"


class UnitReportAttachment(models.Model):
    entry = models.ForeignKey(
        UnitReportEntry, verbose_name=_("报告条目"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()
    _history_user: User | None  # set before save(): simple_history records it as the change's author

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
