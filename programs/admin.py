from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    OverdueDigest,
    Plan,
    PlanBaseline,
    PlanTarget,
    Programme,
    Region,
    ReportingPeriod,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    TaskAssignment,
    UnitReport,
    UnitReportAttachment,
    UnitReportEntry,
    UnitReportFigure,
    UnitReportTransition,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "start_year", "end_year", "published_on")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(TargetPopulation)
class TargetPopulationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "plan", "order")


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "level", "programme")
    list_filter = ("level", "programme", "populations")
    search_fields = ("code", "title", "text")
    inlines = [TaskAssignmentInline]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_member", "region")
    list_filter = ("kind", "is_member")
    search_fields = ("name",)


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "unit", "via_group")
    list_filter = ("unit",)


class PlanBaselineInline(admin.TabularInline):
    model = PlanBaseline
    extra = 0


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ("name", "value", "unit", "year", "kind", "task")
    list_filter = ("kind", "population")
    inlines = [PlanBaselineInline]


# --- member-unit work reports ---------------------------------------------------------------


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "kind", "half", "opens_on", "due_on", "closes_on", "is_open")
    list_filter = ("kind", "is_open", "year")


class UnitReportEntryInline(admin.TabularInline):
    model = UnitReportEntry
    extra = 0
    fields = ("task", "progress", "narrative")
    readonly_fields = ("task",)


class UnitReportFigureInline(admin.TabularInline):
    model = UnitReportFigure
    extra = 0


class UnitReportTransitionInline(admin.TabularInline):
    model = UnitReportTransition
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "at", "reason", "version")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UnitReport)
class UnitReportAdmin(SimpleHistoryAdmin):
    """Read-mostly: status changes go through the workflow (pages / API), never through admin."""

    list_display = ("unit", "period", "status", "entered_by", "first_submitted_at")
    list_filter = ("period", "status")
    search_fields = ("unit__name",)
    readonly_fields = ("unit", "period", "status", "entered_by", "last_edited_by", "first_submitted_at")
    inlines = [UnitReportEntryInline, UnitReportFigureInline, UnitReportTransitionInline]


@admin.register(UnitReportAttachment)
class UnitReportAttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "entry", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("file",)


@admin.register(OverdueDigest)
class OverdueDigestAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "recipients", "created_at")
    readonly_fields = ("sent_on", "items", "body", "recipients", "created_at")

    def has_add_permission(self, request):
        return False
