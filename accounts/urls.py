from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
]
