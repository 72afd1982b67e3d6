"""Small security helpers: the client address used by django-axes behind reverse proxies."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or — behind KEPU_PROXY_COUNT trusted proxies — the address they were given.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    proxies the client is the N-th entry from the right; entries further left are client-supplied
    and never trusted.
    """
    count = getattr(settings, "KEPU_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes AXES_LOCKOUT_CALLABLE: a Chinese page (or JSON for the API), HTTP 429."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.http import JsonResponse
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    limit = get_failure_limit(request, credentials)
    message = f"登录失败次数过多(连续 {limit} 次),账户已暂时锁定" + (f",请 {minutes} 分钟后再试。" if minutes else "。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    context = {
        "failure_limit": limit,
        "cooloff_minutes": minutes,
        "username": get_client_username(request, credentials) or "",
    }
    return render(request, "common/lockout.html", context, status=429)
