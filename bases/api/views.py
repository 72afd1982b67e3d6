from django.db.models import Prefetch
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import scope
from accounts.scope import scope_of
from common import clock

from ..filters import AnnualReportFilter, BaseFilter, CertificationFilter
from ..models import Base, BaseAnnualReport, Certification
from .serializers import AnnualReportSerializer, BaseDetailSerializer, BaseSerializer, CertificationSerializer


class BasesPermission(BasePermission):
    """Readers and writers by accounts.scope kind; which rows each sees or changes is the querysets' business."""

    message = "您的角色无权访问或修改科普教育基地。"
    readers: tuple[str, ...] = ("office", "leader", "district", "base")
    writers: tuple[str, ...] = ("office", "district")

    def has_permission(self, request, view):
        kind = scope_of(request.user).kind
        return kind in (self.readers if request.method in SAFE_METHODS else self.writers)


class AnnualReportsPermission(BasesPermission):
    writers: tuple[str, ...] = ("office", "district", "base")


class OfficeWritesPermission(BasesPermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return scope_of(request.user).writes_all


class BaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Science-education bases with their certifications and annual reports (`?region=&level=&status=`).

    No DELETE (405): deleting a base would cascade to its certifications and reports, and no page offers it;
    the office removes a base in the admin."""

    permission_classes = [BasesPermission]
    filterset_class = BaseFilter
    search_fields = ["name", "host_organisation", "address"]
    ordering_fields = ["name", "updated_at"]
    queryset = Base.objects.none()

    def get_queryset(self):
        qs = (
            Base.objects.visible_to(self.request.user)
            .with_level_on(clock.today())
            .select_related("region")
            .order_by("region__path", "name", "pk")
            .prefetch_related(
                "themes",
                Prefetch("certifications", queryset=Certification.objects.order_by("-certified_on", "-pk")),
                Prefetch("annual_reports", queryset=BaseAnnualReport.objects.order_by("year")),
            )
        )
        if self.action != "list":
            qs = qs.prefetch_related("designations")
        return qs

    def get_serializer_class(self):
        return BaseSerializer if self.action == "list" else BaseDetailSerializer

    def get_object(self):
        obj = super().get_object()
        if (
            self.request.method not in SAFE_METHODS
            and not Base.objects.changeable_by(self.request.user).filter(pk=obj.pk).exists()
        ):
            raise PermissionDenied("您无权修改该基地。")
        return obj

    def perform_create(self, serializer):
        serializer.save()

    def perform_update(self, serializer):
        serializer.save()


class CertificationViewSet(viewsets.ModelViewSet):
    """Certifications (reads for every reader in scope; the office records them)."""

    permission_classes = [OfficeWritesPermission]
    serializer_class = CertificationSerializer
    filterset_class = CertificationFilter
    http_method_names = ["get", "head", "options"]
    queryset = Certification.objects.none()

    def get_queryset(self):
        return Certification.objects.visible_to(self.request.user).order_by("-certified_on", "pk")


class AnnualReportViewSet(viewsets.ModelViewSet):
    """Bases' annual reports: district offices file their region's; the office any."""

    permission_classes = [AnnualReportsPermission]
    serializer_class = AnnualReportSerializer
    filterset_class = AnnualReportFilter
    queryset = BaseAnnualReport.objects.none()

    def get_queryset(self):
        qs = BaseAnnualReport.objects.all() if self.request.method in SAFE_METHODS else None
        if qs is None:
            return scope.changeable(self.request.user, BaseAnnualReport.objects.all()).order_by("base_id", "year")
        return scope.readable(self.request.user, qs).order_by("base_id", "year")
