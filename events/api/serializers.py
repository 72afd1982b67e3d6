from typing import Any

from rest_framework import serializers

from bases.models import Base
from common.api import ReadableRelatedField
from programs.models import Organisation, Region, ResponsibleUnit, TargetPopulation

from ..models import ActivityReturn, ActivityReturnTransition, Brand, Campaign


class CampaignSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Region.objects.all(), required=False)
    units = serializers.PrimaryKeyRelatedField(many=True, queryset=ResponsibleUnit.objects.all(), required=False)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "kind",
            "year",
            "name",
            "theme",
            "starts_on",
            "ends_on",
            "schedule_due",
            "report_due",
            "summary_due",
            "summary_days_after",
            "regions",
            "units",
            "notice",
            "published_at",
        ]
        read_only_fields = ["published_at"]
        # the name's uniqueness is checked with the other rules (events.campaigns), in Chinese
        extra_kwargs: dict[str, dict[str, Any]] = {"name": {"validators": []}}

    def validate(self, attrs):
        from ..campaigns import FIELDS, validate_campaign

        instance = self.instance
        merged = {name: getattr(instance, name) for name in FIELDS} if instance is not None else {}
        merged.update(attrs)
        regions = attrs.get("regions", list(instance.regions.all()) if instance is not None else [])
        units = attrs.get("units", list(instance.units.all()) if instance is not None else [])
        errors = validate_campaign(merged, regions, units, instance)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CampaignPublishedSerializer(serializers.Serializer):
    """The answer of `publish/`: when it was published and whether this call published it."""

    id = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    published_now = serializers.BooleanField(help_text="false:此前已发布,本次未重复通知")
    detail = serializers.CharField()


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ActivityReturnTransition
        fields = ["action", "phase", "from_status", "to_status", "level", "actor", "at", "reason", "version"]

    def get_actor(self, obj) -> str:
        return obj.actor.display_name if obj.actor else ""


class ActivityReturnSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    unit = serializers.PrimaryKeyRelatedField(queryset=ResponsibleUnit.objects.all(), required=False, allow_null=True)
    organisation = ReadableRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    base = ReadableRelatedField(queryset=Base.objects.all(), required=False, allow_null=True)
    review_level = serializers.SerializerMethodField(
        help_text="活动登记的审核层级。district: 待辖市(区)审核;city: 待市级审核或已由市级决定"
    )
    report_review_level = serializers.SerializerMethodField(help_text="活动补充信息的审核层级(同上)")
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.published(), required=False, allow_null=True
    )  # a draft campaign takes no activities
    brand = serializers.SlugRelatedField(
        slug_field="name", queryset=Brand.objects.filter(is_active=True), required=False, allow_null=True
    )
    target_populations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=TargetPopulation.objects.all(), required=False
    )
    transitions = TransitionSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = ActivityReturn
        fields = [
            "id",
            "status",
            "version",
            "review_level",
            "report_status",
            "report_version",
            "report_review_level",
            "campaign",
            "region",
            "unit",
            "organisation",
            "base",
            "organiser",
            "co_organisers",
            "title",
            "category",
            "format",
            "starts_on",
            "ends_on",
            "venue",
            "town",
            "topics",
            "target_populations",
            "general_public",
            "brand",
            "planned_participants",
            "actual_participants",
            "online_views",
            "volunteers",
            "experts",
            "budget",
            "platform_ref",
            "news_links",
            "video_links",
            "summary_text",
            "recommended",
            "recommendation_reason",
            "contact_name",
            "contact_phone",
            "submitted_at",
            "decided_at",
            "return_reason",
            "report_submitted_at",
            "report_decided_at",
            "report_return_reason",
            "created_at",
            "updated_at",
            "transitions",
            "photos",
        ]
        read_only_fields = [
            "status",
            "version",
            "submitted_at",
            "decided_at",
            "return_reason",
            "report_status",
            "report_version",
            "report_submitted_at",
            "report_decided_at",
            "report_return_reason",
            "created_at",
            "updated_at",
        ]

    def get_review_level(self, obj) -> str:
        return obj.review_level()

    def get_report_review_level(self, obj) -> str:
        return obj.review_level("report")

    def get_photos(self, obj) -> list[str]:
        from django.urls import reverse

        return [reverse("events:photo", args=[obj.pk, p.pk]) for p in obj.photos.all()]

    def validate(self, attrs):
        instance = self.instance
        starts = attrs.get("starts_on", getattr(instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": "结束日期不能早于开始日期。"})
        if attrs.get("budget") is not None and attrs["budget"] < 0:
            raise serializers.ValidationError({"budget": "经费不能为负数。"})
        return attrs
