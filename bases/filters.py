"""Filters shared by the list page, the exports and the API (`?region=320412&level=provincial&status=valid`)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts import scope
from common import clock
from common.filters import BoundedModelChoiceFilter, BoundedNumberFilter, IdFilter, KepuFilterSet
from common.levels import LEVEL_RANK
from programs.choices import region_options
from programs.models import Region

from .models import Base, BaseAnnualReport, Certification, Theme
from .querysets import _add_months

LEVEL_CHOICES = list(Certification.Level.choices) + [("none", _("无有效认定"))]
STATUS_CHOICES = Certification.Status.choices


class BaseFilter(KepuFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("搜索"))
    region = django_filters.CharFilter(method="filter_region", label=_("区域"))
    level = django_filters.ChoiceFilter(choices=LEVEL_CHOICES, method="filter_level", label=_("当前级别"))
    category = django_filters.ChoiceFilter(choices=Base.Category.choices, label=_("类别"))
    theme = BoundedModelChoiceFilter(
        queryset=Theme.objects.all(), field_name="themes", to_field_name="code", label=_("主题")
    )
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label=_("认定状态"))
    expiring = BoundedNumberFilter(method="filter_expiring", label=_("几个月内到期"), min_value=1, max_value=120)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("region__path", "region"),
            ("level_rank", "level"),
            ("updated_at", "updated"),
            ("next_expiry", "expiry"),
        ),
        field_labels={
            "name": _("名称"),
            "region__path": _("区域"),
            "level_rank": _("级别"),
            "updated_at": _("更新时间"),
            "next_expiry": _("到期日"),
        },
        label=_("排序"),
    )

    class Meta:
        model = Base
        fields = ["q", "region", "level", "category", "theme", "status", "expiring"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # the regions this user may pick, by the scope rule; the query string still carries the code
        self.offer("region", lambda: region_options(scope.region_choices(user)), _("区域"))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(host_organisation__icontains=value) | Q(address__icontains=value)
        )

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.in_region(region) if region else queryset.none()

    def filter_level(self, queryset, name, value):
        rank = 0 if value == "none" else LEVEL_RANK[value]
        if "level_rank" not in queryset.query.annotations:
            queryset = queryset.with_level_on(clock.today())
        return queryset.filter(level_rank=rank)

    def filter_status(self, queryset, name, value):
        today = clock.today()
        certs = Certification.objects.filter(base=OuterRef("pk"))
        if value == Certification.Status.VALID:
            certs = certs.valid_on(today)
        elif value == Certification.Status.REVOKED:
            certs = certs.filter(revoked_on__isnull=False, revoked_on__lte=today)
        else:  # expired: ran out, never revoked
            certs = certs.filter(valid_until__lt=today, revoked_on__isnull=True)
        return queryset.filter(Exists(certs))

    def filter_expiring(self, queryset, name, value):
        today = clock.today()
        horizon = _add_months(today, int(value))
        certs = Certification.objects.filter(base=OuterRef("pk")).valid_on(today).filter(valid_until__lte=horizon)
        return queryset.filter(Exists(certs))


class CertificationFilter(KepuFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("区域代码"))
    level = django_filters.ChoiceFilter(choices=Certification.Level.choices)
    status = django_filters.ChoiceFilter(choices=Certification.Status.choices)
    certified_after = django_filters.DateFilter(field_name="certified_on", lookup_expr="gte")
    base = IdFilter(field_name="base_id")

    class Meta:
        model = Certification
        fields = ["region", "level", "status", "base", "batch"]

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.in_region(region) if region else queryset.none()


class AnnualReportFilter(KepuFilterSet):
    """?base=<id>&year= — the base by its id, like CertificationFilter: a choice of every base would list other
    parties' bases in the browsable API's filter form."""

    base = IdFilter(field_name="base_id")

    class Meta:
        model = BaseAnnualReport
        fields = ["base", "year"]
