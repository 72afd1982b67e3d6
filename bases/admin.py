from django.contrib import admin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Base, BaseAnnualReport, Certification, Designation, Theme
from .resources import AnnualReportResource, BaseResource, CertificationResource


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = (
        "level",
        "batch",
        "certified_on",
        "valid_until",
        "certificate_no",
        "status",
        "revoked_on",
        "revoke_reason",
    )


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Base)
class BaseAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [BaseResource]
    list_display = ("name", "region", "category", "opening_policy", "updated_at")
    list_filter = ("category", "opening_policy", "region", "themes")
    search_fields = ("name", "host_organisation", "address")
    autocomplete_fields = ()
    inlines = [CertificationInline, DesignationInline]


@admin.register(Certification)
class CertificationAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CertificationResource]
    list_display = ("base", "level", "batch", "certified_on", "valid_until", "certificate_no", "status")
    list_filter = ("level", "status", "batch")
    search_fields = ("base__name", "certificate_no")
    raw_id_fields = ("base",)


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("base", "name", "awarded_by", "awarded_on")
    raw_id_fields = ("base",)


@admin.register(BaseAnnualReport)
class BaseAnnualReportAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [AnnualReportResource]
    list_display = ("base", "year", "visitors", "activities", "open_days")
    list_filter = ("year",)
    search_fields = ("base__name",)
    raw_id_fields = ("base",)
