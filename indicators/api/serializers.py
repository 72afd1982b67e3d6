from __future__ import annotations

from rest_framework import serializers

from programs.models import Programme, Region, TargetPopulation, Task

from ..models import Indicator, IndicatorBaseline, IndicatorTarget, IndicatorValue


class IndicatorTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value", "note"]


class IndicatorBaselineSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorBaseline
        fields = ["year", "value", "source"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = IndicatorTargetSerializer(many=True, read_only=True)
    baselines = IndicatorBaselineSerializer(many=True, read_only=True)
    population: serializers.SlugRelatedField[TargetPopulation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task: serializers.SlugRelatedField[Task] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "kind",
            "direction",
            "source",
            "is_ratio",
            "population",
            "programme",
            "task",
            "targets",
            "baselines",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "period",
            "year",
            "region",
            "dimension",
            "key",
            "label",
            "value",
            "numerator",
            "denominator",
            "computed_at",
        ]


class DashboardCardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    target_year = serializers.IntegerField(allow_null=True)
    expected = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=["on_track", "at_risk", "behind", "no_data"])


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AwaitingCitySerializer(serializers.Serializer):
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()


class DashboardSummarySerializer(serializers.Serializer):
    region = RegionRefSerializer()
    as_of = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()
    warning = serializers.CharField(allow_blank=True)
    cards = DashboardCardSerializer(many=True)
    awaiting_city = AwaitingCitySerializer(
        allow_null=True, help_text="辖市(区)看板:区级已审核、待市级审核的活动(不计入 cards)"
    )
