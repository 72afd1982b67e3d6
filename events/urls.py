from django.urls import path

from . import campaign_views, views, views_bulk, views_import

app_name = "events"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("bulk/", views_bulk.bulk_action, name="bulk"),
    path("new/", views.activity_create, name="create"),
    path("import/", views_import.import_upload, name="import"),
    path("import/confirm/", views_import.import_confirm, name="import-confirm"),
    path("import/template.xlsx", views_import.import_template, name="import-template"),
    path("import/filled.xlsx", views_import.import_export, name="import-export"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/transition/", views.activity_transition, name="transition"),
    path("<int:pk>/photos/", views.photo_upload, name="photo-upload"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo-delete"),
    path("<int:pk>/summary-file/", views.summary_file, name="summary-file"),
    path("<int:pk>/report/", views.activity_report, name="report"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaign_views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/copy/", campaign_views.campaign_copy, name="campaign-copy"),
    path("campaigns/<int:pk>/publish/", campaign_views.campaign_publish, name="campaign-publish"),
    path("campaigns/<int:pk>/file/", views.campaign_file, name="campaign-file"),
    path("campaigns/<int:pk>/filings/<int:filing_pk>/", views.filing_file, name="filing-file"),
    path("campaigns/<int:pk>/summary.xlsx", views.campaign_export, name="campaign-export"),
]
