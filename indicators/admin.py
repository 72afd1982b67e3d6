from django.contrib import admin

from .models import Indicator, IndicatorBaseline, IndicatorTarget, IndicatorValue, Observation, RollupRun


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


class IndicatorBaselineInline(admin.TabularInline):
    model = IndicatorBaseline
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "unit",
        "kind",
        "source",
        "population",
        "on_dashboard",
        "on_cockpit",
        "cockpit_order",
    )
    list_editable = ("on_cockpit", "cockpit_order")
    list_filter = ("source", "kind", "population")
    search_fields = ("code", "name")
    inlines = [IndicatorTargetInline, IndicatorBaselineInline]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "region", "value", "source", "entered_by")
    list_filter = ("indicator", "year")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period", "region", "dimension", "key", "value", "computed_at")
    list_filter = ("indicator", "dimension")

    def has_add_permission(self, request):
        return False  # written by the roll-up only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "trigger", "status", "rows", "duration_ms")
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in RollupRun._meta.fields]
