"""The one way the portal tells a user something: a notification inside the portal, and its e-mail.

`notify(users, kind, title, body, link, dedupe_key=None)` writes one Notification per recipient in the caller's
transaction (a rolled-back change notifies nobody) and, once that transaction commits, hands the e-mails to the
worker (common.tasks.enqueue_on_commit: in-process without Redis, parked while Redis is down). Each recipient
gets one e-mail, unless they turned e-mail off or have no address.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.tasks import enqueue_on_commit

from ..models import Notification, NotificationPreference

log = logging.getLogger("kepu.notifications")

EMAIL_TASK = "notifications.send_notification_emails_task"
SUBJECT_PREFIX = "【科普工作管理平台】"


def _local_link(link: str) -> str:
    """Only a path inside the portal is kept (the inbox redirects to it): never another host."""
    link = (link or "").strip()
    return link if link.startswith("/") and not link.startswith("//") else ""


def acting_name(user) -> str:
    """How a notice names the one who acted: 领导小组办公室, or the party's association (武进区科协)."""
    from accounts.scope import scope_of

    sc = scope_of(user)
    if sc.kind == "office":
        return "领导小组办公室"
    if sc.kind in ("district", "town"):
        return f"{sc.party_name}科协"
    return sc.party_name


def email_enabled(user) -> bool:
    """A user's e-mail preference (on unless they turned it off)."""
    pref = NotificationPreference.objects.filter(user=user).values_list("email_enabled", flat=True).first()
    return True if pref is None else bool(pref)


def notify(
    users,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str | None = None,
    *,
    reminder=None,
    now=None,
    email: bool = True,
) -> list[Notification]:
    """Notify each active user in `users` (duplicates dropped) inside the portal, and by e-mail after commit.

    With `dedupe_key`, a user who already has a notification with that key gets nothing: a daily job that runs
    again (or twice at once) tells nobody the same thing twice. `email=False`: the same news goes out in that day's
    reminder digest (common.notify.send_digests), so the notification is marked as sent with it, not e-mailed
    again. Returns the notifications written."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    key = (dedupe_key or "")[:200]
    if key and recipients:
        have = Notification.objects.filter(dedupe_key=key, recipient_id__in=list(recipients))
        for pk in have.values_list("recipient_id", flat=True):
            recipients.pop(pk, None)
    if not recipients:
        return []
    off = set(
        NotificationPreference.objects.filter(user_id__in=list(recipients), email_enabled=False).values_list(
            "user_id", flat=True
        )
    )
    now = now or timezone.now()
    rows = []
    for user in sorted(recipients.values(), key=lambda u: u.pk):
        status = (
            Notification.Email.OFF
            if user.pk in off
            else Notification.Email.DIGEST
            if not email
            else Notification.Email.NO_ADDRESS
            if not user.email
            else Notification.Email.PENDING
        )
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=(body or "")[:4000],
                link=_local_link(link)[:300],
                dedupe_key=key,
                reminder=reminder,
                created_at=now,
                email_status=status,
            )
        )
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # another run wrote the same key for some of them meanwhile: keep the rest
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    pending = [n.pk for n in created if n.email_status == Notification.Email.PENDING]
    if pending:
        enqueue_on_commit(EMAIL_TASK, pending)
    return created


def _email_for(notification: Notification) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    parts = [notification.body] if notification.body else []
    if notification.link:
        parts.append(f"查看:{site}{notification.link}")
    parts.append(
        f"——\n此邮件由科普工作管理平台自动发送。如不需要邮件通知,可在 {site}/notifications/settings/ 关闭"
        "(平台内的通知不受影响)。"
    )
    return EmailMessage(
        SUBJECT_PREFIX + notification.title,
        "\n\n".join(parts),
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )


def send_emails(ids) -> dict:
    """Send the e-mail of each pending notification in `ids`, once: each row is claimed (pending → sent) before
    its message goes, so the same ids arriving twice (a parked task re-sent) send nothing twice. The preference is
    read again here: a user who turned e-mail off meanwhile gets none. A failed send is logged and marked."""
    rows = list(
        Notification.objects.filter(pk__in=list(ids), email_status=Notification.Email.PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    if not rows:
        return {"sent": 0, "failed": 0, "skipped": 0}
    off = set(
        NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for n in rows}, email_enabled=False
        ).values_list("user_id", flat=True)
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    with get_connection() as connection:
        for n in rows:
            pending = Notification.objects.filter(pk=n.pk, email_status=Notification.Email.PENDING)
            if n.recipient_id in off or not n.recipient.email or not n.recipient.is_active:
                status = Notification.Email.OFF if n.recipient_id in off else Notification.Email.NO_ADDRESS
                pending.update(email_status=status)
                counts["skipped"] += 1
                continue
            if not pending.update(email_status=Notification.Email.SENT, emailed_at=timezone.now()):
                continue  # another worker claimed it
            message = _email_for(n)
            message.connection = connection
            try:
                message.send()
            except Exception as exc:  # the notification inside the portal stands; the e-mail is marked failed
                log.warning("notification e-mail failed", extra={"notification": n.pk, "error": repr(exc)})
                Notification.objects.filter(pk=n.pk).update(email_status=Notification.Email.FAILED)
                counts["failed"] += 1
                continue
            counts["sent"] += 1
    return counts


# --- the user's own inbox ----------------------------------------------------------------------------------------
def mark_read(user, notification: Notification) -> None:
    """Mark one of the user's own notifications read (another user's: nothing; the view answers 404 before)."""
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def set_email_enabled(user, enabled: bool) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": bool(enabled)}
    )
    if not enabled:  # what is still waiting to go out is not sent either
        Notification.objects.filter(recipient=user, email_status=Notification.Email.PENDING).update(
            email_status=Notification.Email.OFF
        )
    return pref
