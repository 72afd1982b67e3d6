from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView

from common.health import healthz
from common.openapi import SchemaView
from notifications.views import home

admin.site.site_header = _("科普工作管理平台 · 后台管理")
admin.site.site_title = _("科普工作管理平台")
admin.site.index_title = _("数据维护")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plan/", include("programs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("kepu_portal.api_urls")),
    # Schema and docs need a login (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]: anonymous → 401 on the schema);
    # the docs page sends an anonymous browser to the login page instead.
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI with its script served as a file (CSP: no inline script); its template's <style>
    # block is the one inline style the portal allows, on this page only.
    path(
        "api/docs/",
        login_required(
            csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="schema"))
        ),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
    path("audit/", include("common.urls")),
]
handler404 = "common.errors.page_not_found"  # JSON under /api/, the HTML page elsewhere
handler500 = "common.errors.server_error"
urlpatterns += [
    path("bases/", include("bases.urls")),
    path("events/", include("events.urls")),
    path("indicators/", include("indicators.urls")),
    path("notifications/", include("notifications.urls")),
    path("assessment/", include("assessment.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
