from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..filters import BaseFilter, CertificationFilter
from ..models import Base, BaseAnnualReport, Certification
from .serializers import AnnualReportSerializer, BaseDetailSerializer, BaseSerializer, CertificationSerializer


class BasesPermission(BasePermission):
    """Office, district offices and leaders read (filtered by region); office and districts write."""

    message = "您的角色无权访问或修改科普教育基地。"

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return user.is_office or user.is_district or user.is_leader
        return user.is_office or user.is_district


class OfficeWritesPermission(BasesPermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return bool(request.user and request.user.is_authenticated and request.user.is_office)


class BaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Science-education bases with their certifications and annual reports (`?region=&level=&status=`).

    No DELETE (405): deleting a base would cascade to its certifications and reports, and no page offers it;
    the office removes a base in the admin."""

    permission_classes = [BasesPermission]
    filterset_class = BaseFilter
    search_fields = ["name", "host_organisation", "address"]
    ordering_fields = ["name", "updated_at"]
    queryset = Base.objects.none()

    def get_queryset(self):
        qs = (Base.objects.visible_to(self.request.user).with_level_on(timezone.localdate())
              .select_related("region").order_by("region__path", "name", "pk")
              .prefetch_related(
                  "themes",
                  Prefetch("certifications", queryset=Certification.objects.order_by("-certified_on", "-pk")),
                  Prefetch("annual_reports", queryset=BaseAnnualReport.objects.order_by("year")),
              ))
        if self.action != "list":
            qs = qs.prefetch_related("designations")
        return qs

    def get_serializer_class(self):
        return BaseSerializer if self.action == "list" else BaseDetailSerializer

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

    permission_classes = [BasesPermission]
    serializer_class = AnnualReportSerializer
    filterset_fields = ["base", "year"]
    queryset = BaseAnnualReport.objects.none()

    def get_queryset(self):
        visible = Base.objects.visible_to(self.request.user).values("pk")
        return BaseAnnualReport.objects.filter(base__in=visible).order_by("base_id", "year")
