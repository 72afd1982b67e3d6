"""Pages: the 工作台 home, the user's own notifications and e-mail preference, and the 催报 actions (thin: reads
from notifications.workbench / querysets, writes through notifications.services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import clock
from common.redirects import safe_next

from . import services, workbench
from .forms import PreferenceForm
from .models import Notification


def home(request):
    """工作台: what is due and in how many days, what was returned and why, what waits for my review, recent
    notifications — for every role (each section from accounts.scope's querysets)."""
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "home.html", {"bench": workbench.for_user(request.user, clock.today())})


def _own(request, pk) -> Notification:
    """Another user's notification is a 404, whatever the role (the office's too)."""
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@login_required
def inbox(request):
    notifications = Notification.objects.for_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.unread()
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": Notification.objects.for_user(request.user).unread().count(),
        },
    )


@login_required
def open_notification(request, pk):
    """Follow a notification: marked read, then its page (a path inside the portal; else the inbox)."""
    notification = _own(request, pk)
    services.mark_read(request.user, notification)
    return redirect(notification.link or reverse("notifications:inbox"))


@login_required
@require_POST
def mark_read(request, pk):
    services.mark_read(request.user, _own(request, pk))
    return redirect(safe_next(request, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)d 条通知标记为已读。") % {"n": n})
    return redirect(safe_next(request, reverse("notifications:inbox")))


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.set_email_enabled(request.user, form.cleaned_data["email_enabled"])
            messages.success(request, _("通知设置已保存。"))
            return redirect("notifications:settings")
    else:
        form = PreferenceForm(initial={"email_enabled": services.email_enabled(request.user)})
    return render(request, "notifications/settings.html", {"form": form})


def _chase(request, chase, target, back):
    """Send the 催报 (`chase`: a notifications service) and go back to the completeness page's reminder log."""
    try:
        log = chase(target, request.user)
    except services.ReminderRefused as exc:
        messages.error(request, str(exc))
        return redirect(back + "#reminders")
    parties = len(log.parties)
    messages.success(
        request,
        _("已向 %(parties)d 个未报送单位的 %(users)d 位用户发送催报通知。")
        % {"parties": parties, "users": log.recipients},
    )
    if any(not entry["recipients"] for entry in log.parties):
        messages.warning(request, _("部分单位在平台中没有账号,未能通知,请电话联系(见催报记录)。"))
    return redirect(back + "#reminders")


@login_required
@require_POST
def remind_campaign(request, pk):
    """催报 on a campaign's completeness page: the office at the city level, a district office at its own
    (accounts.scope.chase_level decides; others get 403)."""
    from events.models import Campaign

    campaign = get_object_or_404(Campaign, pk=pk)
    return _chase(request, services.chase_campaign, campaign, reverse("events:campaign-detail", args=[campaign.pk]))


@login_required
@require_POST
def remind_period(request, pk):
    """催报 on a reporting period's page: the office alone (units report to the city)."""
    from programs.models import ReportingPeriod

    period = get_object_or_404(ReportingPeriod, pk=pk)
    return _chase(request, services.chase_period, period, reverse("programs:period-detail", args=[period.pk]))
