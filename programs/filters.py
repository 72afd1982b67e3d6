import django_filters
from django.utils.translation import gettext_lazy as _

from accounts import scope
from common.filters import BoundedModelChoiceFilter, BoundedNumberFilter, IdFilter, KepuFilterSet

from .choices import population_options, programme_options, region_options
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
    """Shared by the report list page and /api/v1/unit-reports/: codes and ids in the query string, offered on the
    page by name."""

    period = IdFilter(field_name="period_id", label=_("报送周期"))
    year = BoundedNumberFilter(field_name="period__year", label=_("年份"))
    status = django_filters.ChoiceFilter(choices=UnitReport.STATUS_CHOICES, label=_("状态"), empty_label=_("全部状态"))
    unit = IdFilter(field_name="unit_id", label=_("责任单位"))
    region = django_filters.CharFilter(field_name="unit__region__code", label=_("区域"))
    programme = django_filters.CharFilter(method="filter_programme", label=_("工程"))
    population = django_filters.CharFilter(method="filter_population", label=_("重点人群"))

    class Meta:
        model = UnitReport
        fields = ["period", "year", "status", "unit", "region", "programme", "population"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        reports = self.queryset  # the reports the user may read (the view asked the scope rule)
        self.offer(
            "period",
            lambda: [
                (p.pk, p.label)
                for p in ReportingPeriod.objects.filter(pk__in=reports.values("period_id")).order_by(
                    "-year", "kind", "half"
                )
            ],
            _("全部周期"),
        )
        self.offer(
            "unit",
            lambda: ResponsibleUnit.objects.filter(pk__in=reports.values("unit_id"))
            .order_by("order")
            .values_list("pk", "name"),
            _("全部单位"),
        )
        # member units sit at the city or a district, never at a town
        self.offer("region", lambda: region_options(scope.region_choices(user).exclude(level="town")), _("全部区域"))
        self.offer("programme", programme_options, _("全部工程"))
        self.offer("population", population_options, _("全部人群"))

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
