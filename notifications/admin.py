from django.contrib import admin

from .models import Notification, NotificationPreference, ReminderLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "email_status")
    list_filter = ("kind", "email_status")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient", "reminder")
    date_hierarchy = "created_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "target", "campaign", "period", "district", "sent_by", "recipients")
    list_filter = ("target",)
    raw_id_fields = ("campaign", "period", "sent_by")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_enabled", "updated_at")
    list_filter = ("email_enabled",)
    raw_id_fields = ("user",)
