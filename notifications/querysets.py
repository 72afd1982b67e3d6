"""Reads for notifications and reminder logs (QuerySet methods exposed through managers)."""

from __future__ import annotations

from django.db import models


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications (nobody reads another user's, whatever the role)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class ReminderLogQuerySet(models.QuerySet):
    def at_level(self, district):
        """Reminders sent at one level: the city's (district None) or one district's."""
        if district is None:
            return self.filter(district__isnull=True)
        return self.filter(district=district)

    def for_target(self, target):
        """Reminders about a campaign or a reporting period."""
        if target._meta.label == "events.Campaign":
            return self.filter(campaign=target)
        return self.filter(period=target)

    def visible_to(self, user, target):
        """The reminders about `target` a user may see listed (accounts.scope.chase_level): the office and
        leaders the city's, a district office its own level's; nobody else any."""
        from accounts import scope

        level = scope.chase_level(user)
        if level is None and scope.scope_of(user).reads_all:
            level = ("city", None)
        if level is None:
            return self.none()
        return self.for_target(target).at_level(level[1]).select_related("sent_by", "district")
