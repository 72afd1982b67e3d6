"""A 天宁区 user never sees or touches a 武进区 return: pages, files, export and API all say 404 / leave it out."""

import datetime as dt

import pytest
from django.urls import reverse

from events import services
from events.models import ActivityPhoto, ActivityReturn

from .conftest import JPEG_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def wujin_return(wujin, make_return, science_day):
    return make_return(
        wujin, status="approved", campaign=science_day, title="武进区主场活动:AI 科普嘉年华", actual_participants=5000
    )


def test_tianning_gets_404_for_every_page_of_a_wujin_return(client_for, tianning_user, wujin_return):
    client = client_for(tianning_user)
    pk = wujin_return.pk
    for url in (
        reverse("events:detail", args=[pk]),
        reverse("events:edit", args=[pk]),
        reverse("events:summary-file", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("events:transition", args=[pk]),
        reverse("events:photo-upload", args=[pk]),
        reverse("events:delete", args=[pk]),
    ):
        assert client.post(url, {"action": "reopen", "reason": "x", "version": 1}).status_code == 404, url
    assert ActivityReturn.objects.get(pk=pk).status == "approved"


def test_tianning_gets_404_for_a_wujin_photo(client_for, tianning_user, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    photo = services.add_photo(activity, wujin_user, upload("现场.jpg", JPEG_BYTES, "image/jpeg"))
    url = reverse("events:photo", args=[activity.pk, photo.pk])
    assert client_for(wujin_user).get(url).status_code == 200
    assert client_for(tianning_user).get(url).status_code == 404
    # the photo id under the user's own return does not help either
    own = make_return(activity.region.__class__.objects.get(code="320402"))
    assert client_for(tianning_user).get(reverse("events:photo", args=[own.pk, photo.pk])).status_code == 404
    assert ActivityPhoto.objects.count() == 1


def test_tianning_list_and_api_list_leave_wujin_out(
    client_for, api_for, tianning_user, tianning, wujin_return, make_return
):
    own = make_return(tianning, title="天宁区红梅街道科普讲座")
    body = client_for(tianning_user).get(reverse("events:list")).content.decode()
    assert own.title in body and wujin_return.title not in body
    data = api_for(tianning_user).get("/api/v1/activities/").json()
    assert [r["id"] for r in data["results"]] == [own.pk]
    assert api_for(tianning_user).get("/api/v1/activities/?region=320412").json()["count"] == 0


def test_tianning_gets_404_from_the_api_for_a_wujin_return(api_for, tianning_user, wujin_return):
    api = api_for(tianning_user)
    url = f"/api/v1/activities/{wujin_return.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"title": "改"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    for action in ("submit", "approve", "return", "reopen"):
        assert api.post(url + action + "/", {"reason": "x"}, format="json").status_code == 404
    assert ActivityReturn.objects.get(pk=wujin_return.pk).title.startswith("武进区主场活动")


def test_tianning_cannot_create_a_return_for_wujin(api_for, client_for, tianning_user, wujin, science_day):
    response = api_for(tianning_user).post(
        "/api/v1/activities/",
        {"title": "冒名活动", "region": "320412", "starts_on": "2025-09-16", "ends_on": "2025-09-16"},
        format="json",
    )
    assert response.status_code == 400 and "天宁区" in response.json()["region"][0]
    # the page: a complete, valid form naming 武进's region id; the form has no owner field for a district, so the
    # posted region is ignored and the return belongs to 天宁 (accounts.scope decides the owner)
    page = client_for(tianning_user).post(
        reverse("events:create"),
        {
            "campaign": science_day.pk,
            "title": "冒名活动",
            "region": wujin.pk,
            "category": "other",
            "format": "offline",
            "starts_on": "2025-09-16",
            "ends_on": "2025-09-16",
            "planned_participants": 100,
            "actual_participants": 0,
            "online_views": 0,
            "volunteers": 0,
            "experts": 0,
            "budget": "0",
            "general_public": "on",
        },
    )
    assert page.status_code == 302
    assert ActivityReturn.objects.get(title="冒名活动").region.code == "320402"
    assert not ActivityReturn.objects.filter(region=wujin).exists()


def test_the_tianning_export_of_a_campaign_holds_no_wujin_figures(
    client_for, tianning_user, office_user, science_day, wujin_return, tianning, make_return
):
    import io

    from openpyxl import load_workbook

    make_return(tianning, status="approved", campaign=science_day, actual_participants=700)

    def cells(user):
        response = client_for(user).get(reverse("events:campaign-export", args=[science_day.pk]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["汇总表"]
        return [[c for c in row] for row in sheet.iter_rows(values_only=True)]

    tianning_rows = cells(tianning_user)
    assert not any(row[0] == "武进区" for row in tianning_rows)
    assert tianning_rows[-1][0] == "合计" and 700 in tianning_rows[-1] and 5700 not in tianning_rows[-1]
    office_rows = cells(office_user)
    assert any(row[0] == "武进区" for row in office_rows) and 5700 in office_rows[-1]


def test_tianning_completeness_page_shows_only_its_own_row(client_for, tianning_user, science_day):
    body = client_for(tianning_user).get(reverse("events:campaign-detail", args=[science_day.pk])).content.decode()
    assert 'data-testid="row-320402"' in body and 'data-testid="row-320412"' not in body


def test_a_town_return_is_visible_to_its_district(wujin_user, wujin, make_return):
    from programs.models import Region

    town = Region.objects.get(code="320412100", name="湖塘镇", level="town", parent=wujin)
    activity = make_return(town, starts_on=dt.date(2025, 9, 17), ends_on=dt.date(2025, 9, 17))
    assert list(ActivityReturn.objects.visible_to(wujin_user)) == [activity]
    # the town owns it: its district reads and reviews it, but does not edit the town's return
    assert not activity.can_file(wujin_user) and activity.can_review(wujin_user)
