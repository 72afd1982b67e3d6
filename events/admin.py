from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActivityPhoto, ActivityReturn, ActivityReturnTransition, Brand, Campaign, CampaignFiling


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    """For administrators (superusers) only: the office sets campaigns up in the portal (/events/campaigns/new/,
    edit, copy, publish), where drafts, validation and notices apply. Office staff may look here, not change."""

    list_display = ("name", "kind", "year", "starts_on", "ends_on", "schedule_due", "summary_due", "published_at")
    list_filter = ("kind", "year")
    search_fields = ("name", "theme")
    filter_horizontal = ("regions", "units")
    readonly_fields = ("published_at",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


class TransitionInline(admin.TabularInline):
    model = ActivityReturnTransition
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "from_status", "to_status", "actor", "reason", "version")

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ("content_type", "size", "original_name", "uploaded_by", "uploaded_at")


@admin.register(ActivityReturn)
class ActivityReturnAdmin(SimpleHistoryAdmin):
    """Status changes go through the pages (workflow with its log), not through admin edits."""

    list_display = ("title", "campaign", "region", "unit", "category", "starts_on", "actual_participants", "status")
    list_filter = ("status", "campaign", "category", "region")
    search_fields = ("title", "venue", "organiser")
    readonly_fields = ("status", "version", "submitted_at", "submitted_by", "decided_at", "decided_by", "return_reason")
    autocomplete_fields = ("region", "unit")
    inlines = [PhotoInline, TransitionInline]
    date_hierarchy = "starts_on"


@admin.register(ActivityReturnTransition)
class ActivityReturnTransitionAdmin(admin.ModelAdmin):
    list_display = ("activity", "action", "from_status", "to_status", "actor", "at")
    list_filter = ("action",)
    readonly_fields = ("activity", "action", "from_status", "to_status", "actor", "at", "reason", "version")


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ("activity", "original_name", "content_type", "size", "uploaded_at")


@admin.register(CampaignFiling)
class CampaignFilingAdmin(admin.ModelAdmin):
    list_display = ("campaign", "region", "unit", "kind", "filed_at", "filed_by")
    list_filter = ("campaign", "kind")
