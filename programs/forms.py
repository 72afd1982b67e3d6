"""Forms for reporting periods and unit reports (validation of figures lives in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.uploads import CheckedFileField

from .models import ReportingPeriod, ResponsibleUnit, UnitReportEntry
from .querysets import plain_number


class DateInput(forms.DateInput):
    input_type = "date"


class ReportingPeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2021, max_value=2035)
    kind = forms.ChoiceField(label=_("类型"), choices=ReportingPeriod.Kind.choices)
    half = forms.TypedChoiceField(
        label=_("半年"),
        choices=[("", "—"), (1, _("上半年")), (2, _("下半年"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens_on = forms.DateField(label=_("开始填报"), widget=DateInput)
    due_on = forms.DateField(label=_("截止报送"), widget=DateInput)
    closes_on = forms.DateField(label=_("关闭日期"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportingPeriod.Kind.HALF and not data.get("half"):
            self.add_error("half", _("半年报送周期必须选择上半年或下半年。"))
        dates = [data.get(k) for k in ("opens_on", "due_on", "closes_on")]
        if all(dates) and not (dates[0] <= dates[1] <= dates[2]):
            self.add_error("due_on", _("日期须满足:开始填报 ≤ 截止报送 ≤ 关闭日期。"))
        return data


class OnBehalfForm(forms.Form):
    unit: forms.ModelChoiceField[ResponsibleUnit] = forms.ModelChoiceField(label=_("代哪个单位录入"), queryset=None)
    source_note = forms.CharField(
        label=_("材料来源"), max_length=200, required=False, help_text=_("例如:2026-01-10 邮件报送的 Word 材料")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class UnitReportForm(forms.Form):
    """One row per assigned task (progress, narrative, attachment) plus the unit's figures."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("总体情况(可选)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report, entries, targets, figures, show_source=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.initial.setdefault("version", report.version)
        self.initial.setdefault("summary", report.summary)
        if show_source:
            self.fields["source_note"] = forms.CharField(
                label=_("材料来源(代录时填写)"), required=False, max_length=200, initial=report.source_note
            )
        self.rows = []
        for entry in entries:
            p, n, f = f"progress_{entry.task_id}", f"narrative_{entry.task_id}", f"file_{entry.task_id}"
            self.fields[p] = forms.ChoiceField(
                label=_("进展"),
                choices=UnitReportEntry.Progress.choices,
                initial=entry.progress,
                widget=forms.Select(attrs={"class": "form-select form-select-sm js-progress"}),
            )
            self.fields[n] = forms.CharField(
                label=_("工作情况"),
                required=False,
                max_length=5000,
                initial=entry.narrative,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm js-narrative"}),
            )
            self.fields[f] = CheckedFileField(  # checked by save_report
                label=_("附件"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"class": "form-control form-control-sm", "accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}
                ),
            )
            self.rows.append({"entry": entry, "progress": p, "narrative": n, "file": f})
        self.figure_rows = []
        current = {fig.target_id: fig.value for fig in figures}
        for target in targets:
            name = f"figure_{target.pk}"
            value = current.get(target.pk)
            self.fields[name] = forms.CharField(
                label=target.name,
                required=False,
                initial=plain_number(value),
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-control form-control-sm", "autocomplete": "off"}
                ),
            )
            self.figure_rows.append({"target": target, "field": name})

    # bound-field helpers for the template
    def row_fields(self):
        for row in self.rows:
            yield row["entry"], self[row["progress"]], self[row["narrative"]], self[row["file"]]

    def figure_fields(self):
        for row in self.figure_rows:
            yield row["target"], self[row["field"]]

    def entries_data(self) -> dict:
        return {
            row["entry"].task_id: {
                "progress": self.cleaned_data[row["progress"]],
                "narrative": self.cleaned_data[row["narrative"]],
            }
            for row in self.rows
        }

    def figures_data(self) -> dict:
        return {row["target"].pk: self.cleaned_data[row["field"]] for row in self.figure_rows}

    def uploads(self) -> list:
        return [
            (row["entry"], self.cleaned_data[row["file"]]) for row in self.rows if self.cleaned_data.get(row["file"])
        ]

    def add_service_errors(self, error) -> None:
        """Map a services ValidationError (field → messages) onto the form."""
        if hasattr(error, "error_dict"):
            for key, errs in error.message_dict.items():
                self.add_error(key if key in self.fields else None, errs)
        else:
            self.add_error(None, error.messages)
