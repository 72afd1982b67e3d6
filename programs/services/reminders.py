"""Reminders for unit reports: liaisons before the due date, the office's overdue digest after it."""

from __future__ import annotations

import datetime as _dt

from django.conf import settings

from accounts.parties import emails_of_parties, key_of
from common import clock
from common.notify import office_recipients, send_digests

from ..models import OverdueDigest, ReportingPeriod, ResponsibleUnit, UnitReport


def send_report_reminders(today: _dt.date | None = None) -> dict:
    """Before the due date (settings.KEPU_REMINDER_DAYS_BEFORE days) remind the liaisons of units
    that have not filed; after it send the office one digest of who is overdue. One e-mail per
    recipient per run (common.notify.send_digests).

    The overdue digest is not repeated daily: it goes out only when the overdue set — (period,
    unit, 未提交 / 被退回) — differs from the one in the latest OverdueDigest row, and each change
    is recorded (an empty set too, with recipients=0, so a unit falling overdue again is sent)."""
    today = today or clock.today()
    days_before = {int(d) for d in settings.KEPU_REMINDER_DAYS_BEFORE}
    reminders: dict[str, list[str]] = {}
    overdue: list[str] = []
    overdue_items: list[tuple[int, int, str]] = []
    for period in ReportingPeriod.objects.open().select_related("plan").order_by("due_on", "pk"):
        if today < period.opens_on or today > period.closes_on:
            continue
        days_left = (period.due_on - today).days
        if days_left not in days_before and days_left >= 0:
            continue
        filed = UnitReport.objects.filter(period=period, status__in=("submitted", "accepted")).values("unit_id")
        unfiled = ResponsibleUnit.objects.expected_to_report(period.plan).exclude(pk__in=filed).order_by("order")
        returned = set(UnitReport.objects.filter(period=period, status="returned").values_list("unit_id", flat=True))
        if days_left >= 0:
            by_unit = emails_of_parties(unfiled)  # one query for every unit's liaisons (accounts.parties)
            for unit in unfiled:
                emails = by_unit[key_of(unit)]
                what = "已被退回,请修改后重新提交" if unit.pk in returned else "尚未提交"
                for email in emails:
                    reminders.setdefault(email, []).append(
                        f"{period.name}:{unit.name}的工作报告{what},"
                        f"截止日期 {period.due_on:%Y-%m-%d}(还有 {days_left} 天)。"
                    )
        else:
            for unit in unfiled:
                what = "被退回后未重新提交" if unit.pk in returned else "未提交"
                overdue_items.append((period.pk, unit.pk, "returned" if unit.pk in returned else "missing"))
                overdue.append(
                    f"{period.name}:{unit.name} {what}(截止 {period.due_on:%Y-%m-%d},已逾期 {-days_left} 天)"
                )
    link = f"{settings.SITE_URL.rstrip('/')}/plan/reports/"
    sent_reminders = send_digests("【科普工作管理平台】工作报告报送提醒", reminders, footer=f"请登录平台填报:{link}")
    sent_overdue = 0
    items = sorted(overdue_items)
    last = OverdueDigest.objects.order_by("-id").first()
    changed = items != ([tuple(i) for i in last.items] if last else [])
    if changed:
        if overdue:
            sent_overdue = send_digests(
                "【科普工作管理平台】工作报告逾期汇总",
                {email: overdue for email in office_recipients()},
                footer=f"报送情况一览:{link}completeness/",
            )
        OverdueDigest.objects.create(
            sent_on=today, items=[list(i) for i in items], body="\n".join(overdue), recipients=sent_overdue
        )
    return {
        "reminders": sent_reminders,
        "overdue": sent_overdue,
        "overdue_units": len(overdue),
        "overdue_changed": changed,
    }
