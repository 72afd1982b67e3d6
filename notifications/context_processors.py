"""The unread count for the navigation's badge (templates/notifications/_nav_badge.html)."""

from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    def count():
        from .models import Notification

        return Notification.objects.for_user(user).unread().count()

    # counted only when a template shows it (one indexed COUNT per page)
    return {"unread_notifications": SimpleLazyObject(count)}
