import django_filters

from common.filters import BoundedModelChoiceFilter, BoundedNumberFilter, IdFilter, KepuFilterSet

from .models import Programme, Region, ReportingPeriod, ResponsibleUnit, TargetPopulation, Task, UnitReport


class RegionFilter(KepuFilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="上级区划代码")

    class Meta:
        model = Region
        fields = ["level", "parent", "code"]


class ResponsibleUnitFilter(KepuFilterSet):
    task = django_filters.CharFilter(field_name="assignments__task__code", label="任务编号")

    class Meta:
        model = ResponsibleUnit
        fields = ["kind", "is_member", "task"]


class TaskFilter(KepuFilterSet):
    programme = django_filters.CharFilter(field_name="programme__code", label="工程编号")
    population = django_filters.CharFilter(method="filter_population", label="重点人群代码")
    unit = IdFilter(field_name="assignments__unit", label="责任单位ID")

    class Meta:
        model = Task
        fields = ["level", "programme", "population", "unit"]

    def filter_population(self, queryset, name, value):
        population = TargetPopulation.objects.filter(code=value).first()
        return queryset.for_population(population) if population else queryset.none()


class UnitReportFilter(KepuFilterSet):
    """Shared by the report list page and /api/v1/unit-reports/."""

    period = IdFilter(field_name="period_id", label="报送周期ID")
    year = BoundedNumberFilter(field_name="period__year", label="年份")
    status = django_filters.ChoiceFilter(choices=UnitReport.STATUS_CHOICES, label="状态")
    unit = IdFilter(field_name="unit_id", label="责任单位ID")
    region = django_filters.CharFilter(field_name="unit__region__code", label="区划代码")
    programme = django_filters.CharFilter(method="filter_programme", label="工程编号")
    population = django_filters.CharFilter(method="filter_population", label="重点人群代码")

    class Meta:
        model = UnitReport
        fields = ["period", "year", "status", "unit", "region", "programme", "population"]

    def filter_programme(self, queryset, name, value):
        return queryset.filter(unit__assignments__task__programme__code=value).distinct()

    def filter_population(self, queryset, name, value):
        return queryset.filter(unit__assignments__task__populations__code=value).distinct()


class ReportingPeriodFilter(KepuFilterSet):
    class Meta:
        model = ReportingPeriod
        fields = ["year", "kind", "half", "is_open"]


class CompletenessFilter(KepuFilterSet):
    """Units × periods matrix filters: which periods (year), which units (programme, population)."""

    year = BoundedNumberFilter(field_name="year", label="年份")
    programme = BoundedModelChoiceFilter(
        queryset=Programme.objects.all(), method="keep", label="工程", to_field_name="code"
    )
    population = BoundedModelChoiceFilter(
        queryset=TargetPopulation.objects.all(), method="keep", label="重点人群", to_field_name="code"
    )

    class Meta:
        model = ReportingPeriod
        fields = ["year", "programme", "population"]

    def keep(self, queryset, name, value):
        return queryset  # applied to the units, not the periods (see views.CompletenessView)
