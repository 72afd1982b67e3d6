"""Digest e-mails: one message per recipient per run, never one per record."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail


def office_recipients() -> list[str]:
    from accounts.models import Role, User

    emails = list(
        User.objects.filter(role=Role.OFFICE, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    return sorted(set(emails) | set(settings.KEPU_OFFICE_EMAILS))


def emails_turned_off(addresses) -> set[str]:
    """The addresses whose every active user turned e-mail off (notifications' 通知设置); an address no user owns
    (settings.KEPU_OFFICE_EMAILS, a unit's contact address) is never in it."""
    from accounts.models import User

    addresses = {a for a in addresses if a}
    users = User.objects.filter(is_active=True, email__in=addresses).values_list(
        "email", "notification_preference__email_enabled"
    )
    wanted: set[str] = set()
    off: set[str] = set()
    for email, enabled in users:
        (off if enabled is False else wanted).add(email)
    return off - wanted


def send_digests(subject: str, lines_by_recipient: dict[str, list[str]], footer: str = "") -> int:
    """Send one e-mail per recipient listing its lines, except to those who turned e-mail off. Returns the number
    of e-mails sent."""
    grouped: dict[str, list[str]] = defaultdict(list)
    off = emails_turned_off(lines_by_recipient)
    for recipient, lines in lines_by_recipient.items():
        if recipient and lines and recipient not in off:
            grouped[recipient].extend(lines)
    messages = []
    for recipient, lines in sorted(grouped.items()):
        body = "\n".join(f"· {line}" for line in lines)
        if footer:
            body += f"\n\n{footer}"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
