from django.urls import path

from . import views

app_name = "bases"
urlpatterns = [
    path("", views.BaseListView.as_view(), name="list"),
    path("new/", views.BaseFormView.as_view(), name="create"),
    path("expiring/", views.ExpiringListView.as_view(), name="expiring"),
    path("export/<str:kind>/", views.ExportView.as_view(), name="export"),
    path("template/<str:kind>/", views.ImportTemplateView.as_view(), name="template"),
    path("import/<str:kind>/", views.ImportView.as_view(), name="import"),
    path("<int:pk>/", views.BaseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.BaseFormView.as_view(), name="update"),
    path("<int:pk>/export/<str:kind>/", views.BaseExportView.as_view(), name="base-export"),
    path("<int:pk>/certifications/new/", views.CertificationCreateView.as_view(), name="certification-create"),
    path("certifications/<int:pk>/edit/", views.CertificationUpdateView.as_view(), name="certification-update"),
    path("certifications/<int:pk>/revoke/", views.CertificationRevokeView.as_view(), name="certification-revoke"),
    path("<int:pk>/reports/new/", views.AnnualReportFormView.as_view(), name="report-create"),
    path("<int:pk>/reports/<int:report_pk>/edit/", views.AnnualReportFormView.as_view(), name="report-update"),
]
