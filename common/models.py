"""Abstract pieces shared by the apps that have a review workflow (returns, reports)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkflowModel(models.Model):
    """A record that is filed, reviewed and approved (or returned with a reason).

    Concrete models declare STATUS choices and TRANSITIONS (see common.workflow) and a
    `transitions` reverse relation from a TransitionRecord subclass.
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回/重开理由"), blank=True, editable=False)

    class Meta:
        abstract = True


class TransitionRecord(models.Model):
    """One workflow transition: who, when, what, why. Concrete subclasses add `obj` FK."""

    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(_("原状态"), max_length=16)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)
    version = models.PositiveIntegerField(_("版本"))
    level = models.CharField(
        _("层级"),
        max_length=16,
        blank=True,
        choices=[("filer", _("填报单位")), ("district", _("辖市(区)")), ("city", _("市级"))],
    )
    phase = models.CharField(_("阶段"), max_length=16, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class WorkerHeartbeat(models.Model):
    """Written by a Celery worker; proves the enqueue → worker → database path and feeds /healthz."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    at = models.DateTimeField(_("时间"))
    worker = models.CharField(_("执行者"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("任务心跳")
        verbose_name_plural = _("任务心跳")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class PendingTask(models.Model):
    """A task that could not be handed to the broker (Redis down) when its data was committed.

    Written by common.tasks.enqueue_on_commit; re-sent by the beat job `resend_pending_tasks_task`
    (every minute) and by the next enqueue that reaches the broker. Identical parked tasks (same
    name and arguments) are sent once.
    """

    task_name = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("位置参数"), default=list, blank=True)
    kwargs = models.JSONField(_("关键字参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=1)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.created_at:%Y-%m-%d %H:%M:%S})"
