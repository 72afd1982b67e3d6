"""Forms for pages: fast for a clerk (defaults: the user's region, the open campaign)."""
from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scope
from common import uploads
from common.widgets import PrivateFileInput
from programs.models import Organisation, Region, TargetPopulation

from .models import ActivityReturn, Campaign, CampaignFiling
from .uploads import UploadRejected, check_document


class ActivityReturnForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    target_populations = forms.ModelMultipleChoiceField(
        queryset=TargetPopulation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("面向重点人群"),
    )

    class Meta:
        model = ActivityReturn
        fields = [
            "campaign", "region", "unit", "organisation", "base", "title", "category", "format", "starts_on", "ends_on", "town", "venue",
            "organiser", "co_organisers", "topics", "target_populations", "general_public", "brand",
            "planned_participants", "actual_participants", "online_views", "volunteers", "experts", "budget",
            "platform_ref", "news_links", "summary_text", "summary_file", "recommended", "recommendation_reason",
            "contact_name", "contact_phone",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "news_links": forms.Textarea(attrs={"rows": 2}),
            "summary_text": forms.Textarea(attrs={"rows": 4}),
            "recommendation_reason": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"summary_file": uploads.CheckedFileField}  # checked in clean_summary_file

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        f = self.fields
        f["campaign"].queryset = Campaign.objects.for_filer(user).order_by("-year", "-starts_on")
        f["campaign"].empty_label = _("(全年常态化活动,不属于专项)")
        # The owner: a filer's own party (accounts.scope, not a form field); the office names any one owner.
        if scope.scope_of(user).writes_all:
            f["region"].queryset = Region.objects.all()
            f["organisation"].queryset = Organisation.objects.filter(is_active=True).select_related("region")
            f["base"].queryset = f["base"].queryset.select_related("region").order_by("name")
        else:
            for name in scope.OWNER_FIELDS:
                del f[name]
        f["brand"].queryset = f["brand"].queryset.filter(is_active=True)
        f["summary_file"].widget = PrivateFileInput(
            attrs={"accept": ".pdf,.docx"},
            download_url=reverse("events:summary-file", args=[self.instance.pk]) if self.instance.pk else "")
        if self.instance.pk is None and not self.is_bound:
            today = timezone.localdate()
            open_campaign = f["campaign"].queryset.filter(summary_due__gte=today).order_by("starts_on").first()
            if open_campaign:
                self.initial.setdefault("campaign", open_campaign.pk)
                self.initial.setdefault("starts_on", max(open_campaign.starts_on, today).isoformat())
                self.initial.setdefault("ends_on", max(open_campaign.starts_on, today).isoformat())
            else:
                self.initial.setdefault("starts_on", today.isoformat())
                self.initial.setdefault("ends_on", today.isoformat())
            if scope.scope_of(user).kind in scope.FILER_KINDS:
                self.initial.setdefault("organiser", user.last_name or scope.scope_of(user).party_name)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        for field in f.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.HiddenInput)):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)

    def clean_summary_file(self):
        upload = self.cleaned_data.get("summary_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                kind = check_document(upload)
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from None
            upload.name = uploads.stored_name(kind)  # the portal names the stored file, never the client
        return upload

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        if "region" in self.fields and not any(data.get(name) for name in scope.OWNER_FIELDS):
            self.add_error("region", _("请选择填报主体:区域、成员单位、基层组织或科普教育基地。"))
        if data.get("recommended") and not (data.get("recommendation_reason") or "").strip():
            self.add_error("recommendation_reason", _("推荐为优秀活动须填写推荐理由。"))
        return data


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ActivityReturn.TRANSITIONS])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             label=_("理由"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhotoUploadForm(forms.Form):
    photo = uploads.CheckedFileField(label=_("活动照片(JPG/PNG)"))


class ImportUploadForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False, label=_("活动专项"),
                                      empty_label=_("(全年常态化活动)"))
    file = uploads.CheckedFileField(label=_("活动安排表(.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Campaign.objects.for_filer(user).order_by("-year", "-starts_on")
        self.fields["campaign"].queryset = qs
        open_campaign = qs.filter(summary_due__gte=timezone.localdate()).order_by("starts_on").first()
        if open_campaign and not self.is_bound:
            self.initial["campaign"] = open_campaign.pk


class FilingForm(forms.Form):
    kind = forms.ChoiceField(choices=CampaignFiling.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("说明/总结"))
    file = uploads.CheckedFileField(required=False, label=_("附件(PDF/Word)"))


class SummarySupplementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                   label=_("活动简要总结"))
    summary_file = uploads.CheckedFileField(required=False, label=_("总结附件(PDF/Word)"))
