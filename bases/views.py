"""Pages for the base registry (thin: reads from querysets, writes through services and forms)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from common import audit

from common import imports

from . import services
from .filters import BaseFilter
from .forms import AnnualReportForm, BaseForm, CertificationForm, RevokeForm
from .models import Base, BaseAnnualReport, Certification
from .querysets import LEVEL_RANK
from .resources import AnnualReportResource, BaseResource, CertificationResource

READERS = ("office", "district", "leader", "base")  # accounts.scope kinds
EDITORS = ("office", "district")
REPORT_FILERS = ("office", "district", "base")
RANK_LABELS = {LEVEL_RANK[level]: label for level, label in Certification.Level.choices}

RESOURCES = {
    "bases": (BaseResource, gettext_lazy("科普教育基地")),
    "certifications": (CertificationResource, gettext_lazy("基地认定")),
    "reports": (AnnualReportResource, gettext_lazy("基地年报")),
}


def annotated_bases(user):
    today = timezone.localdate()
    next_expiry = (
        Certification.objects.filter(base=OuterRef("pk")).valid_on(today).order_by("valid_until").values("valid_until")[:1]
    )
    return (
        Base.objects.visible_to(user).with_level_on(today).annotate(next_expiry=Subquery(next_expiry))
        .select_related("region").prefetch_related("themes")
    )


class BaseListView(RoleRequiredMixin, ListView):
    allowed = READERS
    template_name = "bases/base_list.html"
    context_object_name = "bases"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = BaseFilter(self.request.GET or None, queryset=annotated_bases(self.request.user),
                                    request=self.request)
        qs = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        if not self.request.GET.get("ordering"):
            qs = qs.order_by("region__path", "name", "pk")
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["filter"] = self.filterset
        ctx["rank_labels"] = RANK_LABELS
        ctx["can_edit"] = services.can_edit_base(user)
        ctx["can_import"] = ctx["can_edit"]
        ctx["can_import_certifications"] = services.can_manage_certifications(user)
        ctx["counts"] = Base.objects.visible_to(user).counts_by_level(timezone.localdate())
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


def base_history(base: Base, limit: int = 50) -> list[dict]:
    """The newest `limit` changes to the base, its certifications and its annual reports, each with what changed
    (field: old → new), described by the audit trail's helper."""
    parts = (
        (Base, base.history.all()),
        (Certification, Certification.history.filter(base_id=base.pk)),
        (BaseAnnualReport, BaseAnnualReport.history.filter(base_id=base.pk)),
    )
    rows = []
    for model, qs in parts:
        rows += [
            {"a_label": model._meta.label_lower, "a_id": h["history_id"], "a_at": h["history_date"],
             "a_type": h["history_type"], "a_user": h["history_user_id"], "a_pk": str(h["id"]),
             "a_reason": h["history_change_reason"]}
            for h in qs.order_by("-history_date", "-history_id").values(
                "history_id", "history_date", "history_type", "history_user_id", "id", "history_change_reason")[:limit]
        ]
    rows.sort(key=lambda r: (r["a_at"], r["a_id"]), reverse=True)
    return audit.describe(rows[:limit])


def _visible_base(request, pk) -> Base:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Base.objects.visible_to(request.user).select_related("region"), pk=pk)


def _visible_certification(request, pk) -> Certification:
    return get_object_or_404(Certification.objects.visible_to(request.user).select_related("base"), pk=pk)


class BaseDetailView(RoleRequiredMixin, View):
    allowed = READERS

    def get(self, request, pk):
        base = _visible_base(request, pk)
        today = timezone.localdate()
        certs = list(base.certifications.order_by("-certified_on", "-pk"))
        reports = list(base.annual_reports.order_by("year"))
        history = base_history(base)
        chart = {
            "years": [r.year for r in reports],
            "visitors": [r.visitors for r in reports],
            "activities": [r.activities for r in reports],
            "labels": {"visitors": _("参观人次"), "activities": _("举办活动次数")},
        }
        level = max((LEVEL_RANK[c.level] for c in certs if c.is_valid_on(today)), default=0)
        return render(request, "bases/base_detail.html", {
            "base": base, "certifications": certs, "reports": reports, "history": history, "chart": chart,
            "level_label": RANK_LABELS.get(level, _("无有效认定")),
            "designations": base.designations.all(), "themes": base.themes.all(), "today": today,
            "can_edit": services.can_edit_base(request.user, base),
            "can_file_report": services.can_file_annual_report(request.user, base),
            "can_manage_certifications": services.can_manage_certifications(request.user),
        })


class EditorMixin(RoleRequiredMixin):
    """Office and district offices edit; leaders and liaisons get 403; another region's base is 404."""

    allowed = EDITORS


class BaseFormView(EditorMixin, View):
    def get_object(self, pk):
        return _visible_base(self.request, pk) if pk else None

    def get(self, request, pk=None):
        base = self.get_object(pk)
        form = BaseForm(instance=base, user=request.user)
        return render(request, "bases/base_form.html", {"form": form, "base": base})

    def post(self, request, pk=None):
        base = self.get_object(pk)
        form = BaseForm(request.POST, instance=base, user=request.user)
        if form.is_valid():
            obj = form.save(commit=False)
            if not services.can_edit_base(request.user, obj):
                raise PermissionDenied(_("不能把基地登记到您的管辖范围以外。"))
            services.save_with_history(obj, request.user)
            form.save_m2m()
            messages.success(request, _("已保存“%(name)s”。") % {"name": obj.name})
            return redirect("bases:detail", pk=obj.pk)
        return render(request, "bases/base_form.html", {"form": form, "base": base}, status=400)


class CertificationCreateView(RoleRequiredMixin, View):
    allowed = ("office",)

    def get(self, request, pk):
        base = _visible_base(request, pk)
        return render(request, "bases/simple_form.html", {
            "form": CertificationForm(base=base), "base": base, "title": _("登记认定")})

    def post(self, request, pk):
        base = _visible_base(request, pk)
        form = CertificationForm(request.POST, base=base)
        if form.is_valid():
            services.save_with_history(form.instance, request.user)
            messages.success(request, _("认定已登记。"))
            return redirect("bases:detail", pk=base.pk)
        return render(request, "bases/simple_form.html", {"form": form, "base": base, "title": _("登记认定")},
                      status=400)


class CertificationUpdateView(RoleRequiredMixin, View):
    """Office staff correct a certification (batch, dates, certificate number, recommending unit) — the
    change is kept in the history; revoking stays a separate step that needs a reason."""

    allowed = ("office",)

    def _render(self, request, cert, form, status=200):
        return render(request, "bases/simple_form.html", {
            "form": form, "base": cert.base, "title": _("修改认定:%(c)s") % {"c": cert}}, status=status)

    def get(self, request, pk):
        cert = _visible_certification(request, pk)
        return self._render(request, cert, CertificationForm(instance=cert, base=cert.base))

    def post(self, request, pk):
        cert = _visible_certification(request, pk)
        form = CertificationForm(request.POST, instance=cert, base=cert.base)
        if form.is_valid():
            services.save_with_history(form.instance, request.user)
            messages.success(request, _("认定已修改。"))
            return redirect("bases:detail", pk=cert.base_id)
        return self._render(request, cert, form, status=400)


class CertificationRevokeView(RoleRequiredMixin, View):
    allowed = ("office",)

    def get(self, request, pk):
        cert = _visible_certification(request, pk)
        return render(request, "bases/simple_form.html", {
            "form": RevokeForm(), "base": cert.base, "title": _("撤销认定:%(c)s") % {"c": cert}})

    def post(self, request, pk):
        cert = _visible_certification(request, pk)
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_certification(cert, request.user, form.cleaned_data["reason"],
                                              on=form.cleaned_data["revoked_on"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("认定已撤销。"))
                return redirect("bases:detail", pk=cert.base_id)
        return render(request, "bases/simple_form.html", {
            "form": form, "base": cert.base, "title": _("撤销认定:%(c)s") % {"c": cert}}, status=400)


class AnnualReportFormView(RoleRequiredMixin, View):
    """A base's annual report: its contact, its district office or the office files it."""

    allowed = REPORT_FILERS

    def _objects(self, request, pk, report_pk):
        base = _visible_base(request, pk)
        if not services.can_file_annual_report(request.user, base):
            raise PermissionDenied(_("您无权填报该基地的年报。"))
        report = get_object_or_404(base.annual_reports, pk=report_pk) if report_pk else None
        return base, report

    def get(self, request, pk, report_pk=None):
        base, report = self._objects(request, pk, report_pk)
        form = AnnualReportForm(instance=report, base=base)
        return render(request, "bases/simple_form.html", {"form": form, "base": base, "title": _("基地年报")})

    def post(self, request, pk, report_pk=None):
        base, report = self._objects(request, pk, report_pk)
        form = AnnualReportForm(request.POST, instance=report, base=base)
        if form.is_valid():
            services.save_with_history(form.instance, request.user)
            messages.success(request, _("年报已保存。"))
            return redirect("bases:detail", pk=base.pk)
        return render(request, "bases/simple_form.html", {"form": form, "base": base, "title": _("基地年报")},
                      status=400)


class ExpiringListView(RoleRequiredMixin, ListView):
    """Certifications expiring within N months (default 6), for the office (districts see their own)."""

    allowed = READERS
    template_name = "bases/expiring.html"
    context_object_name = "certifications"
    paginate_by = 50

    def months(self):
        try:
            return max(1, min(60, int(self.request.GET.get("months", 6))))
        except ValueError:
            return 6

    def get_queryset(self):
        return (Certification.objects.visible_to(self.request.user).expiring_within(self.months())
                .select_related("base__region"))

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(months=self.months(), query=query.urlencode(), **kwargs)


def _fmt(request):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return fmt


class ExportView(RoleRequiredMixin, View):
    """Everything the user can see (list filters apply to bases and to their rows)."""

    allowed = READERS

    def get(self, request, kind):
        if kind not in RESOURCES:
            raise Http404
        resource_class, title = RESOURCES[kind]
        resource = resource_class(user=request.user)
        bases = BaseFilter(request.GET, queryset=Base.objects.visible_to(request.user).with_level_on(),
                           request=request).qs
        if kind == "bases":
            qs = bases.order_by("region__path", "name", "pk")
        else:
            qs = resource.scoped_queryset().filter(base__in=bases.values("pk")).order_by("base_id", "pk")
        return imports.export_response(resource, resource.export_queryset(qs), _fmt(request),
                                       f"{title}-{timezone.localdate():%Y%m%d}")


class BaseExportView(RoleRequiredMixin, View):
    """One base's certifications or annual reports (404 outside the user's region)."""

    allowed = READERS

    def get(self, request, pk, kind):
        base = _visible_base(request, pk)
        if kind not in ("certifications", "reports", "bases"):
            raise Http404
        resource_class, title = RESOURCES[kind]
        resource = resource_class(user=request.user)
        if kind == "bases":
            qs = Base.objects.filter(pk=base.pk)
        else:
            qs = resource.scoped_queryset().filter(base=base).order_by("pk")
        return imports.export_response(resource, resource.export_queryset(qs), _fmt(request), f"{base.name}-{title}")


class TemplateView(RoleRequiredMixin, View):
    allowed = EDITORS

    def get(self, request, kind):
        if kind not in RESOURCES:
            raise Http404
        resource_class, title = RESOURCES[kind]
        return imports.template_response(resource_class, _fmt(request), _("%(t)s导入模板") % {"t": title})


class ImportView(RoleRequiredMixin, imports.ImportFlowView):
    """Bases and annual reports: office and district offices (a district only its region's rows);
    certifications (which may carry a revocation): the office only, like the certification pages."""

    allowed = EDITORS
    template_name = "bases/import.html"

    def dispatch(self, request, *args, **kwargs):
        kind = kwargs.get("kind")
        if kind not in RESOURCES:
            raise Http404
        self.resource_class, self.title = RESOURCES[kind]
        self.key = f"bases:{kind}"
        self.success_url = reverse("bases:list")
        self.template_url = reverse("bases:template", kwargs={"kind": kind})
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["kind"] = self.kwargs["kind"]
        return ctx

    def check_kind_permission(self, request, kind):
        if kind == "certifications" and not services.can_manage_certifications(request.user):
            raise PermissionDenied(_("只有领导小组办公室可以导入认定记录。"))

    def get(self, request, kind):
        self.check_kind_permission(request, kind)
        return super().get(request)

    def post(self, request, kind):
        self.check_kind_permission(request, kind)
        return super().post(request)
