from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ..dashboard import Dashboard, allowed_regions, resolve_region, summary
from ..models import Indicator, IndicatorValue
from .serializers import DashboardSummarySerializer, IndicatorSerializer, IndicatorValueSerializer

REGION_PARAM = OpenApiParameter("region", str, description="区划代码,默认全市(辖市(区)用户只能查看本区和全市)")


class IndicatorValueFilter(filters.FilterSet):
    region = filters.CharFilter(field_name="region__code", label="区划代码")
    period = filters.CharFilter(field_name="period", label="期间(2024, 2024-H1)")
    dimension = filters.CharFilter(field_name="dimension", label="分组维度(month/campaign/category/population)")

    class Meta:
        model = IndicatorValue
        fields = ["region", "period", "dimension"]


def _check_dashboard_access(user):
    if not allowed_regions(user):
        raise PermissionDenied("您的角色无权查看指标。")


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    queryset = Indicator.objects.select_related("population", "programme", "task").prefetch_related(
        "targets", "baselines"
    )
    filterset_fields = ["source", "kind"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _check_dashboard_access(request.user)

    @extend_schema(parameters=[REGION_PARAM], responses=IndicatorValueSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=IndicatorValueSerializer)
    def values(self, request, code=None):
        indicator = self.get_object()
        qs = IndicatorValue.objects.visible_to(request.user).filter(indicator=indicator)
        region = request.query_params.get("region")
        if region:
            resolve_region(request.user, region)  # 404 for a region outside the user's remit
        if not request.query_params.get("dimension"):
            qs = qs.filter(dimension="")
        qs = IndicatorValueFilter(request.query_params, queryset=qs.select_related("region")).qs.order_by(
            "region__path", "year", "period", "key"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(IndicatorValueSerializer(page, many=True).data)


class DashboardSummaryView(APIView):
    @extend_schema(parameters=[REGION_PARAM], responses=DashboardSummarySerializer, tags=["dashboard"])
    def get(self, request):
        _check_dashboard_access(request.user)
        region = resolve_region(request.user, request.query_params.get("region"))
        return Response(summary(Dashboard(request.user, region)))
