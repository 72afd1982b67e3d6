from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from ..models import (
    Organisation,
    PlanTarget,
    Programme,
    Region,
    ReportingPeriod,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    UnitReport,
    UnitReportEntry,
    UnitReportFigure,
    UnitReportTransition,
)

if TYPE_CHECKING:
    from accounts.models import User


class RegionSerializer(serializers.ModelSerializer):
    # a declared field named "parent": SerializerMetaclass moves it into _declared_fields, so it never shadows
    # Field.parent (the bound serializer) that the stubs see on the class
    parent: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class OrganisationSerializer(serializers.ModelSerializer):
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "kind", "kind_label", "region", "is_active"]


class ResponsibleUnitSerializer(serializers.ModelSerializer):
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ResponsibleUnit
        fields = ["id", "name", "kind", "is_member", "region"]


class TargetPopulationSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetPopulation
        fields = ["id", "code", "name", "order"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "order"]


class PlanTargetSerializer(serializers.ModelSerializer):
    period = serializers.CharField(
        source="period_label", read_only=True, help_text="「每年」(每年目标,year 为空)、「2025年」或空(规划未写年份)"
    )

    class Meta:
        model = PlanTarget
        fields = ["code", "name", "value", "unit", "year", "period", "kind", "comparator", "clause", "quote"]


class TaskSerializer(serializers.ModelSerializer):
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # a declared field named "parent": SerializerMetaclass moves it into _declared_fields, so it never shadows
    # Field.parent (the bound serializer) that the stubs see on the class
    parent: serializers.SlugRelatedField[Task] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )
    populations: serializers.SlugRelatedField[TargetPopulation] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    responsible_units = serializers.SerializerMethodField()
    targets = PlanTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "number",
            "level",
            "title",
            "text",
            "programme",
            "parent",
            "populations",
            "units_text",
            "responsible_units",
            "targets",
        ]

    def get_responsible_units(self, task) -> list[str]:
        source = task.parent if task.level == Task.Level.MEASURE and task.parent_id else task
        return [a.unit.name for a in source.assignments.all()]


# --- member-unit work reports --------------------------------------------------------------


class ReportingPeriodSerializer(serializers.ModelSerializer):
    window = serializers.SerializerMethodField(help_text="联络员今天能否填报:not_yet / open / closed")

    class Meta:
        model = ReportingPeriod
        fields = ["id", "name", "year", "kind", "half", "opens_on", "due_on", "closes_on", "is_open", "window"]
        read_only_fields = ["id", "name", "is_open", "window"]

    def get_window(self, period) -> str:
        from common import clock

        return period.window(clock.today())


class UnitReportEntrySerializer(serializers.ModelSerializer):
    task: serializers.SlugRelatedField[Task] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = UnitReportEntry
        fields = ["id", "task", "task_title", "progress", "narrative", "attachments"]

    def get_attachments(self, entry) -> list[dict]:
        from django.urls import reverse

        return [
            {"name": a.original_name, "size": a.size, "url": reverse("programs:report-attachment", args=[a.pk])}
            for a in entry.attachments.all()
        ]


class UnitReportFigureSerializer(serializers.ModelSerializer):
    target: serializers.SlugRelatedField[PlanTarget] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(source="target.name", read_only=True)
    unit = serializers.CharField(source="target.unit", read_only=True)

    class Meta:
        model = UnitReportFigure
        fields = ["target", "name", "value", "unit"]


class UnitReportTransitionSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = UnitReportTransition
        fields = ["action", "from_status", "to_status", "actor", "at", "reason"]


class UnitReportSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=ResponsibleUnit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    entered_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    last_edited_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    submitted_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    entries = UnitReportEntrySerializer(many=True, read_only=True)
    figures = UnitReportFigureSerializer(many=True, read_only=True)
    transitions = UnitReportTransitionSerializer(many=True, read_only=True)
    is_late = serializers.BooleanField(read_only=True, allow_null=True)
    entered_on_behalf = serializers.BooleanField(read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = UnitReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "period",
            "status",
            "version",
            "summary",
            "source_note",
            "entered_by",
            "entered_on_behalf",
            "last_edited_by",
            "submitted_at",
            "submitted_by",
            "first_submitted_at",
            "is_late",
            "decided_at",
            "decided_by",
            "return_reason",
            "entries",
            "figures",
            "transitions",
            "available_actions",
        ]
        read_only_fields = [f for f in fields if f not in ("unit", "period", "summary", "source_note")]
        validators: list = []  # POST of an existing unit+period returns that report (services.reports.start_report)

    def get_available_actions(self, report) -> list[str]:
        from common.workflow import available_actions

        request = self.context.get("request")
        return available_actions(report, request.user) if request else []


class UnitReportWriteSerializer(serializers.Serializer):
    """PATCH body: {"version": 3, "summary": "…", "entries": [{"task": "一.1", "progress": "under_way",
    "narrative": "…"}], "figures": {"high_quality_farmers": "4650"}}"""

    version = serializers.IntegerField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    entries = serializers.ListField(child=serializers.DictField(), required=False)
    figures = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True), required=False)


class UnitReportAttachmentUploadSerializer(serializers.Serializer):
    """multipart body of POST …/unit-reports/{id}/attachments/: the task (its code, e.g. "一.1.(1)"),
    the file (pdf, Word, Excel, jpeg or png; the portal checks its real type and size) and the version."""

    task = serializers.CharField(max_length=64)
    # an empty file goes on to the upload checker, whose refusal names it (DRF's own "empty" error names nothing)
    file = serializers.FileField(allow_empty_file=True)
    version = serializers.IntegerField(required=False)
