"""A 武进区 clerk runs the 2023 全国科普日 (seed 002) in Chromium, counting what it costs.

Registers 5 activities through the form choosing the campaign once (「保存并继续新建」 keeps campaign, dates, place,
organiser and contact), files the 活动安排表 (which submits the registrations), and after the events writes one
activity's post-event report — actual figures typed as a clerk would (「约320人」, shown back before saving), a video
link, the summary, photos — and submits it, with no office action in between. The clicks and page loads are printed
(quoted in the issue's closing note next to the 77 clicks of the first version); screenshots at 1366 and 390 px of the
clerk's home, list and form go to var/artefacts/clerk/.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import JPEG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "clerk"
TITLES = [
    "礼嘉镇“科技点亮生活”主场活动",
    "湖塘镇应急救护培训",
    "牛塘镇青少年科学实验秀",
    "洛阳镇农技专家田间课堂",
    "遥观镇防范电信诈骗科普宣传",
]
IMPORTED_TITLES = [
    "雪堰镇科普大篷车进乡村",
    "前黄镇老年人防诈骗讲座",
    "横林镇专家讲科普:碳达峰",
    "嘉泽镇花木科技课堂",
    "西太湖园区青少年科技营",
]


@pytest.fixture
def plan_loaded(transactional_db):
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    yield
    call_command("load_plan", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def science_day_2023(plan_loaded):
    from events.models import Campaign
    from programs.models import Region

    campaign = Campaign.objects.create(
        kind="science_day",
        year=2023,
        name="2023年全国科普日",
        theme="提升全民科学素质,助力科技自立自强",
        starts_on=dt.date(2023, 9, 17),
        ends_on=dt.date(2023, 9, 23),
        schedule_due=dt.date(2023, 9, 12),
        report_due=dt.date(2023, 9, 25),
        summary_due=dt.date(2023, 9, 25),
        summary_days_after=10,
    )
    campaign.regions.set(Region.objects.districts())
    # a later campaign is the form's default: the clerk must choose the 2023 one (once)
    Campaign.objects.create(
        kind="sci_tech_week",
        year=2027,
        name="2027年科技活动周",
        starts_on=dt.date(2027, 5, 16),
        ends_on=dt.date(2027, 5, 22),
        schedule_due=dt.date(2027, 5, 10),
        summary_due=dt.date(2027, 5, 31),
    ).regions.set(Region.objects.districts())
    return campaign


class Counter:
    """Clicks (each click or select the clerk makes) and page loads of one page."""

    def __init__(self, page):
        self.page, self.clicks, self.fields, self.selects, self.loads = page, 0, 0, 0, 0
        self.paused = False  # screenshots are not the clerk's work
        page.on("load", lambda *_: None if self.paused else setattr(self, "loads", self.loads + 1))

    def goto(self, url):
        """Following a link or the navigation to a page: one click for the clerk."""
        self.clicks += 1
        self.page.goto(url)

    def click(self, selector):
        self.clicks += 1
        self.page.click(selector)

    def fill(self, selector, value):
        self.fields += 1
        self.page.fill(selector, value)

    def select(self, selector, value):
        self.selects += 1
        self.page.select_option(selector, value)


def test_a_district_clerk_runs_the_2023_science_day_in_the_portal(
    require_chromium, browser, live_server, tmp_path, science_day_2023, wujin
):
    from django.db import connections

    from accounts.models import User
    from events.models import ActivityReturn

    User.objects.create_user("wujin_c", password="pw-clerk-1", role="district", region=wujin, last_name="武进区科协")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG_BYTES)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    url = live_server.url

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    clerk = Counter(page)
    page.goto(url + "/accounts/login/")
    clerk.fill("input[name=username]", "wujin_c")
    clerk.fill("input[name=password]", "pw-clerk-1")
    clerk.click("form:has(#id_username) button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")

    # 1. five registrations through the form, the campaign chosen once
    clerk.goto(url + "/events/new/")
    clerk.select("#id_campaign", str(science_day_2023.pk))
    clerk.fill("#id_starts_on", "2023-09-17")
    clerk.fill("#id_ends_on", "2023-09-17")
    clerk.fill("#id_venue", "新时代文明实践所")
    clerk.fill("#id_contact_name", "张老师")
    clerk.fill("#id_contact_phone", "0519-86000000")
    for i, title in enumerate(TITLES):
        clerk.fill("#id_title", title)
        clerk.fill("#id_planned_participants", str(200 + 50 * i))
        clerk.click("[data-testid=save-another]" if i < len(TITLES) - 1 else "[data-testid=save]")
        page.wait_for_load_state()
        if i < len(TITLES) - 1:
            page.wait_for_selector("[data-testid=copied-from]")
            assert page.input_value("#id_campaign") == str(science_day_2023.pk)  # kept, not reset
            assert (
                page.input_value("#id_starts_on") == "2023-09-17"
                and page.input_value("#id_venue") == "新时代文明实践所"
            )
    clerk.paused = True
    page.goto(url + f"/events/new/?from={ActivityReturn.objects.latest('pk').pk}")
    page.screenshot(path=str(ARTEFACTS / "form-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTEFACTS / "form-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    clerk.paused = False
    registered = list(ActivityReturn.objects.filter(campaign=science_day_2023).order_by("pk"))
    assert [a.title for a in registered] == TITLES
    assert {(a.campaign_id, a.starts_on, a.venue, a.contact_name) for a in registered} == {
        (science_day_2023.pk, dt.date(2023, 9, 17), "新时代文明实践所", "张老师")
    }

    # 1b. five more activities from the towns' sheet, imported twice (the second time after a correction
    #     elsewhere): the second import updates, it does not add five more
    from .conftest import xlsx_bytes
    from .test_import import HEADER, row

    sheet = tmp_path / "镇街活动安排表.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [HEADER] + [row(i + 1, title=t, start="2023-09-18", planned=300) for i, t in enumerate(IMPORTED_TITLES)]
        )
    )
    for attempt in range(2):
        clerk.goto(url + f"/events/import/?campaign={science_day_2023.pk}")
        page.set_input_files("#id_file", str(sheet))
        clerk.click("[data-testid=import-preview-button]")
        page.wait_for_selector("[data-testid=import-preview]")
        assert page.inner_text("[data-testid=import-counts]") == (
            "新增 5 条,更新 0 条,无变化 0 条。" if attempt == 0 else "新增 0 条,更新 0 条,无变化 5 条。"
        )
        clerk.click("[data-testid=import-confirm]")
        page.wait_for_load_state()
    imported = ActivityReturn.objects.filter(campaign=science_day_2023, title__in=IMPORTED_TITLES)
    assert imported.count() == 5  # not 10

    # 2. the 活动安排表: filing it submits the five registrations
    clerk.goto(url + f"/events/campaigns/{science_day_2023.pk}/")
    clerk.fill("form:has([data-testid=file-schedule]) textarea[name=text]", "武进区全国科普日活动安排表(5 项)")
    clerk.click("[data-testid=file-schedule]")
    page.wait_for_load_state()
    assert set(ActivityReturn.objects.filter(campaign=science_day_2023).values_list("status", flat=True)) == {
        "submitted"
    }  # the five from the form and the five imported

    # 3. after the event: one activity's post-event report, with no office action in between
    first = registered[0]
    clerk.goto(url + f"/events/{first.pk}/")
    clerk.click("[data-testid=edit-report]")
    clerk.fill("#id_actual_participants", "约320人")
    clerk.fill("#id_volunteers", "12")
    clerk.fill("#id_experts", "3")
    clerk.fill("#id_news_links", "https://www.wj.example.cn/news/2023-0917.html")
    clerk.fill("#id_video_links", "https://v.wj.example.cn/2023-0917")
    clerk.fill("#id_summary_text", "活动基本情况:现场体验与专家讲座,参与群众约320人次。")
    clerk.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert "已理解为 320" in page.inner_text("[data-testid=error-summary]")
    assert page.input_value("#id_actual_participants") == "320"
    clerk.click("[data-testid=save]")  # confirms the number read
    page.wait_for_selector("[data-testid=phase-report]")
    page.set_input_files("[data-testid=photo-input]", [str(photo)])
    clerk.click("[data-testid=photo-upload]")
    page.wait_for_selector("[data-testid=photos] img")
    clerk.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-report-status=submitted]")

    # the clerk's pages at 1366 and 390 px
    loads, clerk.paused = clerk.loads, True
    overflow, narrow = {}, {}
    for name, path in (
        ("home", "/"),
        ("list", "/events/"),
        ("detail", f"/events/{first.pk}/"),
        ("review", "/events/review/"),
        ("form", "/events/new/"),
    ):
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url + path)
            page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
            overflow[f"{name}-{width}"] = page.evaluate("document.documentElement.scrollWidth") - width
            narrow[f"{name}-{width}"] = page.evaluate(
                "[...document.querySelectorAll('td, th')].filter(c => c.offsetParent !== null"
                " && c.textContent.trim().length > 2 && c.getBoundingClientRect().width < 56).length"
            )
    print(
        f"\n[clerk journey] 5 registrations + a 5-row sheet imported twice + 活动安排表 + one post-event report "
        f"with a photo: "
        f"{clerk.clicks} clicks, {clerk.fields} fields typed, {clerk.selects} selects, {loads} page loads"
    )
    context.close()
    connections.close_all()
    activity = ActivityReturn.objects.get(pk=first.pk)
    assert (activity.status, activity.report_status) == ("submitted", "submitted")
    assert activity.actual_participants == 320 and activity.photos.count() == 1
    assert activity.video_link_list == ["https://v.wj.example.cn/2023-0917"]
    assert not activity.transitions.exclude(level="filer").exists()  # nobody at the office touched it
    assert clerk.selects == 1  # the campaign, chosen once
    assert {k: v for k, v in overflow.items() if v > 0} == {}  # no page wider than the screen (cards at 390 px)
    assert {k: v for k, v in narrow.items() if v} == {}  # no table squeezed into two-character columns
