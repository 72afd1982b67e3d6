"""Forms of the assessment pages (the rules themselves are checked by the models' clean() and the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.uploads import CheckedFileField

from .models import AssessmentItem, AssessmentScheme


class DateInput(forms.DateInput):
    input_type = "date"


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault(
                "class",
                "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm",
            )


class SchemeForm(forms.ModelForm):
    class Meta:
        model = AssessmentScheme
        fields = ["year", "name", "assessed", "owner_region", "excellent_min", "good_min", "pass_min", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from programs.models import Region

        self.fields["owner_region"].queryset = Region.objects.districts().order_by("order")
        _style(self)


class ItemForm(forms.ModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["order", "title", "max_points", "method", "measure", "rule", "params", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 1}), "params": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["params"].required = False
        _style(self)

    def clean_params(self):
        return self.cleaned_data.get("params") or {}


ItemFormSet = forms.inlineformset_factory(AssessmentScheme, AssessmentItem, form=ItemForm, extra=2, can_delete=True)


class CopySchemeForm(forms.Form):
    year = forms.IntegerField(label=_("新方案年度"), min_value=2016, max_value=2040)
    name = forms.CharField(
        label=_("新方案名称"), max_length=200, required=False, help_text=_("留空则把原名称中的年份换成新年度")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class OpenRoundForm(forms.Form):
    self_opens_on = forms.DateField(label=_("自评开始"), required=False, widget=DateInput)
    self_closes_on = forms.DateField(label=_("自评截止"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ClaimForm(forms.Form):
    points = forms.CharField(label=_("自评分"), max_length=12)
    evidence = forms.CharField(label=_("自评说明及佐证"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    file = CheckedFileField(label=_("佐证文件(PDF、Word、Excel、图片)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("认可")), ("adjust", _("调整")), ("return", _("退回")), ("score", _("评分"))]
    )
    points = forms.CharField(label=_("得分"), max_length=12, required=False)
    reason = forms.CharField(label=_("理由"), max_length=2000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CorrectionForm(forms.Form):
    points = forms.CharField(label=_("更正后得分"), max_length=12)
    reason = forms.CharField(label=_("更正理由"), max_length=2000)
