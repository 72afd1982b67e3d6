from django.urls import path

from . import brief_views, cockpit_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("print/", views.PrintView.as_view(), name="print"),
    path("print.pdf", views.PrintPdfView.as_view(), name="print-pdf"),
    path("cockpit/", cockpit_views.CockpitView.as_view(), name="cockpit"),
    path("cockpit/print/", cockpit_views.CockpitPrintView.as_view(), name="cockpit-print"),
    path("cockpit.pdf", cockpit_views.CockpitPdfView.as_view(), name="cockpit-pdf"),
    path("export/<slug:section>.xlsx", views.ExportView.as_view(), name="export"),
    path("observations/new/", views.ObservationCreateView.as_view(), name="observation-create"),
    path("brief.docx", brief_views.BriefView.as_view(), name="brief"),
    path("i/<slug:code>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
]
