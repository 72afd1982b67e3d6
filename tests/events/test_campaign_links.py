"""The campaign page's 「新建活动」 and 「导入活动安排表」 open with that campaign chosen (and its dates), so a clerk
who starts from the campaign never picks it again; a campaign the user does not file for is not chosen."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Campaign
from programs.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(db):
    """A later open campaign: the forms' default when nothing is asked."""
    campaign = Campaign.objects.create(
        kind="sci_tech_week",
        year=2099,
        name="2099年科技活动周",
        starts_on=dt.date(2099, 5, 20),
        ends_on=dt.date(2099, 5, 26),
        schedule_due=dt.date(2099, 5, 10),
        summary_due=dt.date(2099, 6, 5),
    )
    campaign.regions.set(Region.objects.districts())
    return campaign


def test_new_activity_from_the_campaign_page_has_that_campaign_and_its_dates(client, wujin_user, science_day, later):
    client.force_login(wujin_user)
    page = client.get(reverse("events:campaign-detail", args=[science_day.pk]))
    assert f'href="{reverse("events:create")}?campaign={science_day.pk}"'.encode() in page.content
    form = client.get(reverse("events:create"), {"campaign": science_day.pk}).context["form"]
    assert form.initial["campaign"] == science_day.pk
    assert form.initial["starts_on"] >= science_day.starts_on.isoformat()
    assert client.get(reverse("events:create")).context["form"].initial["campaign"] == later.pk  # the default


def test_import_from_the_campaign_page_has_that_campaign(client, wujin_user, science_day, later):
    client.force_login(wujin_user)
    page = client.get(reverse("events:campaign-detail", args=[science_day.pk]))
    assert f'href="{reverse("events:import")}?campaign={science_day.pk}"'.encode() in page.content
    form = client.get(reverse("events:import"), {"campaign": science_day.pk}).context["form"]
    assert form.initial["campaign"] == science_day.pk


def test_a_campaign_the_user_does_not_file_for_is_not_chosen(client, wujin_user, later):
    other = Campaign.objects.create(
        kind="other",
        year=2099,
        name="只给天宁区的专项",
        starts_on=dt.date(2099, 3, 1),
        ends_on=dt.date(2099, 3, 2),
        schedule_due=dt.date(2099, 2, 20),
        summary_due=dt.date(2099, 3, 20),
    )
    other.regions.set(Region.objects.filter(code="320402"))
    client.force_login(wujin_user)
    for name in ("events:create", "events:import"):
        form = client.get(reverse(name), {"campaign": other.pk}).context["form"]
        assert form.initial["campaign"] == later.pk
        assert client.get(reverse(name), {"campaign": "x'; drop"}).status_code == 200
