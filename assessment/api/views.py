"""/api/v1/assessment-rounds/ (read): the rounds, scores and results a user may read, by accounts.scope."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from ..querysets import results_for, rounds_for, scores_for
from .serializers import ResultSerializer, RoundSerializer, ScoreSerializer


class AssessmentRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """考核轮次: the office and leaders read all; an assessed party the rounds of its schemes once opened."""

    serializer_class = RoundSerializer
    filterset_fields = ["status"]
    queryset = rounds_for(None)

    def get_queryset(self):
        return (
            rounds_for(self.request.user)
            .select_related("scheme__owner_region")
            .order_by("-scheme__year", "scheme__name", "id")
        )

    @extend_schema(summary="考核得分(本单位/本地区的;办公室和领导:全部)", responses=ScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        round_ = self.get_object()
        qs = scores_for(request.user, round_).order_by("region__path", "unit__order", "item__order", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ScoreSerializer(page, many=True).data)

    @extend_schema(summary="考核结果(公布前:本单位/本地区的;公布后:全部排名)", responses=ResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        round_ = self.get_object()
        qs = results_for(request.user, round_).order_by("rank", "region__path", "unit__order", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)
