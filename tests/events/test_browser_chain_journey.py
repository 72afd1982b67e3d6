"""Acceptance of issue 10 in Debian's Chromium: the town → district → city review chain, end to end.

A 湖塘镇 clerk files a 全国科普日 return through the page form and submits it; the 武进区 office sees it in its
review queue and on the campaign's completeness page, and returns it with a reason; the clerk reads the reason,
fixes the return and resubmits; 武进区 approves it, which forwards it to the city: the 武进区 dashboard shows it
apart (awaiting the city) and no activity figure moves, on the district's board or the city's; the city office
approves it and, after the roll-up, both boards count it. Throughout, 天宁区 and its 红梅街道 see nothing of it.

In the SQLite pass tasks run in-process (the roll-up runs at the approval's commit); in the PostgreSQL pass the
approvals go through Redis to a real `celery worker` process started here, as in production.
"""

import datetime as dt
import io
import re
import time

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "湖塘镇全国科普日·应急救护进万家(链路验收)"
FIRST_PARTICIPANTS, FIXED_PARTICIPANTS = 1357, 1537  # the district questions the first figure; the town fixes it
ACTIVITY_DAY = dt.date(2025, 9, 16)  # within 2025年全国科普日 (9月15-21日)
REASON = "请核实参与人次并补充新闻报道链接"
NEWS = "https://www.wj.example.cn/news/hutang-kepuri.html"
TIMEOUT_MS = 60_000  # one page action on a slow, shared machine
ROLLUP_WAIT_S = 120  # the roll-up: at commit on SQLite, through Redis and the worker on PostgreSQL


def _load_tree():
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    call_command("load_organisations", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def tree_loaded(transactional_db):
    """Transactional tests flush the database: the plan and the organisation tree (towns) before, and after."""
    _load_tree()
    yield
    _load_tree()


def year_row(page, year: int) -> tuple[int, int]:
    """(activities, participants) in the dashboard's table of activities by year."""
    text = page.inner_text("[data-testid=activities-year-table]")
    match = re.search(rf"^{year}\s+([\d,]+)\s+([\d,]+)", text, flags=re.M)
    return (int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))) if match else (0, 0)


def awaiting_city(page) -> tuple[int, int]:
    """(activities, participants) the district forwarded and the city has not decided, from its dashboard."""
    box = page.locator("[data-testid=awaiting-city]")
    if not box.count():
        return (0, 0)
    match = re.search(r"([\d,]+)\s*项.*?参与\s*([\d,]+)\s*人次", box.inner_text(), flags=re.S)
    assert match, box.inner_text()
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


def board(page) -> tuple[tuple[int, int], tuple[int, int]]:
    return year_row(page, ACTIVITY_DAY.year), awaiting_city(page)


def poll(page, read, want, seconds=ROLLUP_WAIT_S):
    """Reload `page` until read(page) == want (the roll-up has run) or the time is up; the last value read."""
    deadline = time.time() + seconds
    value = read(page)
    while value != want and time.time() < deadline:
        time.sleep(1)
        page.reload()
        value = read(page)
    return value


def completeness_cells(page, code: str) -> dict[str, str]:
    """A completeness row by column: returns filed, awaiting review, forwarded, returned, approved, participants."""
    cells = page.locator(f"[data-testid=row-{code}] td").all_inner_texts()
    names = [
        "name",
        "schedule",
        "schedule_on_time",
        "summary",
        "summary_on_time",
        "returns",
        "submitted",
        "forwarded",
        "returned",
        "approved",
        "participants",
    ]
    return dict(zip(names, (c.strip() for c in cells), strict=True))


def workbook_text(page, address: str) -> str:
    """Every cell of an .xlsx the page's user downloads (with the browser context's session)."""
    import io

    from openpyxl import load_workbook

    response = page.request.get(address)
    assert response.ok, (address, response.status)
    book = load_workbook(io.BytesIO(response.body()), read_only=True)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def test_town_files_district_returns_then_forwards_city_approves_dashboards_count_it_other_district_sees_nothing(
    require_chromium,
    browser,
    tree_loaded,
    live_server,
    science_day,
    hutang_clerk,
    hongmei_clerk,
    wujin_user,
    tianning_user,
    office_user,
    leader_user,
    settings,
):
    from django.db import connections

    from events.models import ActivityReturn
    from indicators.services import run_rollup
    from kepu_portal.celery import app

    url = live_server.url
    run_rollup(trigger="test")  # the dashboards' starting point
    worker, worker_log = None, ""
    if not app.conf.task_always_eager:  # PostgreSQL pass: Redis and a real worker, as `make serve` runs them
        from tests.common.test_worker_path import start_worker

        settings.KEPU_ROLLUP_DELAY_SECONDS = 0
        worker = start_worker(settings)

    def login(user):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(url + "/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-" + user.username)  # tests.conftest._make_user
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        return page

    def queue_row(page):
        return page.locator("[data-testid=queue-row]", has_text=TITLE)

    try:
        leader = login(leader_user)
        leader.goto(url + "/indicators/")
        assert "常州市" in leader.inner_text("[data-testid=dashboard-title]")
        city_before = year_row(leader, ACTIVITY_DAY.year)
        wujin = login(wujin_user)
        wujin.goto(url + "/indicators/?region=320412")
        assert "武进区" in wujin.inner_text("[data-testid=dashboard-title]")
        district_before, awaiting_before = board(wujin)
        assert awaiting_before == (0, 0)

        # 1. the 湖塘镇 clerk files a 全国科普日 return through the form and submits it
        town = login(hutang_clerk)
        assert "湖塘镇" in town.inner_text("[data-testid=whoami]")
        town.goto(url + "/events/")
        town.click("[data-testid=new-activity]")
        town.wait_for_selector("[data-testid=activity-form]")
        town.select_option("#id_campaign", str(science_day.pk))
        town.fill("#id_title", TITLE)
        town.select_option("#id_category", "town_main_event")
        town.fill("#id_starts_on", ACTIVITY_DAY.isoformat())
        town.fill("#id_ends_on", ACTIVITY_DAY.isoformat())
        town.fill("#id_venue", "湖塘镇新时代文明实践所")
        town.click("[data-testid=save]")
        town.wait_for_selector("[data-status=draft]")
        match = re.search(r"/events/(\d+)/$", town.url)
        assert match, town.url
        pk = int(match.group(1))
        detail = f"{url}/events/{pk}/"
        assert "湖塘镇" in town.inner_text("main") and "2025年全国科普日" in town.inner_text("main")
        town.click("[data-testid=submit]")
        town.wait_for_selector("[data-status=submitted]")
        assert "等待辖市(区)科协审核" in town.inner_text("[data-testid=review-level]")
        # after the event, the post-event report at once: no decision on the registration is waited for
        town.click("[data-testid=edit-report]")
        town.fill("#id_actual_participants", str(FIRST_PARTICIPANTS))
        town.click("[data-testid=save-submit]")
        town.wait_for_selector("[data-report-status=submitted]")

        # 2. 武进区 sees it in its queue, its to-do and the completeness page (湖塘镇: 1 awaiting review), returns it
        wujin.goto(url + "/events/")
        assert "1" in wujin.inner_text("[data-testid=to-review]")
        wujin.goto(url + "/events/review/")
        row = queue_row(wujin)
        assert row.count() == 1
        assert "湖塘镇" in row.inner_text() and str(FIRST_PARTICIPANTS) in row.inner_text()
        assert row.locator("[data-testid=approve]").inner_text().strip() == "审核通过并报市"
        wujin.screenshot(path="/tmp/chain-district-queue.png", full_page=True)
        wujin.goto(f"{url}/events/campaigns/{science_day.pk}/")
        cells = completeness_cells(wujin, "320412100")
        assert cells["name"] == "湖塘镇" and cells["returns"] == "1" and cells["submitted"] == "1", cells
        assert completeness_cells(wujin, "320412")["returns"] == "0"  # the district's own row: nothing of its own
        # ... while 天宁区 has nothing of it in its queue
        tianning = login(tianning_user)
        tianning.goto(url + "/events/review/")
        assert TITLE not in tianning.content()
        wujin.goto(url + "/events/review/")
        queue_row(wujin).locator("[data-testid=review-actions-report] input[name=reason]").fill(REASON)
        queue_row(wujin).locator("[data-testid=return-report]").click()
        wujin.wait_for_selector("[data-testid=return-report]", state="detached")

        # 3. the clerk reads the reason, fixes the return and resubmits
        town.goto(detail)
        town.wait_for_selector("[data-report-status=returned]")
        assert REASON in town.inner_text("[data-testid=report-return-reason]")
        assert REASON in town.inner_text("[data-testid=transition-district]")
        town.screenshot(path="/tmp/chain-town-returned.png", full_page=True)
        town.goto(url + "/events/")  # 我的待办 lists it with the reason
        assert TITLE in town.inner_text("[data-testid=returned-list]")
        assert REASON in town.inner_text("[data-testid=returned-list]")
        town.goto(detail)
        town.click("[data-testid=edit-report]")
        town.fill("#id_actual_participants", str(FIXED_PARTICIPANTS))
        town.fill("#id_news_links", NEWS)
        town.click("[data-testid=save-submit]")
        town.wait_for_selector("[data-report-status=submitted]")
        assert town.locator("[data-testid=report-return-reason]").count() == 0
        assert "等待辖市(区)科协审核" in town.inner_text("[data-testid=report-review-level]")

        # 4. 武进区 approves, i.e. forwards it to the city: shown apart on its board, no activity figure moves
        wujin.goto(url + "/events/review/")
        row = queue_row(wujin)
        assert str(FIXED_PARTICIPANTS) in row.inner_text()
        row.locator("[data-testid=approve]").click()
        queue_row(wujin).locator("[data-testid=approve-report]").click()
        wujin.wait_for_selector("text=没有待审核的活动")
        town.goto(detail)
        town.wait_for_selector("[data-status=forwarded]")
        town.wait_for_selector("[data-report-status=forwarded]")
        assert town.locator("[data-testid=edit]").count() == 0  # locked for the town now
        assert town.locator("[data-testid=edit-report]").count() == 0
        wujin.goto(url + "/indicators/?region=320412")
        got = poll(wujin, board, (district_before, (1, FIXED_PARTICIPANTS)))
        assert got == (district_before, (1, FIXED_PARTICIPANTS)), (district_before, got)
        leader.reload()
        assert year_row(leader, ACTIVITY_DAY.year) == city_before
        assert leader.locator("[data-testid=awaiting-city]").count() == 0  # the city board never shows it apart
        tianning.goto(url + "/events/review/")
        assert TITLE not in tianning.content()

        # 5. the city office approves it in its queue; after the roll-up both boards count it
        office = login(office_user)
        office.goto(url + "/events/review/")
        row = queue_row(office)
        assert row.count() == 1 and "湖塘镇" in row.inner_text()
        assert row.locator("[data-testid=approve]").inner_text().strip() == "通过"
        row.locator("[data-testid=approve]").click()
        queue_row(office).locator("[data-testid=approve-report]").click()
        office.wait_for_selector("text=没有待审核的活动")
        if worker is not None:
            assert worker.poll() is None, "the celery worker died"
        counted = (district_before[0] + 1, district_before[1] + FIXED_PARTICIPANTS)
        got = poll(wujin, board, (counted, (0, 0)))
        assert got == (counted, (0, 0)), (district_before, got)
        assert "数据截至" in wujin.inner_text("[data-testid=as-of]")
        city_after = (city_before[0] + 1, city_before[1] + FIXED_PARTICIPANTS)
        assert poll(leader, lambda p: year_row(p, ACTIVITY_DAY.year), city_after) == city_after, city_before
        wujin.goto(f"{url}/events/campaigns/{science_day.pk}/")
        cells = completeness_cells(wujin, "320412100")
        assert (cells["submitted"], cells["forwarded"], cells["approved"], cells["participants"]) == (
            "0",
            "0",
            "1",
            str(FIXED_PARTICIPANTS),
        ), cells
        export = f"{url}/events/campaigns/{science_day.pk}/summary.xlsx"
        sheet = workbook_text(wujin, export)  # the district's 汇总表 counts it (approved, under 武进区)
        assert re.search(rf"武进区 小计\n1\n{FIXED_PARTICIPANTS}\n", sheet), sheet
        assert wujin.request.get(f"{url}/api/v1/activities/{pk}/").status == 200
        assert TITLE in wujin.request.get(f"{url}/api/v1/activities/?page_size=1000").text()

        # 6. 天宁区 and its 红梅街道 never see it: a 404, and nothing in their lists, queues or completeness pages
        hongmei = login(hongmei_clerk)
        for page, queue_status in ((tianning, 200), (hongmei, 403)):
            assert page.goto(detail).status == 404
            for path in ("/events/", f"/events/?q={TITLE[:6]}", f"/events/?campaign={science_day.pk}"):
                assert page.goto(url + path).status == 200
                assert TITLE not in page.inner_text("[data-testid=activity-table]"), path
            assert page.goto(url + "/events/review/").status == queue_status  # a town reviews nothing
            assert TITLE not in page.content()
            assert page.goto(f"{url}/events/campaigns/{science_day.pk}/").status == 200
            sheet = workbook_text(page, export)
            assert "武进区" not in sheet and "湖塘镇" not in sheet and str(FIXED_PARTICIPANTS) not in sheet, sheet
            assert page.request.get(f"{url}/api/v1/activities/{pk}/").status == 404
            listed = page.request.get(f"{url}/api/v1/activities/?page_size=1000")
            assert listed.ok and TITLE not in listed.text()
            assert page.locator("[data-testid=row-320412100]").count() == 0
            assert page.locator("[data-testid=row-320412]").count() == 0
            for table in ("completeness", "summary"):
                assert "湖塘镇" not in page.inner_text(f"[data-testid={table}]")
                assert "武进区" not in page.inner_text(f"[data-testid={table}]")
        assert tianning.locator("[data-testid=row-320402004]").count() == 1  # its own towns it does see
        assert hongmei.locator("[data-testid=row-320402004]").count() == 1
        for page in (town, wujin, tianning, hongmei, office, leader):
            page.wait_for_load_state("networkidle")
            page.context.close()
    finally:
        if worker is not None:
            from tests.common.test_worker_path import stop_worker

            worker_log = stop_worker(worker)
    if worker is not None:  # the roll-ups that moved the boards ran on the worker, not in the test process
        assert re.search(r"Task indicators\.rollup_task\[[^\]]+\] succeeded", worker_log), worker_log[-3000:]
    connections.close_all()  # ORM calls made while Playwright's loop runs use their own connection
    activity = ActivityReturn.objects.get(pk=pk)
    assert (activity.title, activity.status, activity.region.code) == (TITLE, "approved", "320412100")
    assert activity.campaign_id == science_day.pk and activity.actual_participants == FIXED_PARTICIPANTS
    assert NEWS in activity.news_links
    steps = list(activity.transitions.order_by("at", "id").values_list("action", "level", "actor__username"))
    assert steps == [
        ("submit", "filer", "hutang1"),
        ("submit_report", "filer", "hutang1"),
        ("return_report", "district", "wujin1"),
        ("submit_report", "filer", "hutang1"),
        ("approve", "district", "wujin1"),
        ("approve_report", "district", "wujin1"),
        ("approve", "city", "office1"),
        ("approve_report", "city", "office1"),
    ]
