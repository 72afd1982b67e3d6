"""The 活动安排表 import pages: upload → paged preview (from the stash, nothing written) → confirm; the template and
the filled-in sheet whose 编号 column makes a re-import update instead of add."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import scope
from common import downloads
from common.filters import parse_id

from . import exports, services
from .forms import ImportUploadForm
from .models import ActivityReturn, Campaign

IMPORT_KEY = "events"  # pending imports: common.imports.stash (private storage, a session-bound token)
PREVIEW_PAGE_ROWS = 50


def _preview_context(request, token: str, rows: list, page_number) -> dict:
    from django.core.paginator import Paginator

    page = Paginator(rows, PREVIEW_PAGE_ROWS).get_page(page_number)
    kinds = [r.get("change") for r in rows]
    return {
        "token": token,
        "page": page,
        "preview_rows": page.object_list,
        "total_rows": len(rows),
        "counts": {"new": kinds.count("new"), "update": kinds.count("update"), "skip": kinds.count("skip")},
    }


@login_required
def import_upload(request):
    from common.imports import stash

    user = request.user
    if not scope.scope_of(user).files:
        raise PermissionDenied(_("您的角色不能导入活动。"))
    token = request.GET.get("token", "")
    if request.method == "GET" and token:  # another page of a preview: read from the stash, nothing re-checked
        rows = stash.load_preview(request, IMPORT_KEY, token)
        if rows is None:
            messages.error(request, _("导入已过期,请重新上传文件。"))
            return redirect("events:import")
        return render(request, "events/import.html", _preview_context(request, token, rows, request.GET.get("page")))
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, user=user, campaign_id=parse_id(request.GET.get("campaign"))
    )
    ctx = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        campaign = form.cleaned_data["campaign"]
        report = services.import_returns(upload, user, campaign, dry_run=True)
        ctx["report"] = report
        if report.ok:
            upload.seek(0)
            token = stash.stash_upload(
                request, IMPORT_KEY, upload.read(), upload.name, campaign=campaign.pk if campaign else None
            )
            rows = [{**r, "starts_on": r["starts_on"].isoformat() if r["starts_on"] else ""} for r in report.rows]
            stash.save_preview(token, rows)
            ctx.update(_preview_context(request, token, rows, 1))
    return render(request, "events/import.html", ctx)


@login_required
@require_POST
def import_confirm(request):
    from common.imports import stash

    user = request.user
    token = request.POST.get("token", "")
    data, name = stash.load_stash(request, IMPORT_KEY, token)
    if data is None:
        messages.error(request, _("导入已过期,请重新上传文件。"))
        return redirect("events:import")
    pending = stash.stash_meta(request, IMPORT_KEY, token)
    campaign = Campaign.objects.filter(pk=pending.get("campaign")).first() if pending.get("campaign") else None
    report = services.import_returns(SimpleUploadedFile(name or "import.xlsx", data), user, campaign, dry_run=False)
    stash.drop_stash(request, token)
    if not report.ok:
        form = ImportUploadForm(user=user)
        return render(request, "events/import.html", {"form": form, "report": report})
    messages.success(
        request,
        _("已导入:新增 %(new)d 条,更新 %(updated)d 条,无变化 %(same)d 条(草稿)。请核对后提交。")
        % {"new": report.created, "updated": report.updated, "same": report.unchanged},
    )
    url = reverse("events:list") + "?status=draft"
    if campaign:
        url += f"&campaign={campaign.pk}"
    return redirect(url)


@login_required
def import_export(request):
    """下载已填报活动: the user's activities in the template's columns, with 编号 — filled in and imported again,
    each row updates its activity."""
    campaign_id = parse_id(request.GET.get("campaign"))
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id is not None else None
    queryset = scope.changeable(request.user, ActivityReturn.objects.all())
    queryset = queryset.filter(campaign=campaign) if campaign else queryset
    data = exports.filled_in_workbook(request.user, campaign, queryset)
    return downloads.xlsx_download(data, "已填报活动.xlsx")


@login_required
def import_template(request):
    campaign_id = parse_id(request.GET.get("campaign"))
    campaign = Campaign.objects.for_filer(request.user).filter(pk=campaign_id).first() if campaign_id else None
    data = exports.import_template(request.user, campaign)
    return downloads.xlsx_download(data, "活动安排表模板.xlsx")
