"""Error pages: HTML for people, JSON under /api/ (clients and the OpenAPI schema expect JSON)."""
from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误。"}, status=500, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)
