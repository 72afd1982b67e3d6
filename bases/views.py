"""Pages for the base registry (thin: reads from querysets, writes through services and forms)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from common import clock, imports

from . import selectors, services
from .filters import BaseFilter
from .forms import AnnualReportForm, BaseForm, CertificationForm, RevokeForm
from .models import Base, Certification
from .resources import AnnualReportResource, BaseResource, CertificationResource

READERS = ("office", "district", "leader", "base")  # accounts.scope kinds
EDITORS = ("office", "district")
REPORT_FILERS = ("office", "district", "base")

RESOURCES = {
    "bases": (BaseResource, gettext_lazy("科普教育基地")),
    "certifications": (CertificationResource, gettext_lazy("基地认定")),
    "reports": (AnnualReportResource, gettext_lazy("基地年报")),
}


class BaseListView(RoleRequiredMixin, ListView):
    allowed = READERS
    template_name = "bases/base_list.html"
    context_object_name = "bases"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = BaseFilter(
            self.request.GET or None, queryset=selectors.annotated_bases(self.request.user), request=self.request
        )
        qs = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        if not self.request.GET.get("ordering"):
            qs = qs.order_by("region__path", "name", "pk")
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["filter"] = self.filterset
        ctx["rank_labels"] = selectors.RANK_LABELS
        ctx["can_edit"] = services.can_edit_base(user)
        ctx["can_import"] = ctx["can_edit"]
        ctx["can_import_certifications"] = services.can_manage_certifications(user)
        ctx["counts"] = Base.objects.visible_to(user).counts_by_level(clock.today())
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


def _visible_base(request, pk) -> Base:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Base.objects.visible_to(request.user).select_related("region"), pk=pk)


def _save_or_show(request, form, base: Base, title: str, saved: str):
    """Save a base's certification or annual report with its history and go back to the base, or show the form
    again with its errors (400)."""
    if form.is_valid():
        services.save_with_history(form.instance, request.user)
        messages.success(request, saved)
        return redirect("bases:detail", pk=base.pk)
    return render(request, "bases/simple_form.html", {"form": form, "base": base, "title": title}, status=400)


def _visible_certification(request, pk) -> Certification:
    return get_object_or_404(Certification.objects.visible_to(request.user).select_related("base"), pk=pk)


class BaseDetailView(RoleRequiredMixin, View):
    allowed = READERS

    def get(self, request, pk):
        base = _visible_base(request, pk)
        return render(
            request,
            "bases/base_detail.html",
            {
                **selectors.base_overview(base, clock.today()),
                "can_edit": services.can_edit_base(request.user, base),
                "can_file_report": services.can_file_annual_report(request.user, base),
                "can_manage_certifications": services.can_manage_certifications(request.user),
            },
        )


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
        return render(
            request,
            "bases/simple_form.html",
            {"form": CertificationForm(base=base), "base": base, "title": _("登记认定")},
        )

    def post(self, request, pk):
        base = _visible_base(request, pk)
        form = CertificationForm(request.POST, base=base)
        return _save_or_show(request, form, base, _("登记认定"), _("认定已登记。"))


class CertificationUpdateView(RoleRequiredMixin, View):
    """Office staff correct a certification (batch, dates, certificate number, recommending unit) — the
    change is kept in the history; revoking stays a separate step that needs a reason."""

    allowed = ("office",)

    def _render(self, request, cert, form, status=200):
        return render(
            request,
            "bases/simple_form.html",
            {"form": form, "base": cert.base, "title": _("修改认定:%(c)s") % {"c": cert}},
            status=status,
        )

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
        return render(
            request,
            "bases/simple_form.html",
            {"form": RevokeForm(), "base": cert.base, "title": _("撤销认定:%(c)s") % {"c": cert}},
        )

    def post(self, request, pk):
        cert = _visible_certification(request, pk)
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_certification(
                    cert, request.user, form.cleaned_data["reason"], on=form.cleaned_data["revoked_on"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("认定已撤销。"))
                return redirect("bases:detail", pk=cert.base_id)
        return render(
            request,
            "bases/simple_form.html",
            {"form": form, "base": cert.base, "title": _("撤销认定:%(c)s") % {"c": cert}},
            status=400,
        )


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
        return _save_or_show(request, form, base, _("基地年报"), _("年报已保存。"))


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
        return (
            Certification.objects.visible_to(self.request.user)
            .expiring_within(self.months())
            .select_related("base__region")
        )

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
        bases = BaseFilter(
            request.GET, queryset=Base.objects.visible_to(request.user).with_level_on(), request=request
        ).qs
        if kind == "bases":
            qs = bases.order_by("region__path", "name", "pk")
        else:
            qs = resource.scoped_queryset().filter(base__in=bases.values("pk")).order_by("base_id", "pk")
        return imports.export_response(
            resource, resource.export_queryset(qs), _fmt(request), f"{title}-{clock.today():%Y%m%d}"
        )


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


class ImportTemplateView(RoleRequiredMixin, View):
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
