from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("settings/", views.preferences, name="settings"),
    path("remind/campaigns/<int:pk>/", views.remind_campaign, name="remind-campaign"),
    path("remind/periods/<int:pk>/", views.remind_period, name="remind-period"),
]
