"""Where a page may send the user back to: the one check for every ``next`` parameter.

``safe_next(request, default)`` returns the request's ``next`` (POST first, then GET) only when Django's
``url_has_allowed_host_and_scheme`` accepts it for this host (and, on https, only https), else ``default``:
``//evil.example/``, ``///evil.example``, ``https://evil.example``, ``javascript:…`` and ``\\\\evil.example``
all fall back to the default page. Django's own login and language views make the same check.
"""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request, url) -> bool:
    """True when `url` stays on this site (same host, and https if the request is https)."""
    if not url or not isinstance(url, str):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next(request, default: str, param: str = "next") -> str:
    """The `next` URL the request carries, if it is on-site; otherwise `default`."""
    url = request.POST.get(param) or request.GET.get(param) or ""
    return url if is_safe_next(request, url) else default
