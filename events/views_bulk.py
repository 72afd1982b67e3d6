"""The bulk-action endpoint of the activity list and the review queue (thin: events.services_bulk decides)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.filters import parse_id
from common.redirects import safe_next

from . import services_bulk
from .services_bulk import BulkItem, BulkRejected

REVIEW_VERBS = ("approve", "return")
CLERK_VERBS = ("submit", "submit_report", "delete")


def _verb_label(verb: str) -> str:
    return {
        "submit": _("已提交"),
        "submit_report": _("已提交补充信息"),
        "delete": _("已删除"),
        "approve": _("已审核通过"),
        "return": _("已退回"),
    }[verb]


def _items(request, verb: str) -> list[BulkItem]:
    """The selected items: ``ids`` holds ``<id>`` (the registration) or ``<id>:report`` (the post-event report);
    each phase's version is in ``version_<id>`` / ``report_version_<id>``."""
    items = []
    for token in request.POST.getlist("ids"):
        raw, _sep, phase = str(token).partition(":")
        pk = parse_id(raw)
        if pk is None or phase not in ("", "report"):
            raise BulkRejected(_("所选项目的编号有误,请刷新页面后重试。"))
        if verb == "submit_report":
            phase = "report"
        elif verb in ("submit", "delete"):
            phase = ""
        action = verb if verb in CLERK_VERBS else verb + ("_report" if phase == "report" else "")
        raw_version = str(request.POST.get(f"{'report_' if phase == 'report' else ''}version_{pk}", "")).strip()
        version = int(raw_version) if raw_version.isdigit() and len(raw_version) <= 12 else None
        items.append(BulkItem(pk, action, version))
    return items


@login_required
@require_POST
def bulk_action(request):
    verb = request.POST.get("action", "")
    default = reverse("events:review-queue" if verb in REVIEW_VERBS else "events:list")
    back = safe_next(request, default)
    if verb not in CLERK_VERBS + REVIEW_VERBS:
        messages.error(request, _("请选择要执行的批量操作。"))
        return redirect(back)
    try:
        items = _items(request, verb)
        if verb == "delete":
            result = services_bulk.bulk_delete_drafts(request.user, items)
        else:
            result = services_bulk.bulk_transition(request.user, items, reason=request.POST.get("reason", ""))
    except BulkRejected as exc:
        messages.error(request, str(exc))
        return redirect(back)
    summary = result.summary(_verb_label(verb))
    if result.none_found:  # nothing selected is the user's to see: answered as a missing object is
        return render(request, "events/refused.html", {"message": summary, "back": back}, status=404)
    level = messages.SUCCESS if not result.refused else messages.WARNING if result.done else messages.ERROR
    messages.add_message(request, level, summary)
    return redirect(back)
