from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Region

from .models import Indicator


class ObservationForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("指标"), queryset=Indicator.objects.filter(source=Indicator.Source.OBSERVATION)
    )
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.filter(level__in=["city", "district"]))
    value = forms.DecimalField(label=_("数值"), max_digits=14, decimal_places=2, min_value=Decimal(0))
    numerator = forms.DecimalField(label=_("分子(具备科学素质的样本数)"), required=False, min_value=Decimal(0))
    denominator = forms.DecimalField(label=_("分母(调查样本数)"), required=False, min_value=Decimal(1))
    source = forms.CharField(label=_("出处"), max_length=200)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        indicator, value = data.get("indicator"), data.get("value")
        if indicator and value is not None and indicator.unit == "%" and value > 100:
            self.add_error("value", _("比例不能超过 100%。"))
        num, den = data.get("numerator"), data.get("denominator")
        if (num is None) != (den is None):
            self.add_error("denominator", _("分子和分母须同时填写或同时留空。"))
        elif num is not None and num > den:
            self.add_error("numerator", _("分子不能大于分母。"))
        return data
