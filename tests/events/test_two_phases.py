"""An activity in two phases (seed 002): the registration before the event, the post-event report after it.

Each phase is submitted, reviewed along the chain and locked on its own; accepting the registration never blocks the
report; only an accepted report counts. The clerk's form: sections per phase, 「保存并继续新建」 keeps the campaign,
dates, place and contact, counts such as 「约200人」 are shown back before they are saved, a likely duplicate is named.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from common.workflow import InvalidTransition, TransitionNotAllowed, available_actions
from events import completeness, services
from events.models import ActivityReturn

pytestmark = pytest.mark.django_db


def fresh(activity):
    return ActivityReturn.objects.get(pk=activity.pk)


@pytest.fixture
def registered(hutang_clerk, science_day):
    """A 湖塘镇 activity of the 2025 科普日 whose registration is submitted (waiting for 武进区)."""
    activity = ActivityReturn(
        campaign=science_day,
        title="湖塘镇科普日应急救护培训",
        category="town_main_event",
        starts_on=dt.date(2025, 9, 16),
        ends_on=dt.date(2025, 9, 16),
        planned_participants=300,
        venue="湖塘镇新时代文明实践所",
    )
    services.save_return(activity, hutang_clerk)
    return services.transition(activity, "submit", hutang_clerk)


def report_form(activity, **extra):
    return {
        "actual_participants": 320,
        "online_views": 0,
        "volunteers": 6,
        "experts": 2,
        "budget": "0.8",
        "news_links": "https://www.wj.example.cn/news/1.html",
        "video_links": "https://v.example.cn/1",
        "summary_text": "现场培训 320 人次。",
        "report_version": activity.report_version,
        **extra,
    }


def registration_form(campaign, **extra):
    return {
        "campaign": campaign.pk,
        "title": "科普大篷车进乡村",
        "category": "rural_joint",
        "format": "offline",
        "starts_on": "2025-09-18",
        "ends_on": "2025-09-18",
        "venue": "礼嘉镇文化广场",
        "town": "礼嘉镇",
        "organiser": "礼嘉镇科协",
        "contact_name": "张老师",
        "contact_phone": "0519-86000000",
        "planned_participants": "200",
        "general_public": "on",
        **extra,
    }


# --- the phases -------------------------------------------------------------------------------------------------
def test_the_report_is_written_and_submitted_while_the_registration_waits_with_no_office_action(
    registered, client_for, hutang_clerk
):
    client = client_for(hutang_clerk)
    assert registered.status == "submitted" and registered.report_status == "draft"
    assert client.get(reverse("events:edit", args=[registered.pk])).status_code == 403  # the registration is locked
    page = client.get(reverse("events:report", args=[registered.pk]))
    assert page.status_code == 200
    sections = [title for title, _fields in page.context["form"].sections()]
    assert [str(t) for t in sections] == ["实际情况", "宣传与资料", "活动简要总结", "推荐优秀活动"]
    assert "title" not in page.context["form"].fields and "starts_on" not in page.context["form"].fields
    response = client.post(reverse("events:report", args=[registered.pk]), report_form(registered, then="submit"))
    assert response.status_code == 302
    activity = fresh(registered)
    assert (activity.status, activity.report_status) == ("submitted", "submitted")
    assert activity.actual_participants == 320 and activity.video_link_list == ["https://v.example.cn/1"]
    assert activity.version == registered.version  # the registration was not touched
    assert list(activity.transitions.values_list("phase", "action")) == [("", "submit"), ("report", "submit_report")]


def test_each_phase_goes_along_the_chain_on_its_own_and_only_the_accepted_report_counts(
    registered, hutang_clerk, wujin_user, office_user, wujin
):
    report = services.transition(registered, "submit_report", hutang_clerk)
    # the district's queue holds both phases; it decides the report before the registration
    assert list(ActivityReturn.objects.awaiting(wujin_user)) == [report]
    assert set(available_actions(report, wujin_user)) == {"approve", "return", "approve_report", "return_report"}
    report = services.transition(report, "approve_report", wujin_user, expected_version=report.report_version)
    assert (report.status, report.report_status) == ("submitted", "forwarded")
    assert list(ActivityReturn.objects.awaiting(office_user)) == [report]
    assert available_actions(report, office_user) == ["approve_report", "return_report"]
    report = services.transition(report, "approve_report", office_user, expected_version=report.report_version)
    assert (report.status, report.report_status) == ("submitted", "approved")
    assert report.counts() and ActivityReturn.objects.reported().filter(pk=report.pk).exists()
    rows = {r.name: r for r in completeness.completeness(report.campaign)}
    assert rows["武进区"].reports_approved == 1 and rows["武进区"].participants == report.actual_participants
    assert rows["武进区"].approved == 0  # the registration is still waiting for 武进区
    levels = list(report.transitions.filter(phase="report").values_list("action", "level", "to_status"))
    assert levels == [
        ("submit_report", "filer", "submitted"),
        ("approve_report", "district", "forwarded"),
        ("approve_report", "city", "approved"),
    ]


def test_a_report_cannot_be_submitted_before_the_registration_or_before_the_event(
    hutang_clerk, science_day, make_return, hutang
):
    draft = ActivityReturn(
        campaign=science_day, title="草稿活动", starts_on=dt.date(2025, 9, 16), ends_on=dt.date(2025, 9, 16)
    )
    services.save_return(draft, hutang_clerk)
    with pytest.raises(InvalidTransition, match="请先提交活动登记"):
        services.transition(draft, "submit_report", hutang_clerk)
    future = ActivityReturn(
        campaign=science_day, title="明年的活动", starts_on=dt.date(2026, 12, 20), ends_on=dt.date(2026, 12, 20)
    )
    services.save_return(future, hutang_clerk)
    future = services.transition(future, "submit", hutang_clerk)
    with pytest.raises(InvalidTransition, match="活动尚未开始"):
        services.transition(future, "submit_report", hutang_clerk, today=dt.date(2026, 12, 2))
    assert fresh(future).report_status == "draft"


def test_a_submitted_report_is_locked_and_a_stale_report_version_is_a_conflict(registered, hutang_clerk, api_for):
    report = services.transition(registered, "submit_report", hutang_clerk)
    response = api_for(hutang_clerk).patch(
        f"/api/v1/activities/{report.pk}/", {"actual_participants": 999}, format="json"
    )
    assert response.status_code == 403 and "补充信息已提交" in response.json()["detail"]
    assert fresh(report).actual_participants == 0
    with pytest.raises(TransitionNotAllowed):
        services.add_photos(fresh(report), hutang_clerk, [mock.Mock()])


def test_changing_one_phase_does_not_conflict_with_a_decision_on_the_other(
    registered, hutang_clerk, wujin_user, client_for
):
    seen = registered.version  # the district opens the registration to decide it
    client_for(hutang_clerk).post(reverse("events:report", args=[registered.pk]), report_form(registered))
    assert fresh(registered).report_version == registered.report_version + 1
    decided = services.transition(fresh(registered), "approve", wujin_user, expected_version=seen)
    assert decided.status == "forwarded"


def test_the_api_takes_each_phase_apart(registered, hutang_clerk, wujin_user, api_for):
    client = api_for(hutang_clerk)
    body = client.get(f"/api/v1/activities/{registered.pk}/").json()
    assert body["status"] == "submitted" and body["report_status"] == "draft" and body["review_level"] == "district"
    patched = client.patch(
        f"/api/v1/activities/{registered.pk}/", {"actual_participants": 150, "report_version": 1}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["report_version"] == 2
    assert client.patch(f"/api/v1/activities/{registered.pk}/", {"title": "改名"}, format="json").status_code == 403
    submitted = client.post(f"/api/v1/activities/{registered.pk}/submit-report/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["report_status"] == "submitted"
    stale = api_for(wujin_user).post(
        f"/api/v1/activities/{registered.pk}/approve-report/", {"version": 1}, format="json"
    )
    assert stale.status_code == 409
    ok = api_for(wujin_user).post(f"/api/v1/activities/{registered.pk}/approve-report/", {"version": 3}, format="json")
    assert ok.status_code == 200 and ok.json()["report_status"] == "forwarded" and ok.json()["status"] == "submitted"


def test_a_registration_decision_does_not_start_a_roll_up(
    registered, wujin_user, office_user, django_capture_on_commit_callbacks
):
    with mock.patch("indicators.services.request_rollup") as request:
        with django_capture_on_commit_callbacks(execute=True):
            activity = services.transition(registered, "approve", wujin_user, expected_version=registered.version)
            services.transition(activity, "approve", office_user, expected_version=activity.version)
        assert request.call_count == 0


def test_returns_filed_before_the_split_keep_their_state_in_both_phases(make_return, wujin):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("events.migrations.0007_two_phase_activities")
    rows = {s: make_return(wujin, status=s, report_status="draft") for s in ("approved", "submitted", "returned")}
    ActivityReturn.objects.filter(pk=rows["approved"].pk).update(return_reason="旧理由")
    migration.split_into_phases(apps, None)
    for status, activity in rows.items():
        assert fresh(activity).report_status == status  # an approved return keeps counting
    assert fresh(rows["approved"]).report_return_reason == "旧理由"


def test_the_detail_page_shows_both_phases_with_their_own_buttons(registered, client_for, wujin_user, hutang_clerk):
    services.transition(registered, "submit_report", hutang_clerk)
    body = client_for(wujin_user).get(reverse("events:detail", args=[registered.pk])).content.decode()
    assert 'data-testid="phase-registration"' in body and 'data-testid="phase-report"' in body
    assert 'data-testid="approve"' in body and 'data-testid="approve-report"' in body
    assert 'value="approve_report"' in body
    queue = client_for(wujin_user).get(reverse("events:review-queue")).content.decode()
    assert 'data-testid="approve-report"' in queue and 'data-testid="approve"' in queue


# --- the clerk's form -------------------------------------------------------------------------------------------
def test_save_and_new_keeps_the_campaign_dates_place_organiser_and_contact(client_for, wujin_user, science_day):
    client = client_for(wujin_user)
    response = client.post(reverse("events:create"), registration_form(science_day, then="another"))
    first = ActivityReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{reverse('events:create')}?from={first.pk}"
    form = client.get(response["Location"]).context["form"]
    kept = {
        name: form.initial.get(name)
        for name in ("campaign", "starts_on", "ends_on", "venue", "town", "organiser", "contact_name", "contact_phone")
    }
    assert kept == {
        "campaign": science_day.pk,
        "starts_on": "2025-09-18",
        "ends_on": "2025-09-18",
        "venue": "礼嘉镇文化广场",
        "town": "礼嘉镇",
        "organiser": "礼嘉镇科协",
        "contact_name": "张老师",
        "contact_phone": "0519-86000000",
    }
    assert "title" not in form.initial  # the next activity gets its own name


def test_another_partys_activity_is_never_copied_into_the_form(
    client_for, tianning_user, make_return, wujin, science_day
):
    theirs = make_return(wujin, campaign=science_day, venue="武进的场地")
    form = client_for(tianning_user).get(f"{reverse('events:create')}?from={theirs.pk}").context["form"]
    assert form.initial.get("venue") != "武进的场地"


@pytest.mark.parametrize(
    "typed, understood", [("约200人", 200), ("1,200人次", 1200), ("１２００", 1200), ("3万", 30000), (" 200 ", 200)]
)
def test_a_count_written_in_words_is_shown_back_as_understood_before_it_is_saved(
    client_for, wujin_user, science_day, typed, understood
):
    client = client_for(wujin_user)
    response = client.post(reverse("events:create"), registration_form(science_day, planned_participants=typed))
    if typed.strip() == str(understood):
        assert response.status_code == 302
        return
    assert response.status_code == 200 and not ActivityReturn.objects.exists()
    body = response.content.decode()
    assert f"已理解为 {understood}" in body and 'data-testid="error-summary"' in body
    assert f'value="{understood}"' in body  # the field now holds the number: saving again confirms it
    again = client.post(reverse("events:create"), registration_form(science_day, planned_participants=understood))
    assert again.status_code == 302 and ActivityReturn.objects.get().planned_participants == understood


@pytest.mark.parametrize("typed", ["很多", "12.5", "-3", "200-300", "1e400", "nan"])
def test_a_count_that_is_no_number_is_refused_naming_the_field(client_for, wujin_user, science_day, typed):
    response = client_for(wujin_user).post(
        reverse("events:create"), registration_form(science_day, planned_participants=typed)
    )
    assert response.status_code == 200 and not ActivityReturn.objects.exists()
    summary = response.context["form"].error_summary()
    assert any(label == "预计参与人数" and f"“{typed}”" in message for _id, label, message in summary), summary


def test_the_error_summary_links_to_each_field_in_error(client_for, wujin_user, science_day):
    response = client_for(wujin_user).post(
        reverse("events:create"), registration_form(science_day, title="", ends_on="2025-09-01")
    )
    body = response.content.decode()
    assert 'data-testid="error-summary"' in body
    assert 'href="#id_title"' in body and 'href="#id_ends_on"' in body
    assert "结束日期不能早于开始日期" in body


def test_a_likely_duplicate_is_named_before_saving_and_saving_again_files_it(client_for, wujin_user, science_day):
    client = client_for(wujin_user)
    client.post(reverse("events:create"), registration_form(science_day))
    first = ActivityReturn.objects.get()
    response = client.post(reverse("events:create"), registration_form(science_day, title=" 科普大篷车进乡村 "))
    assert response.status_code == 200 and ActivityReturn.objects.count() == 1
    body = response.content.decode()
    assert "可能重复" in body and reverse("events:detail", args=[first.pk]) in body
    assert 'name="allow_duplicate" value="1"' in body or 'name="allow_duplicate" value="True"' in body
    confirmed = client.post(reverse("events:create"), registration_form(science_day, allow_duplicate="1"))
    assert confirmed.status_code == 302 and ActivityReturn.objects.count() == 2
    # another date is another activity: no warning
    other_day = client.post(
        reverse("events:create"), registration_form(science_day, starts_on="2025-09-19", ends_on="2025-09-19")
    )
    assert other_day.status_code == 302


def test_a_file_lost_to_a_form_error_is_named_on_the_page(client_for, hutang_clerk, registered):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(hutang_clerk).post(
        reverse("events:report", args=[registered.pk]),
        {
            **report_form(registered, actual_participants="很多"),
            "summary_file": SimpleUploadedFile("总结.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="lost-files"' in body and "总结.pdf" in body
