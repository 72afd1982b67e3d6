from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("print/", views.PrintView.as_view(), name="print"),
    path("export/<slug:section>.xlsx", views.ExportView.as_view(), name="export"),
    path("observations/new/", views.ObservationCreateView.as_view(), name="observation-create"),
    path("i/<slug:code>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
]
