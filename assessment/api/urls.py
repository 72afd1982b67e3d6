from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("assessment-rounds", views.AssessmentRoundViewSet, basename="assessmentround")
urlpatterns = router.urls
