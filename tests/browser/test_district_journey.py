"""A district office's first visit, in a real browser: wrong password, log in, the plan, English and back, log out."""

import pytest

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_user_logs_in_after_a_typo_reads_the_plan_in_both_languages_and_logs_out(page, wujin_user):
    login(page, wujin_user, password="wrong-password")
    error = page.get_by_test_id("login-error")
    assert error.is_visible()
    assert "请输入一个正确的" in error.inner_text()  # Django's Chinese message

    login(page, wujin_user)
    assert "武进区科协" in page.get_by_test_id("whoami").inner_text()

    page.get_by_role("button", name="规划任务").click()  # the 规划任务 menu of the navigation
    with page.expect_navigation():
        page.get_by_role("link", name="规划任务").first.click()
    assert page.url.endswith("/plan/")
    assert page.locator("h1").first.inner_text().strip()
    first_task = page.locator("a[href*='/plan/tasks/']").first
    task_href = first_task.get_attribute("href")
    with page.expect_navigation():
        first_task.click()
    assert task_href in page.url

    switch = page.locator("button[name=language][value=en]")
    assert switch.inner_text() == "English"  # each language offered by its own name
    with page.expect_navigation():
        switch.click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Plan tasks").is_visible()
    assert task_href in page.url  # stays on the same page

    back = page.locator("button[name=language][value=zh-hans]")
    assert back.inner_text() == "中文"
    with page.expect_navigation():
        back.click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="规划任务").is_visible()

    page.get_by_test_id("whoami").click()  # the user's menu
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    assert "/accounts/login/" in page.url
    page.goto(page.base + "/plan/")
    assert "/accounts/login/" in page.url  # really logged out
    assert page.csp_violations == []
