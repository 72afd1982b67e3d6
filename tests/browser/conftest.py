"""Playwright in Debian's Chromium (/usr/bin/chromium — never a downloaded browser) against a live server.

Fixtures: `browser` (one headless Chromium per test session), `page` (a fresh context per test, Chinese
locale, CSP violations collected in `page.csp_violations`), `live_server` from pytest-django, and
`login(page, user)`. Playwright's sync API runs an event loop in this thread, so Django's async-safety
check is switched off for these tests (DJANGO_ALLOW_ASYNC_UNSAFE) — the ORM calls are still synchronous.
Under CI=true a missing Chromium is a failure (require_chromium).
"""

from __future__ import annotations

import io

import pytest

PASSWORD_OF = lambda user: "pw-" + user.username  # noqa: E731 — the personas' passwords (tests/conftest.py)


@pytest.fixture(autouse=True)
def ensure_plan(transactional_db):
    """The plan data (transactional tests flush it after the first one); before any persona fixture."""
    from django.core.management import call_command

    from programs.models import Region

    if not Region.objects.exists():
        call_command("load_plan", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def page(browser, require_chromium, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console", lambda msg: page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.base = live_server.url
    try:
        yield page
    finally:
        context.close()


def login(page, user, password: str | None = None) -> None:
    """Log in through the real form as `user` (personas from tests/conftest.py)."""
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password or PASSWORD_OF(user))
    with page.expect_navigation():
        page.click("main button[type=submit]")
