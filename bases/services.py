"""Writes and state changes for the base registry (each in a transaction; history via simple_history)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import scope
from common import clock
from common.notify import office_recipients, send_digests

from .models import Base, BaseAnnualReport, Certification


def can_edit_base(user, base: Base | None = None, region=None) -> bool:
    """accounts.scope: the office edits every base, a district office those of its subtree (a new base: in a
    region of its subtree); nobody else."""
    if base is not None and base.pk is not None:
        return scope.can_change(user, base)
    if region is None:
        return scope.creatable_regions(user, Base).exists()
    return scope.can_create_in(user, Base, region)


def can_file_annual_report(user, base: Base) -> bool:
    """The base's contact, its district office, or the office (accounts.scope)."""
    return scope.can_file_for_base(user, BaseAnnualReport, base)


def can_manage_certifications(user) -> bool:
    """Certifications are decided upstream; the office records, renews and revokes them."""
    return scope.scope_of(user).writes_all


def _attach_history_user(obj, user):
    if user is not None and user.is_authenticated:
        obj._history_user = user


@transaction.atomic
def revoke_certification(cert: Certification, user, reason: str, on: dt.date | None = None) -> Certification:
    """Revoke a certification; a reason is required. From `on` (default today) it no longer counts."""
    if not can_manage_certifications(user):
        raise PermissionDenied(_("只有领导小组办公室可以撤销认定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"revoke_reason": _("撤销认定必须填写原因。")})
    cert = Certification.objects.select_for_update().get(pk=cert.pk)
    if cert.status == Certification.Status.REVOKED:
        raise ValidationError(_("该认定已经撤销。"))
    on = on or clock.today()
    if on < cert.certified_on:
        raise ValidationError({"revoked_on": _("撤销日期不能早于认定日期。")})
    cert.status = Certification.Status.REVOKED
    cert.revoked_on = on
    cert.revoke_reason = reason
    _attach_history_user(cert, user)
    cert.save()
    return cert


def expire_certifications(today: dt.date | None = None, notify: bool = True) -> list[Certification]:
    """Mark certifications whose cycle ended before `today` as expired; send the office one digest
    listing them and those expiring within six months. Returns the newly expired ones."""
    today = today or clock.today()
    with transaction.atomic():
        lapsed = list(Certification.objects.lapsed(today).select_for_update().select_related("base__region"))
        for cert in lapsed:
            cert.status = Certification.Status.EXPIRED
            cert._change_reason = _("有效期届满,系统自动标记为已到期")
            cert.save(update_fields=["status", "updated_at"])
    if notify:
        send_expiry_digest(lapsed, today)
    return lapsed


def send_expiry_digest(expired: list[Certification], today: dt.date, months: int = 6) -> int:
    expiring = list(Certification.objects.expiring_within(months, today).select_related("base__region"))
    if not expired and not expiring:
        return 0
    lines = [
        _("已到期:%(base)s(%(region)s)%(level)s认定,有效期至 %(until)s")
        % {"base": c.base.name, "region": c.base.region.name, "level": c.get_level_display(), "until": c.valid_until}
        for c in expired
    ] + [
        _("即将到期:%(base)s(%(region)s)%(level)s认定,有效期至 %(until)s")
        % {"base": c.base.name, "region": c.base.region.name, "level": c.get_level_display(), "until": c.valid_until}
        for c in expiring
    ]
    subject = _("科普教育基地认定到期提醒(%(date)s):已到期 %(n)s 个,%(m)s 个月内到期 %(k)s 个") % {
        "date": today,
        "n": len(expired),
        "m": months,
        "k": len(expiring),
    }
    return send_digests(
        subject,
        {email: lines for email in office_recipients()},
        footer=_("请登录科普工作管理平台查看:/bases/?expiring=6"),
    )


@transaction.atomic
def save_with_history(obj, user, reason: str = ""):
    """Save a form-edited object recording who changed it (outside a request too)."""
    _attach_history_user(obj, user)
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj
