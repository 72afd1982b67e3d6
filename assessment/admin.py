from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AssessmentItem, AssessmentRound, AssessmentScheme, RegionPopulation, Result, Revision


class ItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(AssessmentScheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "assessed", "owner_region")
    list_filter = ("year", "assessed")
    inlines = [ItemInline]


@admin.register(RegionPopulation)
class RegionPopulationAdmin(SimpleHistoryAdmin):
    list_display = ("region", "year", "population", "source")
    list_filter = ("year",)


@admin.register(AssessmentRound)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("scheme", "status", "computed_at", "published_at")
    readonly_fields = ("status",)


admin.site.register(Result)
admin.site.register(Revision)
