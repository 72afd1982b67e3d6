"""End to end in Debian's Chromium, the three users: a district registers an activity and submits it, then writes its
post-event report with a photo and submits that (no office action in between); the office returns the report; the
district fixes and resubmits it; the office approves both phases; a leader watching the 武进区 dashboard sees the
activity count and participants go up without anybody running a roll-up by hand.

In the SQLite pass tasks run in-process (the roll-up runs at the approval's commit); in the PostgreSQL pass the
approval goes through Redis to a real `celery worker` process started here, as in production.
"""

import io
import re
import time

import pytest
from django.core.management import call_command

from common import clock

from .conftest import JPEG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan_loaded(transactional_db):
    """Transactional tests flush the database: make sure the plan is there before, and put it back after."""
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    yield
    call_command("load_plan", verbosity=0, stdout=io.StringIO())


def year_row(page, year: int) -> tuple[int, int]:
    """(activities, participants) in the leader's dashboard table of activities by year."""
    text = page.inner_text("[data-testid=activities-year-table]")
    match = re.search(rf"^{year}\s+([\d,]+)\s+([\d,]+)", text, flags=re.M)
    return (int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))) if match else (0, 0)


def test_district_files_office_returns_district_resubmits_office_approves_leader_sees_the_dashboard_change(
    require_chromium, browser, plan_loaded, live_server, tmp_path, wujin, science_day, settings
):
    from django.db import connections

    from accounts.models import User
    from events.models import ActivityReturn
    from indicators.services import run_rollup
    from kepu_portal.celery import app

    User.objects.create_user("wujin_b", password="pw-browser-1", role="district", region=wujin, last_name="武进区科协")
    User.objects.create_user("office_b", password="pw-browser-2", role="office", last_name="市科协科普部")
    User.objects.create_user("leader_b", password="pw-browser-3", role="leader", last_name="分管领导")
    today = clock.today()
    run_rollup(trigger="test")  # the dashboard's starting point
    worker = None
    if not app.conf.task_always_eager:  # PostgreSQL pass: Redis and a real worker, as `make serve` runs them
        from tests.common.test_worker_path import start_worker

        settings.KEPU_ROLLUP_DELAY_SECONDS = 0
        worker = start_worker(settings)
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

    leader = login("leader_b", "pw-browser-3")
    leader.goto(live_server.url + "/indicators/?region=320412")
    before = year_row(leader, today.year)

    district = login("wujin_b", "pw-browser-1")
    district.goto(live_server.url + "/events/new/")
    district.fill("#id_title", "湖塘镇全国科普日主场活动")
    district.select_option("#id_category", "town_main_event")
    district.fill("#id_starts_on", today.isoformat())
    district.fill("#id_ends_on", today.isoformat())
    district.click("[data-testid=save]")
    district.click("[data-testid=submit]")  # the registration
    district.wait_for_selector("[data-status=submitted]")
    # after the event: the post-event report, with no office action in between
    district.click("[data-testid=edit-report]")
    district.fill("#id_actual_participants", "1200")
    district.click("[data-testid=save]")
    district.set_input_files("[data-testid=photo-input]", str(photo))
    district.click("[data-testid=photo-upload]")
    district.wait_for_selector("[data-testid=photos] img")
    district.click("[data-testid=submit-report]")
    district.wait_for_selector("[data-report-status=submitted]")
    activity = ActivityReturn.objects.get(title="湖塘镇全国科普日主场活动")
    assert (activity.status, activity.report_status) == ("submitted", "submitted") and activity.photos.count() == 1

    office = login("office_b", "pw-browser-2")
    office.goto(live_server.url + "/events/review/")
    office.fill("[data-testid=queue-row] [data-testid=review-actions-report] input[name=reason]", "请补充新闻报道链接")
    office.click("[data-testid=queue-row] [data-testid=return-report]")
    office.wait_for_selector("[data-testid=queue-row] [data-testid=approve]")
    assert ActivityReturn.objects.get(pk=activity.pk).report_status == "returned"

    district.goto(live_server.url + f"/events/{activity.pk}/")
    assert "请补充新闻报道链接" in district.inner_text("[data-testid=report-return-reason]")
    district.click("[data-testid=edit-report]")
    district.fill("#id_news_links", "https://www.wj.example.cn/news/1.html")
    district.click("[data-testid=save-submit]")
    district.wait_for_selector("[data-report-status=submitted]")

    office.goto(live_server.url + "/events/review/")
    office.click("[data-testid=queue-row] [data-testid=approve]")
    office.wait_for_selector("[data-testid=queue-row] [data-testid=approve-report]")
    office.click("[data-testid=queue-row] [data-testid=approve-report]")
    office.wait_for_selector("text=没有待审核的活动")

    try:  # the leader reloads the dashboard until the roll-up (in-process or on the worker) has run
        deadline = time.time() + 90
        after = before
        while after == before and time.time() < deadline:
            leader.reload()
            after = year_row(leader, today.year)
            if after == before:
                time.sleep(1)
        assert after == (before[0] + 1, before[1] + 1200), (before, after)
        assert "数据截至" in leader.inner_text("[data-testid=as-of]")
    finally:
        if worker is not None:
            from tests.common.test_worker_path import stop_worker

            stop_worker(worker)
    for page in (district, office, leader):
        page.wait_for_load_state("networkidle")
        page.context.close()
    connections.close_all()  # ORM calls made while Playwright's loop runs use their own connection
    activity.refresh_from_db()
    assert (activity.status, activity.report_status) == ("approved", "approved")
    assert [t.action for t in activity.transitions.all()] == [
        "submit",
        "submit_report",
        "return_report",
        "submit_report",
        "approve",
        "approve_report",
    ]
