from rest_framework import serializers

from ..models import AssessmentRound, Result, Score


class RoundSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="scheme.year", read_only=True)
    name = serializers.CharField(source="scheme.name", read_only=True)
    assessed = serializers.CharField(
        source="scheme.assessed", read_only=True, help_text="考核对象:辖市(区)、成员单位或某辖市(区)的镇(街道)"
    )
    owner_region = serializers.CharField(
        source="scheme.owner_region.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "year",
            "name",
            "assessed",
            "owner_region",
            "status",
            "version",
            "self_opens_on",
            "self_closes_on",
            "computed_at",
            "published_at",
        ]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True, default=None)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True)
    party = serializers.CharField(source="party.__str__", read_only=True)
    item = serializers.IntegerField(source="item_id", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    max_points = serializers.DecimalField(source="item.max_points", max_digits=7, decimal_places=2, read_only=True)
    method = serializers.CharField(source="item.method", read_only=True)
    final_points = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Score
        fields = [
            "id",
            "region",
            "unit",
            "party",
            "item",
            "item_title",
            "max_points",
            "method",
            "status",
            "computed_value",
            "points",
            "claimed_points",
            "evidence",
            "reviewed_points",
            "reason",
            "final_points",
            "version",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True, default=None)
    unit = serializers.IntegerField(source="unit_id", read_only=True, allow_null=True)
    party = serializers.CharField(source="party.__str__", read_only=True)

    class Meta:
        model = Result
        fields = ["region", "unit", "party", "total", "rank", "grade"]
        read_only_fields = fields
