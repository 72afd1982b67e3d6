"""Filters shared by the list page and the API: ?campaign=&region=320412&status=&category=&date_from=&date_to=."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import scope
from common.filters import BoundedModelChoiceFilter, IdFilter, KepuFilterSet
from programs.choices import region_options
from programs.models import Region

from .models import ActivityReturn, Campaign


class ActivityReturnFilter(KepuFilterSet):
    campaign = BoundedModelChoiceFilter(
        queryset=Campaign.objects.published(), label=_("活动专项"), empty_label=_("全部专项")
    )
    year_round = django_filters.BooleanFilter(field_name="campaign", lookup_expr="isnull", label=_("全年常态化活动"))
    region = django_filters.CharFilter(method="filter_region", label=_("区域(含下级)"))
    status = django_filters.ChoiceFilter(
        choices=ActivityReturn.STATUS_CHOICES, label=_("登记状态"), empty_label=_("全部状态")
    )
    report_status = django_filters.ChoiceFilter(
        choices=ActivityReturn.STATUS_CHOICES, label=_("补充信息状态"), empty_label=_("全部状态")
    )
    category = django_filters.ChoiceFilter(
        choices=ActivityReturn.Category.choices, label=_("活动类别"), empty_label=_("全部类别")
    )
    date_from = django_filters.DateFilter(field_name="ends_on", lookup_expr="gte", label=_("日期自"))
    date_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("日期至"))
    unit = IdFilter(field_name="unit_id", label=_("单位ID"))
    recommended = django_filters.BooleanFilter(label=_("推荐优秀"))
    q = django_filters.CharFilter(method="filter_q", label=_("搜索"))

    class Meta:
        model = ActivityReturn
        fields = [
            "campaign",
            "region",
            "status",
            "report_status",
            "category",
            "date_from",
            "date_to",
            "unit",
            "recommended",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # the regions this user may pick, by the scope rule; the query string still carries the code
        self.offer("region", lambda: region_options(scope.region_choices(user)), _("全部区域"))

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.in_region(region) if region else queryset.none()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(venue__icontains=value)
            | Q(organiser__icontains=value)
            | Q(town__icontains=value)
            | Q(topics__icontains=value)
        )


class CampaignFilter(KepuFilterSet):
    class Meta:
        model = Campaign
        fields = ["kind", "year"]
