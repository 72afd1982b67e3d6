"""Pages of the annual assessment (thin: reads from assessment.querysets, which ask accounts.scope; every write
through assessment.services). Office pages (schemes, round actions, reviews) are in office_views.py."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from accounts import scope
from common import downloads
from common.workflow import WorkflowError, available_actions

from . import exports, services
from .forms import ClaimForm, CopySchemeForm, CorrectionForm, OpenRoundForm, ReviewForm
from .models import AssessmentItem, ScoreEvidence
from .querysets import results_for, rounds_for, scores_for


def parse_party(value: str) -> dict:
    """ "region-12" / "unit-3" → the Score filter of that party; anything else is a 404."""
    kind, _sep, pk = value.partition("-")
    if kind not in ("region", "unit") or not pk.isdigit() or len(pk) > 9:
        raise Http404
    return {f"{kind}_id": int(pk)}


def party_slug(obj) -> str:
    return f"region-{obj.region_id}" if obj.region_id else f"unit-{obj.unit_id}"


def sheets_of(scores) -> list[dict]:
    """Scores grouped into one sheet per party (the paper 考核表): party, slug, rows, totals."""
    sheets: OrderedDict = OrderedDict()
    for s in scores.prefetch_related("files").order_by("region__path", "unit__order", "item__order", "item_id"):
        sheet = sheets.setdefault(
            party_slug(s), {"party": s.party, "slug": party_slug(s), "rows": [], "max": 0, "total": 0}
        )
        sheet["rows"].append(s)
        sheet["max"] += s.item.max_points
        sheet["total"] += s.final_points or 0
    return list(sheets.values())


class RoundListView(LoginRequiredMixin, TemplateView):
    template_name = "assessment/round_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["rounds"] = rounds_for(user).order_by("-scheme__year", "scheme__name")
        ctx["manages"] = scope.can_manage_assessment(user)
        if ctx["manages"]:
            from .models import AssessmentScheme

            ctx["schemes"] = AssessmentScheme.objects.select_related("owner_region", "round").order_by("-year", "name")
            ctx["copy_form"], ctx["open_form"] = CopySchemeForm(), OpenRoundForm()
        return ctx


class RoundDetailView(LoginRequiredMixin, TemplateView):
    """A round: its steps and history; the sheets the user may read — with the claim form on the party's own
    self-assessed items and, for the office, the review form on every item."""

    template_name = "assessment/round_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        round_ = get_object_or_404(rounds_for(user), pk=self.kwargs["pk"])
        manages = scope.can_manage_assessment(user)
        sheets = sheets_of(scores_for(user, round_))
        for sheet in sheets:
            for score in sheet["rows"]:
                score.claimable = scope.can_claim_assessment(user, score)
        ctx.update(
            round=round_,
            manages=manages,
            sheets=sheets,
            transitions=round_.transitions.select_related("actor"),
            claim_form=ClaimForm(),
            review_form=ReviewForm(),
            correction_form=CorrectionForm(),
            has_results=results_for(user, round_).exists(),
            SELF=AssessmentItem.Method.SELF,
            OFFICE=AssessmentItem.Method.OFFICE,
            COMPUTED=AssessmentItem.Method.COMPUTED,
        )
        if manages:
            ctx["actions"] = [(a, round_.TRANSITIONS[a]) for a in available_actions(round_, user) if a != "open"]
            if self.request.GET.get("check") == "1":
                ctx["differences"] = services.check_round(round_)
        return ctx


class SheetView(LoginRequiredMixin, TemplateView):
    """One party's 考核表: item, maximum, self-score, reviewed score, reason (print-friendly)."""

    template_name = "assessment/sheet.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        round_ = get_object_or_404(rounds_for(user), pk=self.kwargs["pk"])
        sheets = sheets_of(scores_for(user, round_).filter(**parse_party(self.kwargs["party"])))
        if not sheets:
            raise Http404
        result = results_for(user, round_).filter(**parse_party(self.kwargs["party"])).first()
        ctx.update(round=round_, sheet=sheets[0], result=result)
        return ctx


class SheetXlsxView(LoginRequiredMixin, View):
    def get(self, request, pk, party):
        round_ = get_object_or_404(rounds_for(request.user), pk=pk)
        sheets = sheets_of(scores_for(request.user, round_).filter(**parse_party(party)))
        if not sheets:
            raise Http404
        content = exports.round_workbook(round_, [], sheets)
        return downloads.xlsx_download(content, f"{round_.scheme.name}-{sheets[0]['party']}.xlsx")


class ResultsView(LoginRequiredMixin, TemplateView):
    """The ranking the user may read: the office and leaders always; a party its own once finalised, everyone's of
    the round once published."""

    template_name = "assessment/results.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        round_ = get_object_or_404(rounds_for(user), pk=self.kwargs["pk"])
        readable_sheets = {
            f"region-{r}" if r else f"unit-{u}" for r, u in scores_for(user, round_).values_list("region_id", "unit_id")
        }
        results = [
            (r, party_slug(r) in readable_sheets, party_slug(r))
            for r in results_for(user, round_).order_by("rank", "region__path", "unit__order")
        ]
        ctx.update(
            round=round_,
            results=results,
            revisions=round_.revisions.select_related("score__item", "by") if scope.scope_of(user).reads_all else [],
        )
        return ctx


class ResultsXlsxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        round_ = get_object_or_404(rounds_for(request.user), pk=pk)
        results = results_for(request.user, round_).order_by("rank", "region__path", "unit__order")
        content = exports.round_workbook(round_, results, sheets_of(scores_for(request.user, round_)))
        return downloads.xlsx_download(content, f"{round_.scheme.name}.xlsx")


class ClaimView(LoginRequiredMixin, View):
    """The assessed party (or the office on its behalf) claims points with evidence on a self-assessed item."""

    def post(self, request, pk):
        score = get_object_or_404(scores_for(request.user), pk=pk)
        form = ClaimForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        else:
            data = form.cleaned_data
            try:
                services.claim(
                    score,
                    request.user,
                    data["points"],
                    data["evidence"],
                    files=[data["file"]] if data.get("file") else [],
                    expected_version=data.get("version"),
                )
                messages.success(request, "自评已保存,等待办公室审核。")
            except WorkflowError as exc:
                messages.error(request, str(exc))
        return redirect("assessment:round-detail", pk=score.round_id)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evidence = get_object_or_404(ScoreEvidence.objects.filter(score__in=scores_for(request.user)), pk=pk)
        return downloads.stored_file_download(evidence.file, evidence.original_name)
