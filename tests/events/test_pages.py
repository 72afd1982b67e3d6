"""The pages a clerk and the office use: list with filters, review queue, fast create form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import ActivityReturn
from tests.conftest import external_assets

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_campaign_region_status_category_date_and_search(
    client_for, office_user, science_day, wujin, tianning, make_return
):
    a = make_return(wujin, status="approved", campaign=science_day, category="main_event", title="武进主场")
    b = make_return(
        tianning, status="submitted", campaign=science_day, category="youth_special", title="天宁校园科学节"
    )
    c = make_return(
        wujin,
        status="draft",
        campaign=None,
        category="other",
        title="全年讲座",
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 1),
    )
    client = client_for(office_user)

    def titles(query):
        response = client.get(reverse("events:list") + query)
        return {x.title for x in response.context["activities"]}

    assert titles("") == {a.title, b.title, c.title}
    assert titles(f"?campaign={science_day.pk}") == {a.title, b.title}
    assert titles("?region=320412") == {a.title, c.title}
    assert titles("?status=submitted") == {b.title}
    assert titles("?category=youth_special") == {b.title}
    assert titles("?date_from=2025-01-01&date_to=2025-12-31") == {a.title, b.title}
    assert titles("?q=校园") == {b.title}


def test_the_list_paginates(client_for, office_user, wujin, make_return):
    for i in range(35):
        make_return(wujin, title=f"活动{i:02d}")
    response = client_for(office_user).get(reverse("events:list") + "?status=draft")
    assert len(response.context["activities"]) == 30 and response.context["paginator"].count == 35
    assert "?status=draft&page=2" in response.content.decode()


def test_the_review_queue_lists_submitted_returns_oldest_first_with_buttons(
    client_for, office_user, wujin, tianning, make_return
):
    now = timezone.now()
    newer = make_return(wujin, status="submitted", title="后提交", submitted_at=now)
    older = make_return(tianning, status="submitted", title="先提交", submitted_at=now - dt.timedelta(days=2))
    make_return(wujin, status="draft", title="草稿不进队列")
    response = client_for(office_user).get(reverse("events:review-queue"))
    assert [a.pk for a in response.context["activities"]] == [older.pk, newer.pk]
    body = response.content.decode()
    assert 'data-testid="approve"' in body and 'name="reason" required' in body and "草稿不进队列" not in body


@pytest.mark.parametrize("persona", ["leader_user", "liaison_user"])
def test_only_reviewers_open_the_review_queue(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(reverse("events:review-queue")).status_code == 403


def test_approving_from_the_queue_returns_to_the_queue(client_for, office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", submitted_at=timezone.now())
    queue = reverse("events:review-queue")
    response = client_for(office_user).post(
        reverse("events:transition", args=[activity.pk]), {"action": "approve", "version": 1, "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    assert ActivityReturn.objects.get(pk=activity.pk).status == "approved"


def test_the_create_form_defaults_to_the_users_region_and_the_open_campaign(
    client_for, wujin_user, wujin, science_day, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 9, 1))
    form = client_for(wujin_user).get(reverse("events:create")).context["form"]
    assert form.initial["campaign"] == science_day.pk and form.initial["organiser"] == "武进区科协"
    assert form.initial["starts_on"] == "2025-09-15"
    # the owner is the user's own district (accounts.scope), not a choice on the form
    assert not {"region", "unit", "organisation", "base"} & set(form.fields)


def test_a_district_creates_and_submits_in_one_step(client_for, wujin_user, wujin, science_day):
    response = client_for(wujin_user).post(
        reverse("events:create"),
        {
            "campaign": science_day.pk,
            "region": wujin.pk,
            "title": "湖塘镇全国科普日主场活动",
            "category": "town_main_event",
            "format": "hybrid",
            "starts_on": "2025-09-16",
            "ends_on": "2025-09-16",
            "planned_participants": 800,
            "actual_participants": 0,
            "online_views": 0,
            "volunteers": 10,
            "experts": 2,
            "budget": "2.5",
            "general_public": "on",
            "then": "submit",
        },
    )
    assert response.status_code == 302
    activity = ActivityReturn.objects.get()
    assert activity.status == "submitted" and activity.created_by == wujin_user and activity.region == wujin


def test_recommending_without_a_reason_is_refused(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", report_status="draft")
    response = client_for(wujin_user).post(
        reverse("events:report", args=[activity.pk]),
        {
            "actual_participants": 0,
            "online_views": 0,
            "volunteers": 0,
            "experts": 0,
            "budget": "0",
            "recommended": "on",
            "report_version": activity.report_version,
        },
    )
    assert response.status_code == 200 and "须填写推荐理由" in response.content.decode()


def test_pages_carry_no_inline_scripts(client_for, office_user, wujin, make_return, science_day):
    activity = make_return(wujin, status="submitted", campaign=science_day)
    client = client_for(office_user)
    for url in (
        reverse("events:list"),
        reverse("events:detail", args=[activity.pk]),
        reverse("events:create"),
        reverse("events:review-queue"),
        reverse("events:campaign-detail", args=[science_day.pk]),
        reverse("events:import"),
        reverse("events:campaign-list"),
    ):
        body = client.get(url).content.decode()
        assert "<script>" not in body and " onclick=" not in body and external_assets(body) == [], url


def test_the_campaign_api_lists_and_only_office_writes(api_for, office_user, wujin_user, science_day):
    data = api_for(wujin_user).get("/api/v1/campaigns/").json()
    assert data["results"][0]["name"] == "2025年全国科普日" and "320412" in data["results"][0]["regions"]
    rows = api_for(wujin_user).get(f"/api/v1/campaigns/{science_day.pk}/completeness/").json()
    # the district level: 武进区 itself first, then its towns (and organisations), nothing of another district
    assert rows[0]["region"] == "320412" and rows[0]["kind"] == "region"
    assert {r["region"][:6] for r in rows if r["region"]} == {"320412"} and len(rows) == 11
    created = api_for(office_user).post(
        "/api/v1/campaigns/",
        {
            "kind": "sci_tech_week",
            "year": 2026,
            "name": "2026年科技活动周",
            "starts_on": "2026-05-17",
            "ends_on": "2026-05-23",
            "schedule_due": "2026-05-10",
            "summary_due": "2026-06-02",
            "regions": ["320412"],
        },
        format="json",
    )
    assert created.status_code == 201
    assert api_for(wujin_user).post("/api/v1/campaigns/", {"name": "x"}, format="json").status_code == 403


def test_the_api_creates_a_draft_for_the_districts_own_region(api_for, wujin_user, science_day):
    response = api_for(wujin_user).post(
        "/api/v1/activities/",
        {
            "campaign": science_day.pk,
            "title": "API 填报的活动",
            "category": "venue_joint",
            "starts_on": "2025-09-17",
            "ends_on": "2025-09-17",
            "target_populations": ["youth"],
            "actual_participants": 120,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region"] == "320412" and response.json()["status"] == "draft"
    bad = api_for(wujin_user).post(
        "/api/v1/activities/",
        {"title": "x", "starts_on": "2025-09-17", "ends_on": "2025-09-17", "actual_participants": -1},
        format="json",
    )
    assert bad.status_code == 400
