"""Bad input gets a clear 4xx in Chinese, never a 500, and nothing saved is lost (issue 11, point 3).

Each case was a 500 before: a version that is not a number, JSON nested a thousand deep, ids beyond the
database's integer range in query strings, a stored summary file on the edit page, counts beyond what the
database and the roll-up can hold, dates in year 1 or 9999, and free text of 100,000 characters.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from events.models import ActivityReturn

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def draft(make_return, wujin, science_day):
    return make_return(wujin, campaign=science_day, title="武进的草稿")


@pytest.mark.parametrize("version", ["abc", [1], {"a": 1}, True, "-1", "1.5", HUGE])
def test_a_malformed_version_is_a_400_naming_the_field(api_for, wujin_user, draft, version):
    response = api_for(wujin_user).patch(
        f"/api/v1/activities/{draft.pk}/", {"title": "改名", "version": version}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()
    draft.refresh_from_db()
    assert draft.title == "武进的草稿" and draft.version == 1


def test_json_nested_a_thousand_deep_is_a_400(api_for, wujin_user, draft):
    body = "[" * 1000 + "]" * 1000
    response = api_for(wujin_user).generic(
        "PATCH", f"/api/v1/activities/{draft.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/activities/?unit={HUGE}",
        f"/api/v1/unit-reports/?unit={HUGE}",
        f"/api/v1/unit-reports/?period={HUGE}",
        f"/api/v1/activities/?campaign={HUGE}",
        f"/api/v1/tasks/?unit={HUGE}",
        "/api/v1/activities/?unit=1e400",
        "/api/v1/activities/?unit=nan",
    ],
)
def test_ids_beyond_the_databases_range_in_an_api_query_are_a_400(api_for, office_user, url):
    response = api_for(office_user).get(url)
    assert response.status_code == 400, (url, response.content)


@pytest.mark.parametrize(
    "url",
    [
        f"/events/?unit={HUGE}",
        f"/events/?campaign={HUGE}",
        f"/plan/reports/?unit={HUGE}",
        f"/plan/reports/?period={HUGE}",
        f"/bases/?expiring={HUGE}",
        f"/events/review/?campaign={HUGE}",
        f"/events/import/template.xlsx?campaign={HUGE}",
        f"/bases/?theme={HUGE}",
    ],
)
def test_ids_beyond_the_databases_range_on_a_page_are_never_a_500(client_for, office_user, url):
    response = client_for(office_user).get(url)
    assert response.status_code in (200, 400), (url, response.status_code)


def test_the_report_page_of_a_draft_with_a_stored_summary_file_opens(client_for, wujin_user, office_user, draft):
    draft.summary_file.save(
        "总结.pdf", ContentFile(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    )
    for user in (wujin_user, office_user):
        page = client_for(user).get(reverse("events:report", args=[draft.pk]))
        assert page.status_code == 200
        assert reverse("events:summary-file", args=[draft.pk]) in page.content.decode()
    # a form error on the same page does not break it either
    page = client_for(wujin_user).post(
        reverse("events:report", args=[draft.pk]), {"actual_participants": "很多", "report_version": 1}
    )
    assert page.status_code == 200 and page.context["form"].errors


@pytest.mark.parametrize(
    "field, value",
    [
        ("actual_participants", 9223372036854775807),
        ("actual_participants", 2147483648),
        ("planned_participants", 10**12),
        ("online_views", -1),
        ("volunteers", 10**9),
    ],
)
def test_counts_beyond_a_sane_maximum_are_refused_with_a_chinese_message(api_for, wujin_user, draft, field, value):
    response = api_for(wujin_user).patch(f"/api/v1/activities/{draft.pk}/", {field: value}, format="json")
    assert response.status_code == 400 and field in response.json()
    message = response.json()[field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    draft.refresh_from_db()
    assert getattr(draft, field) in (0, 300, 280)


@pytest.mark.parametrize(
    "starts, ends",
    [
        ("0001-01-01", "0001-01-02"),
        ("9999-12-30", "9999-12-31"),
        ("1990-05-01", "1990-05-01"),
        ("2099-01-01", "2099-01-01"),
    ],
)
def test_dates_outside_the_plans_years_are_refused(api_for, wujin_user, starts, ends):
    response = api_for(wujin_user).post(
        "/api/v1/activities/", {"title": "时间错误", "starts_on": starts, "ends_on": ends}, format="json"
    )
    assert response.status_code == 400 and "starts_on" in response.json()
    assert "2016" in response.json()["starts_on"][0]
    assert not ActivityReturn.objects.filter(title="时间错误").exists()


@pytest.mark.parametrize("field", ["summary_text", "news_links", "recommendation_reason"])
def test_free_text_of_a_hundred_thousand_characters_is_refused(api_for, wujin_user, draft, field):
    response = api_for(wujin_user).patch(f"/api/v1/activities/{draft.pk}/", {field: "长" * 100_000}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_the_page_forms_refuse_an_overflowing_count_and_a_year_one_date(client_for, wujin_user, science_day, draft):
    response = client_for(wujin_user).post(
        reverse("events:create"),
        {
            "campaign": science_day.pk,
            "title": "越界数字",
            "category": "other",
            "format": "offline",
            "starts_on": "0001-01-01",
            "ends_on": "0001-01-01",
            "planned_participants": 9223372036854775807,
            "general_public": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "planned_participants" in errors and "starts_on" in errors
    assert not ActivityReturn.objects.filter(title="越界数字").exists()
    response = client_for(wujin_user).post(
        reverse("events:report", args=[draft.pk]),
        {
            "actual_participants": 9223372036854775807,
            "online_views": 0,
            "volunteers": 0,
            "experts": 0,
            "budget": "0",
            "report_version": draft.report_version,
        },
    )
    assert response.status_code == 200 and "actual_participants" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.actual_participants == 280


def test_the_roll_up_skips_a_value_it_cannot_use_and_reports_it(make_return, wujin, tianning):
    """A value stored before the limits (or by a path that skipped them) must not stop every dashboard."""
    from indicators.models import IndicatorValue, RollupRun
    from indicators.services import run_rollup

    make_return(
        tianning,
        status="approved",
        actual_participants=1234,
        starts_on=dt.date(2025, 9, 16),
        ends_on=dt.date(2025, 9, 16),
    )
    bad = make_return(wujin, status="approved", starts_on=dt.date(2025, 9, 16), ends_on=dt.date(2025, 9, 16))
    # the largest count PostgreSQL's integer column holds, far over the portal's maximum (SQLite holds more)
    ActivityReturn.objects.filter(pk=bad.pk).update(actual_participants=2_147_483_647)
    run = run_rollup(trigger="test")
    assert run.status == RollupRun.Status.OK, run.error
    assert f"#{bad.pk}" in run.error and "超出上限" in run.error  # reported, not silent
    from indicators.audit import recompute_and_compare

    assert any(f"#{bad.pk}" in line for line in recompute_and_compare())  # check_indicators says so too
    value = IndicatorValue.objects.get(
        indicator__code="activity_participants", region=tianning, period="2025", dimension=""
    )
    assert value.value == 1234
