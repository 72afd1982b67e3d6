from django.urls import path

from . import organisation_views, views

app_name = "programs"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="programme-list"),
    path("tasks/<str:code>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/mine/", views.MyUnitView.as_view(), name="my-unit"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("populations/<slug:code>/", views.PopulationDetailView.as_view(), name="population-detail"),
    # the organisation tree: towns and streets, grassroots organisations
    path("organisations/", organisation_views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", organisation_views.OrganisationCreateView.as_view(), name="organisation-create"),
    path("organisations/<int:pk>/edit/", organisation_views.OrganisationUpdateView.as_view(), name="organisation-edit"),
    path("organisations/towns/new/", organisation_views.TownCreateView.as_view(), name="town-create"),
    path("organisations/towns/<int:pk>/edit/", organisation_views.TownUpdateView.as_view(), name="town-edit"),
    # member-unit work reports
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/completeness/", views.CompletenessView.as_view(), name="report-completeness"),
    path("reports/periods/new/", views.PeriodCreateView.as_view(), name="period-create"),
    path("reports/periods/<int:pk>/", views.PeriodDetailView.as_view(), name="period-detail"),
    path("reports/periods/<int:pk>/toggle/", views.PeriodToggleView.as_view(), name="period-toggle"),
    path("reports/periods/<int:pk>/mine/", views.MyReportView.as_view(), name="period-mine"),
    path("reports/periods/<int:pk>/on-behalf/", views.OnBehalfStartView.as_view(), name="period-on-behalf"),
    path("reports/periods/<int:pk>/consolidated/", views.ConsolidatedView.as_view(), name="period-consolidated"),
    path(
        "reports/periods/<int:pk>/consolidated.xlsx",
        views.ConsolidatedXlsxView.as_view(),
        name="period-consolidated-xlsx",
    ),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report-edit"),
    path("reports/<int:pk>/export.xlsx", views.ReportXlsxView.as_view(), name="report-xlsx"),
    path("reports/<int:pk>/<str:action>/", views.ReportTransitionView.as_view(), name="report-transition"),
    path("reports/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="report-attachment"),
    path("reports/attachments/<int:pk>/delete/", views.AttachmentDeleteView.as_view(), name="report-attachment-delete"),
]
