from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("bases", views.BaseViewSet, basename="base")
router.register("base-certifications", views.CertificationViewSet, basename="base-certification")
router.register("base-annual-reports", views.AnnualReportViewSet, basename="base-annual-report")
urlpatterns = router.urls
