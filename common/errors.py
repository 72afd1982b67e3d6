"""Error pages: HTML for people, JSON under /api/ (clients and the OpenAPI schema expect JSON).

Without DEBUG Django answers a missing page, a refusal and a crash with the handlers in kepu_portal.urls (these
functions and templates/403.html, 404.html, 500.html). Under DEBUG — `make run` — it would show its own English
technical pages instead, to the people trying the portal; ``FriendlyErrorsMiddleware`` serves the portal's pages
then too while ``KEPU_FRIENDLY_ERRORS`` is on (the default). ``KEPU_FRIENDLY_ERRORS=false`` gives a developer
Django's debug pages back. A crash is logged with its traceback either way.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import get_resolver, get_urlconf
from django.views import defaults

logger = logging.getLogger("django.request")


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误。"}, status=500, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)


def _handler(request, status: int):
    return get_resolver(getattr(request, "urlconf", None) or get_urlconf()).resolve_error_handler(status)


class FriendlyErrorsMiddleware:
    """Under DEBUG with KEPU_FRIENDLY_ERRORS on: the portal's 404 and 500 pages instead of Django's technical ones.

    Django already uses the 403 handler under DEBUG. A view's Http404 or crash reaches `process_exception`; an
    address no route matches never reaches a view, so `__call__` replaces the technical 404 Django gives it (a
    request that resolved keeps whatever its view answered). Without DEBUG it does nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and getattr(settings, "KEPU_FRIENDLY_ERRORS", True)

    def __call__(self, request):
        response = self.get_response(request)
        if self.active() and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return _handler(request, 404)(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not self.active() or isinstance(exception, PermissionDenied):
            return None
        if isinstance(exception, Http404):
            return _handler(request, 404)(request, exception)
        if not isinstance(exception, Exception):  # pragma: no cover - process_exception only receives Exceptions
            return None
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        response = _handler(request, 500)(request)
        response._has_been_logged = True  # with its traceback, above; Django would log it again without one
        return response
