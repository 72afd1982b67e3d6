from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts import scope
from common.levels import RANK_LEVEL
from programs.models import Region

from ..models import Base, BaseAnnualReport, Certification, Designation, Theme


class CertificationSerializer(serializers.ModelSerializer):
    base: serializers.PrimaryKeyRelatedField[Base] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "base",
            "level",
            "batch",
            "certified_on",
            "valid_until",
            "certificate_no",
            "recommending_unit",
            "is_renewal",
            "status",
            "revoked_on",
            "revoke_reason",
        ]


class AnnualReportSerializer(serializers.ModelSerializer):
    base = serializers.PrimaryKeyRelatedField(queryset=Base.objects.none())

    class Meta:
        model = BaseAnnualReport
        fields = [
            "id",
            "base",
            "year",
            "open_days",
            "free_open_days",
            "visitors",
            "activities",
            "staff_full_time",
            "staff_part_time",
            "volunteers",
            "exhibition_area",
            "funding",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "base" in self.fields:
            safe = request.method in ("GET", "HEAD", "OPTIONS")
            self.fields["base"].queryset = (
                Base.objects.visible_to(request.user) if safe else scope.filable_bases(request.user, BaseAnnualReport)
            )

    def validate(self, attrs):
        """The model's own rules (open days ≤ 366, free days ≤ open days) on the report as it would be saved
        (for a PATCH: the stored values with the sent ones on top)."""
        attrs = super().validate(attrs)
        probe = BaseAnnualReport()
        if self.instance is not None:
            for f in BaseAnnualReport._meta.concrete_fields:
                setattr(probe, f.attname, getattr(self.instance, f.attname))
        for name, value in attrs.items():
            setattr(probe, name, value)
        try:
            probe.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class DesignationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Designation
        fields = ["name", "awarded_by", "awarded_on", "valid_until"]


class BaseSerializer(serializers.ModelSerializer):
    """List and write shape: the base, its current level, its certifications and its annual reports (both read
    only and prefetched by the view, so a page of the list costs the same number of queries at any size)."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.exclude(level="city"))
    region_name = serializers.CharField(source="region.name", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Theme.objects.all(), required=False)
    level = serializers.SerializerMethodField(help_text="national / provincial / municipal / null (今日有效的最高级别)")
    certifications = CertificationSerializer(many=True, read_only=True)
    annual_reports = AnnualReportSerializer(many=True, read_only=True)

    class Meta:
        model = Base
        fields = [
            "id",
            "name",
            "host_organisation",
            "region",
            "region_name",
            "address",
            "category",
            "themes",
            "opening_policy",
            "contact_person",
            "contact_phone",
            "contact_email",
            "website",
            "description",
            "level",
            "updated_at",
            "certifications",
            "annual_reports",
        ]

    def get_level(self, obj) -> str | None:
        return RANK_LEVEL.get(getattr(obj, "level_rank", 0))

    def validate_region(self, region):
        if not scope.can_create_in(self.context["request"].user, Base, region):
            raise serializers.ValidationError(_("不能登记到您的管辖范围以外的区域。"))
        return region


class BaseDetailSerializer(BaseSerializer):
    designations = DesignationSerializer(many=True, read_only=True)

    class Meta(BaseSerializer.Meta):
        fields = BaseSerializer.Meta.fields + ["designations"]
