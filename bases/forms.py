from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scope
from programs.models import Region

from .models import Base, BaseAnnualReport, Certification


class DateInput(forms.DateInput):
    input_type = "date"


class BaseForm(forms.ModelForm):
    website = forms.URLField(label=_("网址"), required=False, assume_scheme="https")

    class Meta:
        model = Base
        fields = [
            "name",
            "host_organisation",
            "region",
            "address",
            "category",
            "themes",
            "opening_policy",
            "contact_person",
            "contact_phone",
            "contact_email",
            "website",
            "description",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            scope.creatable_regions(user, Base).order_by("path")
            if user is not None
            else Region.objects.exclude(level="city").order_by("path")
        )
        for name, field in self.fields.items():
            if name != "themes":
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["level", "batch", "certified_on", "valid_until", "certificate_no", "recommending_unit", "note"]
        widgets = {"certified_on": DateInput, "valid_until": DateInput}
        help_texts = {"valid_until": _("留空则按五年周期自动计算。")}

    def __init__(self, *args, base=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = False
        if base is not None:
            self.instance.base = base
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(
        label=_("撤销日期"), widget=DateInput(attrs={"class": "form-control"}), initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=2000
    )


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = BaseAnnualReport
        fields = [
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

    def __init__(self, *args, base=None, **kwargs):
        super().__init__(*args, **kwargs)
        if base is not None:
            self.instance.base = base
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
            if isinstance(field, (forms.IntegerField, forms.DecimalField)):
                field.widget.attrs.setdefault("min", "0")
