"""Notifications inside the portal (and their e-mails), each user's e-mail preference, and the 催报 log.

A Notification belongs to one recipient (a user, not a party: each user reads and marks their own). The daily
deadline job writes the same notice every day it runs, so a notice that must reach a user once carries a
``dedupe_key`` (unique per recipient). A ReminderLog is one 催报 action on a completeness page: who sent it, when,
at which level, and to whom — the page lists them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import NotificationQuerySet, ReminderLogQuerySet


class ReminderLog(models.Model):
    """One 催报: the office at the city level, or a district office at its own level (accounts.scope.chase_level)."""

    class Target(models.TextChoices):
        CAMPAIGN = "campaign", _("活动专项")
        PERIOD = "period", _("工作报告周期")

    target = models.CharField(_("催报对象"), max_length=16, choices=Target.choices)
    campaign = models.ForeignKey(
        "events.Campaign", verbose_name=_("活动专项"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "programs.ReportingPeriod",
        verbose_name=_("报送周期"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # the level the reminder was sent at: None for the city, else the district whose towns were chased
    district = models.ForeignKey(
        "programs.Region",
        verbose_name=_("层级(辖市(区))"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("催报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("催报时间"), default=timezone.now, db_index=True)
    # [{"party": name, "items": ["活动安排表(截止 …,已逾期 2 天)"], "recipients": ["湖塘镇科协"]}, …]
    parties = models.JSONField(_("催报单位"), default=list, blank=True)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)

    objects = ReminderLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target="campaign", campaign__isnull=False, period__isnull=True)
                    | models.Q(target="period", period__isnull=False, campaign__isnull=True)
                ),
                name="notifications_reminder_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign or self.period} · {self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def level_name(self) -> str:
        return str(self.district) if self.district_id else str(_("市级"))


class Notification(models.Model):
    class Kind(models.TextChoices):
        RETURNED = "returned", _("退回")
        APPROVED = "approved", _("审核通过")
        CAMPAIGN_OPENED = "campaign_opened", _("新活动专项")
        PERIOD_OPENED = "period_opened", _("报送周期开启")
        DEADLINE_SOON = "deadline_soon", _("即将截止")
        DEADLINE_MISSED = "deadline_missed", _("已逾期")
        REMINDER = "reminder", _("催报")

    class Email(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        OFF = "off", _("用户已关闭邮件")
        NO_ADDRESS = "no_address", _("无邮箱")
        FAILED = "failed", _("发送失败")
        DIGEST = "digest", _("已随当天的提醒邮件发送")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, max_length=4000)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True, default="")
    email_status = models.CharField(_("邮件"), max_length=16, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    reminder = models.ForeignKey(
        ReminderLog,
        verbose_name=_("催报记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the navigation's unread count and the inbox: WHERE recipient = … [AND read_at IS NULL]
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent_idx"),
        ]
        constraints = [
            # a daily job never tells the same user the same thing twice
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notifications_unique_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice about e-mail; without a row, e-mail is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(_("同时发送邮件通知"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user} · {'邮件' if self.email_enabled else '不发邮件'}"
