"""The office's campaign set-up pages: new, edit, next year's copy, publish (thin: rules in events.campaigns)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import scope

from . import campaigns as services
from .forms import CampaignForm
from .models import Campaign


def _office_only(request):
    if not scope.can_manage_campaigns(request.user):
        raise PermissionDenied(_("只有领导小组办公室可以设置活动专项。"))


def _save(request, form, save, heading, source=None):
    if request.method == "POST" and form.is_valid():
        try:
            campaign = save(form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("已保存“%(name)s”。") % {"name": campaign.name}
                + ("" if campaign.published_at else " " + _("尚未发布:发布后各单位才能看到并填报。")),
            )
            return redirect("events:campaign-detail", pk=campaign.pk)
    return render(
        request,
        "events/campaign_form.html",
        {"form": form, "heading": heading, "source": source},
        status=400 if form.is_bound else 200,
    )


@login_required
def campaign_create(request):
    _office_only(request)
    form = CampaignForm(request.POST or None)
    return _save(request, form, lambda data: services.create_campaign(request.user, data), _("新建活动专项"))


@login_required
def campaign_edit(request, pk):
    _office_only(request)
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    return _save(
        request,
        form,
        lambda data: services.update_campaign(campaign, request.user, data),
        _("修改活动专项:%(name)s") % {"name": campaign.name},
    )


@login_required
def campaign_copy(request, pk):
    """The form opened with next year's copy of the campaign (saved as a new draft)."""
    _office_only(request)
    source = get_object_or_404(Campaign.objects.visible_to(request.user).prefetch_related("regions", "units"), pk=pk)
    if request.method == "POST":
        form = CampaignForm(request.POST)
    else:
        form = CampaignForm(initial=services.copy_campaign(source, request.user))
    return _save(
        request,
        form,
        lambda data: services.create_campaign(request.user, data),
        _("从“%(name)s”复制下一年度的活动专项") % {"name": source.name},
        source=source,
    )


@login_required
@require_POST
def campaign_publish(request, pk):
    _office_only(request)
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    try:
        result = services.publish_campaign(campaign, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        (messages.success if result.now else messages.info)(request, result.message)
    return redirect("events:campaign-detail", pk=pk)
