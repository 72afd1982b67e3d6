"""The office's assessment pages: schemes (new, edit, copy), opening and stepping rounds, recomputing, reviews and
corrections. Every write goes through assessment.services; refusals come back as messages."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from common.tasks import enqueue_on_commit
from common.workflow import WorkflowError

from . import services
from .forms import CopySchemeForm, CorrectionForm, ItemFormSet, OpenRoundForm, ReviewForm, SchemeForm
from .models import AssessmentRound, AssessmentScheme, Score


def _errors(*forms) -> str:
    out = []
    for form in forms:
        for name, errs in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            out += [f"{label}:{e}" if label else e for e in errs]
    return " ".join(out)


class SchemeEditView(RoleRequiredMixin, TemplateView):
    """A new scheme (no pk) or an existing one with its items (until its round is opened)."""

    allowed = ("office",)
    template_name = "assessment/scheme_form.html"

    def _scheme(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(AssessmentScheme, pk=pk) if pk else AssessmentScheme()

    def get_context_data(self, form=None, items=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scheme = self._scheme()
        ctx.update(
            scheme=scheme,
            form=form or SchemeForm(instance=scheme),
            items=items if items is not None else (ItemFormSet(instance=scheme) if scheme.pk else None),
            editable=not scheme.pk or services.scheme_editable(scheme),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        scheme = self._scheme()
        form = SchemeForm(request.POST, instance=scheme)
        items = ItemFormSet(request.POST, instance=scheme) if scheme.pk else None
        if form.is_valid() and (items is None or items.is_valid()):
            try:
                scheme = services.save_scheme(form, items, request.user)
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "考核方案已保存。")
                return redirect("assessment:scheme-edit", pk=scheme.pk)
        else:
            problems = _errors(form) + " ".join(
                f"第 {i} 项:{_errors(f)}" for i, f in enumerate(items or [], 1) if f.errors
            )
            if items is not None and items.non_form_errors():
                problems += " ".join(items.non_form_errors())
            messages.error(request, "请修改以下问题:" + problems)
        return self.render_to_response(self.get_context_data(form=form, items=items))


class SchemeCopyView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        source = get_object_or_404(AssessmentScheme, pk=pk)
        form = CopySchemeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect("assessment:round-list")
        try:
            copy = services.copy_scheme(source, form.cleaned_data["year"], request.user, form.cleaned_data["name"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("assessment:round-list")
        messages.success(request, f"已复制为“{copy}”。")
        return redirect("assessment:scheme-edit", pk=copy.pk)


class RoundOpenView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        scheme = get_object_or_404(AssessmentScheme, pk=pk)
        form = OpenRoundForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect("assessment:round-list")
        try:
            round_ = services.open_round(scheme, request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("assessment:round-list")
        messages.success(request, "考核已开启,平台数据项正在计算。")
        return redirect("assessment:round-detail", pk=round_.pk)


class RoundAdvanceView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        round_ = get_object_or_404(AssessmentRound, pk=pk)
        version = request.POST.get("version", "")
        try:
            services.advance_round(
                round_,
                request.POST.get("action", ""),
                request.user,
                reason=request.POST.get("reason", ""),
                expected_version=int(version) if version.isdigit() else None,
            )
            messages.success(request, "操作已完成。")
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("assessment:round-detail", pk=pk)


class RoundRecomputeView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        round_ = get_object_or_404(AssessmentRound, pk=pk)
        from .tasks import compute_round_task

        with transaction.atomic():
            enqueue_on_commit(compute_round_task, round_.pk)
        messages.success(request, "已提交重新计算。")
        return redirect("assessment:round-detail", pk=pk)


class ScoreReviewView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        score = get_object_or_404(Score, pk=pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            data = form.cleaned_data
            try:
                services.review_score(
                    score,
                    request.user,
                    data["action"],
                    points=data["points"] or None,
                    reason=data["reason"],
                    expected_version=data.get("version"),
                )
                messages.success(request, "审核结果已保存。")
            except WorkflowError as exc:
                messages.error(request, str(exc))
        return redirect("assessment:round-detail", pk=score.round_id)


class ScoreCorrectView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        score = get_object_or_404(Score, pk=pk)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            try:
                services.correct_published_score(
                    score, request.user, form.cleaned_data["points"], form.cleaned_data["reason"]
                )
                messages.success(request, "更正已登记。")
            except WorkflowError as exc:
                messages.error(request, str(exc))
        return redirect("assessment:round-detail", pk=score.round_id)
