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


def send_digests(subject: str, lines_by_recipient: dict[str, list[str]], footer: str = "") -> int:
    """Send one e-mail per recipient listing its lines. Returns the number of e-mails sent."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for recipient, lines in lines_by_recipient.items():
        if recipient and lines:
            grouped[recipient].extend(lines)
    messages = []
    for recipient, lines in sorted(grouped.items()):
        body = "\n".join(f"· {line}" for line in lines)
        if footer:
            body += f"\n\n{footer}"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
