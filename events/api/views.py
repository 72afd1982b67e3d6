"""/api/v1/campaigns/ and /api/v1/activities/ with submit/approve/return/reopen actions."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.permissions import OfficeWritesOthersRead
from common.api import WorkflowActionSerializer, WorkflowActionsMixin, error_response
from common.workflow import WorkflowError

from .. import services
from ..filters import ActivityReturnFilter, CampaignFilter
from ..models import ActivityReturn, Campaign
from .serializers import ActivityReturnSerializer, CampaignSerializer


class CompletenessRowSerializer(serializers.Serializer):
    """One row of a campaign's completeness table (documents the `completeness/` response)."""

    name = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    schedule_filed = serializers.BooleanField()
    schedule_on_time = serializers.BooleanField(allow_null=True)
    summary_filed = serializers.BooleanField()
    summary_on_time = serializers.BooleanField(allow_null=True)
    returns = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField()
    participants = serializers.IntegerField()


class CampaignViewSet(viewsets.ModelViewSet):
    queryset = Campaign.objects.prefetch_related("regions", "units").order_by("-year", "-starts_on")
    serializer_class = CampaignSerializer
    permission_classes = [OfficeWritesOthersRead]
    filterset_class = CampaignFilter
    search_fields = ["name", "theme"]

    @extend_schema(summary="报送完成情况(区域/单位 × 安排表、总结、活动数、参与人次)",
                   responses=CompletenessRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def completeness(self, request, pk=None):
        campaign = self.get_object()
        user = request.user
        rows = services.completeness(campaign)
        if not user.reads_everything:
            rows = [r for r in rows if (user.is_district and r.region_code == user.region.code)
                    or (user.is_liaison and r.unit_id == user.unit_id)]
        return Response([{
            "name": r.name, "region": r.region_code, "unit": r.unit_id,
            "schedule_filed": r.schedule_filed, "schedule_on_time": r.schedule_on_time,
            "summary_filed": r.summary_filed, "summary_on_time": r.summary_on_time,
            "returns": r.returns, "submitted": r.submitted, "returned": r.returned,
            "approved": r.approved, "participants": r.participants,
        } for r in rows])


class ActivityReturnViewSet(WorkflowActionsMixin, viewsets.ModelViewSet):
    serializer_class = ActivityReturnSerializer
    filterset_class = ActivityReturnFilter
    search_fields = ["title", "venue", "organiser"]
    ordering_fields = ["starts_on", "submitted_at", "actual_participants", "id"]

    def get_queryset(self):
        return (ActivityReturn.objects.visible_to(self.request.user)
                .with_list_relations().prefetch_related("target_populations", "transitions__actor", "photos")
                .order_by("-starts_on", "-id"))

    def _check_writer(self):
        user = self.request.user
        if not (user.is_office or user.is_district or user.is_liaison):
            raise PermissionDenied("您的角色只能查看,不能填报或修改。")

    def perform_create(self, serializer):
        self._check_writer()
        user = self.request.user
        data = dict(serializer.validated_data)
        populations = data.pop("target_populations", [])
        if user.is_district and not data.get("region"):
            data["region"] = user.region
        if user.is_liaison and not data.get("unit"):
            data["unit"] = user.unit
        if not data.get("region") and not data.get("unit"):
            raise ValidationError({"region": "请指定组织区域或组织单位。"})
        activity = ActivityReturn(**data)
        try:
            services.save_return(activity, user, populations=populations, source="api")
        except WorkflowError as exc:
            raise PermissionDenied(str(exc)) from None
        serializer.instance = activity

    def update(self, request, *args, **kwargs):
        self._check_writer()
        activity = self.get_object()
        if not activity.can_file(request.user):
            return Response({"detail": "您无权修改此活动填报。"}, status=status.HTTP_403_FORBIDDEN)
        if activity.is_locked():
            return Response({"detail": services.LOCKED_MESSAGE}, status=status.HTTP_403_FORBIDDEN)
        serializer = self.get_serializer(activity, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        populations = data.pop("target_populations", None)
        for key, value in data.items():
            setattr(activity, key, value)
        if not activity.can_file(request.user):  # moved to a region the user does not cover
            return Response({"detail": "您只能为本区域或本单位填报活动。"}, status=status.HTTP_403_FORBIDDEN)
        try:
            services.save_return(activity, request.user, populations=populations,
                                 expected_version=request.data.get("version"))
        except WorkflowError as exc:
            return error_response(exc)
        return Response(self.get_serializer(activity).data)

    def destroy(self, request, *args, **kwargs):
        self._check_writer()
        activity = self.get_object()
        if not activity.can_edit(request.user) or activity.status != "draft":
            return Response({"detail": "只能删除本区域(单位)的草稿。"}, status=status.HTTP_403_FORBIDDEN)
        activity.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def transition_service(self, activity, action, user, reason, expected_version):
        services.transition(activity, action, user, reason=reason, expected_version=expected_version)

    @extend_schema(request=WorkflowActionSerializer, summary="提交审核")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.run_transition(request, "submit")

    @extend_schema(request=WorkflowActionSerializer, summary="审核通过(仅领导小组办公室)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.run_transition(request, "approve")

    @extend_schema(request=WorkflowActionSerializer, summary="退回(须填写理由)")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self.run_transition(request, "return")

    @extend_schema(request=WorkflowActionSerializer, summary="重新打开已通过的填报(须填写理由)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.run_transition(request, "reopen")
