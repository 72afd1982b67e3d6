"""End to end in Debian's Chromium: a district files with a photo and submits; the office returns it; the district
fixes and resubmits; the office approves."""
import os

import pytest
from django.core.management import call_command

from .conftest import JPEG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan_loaded(transactional_db):
    """Transactional tests flush the database: make sure the plan is there before, and put it back after."""
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))
    yield
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))


def test_district_files_office_returns_district_resubmits_office_approves(
        require_chromium, browser, plan_loaded, live_server, tmp_path, wujin, science_day):
    from django.db import connections

    from accounts.models import User
    from events.models import ActivityReturn

    User.objects.create_user("wujin_b", password="pw-browser-1", role="district", region=wujin, last_name="武进区科协")
    User.objects.create_user("office_b", password="pw-browser-2", role="office", last_name="市科协科普部")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG_BYTES)

    def login(username, password):
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        return page

    district = login("wujin_b", "pw-browser-1")
    district.goto(live_server.url + "/events/new/")
    district.fill("#id_title", "湖塘镇全国科普日主场活动")
    district.select_option("#id_category", "town_main_event")
    district.fill("#id_starts_on", "2025-09-16")
    district.fill("#id_ends_on", "2025-09-16")
    district.fill("#id_actual_participants", "1200")
    district.click("[data-testid=save]")
    district.set_input_files("[data-testid=photo-input]", str(photo))
    district.click("[data-testid=photo-upload]")
    district.wait_for_selector("[data-testid=photos] img")
    district.click("[data-testid=submit]")
    district.wait_for_selector("[data-status=submitted]")
    activity = ActivityReturn.objects.get(title="湖塘镇全国科普日主场活动")
    assert activity.status == "submitted" and activity.photos.count() == 1

    office = login("office_b", "pw-browser-2")
    office.goto(live_server.url + "/events/review/")
    office.fill("[data-testid=queue-row] input[name=reason]", "请补充新闻报道链接")
    office.click("[data-testid=queue-row] [data-testid=return]")
    office.wait_for_selector("text=没有待审核的活动")
    assert ActivityReturn.objects.get(pk=activity.pk).status == "returned"

    district.goto(live_server.url + f"/events/{activity.pk}/")
    assert "请补充新闻报道链接" in district.inner_text("[data-testid=return-reason]")
    district.click("[data-testid=edit]")
    district.fill("#id_news_links", "https://www.wj.example.cn/news/1.html")
    district.click("[data-testid=save-submit]")
    district.wait_for_selector("[data-status=submitted]")

    office.goto(live_server.url + "/events/review/")
    office.click("[data-testid=queue-row] [data-testid=approve]")
    office.wait_for_selector("text=没有待审核的活动")
    for page in (district, office):
        page.wait_for_load_state("networkidle")
        page.context.close()
    connections.close_all()  # ORM calls made while Playwright's loop runs use their own connection
    activity.refresh_from_db()
    assert activity.status == "approved"
    assert [t.action for t in activity.transitions.all()] == ["submit", "return", "submit", "approve"]
