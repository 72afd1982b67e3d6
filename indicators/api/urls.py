from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
urlpatterns = router.urls + [
    path("dashboard/summary/", views.DashboardSummaryView.as_view(), name="dashboard-summary"),
]
