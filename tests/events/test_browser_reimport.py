"""Issue 12 in Chromium: the 武进区 clerk imports the same 5-row 活动安排表 twice and ends with 5 activities, not 10;
the upload form shows 「正在读取…」 while the file is processed; a long preview is paged (read from the stash)."""

from __future__ import annotations

import pytest

from .conftest import xlsx_bytes
from .test_reimport import FULL_HEADER, HEADER, TITLES, five_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, url):
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", "wujin_r")
    page.fill("input[name=password]", "pw-clerk-1")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")


def _upload(page, url, campaign, path):
    page.goto(url + "/events/import/")
    page.select_option("#id_campaign", str(campaign.pk))
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-preview-button]")
    page.wait_for_selector("[data-testid=import-preview]")


def test_the_clerk_imports_the_same_sheet_twice_and_has_five_activities(
    require_chromium, browser, live_server, tmp_path, wujin
):
    import datetime as dt

    from accounts.models import User
    from events.models import ActivityReturn, Campaign
    from programs.models import Region

    campaign = Campaign.objects.create(
        kind="science_day",
        year=2025,
        name="2025年全国科普日",
        starts_on=dt.date(2025, 9, 15),
        ends_on=dt.date(2025, 9, 21),
        schedule_due=dt.date(2025, 9, 12),
        summary_due=dt.date(2099, 9, 25),
    )
    campaign.regions.set(Region.objects.districts())
    User.objects.create_user("wujin_r", password="pw-clerk-1", role="district", region=wujin, last_name="武进区科协")
    sheet = tmp_path / "活动安排表.xlsx"
    sheet.write_bytes(xlsx_bytes([HEADER, *five_rows()]))
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    url = live_server.url
    _login(page, url)

    # the progress line: shown as soon as the form is sent (the submit held back here to look at it)
    page.goto(url + "/events/import/")
    page.set_input_files("#id_file", str(sheet))
    page.evaluate("window.addEventListener('submit', (e) => e.preventDefault(), {once: true})")
    page.click("[data-testid=import-preview-button]")
    page.wait_for_selector("[data-testid=import-progress]", state="visible")
    assert "正在读取…" in page.inner_text("[data-testid=import-progress]")

    for attempt in range(2):
        _upload(page, url, campaign, sheet)
        counts = page.inner_text("[data-testid=import-counts]")
        assert counts == ("新增 5 条,更新 0 条,无变化 0 条。" if attempt == 0 else "新增 0 条,更新 0 条,无变化 5 条。")
        page.click("[data-testid=import-confirm]")
        page.wait_for_load_state()
    assert ActivityReturn.objects.count() == 5
    assert sorted(ActivityReturn.objects.values_list("title", flat=True)) == sorted(TITLES)

    # a long sheet: 65 rows, 50 on the first page, the rest on page 2, nothing written by either
    long = tmp_path / "长表.xlsx"
    long.write_bytes(
        xlsx_bytes(
            [FULL_HEADER, *five_rows()]
            + [five_rows()[0][:1] + [f"新活动{i:03d}"] + five_rows()[0][2:] for i in range(60)]
        )
    )
    _upload(page, url, campaign, long)
    assert page.locator("[data-testid=import-preview-rows] tbody tr").count() == 50
    page.click("[data-testid=import-next-page]")
    page.wait_for_selector("[data-testid=import-preview-rows]")
    assert page.locator("[data-testid=import-preview-rows] tbody tr").count() == 15
    assert ActivityReturn.objects.count() == 5
