"""Pages for the plan and the member units' work reports (thin: reads come from querysets,
writes and transitions from services)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from accounts import scope
from accounts.permissions import RoleRequiredMixin
from common import clock, downloads
from common.workflow import ConflictError, TransitionNotAllowed, WorkflowError, available_actions

from .filters import CompletenessFilter, UnitReportFilter
from .forms import OnBehalfForm, ReportingPeriodForm, UnitReportForm
from .models import (
    Plan,
    Programme,
    ReportingPeriod,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    UnitReport,
    UnitReportAttachment,
)
from .querysets import report_change_log
from .services import attachments as attachment_services
from .services import completeness as completeness_services
from .services import consolidated as consolidated_services
from .services import periods as period_services
from .services import reports as report_services


class ProgrammeListView(LoginRequiredMixin, ListView):
    template_name = "programs/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        tasks = (
            Task.objects.tasks().with_tree().prefetch_related(Prefetch("children", queryset=Task.objects.with_tree()))
        )
        return Programme.objects.filter(plan=Plan.objects.current()).prefetch_related(Prefetch("tasks", queryset=tasks))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = Plan.objects.current()
        ctx["plan"] = plan
        ctx["safeguards"] = (
            Task.objects.tasks()
            .filter(plan=plan, programme__isnull=True)
            .with_tree()
            .prefetch_related(Prefetch("children", queryset=Task.objects.with_tree()))
        )
        ctx["plan_targets"] = plan.targets.filter(task__isnull=True).prefetch_related("baselines") if plan else []
        ctx["populations"] = TargetPopulation.objects.all()
        return ctx


class TaskDetailView(LoginRequiredMixin, DetailView):
    template_name = "programs/task_detail.html"
    context_object_name = "task"

    def get_object(self):
        return get_object_or_404(Task.objects.with_tree(), plan=Plan.objects.current(), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["units"] = self.object.responsible_units()
        ctx["measures"] = self.object.children.with_tree()
        return ctx


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "programs/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return ResponsibleUnit.objects.with_task_counts().select_related("region")


class UnitDetailView(LoginRequiredMixin, DetailView):
    """ "What is my unit responsible for?" — tasks, their measures and targets."""

    template_name = "programs/unit_detail.html"
    context_object_name = "unit"
    model = ResponsibleUnit

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tasks"] = (
            Task.objects.assigned_to(self.object)
            .with_tree()
            .prefetch_related(Prefetch("children", queryset=Task.objects.with_tree()))
            .order_by("order")
        )
        return ctx


class MyUnitView(RoleRequiredMixin, DetailView):
    allowed = ("unit",)

    def get(self, request, *args, **kwargs):
        return redirect("programs:unit-detail", pk=request.user.unit_id)


class PopulationDetailView(LoginRequiredMixin, DetailView):
    template_name = "programs/population_detail.html"
    context_object_name = "population"
    model = TargetPopulation
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tasks"] = (
            Task.objects.tasks()
            .filter(populations=self.object)
            .with_tree()
            .prefetch_related(Prefetch("children", queryset=Task.objects.with_tree()))
        )
        ctx["targets"] = self.object.plantarget_set.select_related("task")
        return ctx


# === member-unit work reports ===========================================================


def _visible_report(user, pk):
    return get_object_or_404(UnitReport.objects.visible_to(user).with_detail(), pk=pk)


class ReportListView(LoginRequiredMixin, TemplateView):
    """Periods and the reports the user may see; a liaison's own report per period up front."""

    template_name = "programs/report_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        plan = Plan.objects.current()
        today = clock.today()
        periods = list(ReportingPeriod.objects.filter(plan=plan).with_window(today)) if plan else []
        reports = UnitReport.objects.visible_to(user).select_related("unit", "period", "entered_by")
        ctx["filter"] = UnitReportFilter(self.request.GET or None, queryset=reports, request=self.request)
        ctx["reports"] = ctx["filter"].qs.order_by("-period__year", "period__kind", "unit__order")[:500]
        ctx["periods"] = periods
        ctx["today"] = today
        if scope.scope_of(user).kind == "unit":
            mine = {r.period_id: r for r in UnitReport.objects.changeable_by(user)}
            ctx["my_periods"] = [(p, mine.get(p.pk)) for p in periods]
        return ctx


class PeriodCreateView(RoleRequiredMixin, View):
    allowed = ("office",)
    template_name = "programs/report_period_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ReportingPeriodForm()})

    def post(self, request):
        form = ReportingPeriodForm(request.POST)
        if form.is_valid():
            try:
                period = period_services.open_period(Plan.objects.current(), user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已开启报送周期“%(name)s”。") % {"name": period.label})
                return redirect("programs:period-detail", pk=period.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class PeriodToggleView(RoleRequiredMixin, View):
    allowed = ("office",)

    def post(self, request, pk):
        period = get_object_or_404(ReportingPeriod, pk=pk)
        period_services.set_period_open(period, request.POST.get("open") == "1", request.user)
        messages.success(request, _("报送周期已开启。") if period.is_open else _("报送周期已关闭。"))
        return redirect("programs:period-detail", pk=pk)


class PeriodDetailView(LoginRequiredMixin, TemplateView):
    template_name = "programs/report_period_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = get_object_or_404(ReportingPeriod.objects.with_window(clock.today()), pk=self.kwargs["pk"])
        user = self.request.user
        ctx["period"] = period
        ctx["reports"] = (
            UnitReport.objects.visible_to(user)
            .filter(period=period)
            .select_related("unit", "entered_by")
            .order_by("unit__order")
        )
        if scope.scope_of(user).writes_all:
            units = ResponsibleUnit.objects.expected_to_report(period.plan).order_by("order")
            ctx["on_behalf_form"] = OnBehalfForm(units=units)
        return ctx


class MyReportView(RoleRequiredMixin, View):
    """A liaison opens (or starts) its unit's report for a period."""

    allowed = ("unit",)

    def post(self, request, pk):
        period = get_object_or_404(ReportingPeriod, pk=pk)
        try:
            report, _created = report_services.start_report(request.user.unit, period, request.user)
        except (WorkflowError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("programs:report-list")
        return redirect("programs:report-edit", pk=report.pk)


class OnBehalfStartView(RoleRequiredMixin, View):
    """Office staff log a report for a unit from the documents it e-mailed."""

    allowed = ("office",)

    def post(self, request, pk):
        period = get_object_or_404(ReportingPeriod, pk=pk)
        form = OnBehalfForm(request.POST, units=ResponsibleUnit.objects.expected_to_report(period.plan))
        if not form.is_valid():
            messages.error(request, _("请选择要代录的单位。"))
            return redirect("programs:period-detail", pk=pk)
        try:
            report, _created = report_services.start_report(
                form.cleaned_data["unit"], period, request.user, source_note=form.cleaned_data["source_note"]
            )
        except (WorkflowError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("programs:period-detail", pk=pk)
        return redirect("programs:report-edit", pk=report.pk)


def _may_edit(report, user) -> bool:
    """Whether the edit button (and a liaison's submit) is offered: status, role and filing window."""
    try:
        report_services.ensure_editable(report, user)
    except (PermissionDenied, report_services.ReportLocked):
        return False
    return True


def _detail_context(request, report, **extra):
    actions = available_actions(report, request.user)
    can_edit = report.can_file(request.user) and _may_edit(report, request.user)
    if "submit" in actions and not can_edit:
        actions.remove("submit")
    ctx = {
        "report": report,
        "entries": report.entries.all(),
        "figures": report.figures.all(),
        "transitions": report.transitions.all(),
        "change_log": report_change_log(report),
        "actions": actions,
        "can_edit": can_edit,
    }
    ctx.update(extra)
    return ctx


class ReportDetailView(LoginRequiredMixin, View):
    template_name = "programs/report_detail.html"

    def get(self, request, pk):
        return render(request, self.template_name, _detail_context(request, _visible_report(request.user, pk)))


class ReportEditView(LoginRequiredMixin, View):
    template_name = "programs/report_form.html"

    def _setup(self, request, pk):
        report = _visible_report(request.user, pk)
        if not report.can_file(request.user):
            raise PermissionDenied(_("您无权修改该单位的工作报告。"))
        try:
            report_services.ensure_editable(report, request.user)
        except report_services.ReportLocked as exc:
            messages.error(request, str(exc))
            return report, redirect("programs:report-detail", pk=report.pk)
        return report, None

    def _form(self, request, report, data=None, files=None):
        plan = report.period.plan
        return UnitReportForm(
            data,
            files,
            report=report,
            entries=report.entries.select_related("task").order_by("task__order"),
            targets=report_services.report_targets(report.unit, plan),
            figures=report.figures.all(),
            show_source=scope.scope_of(request.user).writes_all,
        )

    def _render(self, request, report, form, status=200):
        return render(request, self.template_name, {"report": report, "form": form}, status=status)

    def get(self, request, pk):
        report, refused = self._setup(request, pk)
        if refused:
            return refused
        return self._render(request, report, self._form(request, report))

    def post(self, request, pk):
        report, refused = self._setup(request, pk)
        if refused:
            return refused
        form = self._form(request, report, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, report, form, status=400)
        try:
            report = report_services.save_report(
                report,
                request.user,
                entries=form.entries_data(),
                figures=form.figures_data(),
                summary=form.cleaned_data["summary"],
                source_note=form.cleaned_data.get("source_note"),
                expected_version=form.cleaned_data["version"],
                uploads=[(entry.task_id, f) for entry, f in form.uploads()],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self._render(request, report, form, status=400)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self._render(request, report, form, status=409)
        except report_services.ReportLocked as exc:
            messages.error(request, str(exc))
            return redirect("programs:report-detail", pk=report.pk)
        if "submit" in request.POST:
            try:
                report_services.transition_report(report, "submit", request.user, expected_version=report.version)
            except WorkflowError as exc:
                messages.error(request, str(exc))
                return redirect("programs:report-detail", pk=report.pk)
            messages.success(request, _("已保存并提交,等待领导小组办公室审核。"))
            return redirect("programs:report-detail", pk=report.pk)
        messages.success(request, _("已保存草稿。"))
        return redirect("programs:report-edit", pk=report.pk)


class ReportTransitionView(LoginRequiredMixin, View):
    """POST submit / accept / return (reason) with the version the user saw. The version is
    required: without it a stale page would act on whatever the report has become."""

    def post(self, request, pk, action):
        report = _visible_report(request.user, pk)
        if action not in UnitReport.TRANSITIONS:
            raise Http404
        version = (request.POST.get("version") or "").strip()
        if not version.isdigit():
            return render(
                request,
                "programs/report_detail.html",
                _detail_context(request, report, error=_("缺少报告版本号,请刷新页面后再操作。")),
                status=400,
            )
        try:
            report_services.transition_report(
                report,
                action,
                request.user,
                reason=request.POST.get("reason", ""),
                expected_version=int(version),
            )
        except TransitionNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except WorkflowError as exc:
            report = _visible_report(request.user, pk)
            return render(
                request,
                "programs/report_detail.html",
                _detail_context(request, report, error=str(exc)),
                status=exc.status_code,
            )
        done = {
            "submit": _("已提交,等待审核。"),
            "accept": _("已审核通过。"),
            "return": _("已退回,并通知填报单位修改。"),
        }
        messages.success(request, done[action])
        return redirect("programs:report-detail", pk=pk)


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(
            UnitReportAttachment.objects.select_related("entry__report"),
            pk=pk,
            entry__report__in=UnitReport.objects.visible_to(request.user),
        )
        return downloads.stored_file_download(attachment.file, attachment.original_name, attachment.content_type)


class AttachmentDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        attachment = get_object_or_404(
            UnitReportAttachment.objects.select_related("entry__report__period"),
            pk=pk,
            entry__report__in=UnitReport.objects.visible_to(request.user),
        )
        report = attachment.entry.report
        if not report.can_file(request.user):
            raise PermissionDenied(_("您无权修改该单位的工作报告。"))
        try:
            attachment_services.remove_attachment(attachment, request.user)
        except report_services.ReportLocked as exc:
            messages.error(request, str(exc))
            return redirect("programs:report-detail", pk=report.pk)
        messages.success(request, _("附件已删除。"))
        return redirect("programs:report-edit", pk=report.pk)


class CompletenessView(RoleRequiredMixin, TemplateView):
    """Units × periods: filed on time, late, missing; filterable by programme and population."""

    allowed = ("office", "leader")
    template_name = "programs/report_completeness.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = Plan.objects.current()
        f = CompletenessFilter(self.request.GET, queryset=ReportingPeriod.objects.filter(plan=plan))
        periods = f.qs.order_by("year", "kind", "half") if f.is_valid() else ReportingPeriod.objects.none()
        data = f.form.cleaned_data if f.is_valid() else {}
        ctx["filter"] = f
        ctx["matrix"] = completeness_services.completeness_matrix(
            plan, periods, programme=data.get("programme"), population=data.get("population")
        )
        return ctx


class ConsolidatedView(LoginRequiredMixin, TemplateView):
    """Print-ready consolidated report for the leading-group meeting."""

    template_name = "programs/report_consolidated.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = get_object_or_404(ReportingPeriod, pk=self.kwargs["pk"])
        ctx.update(consolidated_services.consolidated_report(period, UnitReport.objects.visible_to(self.request.user)))
        ctx["printed_at"] = timezone.localtime()
        return ctx


_xlsx_response = downloads.xlsx_download


class ConsolidatedXlsxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        period = get_object_or_404(ReportingPeriod, pk=pk)
        data = consolidated_services.consolidated_report(period, UnitReport.objects.visible_to(request.user))
        return _xlsx_response(consolidated_services.consolidated_xlsx(data), f"{period.name}成员单位工作报告汇总.xlsx")


class ReportXlsxView(LoginRequiredMixin, View):
    """One report as xlsx (any status), for the unit's own files."""

    def get(self, request, pk):
        report = _visible_report(request.user, pk)
        data = consolidated_services.consolidated_report(
            report.period, UnitReport.objects.filter(pk=report.pk), statuses=None
        )
        return _xlsx_response(
            consolidated_services.consolidated_xlsx(data), f"{report.period.name}{report.unit.name}工作报告.xlsx"
        )
