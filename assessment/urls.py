from django.urls import path

from . import office_views, views

app_name = "assessment"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round-list"),
    path("schemes/new/", office_views.SchemeEditView.as_view(), name="scheme-create"),
    path("schemes/<int:pk>/", office_views.SchemeEditView.as_view(), name="scheme-edit"),
    path("schemes/<int:pk>/copy/", office_views.SchemeCopyView.as_view(), name="scheme-copy"),
    path("schemes/<int:pk>/open/", office_views.RoundOpenView.as_view(), name="round-open"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round-detail"),
    path("rounds/<int:pk>/advance/", office_views.RoundAdvanceView.as_view(), name="round-advance"),
    path("rounds/<int:pk>/recompute/", office_views.RoundRecomputeView.as_view(), name="round-recompute"),
    path("rounds/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("rounds/<int:pk>/results.xlsx", views.ResultsXlsxView.as_view(), name="results-xlsx"),
    path("rounds/<int:pk>/sheets/<str:party>/", views.SheetView.as_view(), name="sheet"),
    path("rounds/<int:pk>/sheets/<str:party>/xlsx/", views.SheetXlsxView.as_view(), name="sheet-xlsx"),
    path("scores/<int:pk>/claim/", views.ClaimView.as_view(), name="claim"),
    path("scores/<int:pk>/review/", office_views.ScoreReviewView.as_view(), name="review"),
    path("scores/<int:pk>/correct/", office_views.ScoreCorrectView.as_view(), name="correct"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
]
