"""/api/v1/campaigns/ (with publish/) and /api/v1/activities/ with submit/approve/return/reopen actions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import scope
from accounts.permissions import OfficeWritesOthersRead
from common.api import WorkflowActionSerializer, WorkflowActionsMixin, error_response
from common.filters import parse_id
from common.workflow import WorkflowError

from .. import campaigns, completeness, services
from ..filters import ActivityReturnFilter, CampaignFilter
from ..models import ActivityReturn, Campaign
from .serializers import ActivityReturnSerializer, CampaignPublishedSerializer, CampaignSerializer


class CompletenessRowSerializer(serializers.Serializer):
    """One row of a campaign's completeness table (documents the `completeness/` response)."""

    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["region", "unit", "organisation", "base"])
    region = serializers.CharField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True)
    base = serializers.IntegerField(allow_null=True)
    schedule_filed = serializers.BooleanField()
    schedule_on_time = serializers.BooleanField(allow_null=True)
    summary_filed = serializers.BooleanField()
    summary_on_time = serializers.BooleanField(allow_null=True)
    returns = serializers.IntegerField()
    submitted = serializers.IntegerField()
    forwarded = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField()
    participants = serializers.IntegerField(help_text="已通过的活动补充信息中的实际参与人次")
    reports_submitted = serializers.IntegerField(help_text="已提交、待审核的活动补充信息")
    reports_approved = serializers.IntegerField(help_text="已通过的活动补充信息(计入统计)")
    reports_missing = serializers.IntegerField(help_text="已登记但尚未提交补充信息的活动")


class CampaignViewSet(viewsets.ModelViewSet):
    """Campaigns: everyone reads the published ones, the office also its drafts. A campaign created here is a draft
    until `publish/`."""

    serializer_class = CampaignSerializer
    permission_classes = [OfficeWritesOthersRead]
    filterset_class = CampaignFilter
    search_fields = ["name", "theme"]

    def get_queryset(self):
        return (
            Campaign.objects.visible_to(self.request.user)
            .prefetch_related("regions", "units")
            .order_by("-year", "-starts_on")
        )

    def _through_service(self, serializer, write):
        try:
            serializer.instance = write(dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None

    def perform_create(self, serializer):
        self._through_service(serializer, lambda data: campaigns.create_campaign(self.request.user, data))

    def perform_update(self, serializer):
        self._through_service(
            serializer, lambda data: campaigns.update_campaign(serializer.instance, self.request.user, data)
        )

    @extend_schema(
        request=None,
        responses=CampaignPublishedSerializer,
        summary="发布活动专项(领导小组办公室):须报送的单位可见并收到通知;重复发布不再通知",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        campaign = self.get_object()
        if not scope.can_manage_campaigns(request.user):
            raise PermissionDenied("只有领导小组办公室可以发布活动专项。")
        try:
            result = campaigns.publish_campaign(campaign, request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response(
            {
                "id": result.campaign.pk,
                "published_at": result.campaign.published_at,
                "published_now": result.now,
                "detail": result.message,
            }
        )

    @extend_schema(
        summary="报送完成情况(区域/单位 × 安排表、总结、活动数、参与人次)",
        responses=CompletenessRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def completeness(self, request, pk=None):
        campaign = self.get_object()
        user = request.user
        rows = completeness.completeness_for(campaign, user)
        return Response(
            [
                {
                    "name": r.name,
                    "region": r.region_code,
                    "unit": r.unit_id,
                    "schedule_filed": r.schedule_filed,
                    "schedule_on_time": r.schedule_on_time,
                    "summary_filed": r.summary_filed,
                    "summary_on_time": r.summary_on_time,
                    "kind": r.kind,
                    "organisation": r.organisation_id,
                    "base": r.base_id,
                    "returns": r.returns,
                    "submitted": r.submitted,
                    "forwarded": r.forwarded,
                    "returned": r.returned,
                    "approved": r.approved,
                    "participants": r.participants,
                    "reports_submitted": r.reports_submitted,
                    "reports_approved": r.reports_approved,
                    "reports_missing": r.reports_missing,
                }
                for r in rows
            ]
        )


class ActivityReturnViewSet(WorkflowActionsMixin, viewsets.ModelViewSet):
    serializer_class = ActivityReturnSerializer
    filterset_class = ActivityReturnFilter
    search_fields = ["title", "venue", "organiser"]
    ordering_fields = ["starts_on", "submitted_at", "actual_participants", "id"]

    def get_queryset(self):
        return (
            ActivityReturn.objects.visible_to(self.request.user)
            .with_list_relations()
            .prefetch_related("target_populations", "transitions__actor", "photos")
            .order_by("-starts_on", "-id")
        )

    def _check_writer(self):
        if not scope.scope_of(self.request.user).files:
            raise PermissionDenied("您的角色只能查看,不能填报或修改。")

    def perform_create(self, serializer):
        self._check_writer()
        data = dict(serializer.validated_data)
        populations = data.pop("target_populations", [])
        activity = ActivityReturn(**data)
        try:
            services.save_return(activity, self.request.user, populations=populations, source="api")
        except WorkflowError as exc:
            raise PermissionDenied(str(exc)) from None
        serializer.instance = activity

    def update(self, request, *args, **kwargs):
        self._check_writer()
        activity = self.get_object()
        serializer = self.get_serializer(activity, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        populations = data.pop("target_populations", None)
        for key, value in data.items():
            setattr(activity, key, value)
        versions = {}
        for name in ("version", "report_version"):
            value = request.data.get(name)
            versions[name] = None if isinstance(value, (bool, list, dict)) else parse_id(value)
            if value is not None and versions[name] is None:
                return Response(
                    {name: [f"版本号 {name} 必须是正整数(记录的 {name} 字段)。"]}, status=status.HTTP_400_BAD_REQUEST
                )
        try:
            services.save_return(
                activity,
                request.user,
                populations=populations,
                expected_version=versions["version"],
                expected_report_version=versions["report_version"],
            )
        except WorkflowError as exc:
            return error_response(exc)
        return Response(self.get_serializer(activity).data)

    def destroy(self, request, *args, **kwargs):
        self._check_writer()
        try:
            services.delete_draft(self.get_object(), request.user)
        except WorkflowError as exc:
            return error_response(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def transition_service(self, activity, action, user, reason, expected_version):
        services.transition(activity, action, user, reason=reason, expected_version=expected_version)

    @extend_schema(request=WorkflowActionSerializer, summary="提交审核")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.run_transition(request, "submit")

    @extend_schema(
        request=WorkflowActionSerializer,
        summary="审核通过(辖市(区)科协审核其下级填报:通过即报送市级;领导小组办公室终审)",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.run_transition(request, "approve")

    @extend_schema(
        request=WorkflowActionSerializer, summary="退回(须填写理由;市级退回区级已审核的填报时退回该辖市(区))"
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self.run_transition(request, "return")

    @extend_schema(request=WorkflowActionSerializer, summary="重新打开已通过的填报(须填写理由)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.run_transition(request, "reopen")

    # the post-event report (活动补充信息): its own submission and review, with `report_version`
    @extend_schema(
        request=WorkflowActionSerializer,
        summary="提交活动补充信息(活动登记已提交、活动已开始;version 为 report_version)",
    )
    @action(detail=True, methods=["post"], url_path="submit-report")
    def submit_report(self, request, pk=None):
        return self.run_transition(request, "submit_report")

    @extend_schema(request=WorkflowActionSerializer, summary="审核通过活动补充信息(通过后计入统计)")
    @action(detail=True, methods=["post"], url_path="approve-report")
    def approve_report(self, request, pk=None):
        return self.run_transition(request, "approve_report")

    @extend_schema(request=WorkflowActionSerializer, summary="退回活动补充信息(须填写理由)")
    @action(detail=True, methods=["post"], url_path="return-report")
    def return_report(self, request, pk=None):
        return self.run_transition(request, "return_report")

    @extend_schema(request=WorkflowActionSerializer, summary="重新打开已通过的活动补充信息(须填写理由)")
    @action(detail=True, methods=["post"], url_path="reopen-report")
    def reopen_report(self, request, pk=None):
        return self.run_transition(request, "reopen_report")
