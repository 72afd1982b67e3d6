from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("activities", views.ActivityReturnViewSet, basename="activity")
urlpatterns = router.urls
