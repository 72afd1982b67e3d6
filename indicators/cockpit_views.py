"""The cockpit pages (thin): indicators/cockpit.py reads, the Dashboard rules decide who sees what."""

from __future__ import annotations

from django.views.generic import TemplateView

from .cockpit import METRICS, Cockpit, year_choices
from .dashboard import allowed_regions
from .views import DashboardAccessMixin

REFRESH_SECONDS = 300


class CockpitView(DashboardAccessMixin, TemplateView):
    template_name = "indicators/cockpit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        board = self.dashboard()
        year = board.activity_year()
        cockpit = Cockpit(board, year)
        metric = self.request.GET.get("metric") or ""
        metrics = cockpit.metric_choices()
        if metric not in {m.code for m in metrics}:
            metric = METRICS[0]
        kinds = cockpit.campaign_kinds()
        kind = self.request.GET.get("campaign") or ""
        if kind not in {k for k, _l in kinds}:
            kind = kinds[0][0]
        history = cockpit.campaign_history(kind)
        ctx.update(
            board=board,
            region=board.region,
            regions=allowed_regions(self.request.user),
            cockpit=cockpit,
            year=year,
            years=year_choices(),
            year_error=self.year_error,
            refresh_seconds=REFRESH_SECONDS,
            refresh_minutes=REFRESH_SECONDS // 60,
            headline=cockpit.headline(),
            key_figures=cockpit.key_figures(),
            metric=metric,
            metric_name=next((m.name for m in metrics if m.code == metric), metric),
            metric_unit=next((m.unit for m in metrics if m.code == metric), ""),
            metrics=metrics,
            ranking=cockpit.ranking(metric),
            tiles=cockpit.tiles(metric),
            campaign_kind=kind,
            campaign_kinds=kinds,
            campaign_label=dict(kinds).get(kind, kind),
            charts={
                "literacy": board.literacy(),
                "campaign_history": history,
                "activities_month": board.activities_by("month", year),
            },
            campaign_history=history,
        )
        return ctx


class CockpitPrintView(CockpitView):
    """The cockpit on one A4 landscape page, with its charts (SVG) and no navigation."""

    template_name = "indicators/cockpit_print.html"


class CockpitPdfView(CockpitPrintView):
    def render_to_response(self, context, **response_kwargs):
        from . import pdf

        return pdf.response(
            self.request, self.template_name, context, f"{context['region'].name}-驾驶舱-{context['year']}.pdf"
        )
