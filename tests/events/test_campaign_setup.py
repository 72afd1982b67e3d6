"""Campaigns set up in the portal by the office: new, edit, next year's copy, publish (issue 12 point 6).

A campaign is a draft until published: only the office sees it, nobody files into it, nobody is told; publishing
tells every filing party once. Django admin is for administrators only.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

TODAY = dt.date(2026, 8, 20)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fixed = SimpleNamespace(day=TODAY)
    monkeypatch.setattr("common.clock.today", lambda: fixed.day)
    return fixed


def form_data(**changes):
    """The 2026 全国科普日 as seed 002 has it: 9月17-23日, 安排表 by 9/12, 补充信息 and 总结 by 9/25 (武进, 天宁)."""
    from programs.models import Region

    data = {
        "kind": "science_day",
        "year": 2026,
        "name": "2026年全国科普日",
        "theme": "热爱科学 崇尚科学",
        "starts_on": "2026-09-17",
        "ends_on": "2026-09-23",
        "schedule_due": "2026-09-12",
        "report_due": "2026-09-25",
        "summary_due": "2026-09-25",
        "summary_days_after": 10,
        "regions": [r.pk for r in Region.objects.filter(code__in=["320412", "320402"])],
        "notice": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def draft(office_user):
    from events import campaigns
    from programs.models import Region, ResponsibleUnit

    return campaigns.create_campaign(
        office_user,
        {
            "kind": "science_day",
            "year": 2026,
            "name": "2026年全国科普日",
            "starts_on": dt.date(2026, 9, 17),
            "ends_on": dt.date(2026, 9, 23),
            "schedule_due": dt.date(2026, 9, 12),
            "report_due": dt.date(2026, 9, 25),
            "summary_due": dt.date(2026, 9, 25),
            "summary_days_after": 10,
            "regions": list(Region.objects.filter(code__in=["320412", "320402"])),
            "units": list(ResponsibleUnit.objects.filter(name="市教育局")),
        },
    )


def opened(user):
    from notifications.models import Notification

    return Notification.objects.filter(recipient=user, kind="campaign_opened").count()


# --- create, edit ---------------------------------------------------------------------------------------------------
def test_the_office_creates_a_campaign_as_a_draft_and_nobody_is_told(client_for, office_user, wujin_user):
    from events.models import Campaign

    response = client_for(office_user).post(reverse("events:campaign-create"), form_data())
    campaign = Campaign.objects.get(name="2026年全国科普日")
    assert response.status_code == 302 and response["Location"] == reverse("events:campaign-detail", args=[campaign.pk])
    assert campaign.published_at is None and campaign.report_due == dt.date(2026, 9, 25)
    assert sorted(campaign.regions.values_list("code", flat=True)) == ["320402", "320412"]
    assert opened(wujin_user) == 0


def test_the_office_edits_a_campaign(client_for, office_user, draft):
    response = client_for(office_user).post(
        reverse("events:campaign-edit", args=[draft.pk]), form_data(theme="提升全民科学素质", summary_due="2026-09-30")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.theme == "提升全民科学素质" and draft.summary_due == dt.date(2026, 9, 30)
    assert draft.published_at is None
    page = client_for(office_user).get(reverse("events:campaign-edit", args=[draft.pk])).content.decode()
    assert 'value="2026-09-30"' in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"ends_on": "2026-09-10"}, "ends_on", "结束日期不能早于开始日期"),
        ({"year": 2025}, "year", "年度(2025)与开始日期(2026-09-17)不一致"),
        ({"schedule_due": "2026-09-24"}, "schedule_due", "活动安排表报送截止不能晚于活动结束日期"),
        ({"summary_due": "2026-09-20"}, "summary_due", "活动总结报送截止不能早于活动结束日期"),
        ({"report_due": "2026-09-30"}, "report_due", "活动补充信息填报截止不能晚于活动总结报送截止"),
        ({"report_due": "2026-09-18"}, "report_due", "活动补充信息填报截止不能早于活动结束日期"),
        ({"regions": None}, "regions", "请至少选择一个须报送的辖市(区)或成员单位"),
        ({"name": "2025年全国科普日"}, "name", "已有同名的活动专项“2025年全国科普日”"),
    ],
)
def test_bad_settings_are_refused_in_chinese_naming_the_field_and_nothing_is_saved(
    client_for, office_user, science_day, changes, field, message
):
    from events.models import Campaign

    before = Campaign.objects.count()
    response = client_for(office_user).post(reverse("events:campaign-create"), form_data(**changes))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-testid="error-{field}"' in body and message in body
    assert 'data-testid="error-summary"' in body
    assert Campaign.objects.count() == before
    assert 'value="热爱科学 崇尚科学"' in body  # what was typed is shown back


def test_the_api_refuses_bad_settings_in_chinese(api_for, office_user):
    response = api_for(office_user).post(
        "/api/v1/campaigns/",
        {
            "kind": "other",
            "year": 2026,
            "name": "x",
            "starts_on": "2026-09-17",
            "ends_on": "2026-09-10",
            "schedule_due": "2026-09-01",
            "summary_due": "2026-09-30",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in str(response.json()["ends_on"])
    assert "请至少选择一个须报送" in str(response.json()["regions"])


# --- copy from last year's ------------------------------------------------------------------------------------------
def test_copy_opens_the_form_with_next_years_dates_name_and_parties(client_for, office_user, science_day):
    from events.models import Campaign

    science_day.report_due = dt.date(2025, 9, 25)
    science_day.save()
    page = client_for(office_user).get(reverse("events:campaign-copy", args=[science_day.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["name"].value() == "2026年全国科普日" and form["year"].value() == 2026
    assert form["kind"].value() == "science_day" and form["theme"].value() == ""
    assert (form["starts_on"].value(), form["ends_on"].value()) == (dt.date(2026, 9, 15), dt.date(2026, 9, 21))
    assert (form["schedule_due"].value(), form["report_due"].value(), form["summary_due"].value()) == (
        dt.date(2026, 9, 12),
        dt.date(2026, 9, 25),
        dt.date(2026, 9, 25),
    )
    assert set(form["regions"].value()) == set(science_day.regions.values_list("pk", flat=True))
    assert form["units"].value() == list(science_day.units.values_list("pk", flat=True))
    assert page.content.decode().count(" checked") == science_day.regions.count() + 1
    assert Campaign.objects.count() == 1  # opening the copy saves nothing


def test_a_saved_copy_is_a_new_draft_with_the_same_parties(office_user, science_day):
    from events import campaigns

    copy = campaigns.copy_campaign(science_day, office_user, save=True)
    assert copy.pk != science_day.pk and copy.published_at is None and copy.name == "2026年全国科普日"
    assert set(copy.regions.all()) == set(science_day.regions.all()) and set(copy.units.all()) == set(
        science_day.units.all()
    )
    assert copy.summary_days_after == science_day.summary_days_after


def test_29_february_moves_to_28_february(office_user):
    from events import campaigns
    from programs.models import Region

    leap = campaigns.create_campaign(
        office_user,
        {
            "kind": "other",
            "year": 2028,
            "name": "2028年闰日科普活动",
            "starts_on": dt.date(2028, 2, 29),
            "ends_on": dt.date(2028, 3, 1),
            "schedule_due": dt.date(2028, 2, 29),
            "summary_due": dt.date(2028, 3, 10),
            "summary_days_after": 10,
            "regions": [Region.objects.get(code="320412")],
        },
    )
    data = campaigns.copy_campaign(leap, office_user)
    assert data["starts_on"] == dt.date(2029, 2, 28) and data["schedule_due"] == dt.date(2029, 2, 28)
    assert data["ends_on"] == dt.date(2029, 3, 1) and data["name"] == "2029年闰日科普活动"
    assert campaigns.next_year(None) is None


# --- publish --------------------------------------------------------------------------------------------------------
def test_publishing_tells_every_filing_party_once_and_nobody_else(
    client_for,
    office_user,
    draft,
    wujin_user,
    tianning_user,
    hutang_clerk,
    hongmei_clerk,
    society_contact,
    base_contact,
    liaison_user,
    other_liaison_user,
    leader_user,
):
    from notifications.models import Notification

    filers = [wujin_user, tianning_user, hutang_clerk, hongmei_clerk, society_contact, base_contact, liaison_user]
    assert Notification.objects.count() == 0  # parties set on a draft: nobody told
    client = client_for(office_user)
    response = client.post(reverse("events:campaign-publish", args=[draft.pk]), follow=True)
    assert "已发布“2026年全国科普日”,已通知须报送的各单位" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert [opened(u) for u in filers] == [1] * len(filers)
    assert [opened(u) for u in (other_liaison_user, leader_user, office_user)] == [0, 0, 0]
    again = client.post(reverse("events:campaign-publish", args=[draft.pk]), follow=True).content.decode()
    assert "未重复发送通知" in again
    assert [opened(u) for u in filers] == [1] * len(filers)


def test_publishing_twice_keeps_the_first_time(office_user, draft):
    from events import campaigns

    first = campaigns.publish_campaign(draft, office_user)
    second = campaigns.publish_campaign(draft, office_user)
    assert first.now and not second.now and second.campaign.published_at == first.campaign.published_at


def test_a_published_campaigns_new_party_is_told_and_a_drafts_is_not(
    office_user, draft, wujin_user, other_liaison_user
):
    from events import campaigns
    from programs.models import ResponsibleUnit

    nongye = ResponsibleUnit.objects.get(name="市农业农村局")
    draft.units.add(nongye)
    assert opened(other_liaison_user) == 0
    campaigns.publish_campaign(draft, office_user)
    assert opened(other_liaison_user) == 1
    draft.units.remove(nongye)
    campaigns.update_campaign(draft, office_user, {"units": [nongye]})
    assert opened(other_liaison_user) == 1 and opened(wujin_user) == 1  # once per user and campaign


def test_the_daily_job_does_not_announce_a_draft(draft, wujin_user):
    from notifications.services import send_deadline_notices

    send_deadline_notices(TODAY)
    assert opened(wujin_user) == 0


def test_the_api_publishes_for_the_office_once(api_for, office_user, draft, wujin_user):
    api = api_for(office_user)
    first = api.post(f"/api/v1/campaigns/{draft.pk}/publish/")
    assert first.status_code == 200 and first.json()["published_now"] is True
    second = api.post(f"/api/v1/campaigns/{draft.pk}/publish/")
    assert second.status_code == 200 and second.json()["published_now"] is False
    assert "未重复发送通知" in second.json()["detail"]
    assert opened(wujin_user) == 1


def test_a_campaign_created_through_the_api_is_a_draft(api_for, office_user, wujin_user):
    created = api_for(office_user).post(
        "/api/v1/campaigns/",
        {
            "kind": "sci_tech_week",
            "year": 2027,
            "name": "2027年科技活动周",
            "starts_on": "2027-05-17",
            "ends_on": "2027-05-23",
            "schedule_due": "2027-05-10",
            "summary_due": "2027-06-02",
            "regions": ["320412"],
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["published_at"] is None
    assert opened(wujin_user) == 0


# --- a draft is the office's alone ----------------------------------------------------------------------------------
PARTIES = [
    "wujin_user",
    "tianning_user",
    "hutang_clerk",
    "society_contact",
    "base_contact",
    "liaison_user",
    "leader_user",
]


@pytest.mark.parametrize("persona", PARTIES)
def test_a_draft_is_hidden_from_every_party_until_published(request, persona, client_for, api_for, office_user, draft):
    from events import campaigns

    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert "2026年全国科普日" not in client.get(reverse("events:campaign-list")).content.decode()
    assert client.get(reverse("events:campaign-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("events:campaign-export", args=[draft.pk])).status_code == 404
    assert "2026年全国科普日" not in client.get(reverse("events:list")).content.decode()
    assert "2026年全国科普日" not in client.get(reverse("home")).content.decode()
    api = api_for(user)
    assert draft.pk not in [c["id"] for c in api.get("/api/v1/campaigns/").json()["results"]]
    assert api.get(f"/api/v1/campaigns/{draft.pk}/").status_code == 404
    campaigns.publish_campaign(draft, office_user)
    assert client.get(reverse("events:campaign-detail", args=[draft.pk])).status_code == 200
    assert draft.pk in [c["id"] for c in api.get("/api/v1/campaigns/").json()["results"]]


def test_the_office_sees_its_drafts_with_the_set_up_links(client_for, office_user, draft, science_day):
    page = client_for(office_user).get(reverse("events:campaign-list")).content.decode()
    assert "2026年全国科普日" in page and 'data-testid="draft"' in page
    for link in (reverse("events:campaign-create"), reverse("events:campaign-copy", args=[science_day.pk])):
        assert f'href="{link}"' in page
    assert "新建活动专项" in page and "从上一年复制" in page
    detail = client_for(office_user).get(reverse("events:campaign-detail", args=[draft.pk])).content.decode()
    assert reverse("events:campaign-publish", args=[draft.pk]) in detail


def test_a_draft_is_not_offered_in_the_activity_form_the_import_or_the_api(
    client_for, api_for, office_user, wujin_user, draft, science_day
):
    from common.workflow import WorkflowError
    from events import services
    from events.forms import ActivityRegistrationForm, ImportUploadForm

    for user in (wujin_user, office_user):
        choices = list(ActivityRegistrationForm(user=user).fields["campaign"].queryset)
        assert draft not in choices and science_day in choices
        assert draft not in ImportUploadForm(user=user).fields["campaign"].queryset
    response = api_for(wujin_user).post(
        "/api/v1/activities/",
        {
            "campaign": draft.pk,
            "title": "草稿专项的活动",
            "category": "other",
            "starts_on": "2026-09-18",
            "ends_on": "2026-09-18",
        },
        format="json",
    )
    assert response.status_code == 400 and "campaign" in response.json()
    filed = client_for(wujin_user).post(reverse("events:campaign-file", args=[draft.pk]), {"kind": "schedule"})
    assert filed.status_code == 404
    with pytest.raises(WorkflowError, match="尚未发布"):
        services.file_campaign(draft, wujin_user, "schedule")
    assert not draft.filings.exists()


# --- the wrong side -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["wujin_user", "leader_user", "base_contact", "liaison_user", None])
def test_only_the_office_opens_the_set_up_pages_and_the_api_action(
    request, persona, client, client_for, api_for, draft, science_day
):
    from events.models import Campaign

    user = request.getfixturevalue(persona) if persona else None
    web = client_for(user) if user else client
    before = list(Campaign.objects.order_by("pk").values())
    for name, pk in (("campaign-create", None), ("campaign-edit", science_day.pk), ("campaign-copy", science_day.pk)):
        url = reverse(f"events:{name}", args=[pk] if pk else [])
        for response in (web.get(url), web.post(url, form_data(name="越权专项"))):
            if user is None:
                assert response.status_code == 302 and "/login/" in response["Location"]
            else:
                assert response.status_code == 403
    response = web.post(reverse("events:campaign-publish", args=[draft.pk]))
    assert response.status_code == 302 if user is None else response.status_code == 403
    api = api_for(user).post(f"/api/v1/campaigns/{draft.pk}/publish/")
    assert api.status_code in ((401, 403) if user is None else (403,))
    assert list(Campaign.objects.order_by("pk").values()) == before


def test_office_staff_without_superuser_cannot_change_campaigns_in_admin(client_for, office_user, science_day):
    from accounts.models import User

    client = client_for(office_user)
    assert client.get(reverse("admin:events_campaign_changelist")).status_code == 200  # may look
    assert client.get(reverse("admin:events_campaign_add")).status_code == 403
    url = reverse("admin:events_campaign_change", args=[science_day.pk])
    client.post(url, {"name": "后台改名", "kind": "other", "year": 2025})
    science_day.refresh_from_db()
    assert science_day.name == "2025年全国科普日"
    assert (
        client.post(reverse("admin:events_campaign_delete", args=[science_day.pk]), {"post": "yes"}).status_code == 403
    )
    admin = User.objects.create_superuser("root1", "root@example.invalid", "pw-root1")
    assert client_for(admin).get(reverse("admin:events_campaign_add")).status_code == 200


# --- existing data --------------------------------------------------------------------------------------------------
def test_existing_campaigns_migrate_as_published_at_their_creation(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from events.models import Campaign

    executor = MigrationExecutor(connection)
    before = [("events", "0007_two_phase_activities")]
    executor.migrate(before)
    OldCampaign = executor.loader.project_state(before).apps.get_model("events", "Campaign")
    row = OldCampaign.objects.create(
        kind="science_day",
        year=2024,
        name="2024年全国科普日",
        starts_on="2024-09-15",
        ends_on="2024-09-21",
        schedule_due="2024-09-12",
        summary_due="2024-09-25",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = Campaign.objects.get(pk=row.pk)
    assert migrated.published_at == migrated.created_at
    assert migrated in Campaign.objects.published()
