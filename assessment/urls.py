from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round-list"),
]
