"""Pages for campaigns and activity returns (thin: reads from querysets, writes through services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts import scope
from accounts.permissions import RoleRequiredMixin
from common import clock, downloads
from common.filters import parse_id
from common.redirects import safe_next
from common.uploads import UploadRejected, max_photos
from common.workflow import WorkflowError, available_actions

from . import completeness, exports, selectors, services
from .filters import ActivityReturnFilter
from .forms import (
    ActivityRegistrationForm,
    ActivityReportForm,
    FilingForm,
    PhotoUploadForm,
    TransitionForm,
)
from .models import ActivityPhoto, ActivityReturn, ActivityReturnTransition, Campaign, CampaignFiling


def _visible(user):
    return ActivityReturn.objects.visible_to(user)


def _get_return(request, pk) -> ActivityReturn:
    """Another region's return is a 404, whatever the role."""
    return get_object_or_404(_visible(request.user).select_related("campaign", "region", "unit", "brand"), pk=pk)


def _refuse(request, message: str, status: int = 403):
    return render(request, "events/refused.html", {"message": message}, status=status)


class ActivityListView(LoginRequiredMixin, ListView):
    template_name = "events/activity_list.html"
    paginate_by = 30
    context_object_name = "activities"

    def get_queryset(self):
        base = _visible(self.request.user).with_list_relations().order_by("-starts_on", "-id")
        self.filterset = ActivityReturnFilter(self.request.GET or None, queryset=base, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else base

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["filter"] = self.filterset
        ctx["todo"] = selectors.todo_for(user)
        ctx["can_file"] = scope.scope_of(user).files
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        ctx["status_counts"] = dict(_visible(user).values_list("status").annotate(n=Count("id")).order_by())
        return ctx


class ReviewQueueView(RoleRequiredMixin, ListView):
    """The returns waiting for the user's decision: a district office's (what its towns, organisations and bases
    submitted) or the city office's (what districts forwarded or filed themselves)."""

    allowed = ("office", "district")
    template_name = "events/review_queue.html"
    paginate_by = 30
    context_object_name = "activities"

    def get_queryset(self):
        qs = ActivityReturn.objects.review_queue(self.request.user)
        campaign = parse_id(self.request.GET.get("campaign"))
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        for activity in ctx["activities"]:
            activity.actions = available_actions(activity, user)
        ctx["campaigns"] = Campaign.objects.for_filer(user)
        ctx["now"] = timezone.now()
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


@login_required
def activity_detail(request, pk):
    activity = _get_return(request, pk)
    transitions = ActivityReturnTransition.objects.filter(activity=activity).select_related("actor")
    ctx = {
        "activity": activity,
        "transitions": transitions,
        "actions": available_actions(activity, request.user),
        "can_edit": activity.can_edit(request.user),
        "can_edit_report": activity.can_edit_report(request.user),
        "photos": activity.photos.all(),
        "max_photos": max_photos(),
        "photo_form": PhotoUploadForm(),
        "populations": activity.target_populations.all(),
        "summary_due": activity.summary_due_on,
        "summary_days_left": activity.summary_days_left(clock.today()),
        "history": activity.history.select_related("history_user")[:20],
        "back": safe_next(request, ""),  # the list (with its filters) the user came from
    }
    return render(request, "events/activity_detail.html", ctx)


def _save_phase(request, form, activity, phase: str):
    """Save one phase's form through the service; None when saved, else the form shows why."""
    try:
        services.save_return(
            activity,
            request.user,
            populations=form.cleaned_data.get("target_populations") if phase == "" else None,
            expected_version=form.cleaned_data.get("version") if phase == "" else None,
            expected_report_version=form.cleaned_data.get("report_version") if phase == "report" else None,
        )
    except WorkflowError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_error(None, ";".join(exc.messages))
    else:
        return None
    return form


@login_required
def activity_create(request):
    user = request.user
    if not scope.scope_of(user).files:
        raise PermissionDenied(_("您的角色不能填报活动。"))
    copy_from = None
    if request.method == "GET" and parse_id(request.GET.get("from")):
        copy_from = ActivityReturn.objects.changeable_by(user).filter(pk=parse_id(request.GET["from"])).first()
    asked = parse_id(request.GET.get("campaign")) if request.method == "GET" else None
    form = ActivityRegistrationForm(
        request.POST or None, user=user, copy_from=copy_from, initial={"campaign": asked} if asked else None
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        if _save_phase(request, form, activity, "") is None:
            then = request.POST.get("then")
            if then == "submit":
                return _do_transition(request, activity, "submit", "", activity.version)
            messages.success(request, _("“%(title)s”已保存为草稿。") % {"title": activity.title})
            if then == "another":
                return redirect(f"{reverse('events:create')}?from={activity.pk}")
            return redirect("events:detail", pk=activity.pk)
    return render(
        request,
        "events/activity_form.html",
        {"form": form, "creating": True, "phase": "registration", "copied": copy_from},
    )


# each phase's page: its form, its lock, its submit action and version, what "saved" says
_PHASE_PAGES = {
    "": (
        ActivityRegistrationForm,
        "is_locked",
        services.LOCKED_MESSAGE,
        "submit",
        "version",
        "registration",
        gettext_lazy("已保存。"),
    ),
    "report": (
        ActivityReportForm,
        "is_report_locked",
        services.REPORT_LOCKED_MESSAGE,
        "submit_report",
        "report_version",
        "report",
        gettext_lazy("活动补充信息已保存。"),
    ),
}


def _edit_phase(request, pk, phase: str):
    form_class, locked, locked_message, submit, version, page_phase, saved = _PHASE_PAGES[phase]
    activity = _get_return(request, pk)
    user = request.user
    if not activity.can_file(user):
        return _refuse(request, _("您无权修改此活动填报。"))
    if getattr(activity, locked)():
        return _refuse(request, locked_message)
    form = form_class(request.POST or None, request.FILES or None, instance=activity, user=user)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        if _save_phase(request, form, activity, phase) is None:
            if request.POST.get("then") == "submit":
                return _do_transition(request, activity, submit, "", getattr(activity, version))
            messages.success(request, str(saved))
            return redirect("events:detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "creating": False, "phase": page_phase}
    return render(request, "events/activity_form.html", context)


@login_required
def activity_edit(request, pk):
    """活动登记: the registration, until it is submitted."""
    return _edit_phase(request, pk, "")


@login_required
def activity_report(request, pk):
    """活动补充信息: the post-event report of a registered activity, with no office action in between."""
    return _edit_phase(request, pk, "report")


@login_required
@require_POST
def activity_delete(request, pk):
    activity = _get_return(request, pk)
    try:
        services.delete_draft(activity, request.user)
    except WorkflowError as exc:
        return _refuse(request, str(exc))
    messages.success(request, _("草稿已删除。"))
    return redirect(safe_next(request, reverse("events:list")))


def _do_transition(request, activity, action, reason, version):
    try:
        services.transition(activity, action, request.user, reason=reason, expected_version=version)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        status = exc.status_code
        if request.headers.get("HX-Request"):
            return HttpResponse(str(exc), status=status)
        return redirect(safe_next(request, reverse("events:detail", args=[activity.pk])))
    forwarded = (activity.report_status if action.endswith("_report") else activity.status) == "forwarded"
    labels = {
        "submit": _("活动登记已提交,等待审核。"),
        "submit_report": _("活动补充信息已提交,等待审核。"),
        "approve": _("活动登记已审核通过并报送市级。") if forwarded else _("活动登记已审核通过。"),
        "approve_report": _("活动补充信息已审核通过并报送市级。") if forwarded else _("活动补充信息已审核通过。"),
        "return": _("活动登记已退回,理由已通知填报单位。"),
        "return_report": _("活动补充信息已退回,理由已通知填报单位。"),
        "reopen": _("活动登记已重新打开并退回填报单位。"),
        "reopen_report": _("活动补充信息已重新打开并退回填报单位。"),
    }
    messages.success(request, f"“{activity.title}”{labels.get(action, '')}")
    return redirect(safe_next(request, reverse("events:detail", args=[activity.pk])))


@login_required
@require_POST
def activity_transition(request, pk):
    activity = _get_return(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求不完整,请刷新页面后重试。"))
        return redirect("events:detail", pk=pk)
    return _do_transition(
        request, activity, form.cleaned_data["action"], form.cleaned_data["reason"], form.cleaned_data["version"]
    )


@login_required
@require_POST
def photo_upload(request, pk):
    activity = _get_return(request, pk)
    files = request.FILES.getlist("photo")
    try:
        services.add_photos(activity, request.user, files)
    except (UploadRejected, WorkflowError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("照片已上传(%(n)d 张)。") % {"n": len(files)})
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    activity = _get_return(request, pk)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    try:
        services.delete_photo(photo, request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("events:detail", pk=pk)


def _serve(field_file, content_type: str | None = None, download_name: str | None = None):
    """A photo (its checked type, shown inline) or a filed document (always an attachment)."""
    return downloads.stored_file_download(field_file, download_name, content_type, inline=content_type is not None)


@login_required
def photo_file(request, pk, photo_pk):
    activity = _get_return(request, pk)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    return _serve(photo.file, photo.content_type)


@login_required
def summary_file(request, pk):
    activity = _get_return(request, pk)
    return _serve(activity.summary_file, None)


# --- campaigns -------------------------------------------------------------------------------
class CampaignListView(LoginRequiredMixin, ListView):
    template_name = "events/campaign_list.html"
    context_object_name = "campaigns"

    def get_queryset(self):
        return (
            Campaign.objects.listed_for(self.request.user)
            .annotate(
                n_returns=Count("returns", filter=Q(returns__in=_visible(self.request.user))),
            )
            .order_by("-year", "-starts_on")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, can_manage=scope.can_manage_campaigns(self.request.user))


@login_required
def campaign_detail(request, pk):
    user = request.user
    campaign = get_object_or_404(Campaign.objects.visible_to(user).prefetch_related("regions", "units"), pk=pk)
    rows = completeness.completeness_for(campaign, user)
    files = scope.scope_of(user).kind in scope.FILER_KINDS
    filings = {}
    if files:
        party = services.filer_party(user)
        filings = {f.kind: f for f in CampaignFiling.objects.filter(campaign=campaign, **party)}
    ctx = {
        "campaign": campaign,
        "rows": rows,
        "today": clock.today(),
        "filings": filings,
        "schedule_form": FilingForm(initial={"kind": "schedule"}),
        "summary_form": FilingForm(initial={"kind": "summary"}),
        "can_file": files,
        "district_level": scope.scope_of(user).kind == "district",
        "summary": exports.campaign_summary(campaign, _visible(user)),
        "categories": ActivityReturn.Category.choices,
        "can_manage": scope.can_manage_campaigns(user),
    }
    return render(request, "events/campaign_detail.html", ctx)


@login_required
@require_POST
def campaign_file(request, pk):
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    form = FilingForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请求不完整,请重试。"))
        return redirect("events:campaign-detail", pk=pk)
    try:
        services.file_campaign(
            campaign,
            request.user,
            form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            upload=form.cleaned_data.get("file"),
        )
    except (WorkflowError, UploadRejected) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已报送。"))
    return redirect("events:campaign-detail", pk=pk)


@login_required
def filing_file(request, pk, filing_pk):
    filing = get_object_or_404(scope.readable(request.user, CampaignFiling.objects.all()), pk=filing_pk, campaign_id=pk)
    return _serve(filing.file, None)


@login_required
def campaign_export(request, pk):
    """The campaign's 汇总表 (approved returns the user may see: the office gets every region)."""
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    data = exports.campaign_summary_workbook(campaign, _visible(request.user))
    return downloads.xlsx_download(data, f"{campaign.name}汇总表.xlsx")
