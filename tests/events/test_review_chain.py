"""The chain of filing: town → district → city (issue 10, point 4).

A return a town, an organisation or a base files is reviewed by its district office first: approval forwards it
to the city (locked for the filer), a return sends it back down with a reason. The city office approves or
returns what districts forwarded; its return goes back to the district. Only city-approved returns count on the
dashboards; a district's board shows apart what it forwarded and the city has not decided. History keeps every
step with its level, and the stale-version rule holds at each level.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from common.workflow import ConflictError, InvalidTransition, TransitionNotAllowed
from events import completeness, services
from events.models import ActivityReturn

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_return(hutang_clerk, hutang, science_day):
    activity = ActivityReturn(
        campaign=science_day,
        title="湖塘镇全国科普日应急救护培训",
        category="town_main_event",
        starts_on=dt.date(2025, 9, 16),
        ends_on=dt.date(2025, 9, 16),
        actual_participants=321,
    )
    services.save_return(activity, hutang_clerk)
    return services.transition(activity, "submit", hutang_clerk)


def fresh(activity):
    return ActivityReturn.objects.get(pk=activity.pk)


def test_a_town_return_waits_for_its_district_not_the_city(
    town_return, wujin_user, office_user, tianning_user, hongmei_clerk
):
    assert town_return.status == "submitted" and town_return.review_level() == "district"
    assert list(ActivityReturn.objects.awaiting(wujin_user)) == [town_return]
    assert not ActivityReturn.objects.awaiting(office_user).exists()
    assert not ActivityReturn.objects.awaiting(tianning_user).exists()
    assert not ActivityReturn.objects.visible_to(tianning_user).exists()
    assert not ActivityReturn.objects.visible_to(hongmei_clerk).exists()
    with pytest.raises(InvalidTransition, match="不在您的审核环节"):
        services.transition(town_return, "approve", office_user, expected_version=town_return.version)
    with pytest.raises(TransitionNotAllowed):
        services.transition(town_return, "approve", tianning_user, expected_version=town_return.version)


def test_the_whole_chain_with_a_return_at_each_level_keeps_every_step(
    town_return, hutang_clerk, wujin_user, office_user
):
    activity = services.transition(
        town_return, "return", wujin_user, reason="请补充现场照片。", expected_version=town_return.version
    )
    assert activity.status == "returned" and activity.return_reason == "请补充现场照片。"
    assert activity in ActivityReturn.objects.changeable_by(hutang_clerk).returned()
    activity = services.transition(fresh(activity), "submit", hutang_clerk)
    activity = services.transition(activity, "approve", wujin_user, expected_version=activity.version)
    assert activity.status == "forwarded" and activity.is_locked() and not activity.can_edit(hutang_clerk)
    assert list(ActivityReturn.objects.awaiting(office_user)) == [activity]
    assert not ActivityReturn.objects.awaiting(wujin_user).exists()
    # the city returns it: back to the district, which may send it further down or forward it again
    activity = services.transition(
        activity, "return", office_user, reason="参与人次请再核实。", expected_version=activity.version
    )
    assert activity.status == "submitted" and activity.review_level() == "district"
    assert list(ActivityReturn.objects.awaiting(wujin_user)) == [activity]
    assert not activity.can_edit(hutang_clerk)  # still with the district, not the town
    activity = services.transition(activity, "approve", wujin_user, expected_version=activity.version)
    activity = services.transition(activity, "approve", office_user, expected_version=activity.version)
    assert activity.status == "approved"
    steps = list(
        activity.transitions.order_by("at", "id").values_list(
            "action", "from_status", "to_status", "level", "actor__username"
        )
    )
    assert steps == [
        ("submit", "draft", "submitted", "filer", "hutang1"),
        ("return", "submitted", "returned", "district", "wujin1"),
        ("submit", "returned", "submitted", "filer", "hutang1"),
        ("approve", "submitted", "forwarded", "district", "wujin1"),
        ("return", "forwarded", "submitted", "city", "office1"),
        ("approve", "submitted", "forwarded", "district", "wujin1"),
        ("approve", "forwarded", "approved", "city", "office1"),
    ]
    reasons = list(activity.transitions.exclude(reason="").values_list("reason", flat=True))
    assert reasons == ["请补充现场照片。", "参与人次请再核实。"]


def test_a_district_return_goes_straight_to_the_city(make_return, wujin, wujin_user, office_user):
    activity = make_return(wujin)
    activity = services.transition(activity, "submit", wujin_user)
    assert activity.review_level() == "city"
    assert list(ActivityReturn.objects.awaiting(office_user)) == [activity]
    assert not ActivityReturn.objects.awaiting(wujin_user).exists()  # a district never approves its own
    with pytest.raises(TransitionNotAllowed):
        services.transition(activity, "approve", wujin_user, expected_version=activity.version)
    activity = services.transition(activity, "approve", office_user, expected_version=activity.version)
    assert activity.status == "approved"


def test_two_district_reviewers_on_one_version_one_wins_the_other_gets_a_conflict(town_return, wujin_user):
    from tests.conftest import _make_user

    colleague = _make_user("wujin2", "district", region_code="320412", last_name="武进区科协")
    seen = town_return.version
    services.transition(fresh(town_return), "approve", wujin_user, expected_version=seen)
    with pytest.raises(ConflictError):
        services.transition(fresh(town_return), "return", colleague, reason="晚了一步", expected_version=seen)
    assert fresh(town_return).status == "forwarded"


def test_organisation_and_base_returns_are_reviewed_by_their_district(
    society_contact, base_contact, wujin_user, tianning_user, office_user, science_day
):
    for user in (society_contact, base_contact):
        activity = ActivityReturn(
            title=f"{user.last_name}的活动", starts_on=dt.date(2025, 9, 17), ends_on=dt.date(2025, 9, 17)
        )
        services.save_return(activity, user)
        activity = services.transition(activity, "submit", user)
        assert activity.review_level() == "district" and activity in ActivityReturn.objects.awaiting(wujin_user)
        assert not ActivityReturn.objects.visible_to(tianning_user).filter(pk=activity.pk).exists()
        activity = services.transition(activity, "approve", wujin_user, expected_version=activity.version)
        assert activity in ActivityReturn.objects.awaiting(office_user)
    # each contact sees its own returns only
    assert ActivityReturn.objects.visible_to(society_contact).count() == 1
    assert ActivityReturn.objects.visible_to(base_contact).count() == 1


def test_the_district_queue_page_and_the_api_decide_at_the_district_level(
    town_return, client_for, api_for, wujin_user, tianning_user
):
    page = client_for(wujin_user).get(reverse("events:review-queue"))
    assert page.status_code == 200 and "湖塘镇全国科普日应急救护培训" in page.content.decode()
    assert "审核通过并报市" in page.content.decode()
    assert (
        "湖塘镇全国科普日应急救护培训"
        not in client_for(tianning_user).get(reverse("events:review-queue")).content.decode()
    )
    assert (
        api_for(tianning_user)
        .post(f"/api/v1/activities/{town_return.pk}/approve/", {"version": town_return.version}, format="json")
        .status_code
        == 404
    )
    response = api_for(wujin_user).post(
        f"/api/v1/activities/{town_return.pk}/approve/", {"version": town_return.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "forwarded"
    assert response.json()["review_level"] == "city"
    assert [t["level"] for t in response.json()["transitions"]] == ["filer", "district"]


def test_the_district_completeness_page_lists_its_towns_and_who_filed(
    town_return, client_for, wujin_user, hutang_clerk, office_user, science_day
):
    services.file_campaign(science_day, hutang_clerk, "schedule", now=dt.datetime(2025, 9, 10, 9, tzinfo=dt.UTC))
    rows = {r.name: r for r in completeness.completeness_for(science_day, wujin_user)}
    assert rows["湖塘镇"].schedule_filed and rows["湖塘镇"].schedule_on_time and rows["湖塘镇"].submitted == 1
    assert not rows["牛塘镇"].schedule_filed and rows["武进区"].returns == 0
    assert "武进区测试学会" not in rows  # no such organisation in this test
    body = client_for(wujin_user).get(reverse("events:campaign-detail", args=[science_day.pk])).content.decode()
    assert 'data-testid="row-320412100"' in body and 'data-testid="row-320412"' in body
    # the city sees districts, their towns rolled up
    city = {r.name: r for r in completeness.completeness_for(science_day, office_user)}
    assert city["武进区"].returns == 1 and city["武进区"].submitted == 1 and "湖塘镇" not in city
    # a town sees its own row only
    assert [r.name for r in completeness.completeness_for(science_day, hutang_clerk)] == ["湖塘镇"]


def test_dashboards_count_a_town_return_only_after_the_city_approves(
    town_return, wujin_user, office_user, wujin, settings
):
    from indicators.dashboard import Dashboard
    from indicators.services import run_rollup
    from programs.models import Region

    city = Region.objects.get(code="320400")

    def figures():
        run_rollup()
        district = Dashboard(wujin_user, wujin)
        year = 2025
        return (
            int(district.yearly("activity_participants").get(year, 0)),
            int(Dashboard(office_user, city).yearly("activity_participants").get(year, 0)),
            district.awaiting_city(),
        )

    assert figures() == (0, 0, {"activities": 0, "participants": 0})
    # the registration's approval along the chain counts nothing: what counts is the accepted post-event report
    activity = services.transition(town_return, "approve", wujin_user, expected_version=town_return.version)
    activity = services.transition(activity, "approve", office_user, expected_version=activity.version)
    assert activity.status == "approved"
    assert figures() == (0, 0, {"activities": 0, "participants": 0})
    activity = services.transition(activity, "submit_report", town_return.created_by)
    activity = services.transition(activity, "approve_report", wujin_user, expected_version=activity.report_version)
    assert activity.report_status == "forwarded"
    assert figures() == (0, 0, {"activities": 1, "participants": 321})
    services.transition(activity, "approve_report", office_user, expected_version=activity.report_version)
    assert figures() == (321, 321, {"activities": 0, "participants": 0})
