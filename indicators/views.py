"""Dashboard pages (thin): the Dashboard object reads IndicatorValue rows only."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from accounts.permissions import RoleRequiredMixin
from common import downloads

from . import exports
from .dashboard import BASE_LEVEL_CODES, Dashboard, allowed_regions, resolve_region
from .forms import ObservationForm
from .models import Indicator, IndicatorValue


class DashboardAccessMixin(LoginRequiredMixin):
    request: HttpRequest  # set by View.setup before dispatch

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not allowed_regions(request.user):
            raise PermissionDenied("您的角色无权查看指标看板。")
        return super().dispatch(request, *args, **kwargs)

    year_error = ""

    def dashboard(self) -> Dashboard:
        """The board of ?region= (the user's home region by default) for ?year= (2021 … this year)."""
        from .cockpit import YearError, parse_year

        user = self.request.user
        try:
            year = parse_year(self.request.GET.get("year"))
        except YearError as exc:
            year, self.year_error = None, str(exc)
        return Dashboard(user, resolve_region(user, self.request.GET.get("region")), year=year)


class DashboardView(DashboardAccessMixin, TemplateView):
    template_name = "indicators/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        board = self.dashboard()
        year = board.activity_year()
        from .cockpit import year_choices

        ctx.update(
            board=board,
            region=board.region,
            regions=allowed_regions(self.request.user),
            year=year,
            years=year_choices(),
            year_error=self.year_error,
            cards=board.cards(),
            awaiting_city=board.awaiting_city(),
            charts={
                "literacy": board.literacy(),
                "bases": board.bases_by_region(),
                "bases_year": board.bases_by_year(),
                "activities_region": board.activities_by_region(year),
                "activities_campaign": board.activities_by("campaign", year),
                "activities_month": board.activities_by("month", year),
                "activities_year": board.activities_by_year(),
            },
            base_levels=[label for _c, label in BASE_LEVEL_CODES],
            populations=board.population_panels(year),
            comparison=board.region_comparison(year),
            overdue=board.overdue(),
        )
        return ctx


class PrintView(DashboardView):
    """The leading-group meeting sheet: headline figures and the key tables, A4, no navigation."""

    template_name = "indicators/print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        board = ctx["board"]
        ctx.update(headline=board.headline(ctx["year"]), overdue_rows=board.overdue_rows())
        return ctx


class PrintPdfView(PrintView):
    """The print view as a PDF, rendered by headless Chromium (indicators/pdf.py)."""

    filename = "全民科学素质工作指标进度"

    def render_to_response(self, context, **response_kwargs):
        from . import pdf

        return pdf.response(
            self.request,
            self.get_template_names()[0],
            context,
            f"{context['region'].name}-{self.filename}-{context['year']}.pdf",
        )


class ExportView(DashboardAccessMixin, TemplateView):
    def get(self, request, section: str):
        board = self.dashboard()
        try:
            title, header, rows = exports.section(board, section)
        except KeyError:
            raise Http404("没有这个导出项") from None
        content = exports.to_xlsx(title, header, rows, board)
        return downloads.xlsx_download(content, f"{board.region.name}-{title}.xlsx")


class IndicatorDetailView(DashboardAccessMixin, TemplateView):
    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        indicator = get_object_or_404(Indicator.objects.with_targets(), code=self.kwargs["code"])
        values = (
            IndicatorValue.objects.visible_to(self.request.user)
            .totals()
            .filter(indicator=indicator)
            .select_related("region")
            .order_by("region__path", "year", "period")
        )
        table: dict = {}
        periods = sorted({v.period for v in values})
        for v in values:
            table.setdefault(v.region, {})[v.period] = v.value
        ctx.update(indicator=indicator, periods=periods, table=[(r, [table[r].get(p) for p in periods]) for r in table])
        return ctx


class ObservationCreateView(RoleRequiredMixin, FormView):
    """Office staff record a survey result or a designation count."""

    allowed = ("office",)
    template_name = "indicators/observation_form.html"
    form_class = ObservationForm

    def form_valid(self, form):
        from . import services

        services.save_observation(form.cleaned_data, user=self.request.user)
        return redirect("indicators:dashboard")
