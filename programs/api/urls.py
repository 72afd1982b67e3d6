from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("units", views.ResponsibleUnitViewSet)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("populations", views.TargetPopulationViewSet)
router.register("programmes", views.ProgrammeViewSet)
router.register("tasks", views.TaskViewSet)
router.register("reporting-periods", views.ReportingPeriodViewSet)
router.register("unit-reports", views.UnitReportViewSet, basename="unitreport")
urlpatterns = router.urls
