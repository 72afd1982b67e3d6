"""/api/v1/: each app contributes its own router; apps not built yet are simply absent."""

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path

from accounts.api import TokenView

urlpatterns: list[URLPattern | URLResolver] = [path("auth/token/", TokenView.as_view(), name="api-token")]
for app in ("programs", "bases", "events", "indicators", "assessment"):
    try:
        module = import_module(f"{app}.api.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{app}.api", f"{app}.api.urls"):
            raise
        continue
    urlpatterns.append(path("", include(module)))
