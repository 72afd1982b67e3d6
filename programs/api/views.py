from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts import scope
from accounts.permissions import OfficeWritesOthersRead
from common.api import WorkflowActionSerializer, WorkflowActionsMixin, error_response
from common.workflow import WorkflowError

from ..filters import RegionFilter, ReportingPeriodFilter, ResponsibleUnitFilter, TaskFilter, UnitReportFilter
from ..models import (
    Organisation,
    Plan,
    PlanTarget,
    Programme,
    Region,
    ReportingPeriod,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    UnitReport,
)
from ..services import periods as period_services
from ..services import reports as report_services
from .serializers import (
    OrganisationSerializer,
    ProgrammeSerializer,
    RegionSerializer,
    ReportingPeriodSerializer,
    ResponsibleUnitSerializer,
    TargetPopulationSerializer,
    TaskSerializer,
    UnitReportAttachmentUploadSerializer,
    UnitReportSerializer,
    UnitReportWriteSerializer,
)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    search_fields = ["name", "code"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Filing organisations below the districts (园区科协, 学会, 企业科协, 农技协): the office and leaders read all, a
    district office its own district's (accounts.scope); `?region=320412&kind=society`."""

    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name", "code"]
    queryset = Organisation.objects.none()

    def get_queryset(self):
        qs = scope.readable(self.request.user, Organisation.objects.select_related("region")).order_by(
            "region__path", "kind", "order", "name"
        )
        region = self.request.query_params.get("region", "")
        if region:
            qs = qs.filter(region__path__contains=f"{region[:12]}/")
        return qs


class ResponsibleUnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ResponsibleUnit.objects.select_related("region").distinct()
    serializer_class = ResponsibleUnitSerializer
    filterset_class = ResponsibleUnitFilter
    search_fields = ["name"]


class TargetPopulationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = TargetPopulation.objects.all()
    serializer_class = TargetPopulationSerializer
    lookup_field = "code"


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (
        Task.objects.select_related("programme", "parent")
        .prefetch_related("populations", "targets", "assignments__unit", "parent__assignments__unit")
        .distinct()
        .order_by("order")
    )
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    search_fields = ["code", "title", "text"]


# --- member-unit work reports --------------------------------------------------------------


@extend_schema(tags=["reports"])
class ReportingPeriodViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reporting periods: everyone reads, the office opens them."""

    queryset = ReportingPeriod.objects.all()
    serializer_class = ReportingPeriodSerializer
    permission_classes = [OfficeWritesOthersRead]
    filterset_class = ReportingPeriodFilter

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            period = period_services.open_period(
                Plan.objects.current(),
                user=request.user,
                year=data["year"],
                kind=data["kind"],
                half=data.get("half"),
                opens_on=data["opens_on"],
                due_on=data["due_on"],
                closes_on=data["closes_on"],
            )
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            return error_response(exc)
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"])
class UnitReportViewSet(
    WorkflowActionsMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Unit reports, filtered to what the user may see (another unit's report is a 404).
    POST starts a draft (liaison: its unit; office: any unit, on its behalf); PATCH writes entries
    and figures; submit / accept / return are POST actions."""

    serializer_class = UnitReportSerializer
    filterset_class = UnitReportFilter
    search_fields = ["unit__name"]
    ordering_fields = ["period__year", "unit__order", "status", "first_submitted_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            UnitReport.objects.visible_to(self.request.user)
            .with_detail()
            .order_by("-period__year", "period__kind", "unit__order")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit, period = serializer.validated_data["unit"], serializer.validated_data["period"]
        if not scope.can_file_for_unit(request.user, unit):
            raise PermissionDenied("您无权填报该单位的工作报告。")
        try:
            report, created = report_services.start_report(
                unit, period, request.user, source_note=serializer.validated_data.get("source_note", "")
            )
        except (WorkflowError, DjangoValidationError, DjangoPermissionDenied) as exc:
            return error_response(exc)
        report = self.get_queryset().get(pk=report.pk)
        return Response(
            self.get_serializer(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=UnitReportWriteSerializer)
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        if not report.can_file(request.user):
            raise PermissionDenied("您无权修改该单位的工作报告。")
        body = UnitReportWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        codes = {}
        entries = {}
        for item in data.get("entries", []):
            task = Task.objects.filter(plan=report.period.plan, code=str(item.get("task", ""))).first()
            if task is None:
                return Response({"entries": [f"任务“{item.get('task')}”不存在。"]}, status=400)
            entries[task.pk] = {"progress": item.get("progress"), "narrative": item.get("narrative", "")}
        figures = {}
        for code, raw in (data.get("figures") or {}).items():
            target = PlanTarget.objects.filter(plan=report.period.plan, code=code).first()
            if target is None:
                return Response({"figures": [f"数据项“{code}”不存在。"]}, status=400)
            codes[f"figure_{target.pk}"] = f"figure_{code}"
            figures[target.pk] = raw
        try:
            report = report_services.save_report(
                report,
                request.user,
                entries=entries,
                figures=figures,
                summary=data.get("summary"),
                source_note=data.get("source_note"),
                expected_version=data.get("version"),
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                return Response({codes.get(k, k): v for k, v in exc.message_dict.items()}, status=400)
            return error_response(exc)
        except (WorkflowError, DjangoPermissionDenied) as exc:
            return error_response(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response({"detail": "请使用 PATCH 提交修改。"}, status=status.HTTP_405_METHOD_NOT_ALLOWED)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": UnitReportAttachmentUploadSerializer},
        responses=UnitReportSerializer,
        summary="为某项任务上传附件(与页面相同的类型与大小检查)",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        report = self.get_object()
        if not report.can_file(request.user):
            raise PermissionDenied("您无权修改该单位的工作报告。")
        body = UnitReportAttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        task = Task.objects.filter(plan=report.period.plan, code=data["task"]).first()
        if task is None:
            return Response({"task": [f"任务“{data['task']}”不存在。"]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            report = report_services.save_report(
                report, request.user, uploads=[(task.pk, data["file"])], expected_version=data.get("version")
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):  # file_<task id> → file: the message names the file and the rule
                return Response({"file": [m for msgs in exc.message_dict.values() for m in msgs]}, status=400)
            return error_response(exc)
        except (WorkflowError, DjangoPermissionDenied) as exc:
            return error_response(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED)

    def transition_service(self, report, action, user, reason, expected_version):
        report_services.transition_report(report, action, user, reason=reason, expected_version=expected_version)

    @extend_schema(request=WorkflowActionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.run_transition(request, "submit")

    @extend_schema(request=WorkflowActionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.run_transition(request, "accept")

    @extend_schema(request=WorkflowActionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self.run_transition(request, "return")
