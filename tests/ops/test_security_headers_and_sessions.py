"""Content-Security-Policy without inline scripts, secure cookies, the session timeout."""

import json
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .services import ROOT

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_no_inline_code(body: str, where: str):
    assert not INLINE_SCRIPT.search(body), f"inline <script> on {where}"
    assert not INLINE_HANDLER.search(body), f"inline event handler on {where}"
    assert not STYLE_ATTR.search(body), f"style= attribute on {where}"
    assert not STYLE_BLOCK.search(body), f"<style> block on {where}"


def test_every_page_sends_a_csp_that_allows_only_own_scripts_and_styles(client_for, office_user):
    response = client_for(office_user).get(reverse("home"))
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/plan/",
        "/plan/units/",
        "/accounts/users/",
        "/audit/",
        "/accounts/password/",
        "/admin/",
        "/admin/programs/task/",
        "/admin/accounts/user/",
        "/admin/programs/task/add/",
    ],
)
def test_portal_and_admin_pages_have_no_inline_scripts_or_styles(url, client_for, office_user):
    response = client_for(office_user).get(url, follow=True)
    assert response.status_code == 200, url
    assert_no_inline_code(response.content.decode(), url)


def test_the_login_page_has_no_inline_scripts_or_styles():
    response = Client().get(reverse("login"))
    assert_no_inline_code(response.content.decode(), "login")
    assert "Content-Security-Policy" in response


def test_swagger_ui_loads_its_script_as_a_file_and_only_it_may_use_inline_styles(client_for, office_user):
    client = client_for(office_user)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body)
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', body)
    assert script, "the Swagger UI initialiser must be a separate script"
    assert client.get(script.group(1).replace("&amp;", "&")).status_code == 200
    assert policy(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(client.get(reverse("home")))["style-src"] == ["'self'"]  # the exception stays on its page


def test_pages_may_not_be_framed_and_content_types_are_not_sniffed():
    response = Client().get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_csrf_protected_login(wujin_user):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    refused = client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"})
    assert refused.status_code == 403  # no CSRF token: refused
    response = client.post(
        reverse("login"), {"username": "wujin1", "password": "pw-wujin1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_lasts_eight_hours_and_ends_with_the_browser(wujin_user, settings):
    client = Client()
    client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert client.session.get_expire_at_browser_close() is True


def test_an_expired_session_sends_the_user_back_to_login(wujin_user):
    client = Client()
    client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"})
    assert client.get("/plan/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/plan/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def production_settings(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_AGE', "
        "'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'SECURE_REDIRECT_EXEMPT')}))"
    )
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kepu_portal.settings",
        "KEPU_ENV": "production",
        "SECRET_KEY": "t" * 60,
        "KEPU_TESTING": "false",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(base, **env),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_mode_sets_secure_cookies_https_redirect_and_hsts():
    values = production_settings()
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["DEBUG"] is False and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]


def test_plain_http_on_loopback_needs_kepu_https_false_and_turns_off_only_the_tls_parts():
    values = production_settings(KEPU_HTTPS="false")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["DEBUG"] is False and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "kepu_portal.settings", "KEPU_ENV": "production"},
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
