"""Forms for pages: fast for a clerk (defaults: the user's region, the open campaign)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import scope
from common import clock, uploads
from common.numbers import CountField, show_readings
from common.uploads import UploadRejected, check_document
from common.widgets import PrivateFileInput
from programs.models import Organisation, Region, TargetPopulation

from .models import ActivityReturn, Campaign, CampaignFiling

KEPT_FOR_NEXT = (
    "campaign",
    "starts_on",
    "ends_on",
    "town",
    "venue",
    "organiser",
    "co_organisers",
    "contact_name",
    "contact_phone",
    "region",
    "unit",
    "organisation",
    "base",
)  # 「保存并继续新建」 keeps these


def _choices(fields, name: str) -> forms.ModelChoiceField:
    """The form field of a foreign key, to narrow its queryset."""
    field = fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a foreign key's field"
    return field


def _queryset(field: forms.ModelChoiceField) -> QuerySet:
    """The choices a model form gave a foreign key's field (the related model's rows, never None there)."""
    assert field.queryset is not None
    return field.queryset


class _PhaseForm(forms.ModelForm):
    """The fields of one phase of an activity, in the sections a clerk reads them in (SECTIONS)."""

    SECTIONS: tuple = ()
    version_field = "version"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[self.version_field] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial[self.version_field] = getattr(self.instance, self.version_field)
        for name, field in self.fields.items():
            if isinstance(
                self._meta.model._meta.get_field(name) if name in self._meta.fields else None,
                models.PositiveIntegerField,
            ):
                self.fields[name] = field = CountField(
                    label=field.label,
                    required=field.required,
                    initial=field.initial,
                    validators=field.validators,
                    help_text=field.help_text,
                )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.HiddenInput)):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)

    def sections(self):
        """[(title, [bound fields])] — the fields each section holds on this form."""
        out = []
        for title, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((title, fields))
        return out

    def error_summary(self):
        """[(field id or "", label, message)] for the summary at the top of the form."""
        rows = [("", "", str(e)) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__" or name not in self.fields:
                continue
            bound = self[name]
            for error in errors:
                rows.append((bound.id_for_label, str(bound.label), str(error)))
        return rows

    def full_clean(self):
        super().full_clean()
        show_readings(self)


class ActivityRegistrationForm(_PhaseForm):
    """登记: what, when, where, who organises, for whom — before the event (the 活动安排表's row)."""

    target_populations = forms.ModelMultipleChoiceField(
        queryset=TargetPopulation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("面向重点人群"),
    )
    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    SECTIONS = (
        (_("活动专项与填报主体"), ("campaign", "region", "unit", "organisation", "base")),
        (_("活动内容"), ("title", "category", "format", "brand", "topics")),
        (_("时间与地点"), ("starts_on", "ends_on", "town", "venue")),
        (_("组织与联系人"), ("organiser", "co_organisers", "contact_name", "contact_phone", "platform_ref")),
        (_("面向人群与规模"), ("target_populations", "general_public", "planned_participants")),
    )

    class Meta:
        model = ActivityReturn
        fields = list(ActivityReturn.REGISTRATION_FIELDS)
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, copy_from: ActivityReturn | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        f = self.fields
        campaign = _choices(f, "campaign")
        campaign.queryset = Campaign.objects.for_filer(user).order_by("-year", "-starts_on")
        campaign.empty_label = _("(全年常态化活动,不属于专项)")
        # The owner: a filer's own party (accounts.scope, not a form field); the office names any one owner.
        if scope.scope_of(user).writes_all:
            _choices(f, "region").queryset = Region.objects.all()
            _choices(f, "organisation").queryset = Organisation.objects.filter(is_active=True).select_related("region")
            base = _choices(f, "base")
            base.queryset = _queryset(base).select_related("region").order_by("name")
        else:
            for name in scope.OWNER_FIELDS:
                del f[name]
        brand = _choices(f, "brand")
        brand.queryset = _queryset(brand).filter(is_active=True)
        f["planned_participants"].help_text = _("可写“约200人”,保存前会显示理解的数字")
        if self.instance.pk is None and not self.is_bound:
            self._initial_for_new(user, copy_from)

    def _initial_for_new(self, user, copy_from):
        f = self.fields
        if copy_from is not None:  # 「保存并继续新建」: the next activity of the same campaign, place and contact
            for name in KEPT_FOR_NEXT:
                if name in f:
                    value = getattr(copy_from, f"{name}_id" if name in ("campaign", *scope.OWNER_FIELDS) else name)
                    self.initial[name] = value.isoformat() if hasattr(value, "isoformat") else value
            return
        today = clock.today()
        campaigns = f["campaign"].queryset
        asked = self.initial.pop("campaign", None)  # ?campaign= from the campaign page: if the user files for it
        open_campaign = (campaigns.filter(pk=asked).first() if asked else None) or campaigns.filter(
            summary_due__gte=today
        ).order_by("starts_on").first()
        if open_campaign:
            self.initial.setdefault("campaign", open_campaign.pk)
            self.initial.setdefault("starts_on", max(open_campaign.starts_on, today).isoformat())
            self.initial.setdefault("ends_on", max(open_campaign.starts_on, today).isoformat())
        else:
            self.initial.setdefault("starts_on", today.isoformat())
            self.initial.setdefault("ends_on", today.isoformat())
        if scope.scope_of(user).kind in scope.FILER_KINDS:
            self.initial.setdefault("organiser", user.last_name or scope.scope_of(user).party_name)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        if "region" in self.fields and not any(data.get(name) for name in scope.OWNER_FIELDS):
            self.add_error("region", _("请选择填报主体:区域、成员单位、基层组织或科普教育基地。"))
        if not self.errors and not data.get("allow_duplicate"):
            self.duplicates = self._duplicates(data)
            if self.duplicates:
                self.data = self.data.copy()
                self.data[self.add_prefix("allow_duplicate")] = "1"  # saving again means: it is not a duplicate
                raise forms.ValidationError(
                    _(
                        "可能重复:已有同一填报主体、同一专项、同名且同一开始日期的活动(%(list)s)。"
                        "如确实是另一场活动,请再次保存。"
                    ),
                    code="duplicate",
                    params={"list": "、".join(f"#{a.pk}" for a in self.duplicates)},
                )
        return data

    def _duplicates(self, data) -> list[ActivityReturn]:
        if not data.get("title") or not data.get("starts_on"):
            return []
        if "region" in self.fields:
            owner = {name: data.get(name) for name in scope.OWNER_FIELDS}
        else:
            owner = scope.owner_for(self.user)
        return list(
            ActivityReturn.objects.likely_duplicates(
                owner, data.get("campaign"), data["title"], data["starts_on"], exclude=self.instance.pk
            )[:5]
        )


class ActivityReportForm(_PhaseForm):
    """活动补充信息: what happened — after the event (seed 002), submitted and reviewed on its own."""

    version_field = "report_version"
    SECTIONS = (
        (_("实际情况"), ("actual_participants", "online_views", "volunteers", "experts", "budget")),
        (_("宣传与资料"), ("news_links", "video_links")),
        (_("活动简要总结"), ("summary_text", "summary_file")),
        (_("推荐优秀活动"), ("recommended", "recommendation_reason")),
    )

    class Meta:
        model = ActivityReturn
        fields = list(ActivityReturn.REPORT_FIELDS)
        field_classes = {"summary_file": uploads.CheckedFileField}  # checked in clean_summary_file
        widgets = {
            "news_links": forms.Textarea(attrs={"rows": 2}),
            "video_links": forms.Textarea(attrs={"rows": 2}),
            "summary_text": forms.Textarea(
                attrs={
                    "rows": 4,
                    "placeholder": _("活动基本情况、主要成果成效、特色亮点、形成可复用的科普资源情况、工作体会等"),
                }
            ),
            "recommendation_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["summary_file"].widget = PrivateFileInput(
            attrs={"accept": ".pdf,.docx"},
            download_url=reverse("events:summary-file", args=[self.instance.pk]) if self.instance.pk else "",
        )
        self.fields["actual_participants"].help_text = _("可写“约200人”“1,200人次”,保存前会显示理解的数字")

    def clean_summary_file(self):
        upload = self.cleaned_data.get("summary_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                kind = check_document(upload)
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from None
            upload.chosen_name = upload.name  # what the clerk chose, for the page if the form does not save
            upload.name = uploads.stored_name(kind)  # the portal names the stored file, never the client
        return upload

    def clean(self):
        data = super().clean()
        if data.get("recommended") and not (data.get("recommendation_reason") or "").strip():
            self.add_error("recommendation_reason", _("推荐为优秀活动须填写推荐理由。"))
        return data

    def lost_files(self) -> list[str]:
        """Files chosen on a form that did not save: the browser cannot keep them, the page says so."""
        if not self.is_bound or not self.errors:
            return []
        return [
            getattr(upload, "chosen_name", getattr(upload, "name", ""))
            for upload in self.files.values()
            if getattr(upload, "name", "")
        ]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ActivityReturn.TRANSITIONS])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("理由"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhotoUploadForm(forms.Form):
    photo = uploads.CheckedFileField(label=_("活动照片(JPG/PNG)"))


class ImportUploadForm(forms.Form):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, label=_("活动专项"), empty_label=_("(全年常态化活动)")
    )
    file = uploads.CheckedFileField(label=_("活动安排表(.xlsx 或 .csv)"))

    def __init__(self, *args, user, campaign_id: int | None = None, **kwargs):
        """`campaign_id` (the campaign page's 导入 link): that campaign chosen, if the user files for it; else the
        next open campaign."""
        super().__init__(*args, **kwargs)
        qs = Campaign.objects.for_filer(user).order_by("-year", "-starts_on")
        _choices(self.fields, "campaign").queryset = qs
        chosen = qs.filter(pk=campaign_id).first() if campaign_id is not None else None
        chosen = chosen or qs.filter(summary_due__gte=clock.today()).order_by("starts_on").first()
        if chosen and not self.is_bound:
            self.initial["campaign"] = chosen.pk


class FilingForm(forms.Form):
    kind = forms.ChoiceField(choices=CampaignFiling.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("说明/总结"))
    file = uploads.CheckedFileField(required=False, label=_("附件(PDF/Word)"))


class CampaignForm(forms.ModelForm):
    """The office's campaign settings (create, edit, next year's copy); the rules are events.campaigns'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from programs.models import ResponsibleUnit

        self.fields["regions"].queryset = Region.objects.districts().order_by("code")
        self.fields["units"].queryset = ResponsibleUnit.objects.order_by("name")
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    class Meta:
        model = Campaign
        fields = [
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
        ]
        widgets: dict[str, Any] = dict.fromkeys(
            ("starts_on", "ends_on", "schedule_due", "report_due", "summary_due"),
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        widgets.update(
            {
                "regions": forms.CheckboxSelectMultiple,
                "units": forms.CheckboxSelectMultiple,
                "notice": forms.Textarea(attrs={"rows": 3}),
            }
        )
        error_messages = {"name": {"unique": _("已有同名的活动专项,请换一个名称。")}}

    def validate_unique(self):
        """Name uniqueness is checked in clean() with the campaign's name in the message."""

    def clean(self):
        from .campaigns import validate_campaign

        data = super().clean()
        for name, message in validate_campaign(data, data.get("regions"), data.get("units"), self.instance).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data
