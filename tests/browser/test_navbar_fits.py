"""At 1366×768 (the office's laptops) the navigation bar is one line for every role, in Chinese and in English:
no label wraps, nothing runs off the page, every menu opens inside the window. Screenshots of each role and language
go to var/artefacts/navbar/ (KEPU_ARTEFACTS overrides var/artefacts)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768
ONE_LINE = 64  # px: a Bootstrap navbar with one row of small buttons is 56; a second row makes it ~100
ROLES = ["office_user", "leader_user", "wujin_user", "hutang_clerk", "society_contact", "base_contact", "liaison_user"]
ARTEFACTS = Path(os.environ.get("KEPU_ARTEFACTS", settings.BASE_DIR / "var" / "artefacts")) / "navbar"
SWITCH_LABEL = {"zh-hans": "English", "en": "中文"}  # the switch names the other language in that language

MEASURE = """() => {
  const nav = document.querySelector('nav.navbar');
  const items = [...nav.querySelectorAll('.nav-link, .navbar-brand, .btn, .navbar-text')]
    .filter(el => el.offsetParent !== null)
    .map(el => ({text: el.innerText.trim(), height: el.getBoundingClientRect().height,
                 right: el.getBoundingClientRect().right, lines: el.getClientRects().length}));
  return {height: nav.getBoundingClientRect().height, scroll: document.documentElement.scrollWidth, items};
}"""


@pytest.fixture
def wide_page(browser, require_chromium, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    try:
        yield page
    finally:
        context.close()


def _check(page, where: str) -> None:
    m = page.evaluate(MEASURE)
    assert m["height"] <= ONE_LINE, f"{where}: the navbar is {m['height']:.0f}px high (more than one line)"
    assert m["scroll"] <= WIDTH, f"{where}: the page is {m['scroll']}px wide"
    tall = [i["text"] for i in m["items"] if i["height"] > 40]
    assert tall == [], f"{where}: labels on two lines: {tall}"
    outside = [i["text"] for i in m["items"] if i["right"] > WIDTH]
    assert outside == [], f"{where}: past the right edge: {outside}"


@pytest.mark.parametrize("persona", ROLES)
def test_the_navigation_is_one_line_at_1366_px_for_every_role_in_both_languages(request, wide_page, persona):
    page = wide_page
    user = request.getfixturevalue(persona)
    login(page, user)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.base}])
        page.goto(page.base + "/")
        assert page.locator("html").get_attribute("lang") == ("zh-CN" if language == "zh-hans" else "en")
        page.screenshot(path=str(ARTEFACTS / f"{persona}-{language}.png"))
        _check(page, f"{persona} {language}")
        switch = page.locator("nav button[name=language]")
        assert switch.inner_text().strip() == SWITCH_LABEL[language]
        if language == "en":  # every label in English (the user's own name is data, in Chinese)
            labels = page.locator("nav .nav-link, nav .dropdown-item").all_text_contents()
            assert not [t for t in labels if re.search("[\u4e00-\u9fff]", t)], labels
        toggles = page.locator("nav .dropdown-toggle")
        for i in range(toggles.count()):
            toggle = toggles.nth(i)
            toggle.click()
            menu = page.locator("nav .dropdown-menu.show")
            menu.wait_for()
            box = menu.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (
                f"{persona} {language}: the menu of {toggle.inner_text()!r} leaves the window"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
            if i == 0:
                page.screenshot(path=str(ARTEFACTS / f"{persona}-{language}-menu.png"))
            toggle.click()  # closed again
