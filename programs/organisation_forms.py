"""Forms for the organisation tree pages: the list filter, an organisation, a town (镇/街道).

Region choices come from `accounts.scope.region_choices(user)`; nothing here decides who sees what.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scope import region_choices

from .models import Organisation, Region
from .organisation_loader import join_note, split_note, town_code_problem


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class RegionChoiceField(forms.ModelChoiceField):
    """A district shows its name; a town shows "district · town"."""

    def label_from_instance(self, obj):
        if obj.level == Region.Level.TOWN and obj.parent_id:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


def district_choices(user):
    return region_choices(user).filter(level=Region.Level.DISTRICT).order_by("order", "code")


class OrganisationFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("辖市(区)"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("全部辖市(区)"),
    )
    kind = forms.ChoiceField(label=_("类别"), required=False)
    q = forms.CharField(
        label=_("名称或编码"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("搜索名称或编码")}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = district_choices(user)
        self.fields["kind"].choices = [("", _("全部类别")), *Organisation.Kind.choices]
        _style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += (
                " form-select-sm" if isinstance(field.widget, forms.Select) else " form-control-sm"
            )


class OrganisationForm(forms.ModelForm):
    region = RegionChoiceField(label=_("所属辖市(区)或镇(街道)"), queryset=Region.objects.none())

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "code", "is_active", "order", "note"]
        error_messages = {"code": {"unique": _("该编码已被其他基层组织使用。")}}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            region_choices(user)
            .filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN])
            .select_related("parent")
            .order_by("path")
        )
        _style(self)

    def clean(self):
        cleaned = super().clean()
        region, name = cleaned.get("region"), cleaned.get("name")
        if region is not None and name:
            same = Organisation.objects.filter(region=region, name=name).exclude(pk=self.instance.pk)
            if same.exists():  # before the model's (region, name) constraint, with a message naming the region
                self.add_error("name", _("“%(region)s”下已有同名的基层组织。") % {"region": region.name})
        return cleaned


class TownForm(forms.ModelForm):
    """A town or street: name, code, parent district and whether the code is local (not statistical)."""

    parent = RegionChoiceField(label=_("所属辖市(区)"), queryset=Region.objects.none())
    is_local = forms.BooleanField(
        label=_("本地代码(未核实统计用区划代码)"),
        required=False,
        help_text=_("统计用区划代码为 9 位数字;未核实时请勾选此项并使用如 320412L01 的本地代码。"),
    )

    class Meta:
        model = Region
        fields = ["name", "code", "parent"]
        labels = {"name": _("名称"), "code": _("代码")}
        error_messages = {"code": {"unique": _("该代码已被其他区域使用。")}}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = district_choices(user)
        if self.instance.pk:
            self.fields["is_local"].initial = split_note(self.instance.note)[0]
        _style(self)

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("code") or "").strip()
        if code:
            problem = town_code_problem(code, bool(cleaned.get("is_local")))
            if problem:
                self.add_error("code", problem)
            elif self.instance.pk and code != self.instance.code and self.instance.children.exists():
                self.add_error("code", _("该镇(街道)下已有村(社区),不能修改代码。"))
        return cleaned

    def save(self, commit=True):
        town = super().save(commit=False)
        town.level = Region.Level.TOWN
        town.note = join_note(bool(self.cleaned_data.get("is_local")), split_note(town.note)[1])
        if commit:
            town.save()
        return town
