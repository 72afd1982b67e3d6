from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssessmentItem,
    AssessmentRound,
    AssessmentScheme,
    Award,
    Nomination,
    RegionPopulation,
    Result,
    Revision,
)


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


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "district", "kind", "nominee", "status")
    list_filter = ("kind", "status")


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ("year", "level", "title", "region", "unit", "organisation")
    list_filter = ("year", "level")
