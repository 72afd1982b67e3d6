"""/api/v1/: each app contributes its own router; apps not built yet are simply absent."""
from importlib import import_module

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(tags=["auth"], summary="用户名和密码换取 API token")
class TokenView(ObtainAuthToken):
    pass


urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token")]
for app in ("programs", "bases", "events", "indicators"):
    try:
        module = import_module(f"{app}.api.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{app}.api", f"{app}.api.urls"):
            raise
        continue
    urlpatterns.append(path("", include(module)))
