"""A 武进区 clerk on a phone (390 px) ticks three drafts in the activity list (shown as cards) and submits them in one
click; the fourth, unticked, stays a draft, and the list keeps its filter."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "bulk"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan_loaded(transactional_db):
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    yield
    call_command("load_plan", verbosity=0, stdout=io.StringIO())


def test_a_clerk_submits_three_selected_drafts_in_one_click_at_390_px(
    require_chromium, browser, live_server, plan_loaded
):
    from django.db import connections

    from accounts.models import User
    from events.models import ActivityReturn
    from programs.models import Region

    wujin = Region.objects.get(code="320412")
    User.objects.create_user("wujin_b", password="pw-bulk-1", role="district", region=wujin, last_name="武进区科协")
    drafts = [
        ActivityReturn.objects.create(
            region=wujin,
            title=f"批量提交活动{i}",
            category="other",
            starts_on=dt.date(2025, 9, 16 + i),
            ends_on=dt.date(2025, 9, 16 + i),
        )
        for i in range(4)
    ]
    url = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", "wujin_b")
    page.fill("input[name=password]", "pw-bulk-1")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")

    page.goto(url + "/events/?status=draft")
    # cards at 390 px: no horizontal scrolling, each row as wide as the table
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("[data-testid=activity-table] thead").is_hidden()
    for activity in drafts[:3]:
        page.check(f"[data-testid=select-{activity.pk}]")
    assert "已选 3 项" in page.inner_text("[data-selected-count=bulk-list]")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "list-390-selected.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=bulk-submit]")
    page.wait_for_selector("[role=alert]")
    assert "已提交 3 项" in page.inner_text("body")
    assert page.url.endswith("/events/?status=draft")
    context.close()
    connections.close_all()
    statuses = [ActivityReturn.objects.get(pk=a.pk).status for a in drafts]
    assert statuses == ["submitted", "submitted", "submitted", "draft"]
