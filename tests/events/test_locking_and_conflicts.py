"""Submitted and approved returns are locked for the filer; a stale second action gets a conflict, nothing lost."""

import pytest
from django.urls import reverse

from common.workflow import ConflictError
from events import services
from events.models import ActivityReturn

pytestmark = pytest.mark.django_db

FORM = {
    "title": "改过的标题",
    "category": "other",
    "format": "offline",
    "starts_on": "2025-09-16",
    "ends_on": "2025-09-16",
    "region": "",
    "planned_participants": 10,
    "actual_participants": 0,
    "online_views": 0,
    "volunteers": 0,
    "experts": 0,
    "budget": "0",
    "general_public": "on",
}


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_the_edit_page_refuses_a_locked_return_with_a_clear_message(status, client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status=status)
    client = client_for(wujin_user)
    response = client.get(reverse("events:edit", args=[activity.pk]))
    assert response.status_code == 403 and "已锁定" in response.content.decode()
    response = client.post(reverse("events:edit", args=[activity.pk]), {**FORM, "region": wujin.pk, "version": 1})
    assert response.status_code == 403
    assert ActivityReturn.objects.get(pk=activity.pk).title != "改过的标题"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_the_api_refuses_to_change_a_submitted_return(method, api_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    payload = {"title": "改过的标题", "region": "320412", "starts_on": "2025-09-16", "ends_on": "2025-09-16"}
    response = getattr(api_for(wujin_user), method)(f"/api/v1/activities/{activity.pk}/", payload, format="json")
    assert response.status_code == 403 and "已锁定" in response.json()["detail"]
    assert ActivityReturn.objects.get(pk=activity.pk).title != "改过的标题"


def test_a_returned_return_is_editable_again(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="returned")
    response = client_for(wujin_user).post(
        reverse("events:edit", args=[activity.pk]), {**FORM, "region": wujin.pk, "version": activity.version}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "改过的标题" and activity.version == 2


def test_photos_cannot_be_added_to_a_locked_return(wujin_user, wujin, make_return):
    from .conftest import JPEG_BYTES, upload

    activity = make_return(wujin, status="approved")
    with pytest.raises(services.ReturnLocked):
        services.add_photo(activity, wujin_user, upload("a.jpg", JPEG_BYTES))
    assert activity.photos.count() == 0


def test_two_reviewers_on_the_same_version_the_second_gets_the_conflict(office_user, wujin, make_return):
    from accounts.models import User

    second = User.objects.create_user("office2", role="office", password="x")
    activity = make_return(wujin, status="submitted")
    seen_by_first = ActivityReturn.objects.get(pk=activity.pk)
    seen_by_second = ActivityReturn.objects.get(pk=activity.pk)
    services.transition(seen_by_first, "approve", office_user, expected_version=seen_by_first.version)
    with pytest.raises(ConflictError, match="已被他人修改"):
        services.transition(
            seen_by_second, "return", second, reason="数据不全", expected_version=seen_by_second.version
        )
    activity.refresh_from_db()
    assert activity.status == "approved" and activity.return_reason == ""
    assert activity.transitions.count() == 1


def test_the_stale_second_review_on_the_page_shows_the_conflict_message(client_for, office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    client = client_for(office_user)
    url = reverse("events:transition", args=[activity.pk])
    client.post(url, {"action": "approve", "version": 1})
    body = client.post(url, {"action": "return", "reason": "不全", "version": 1}, follow=True).content.decode()
    assert "已被他人修改" in body
    assert ActivityReturn.objects.get(pk=activity.pk).status == "approved"


def test_the_stale_second_review_through_the_api_is_409(api_for, office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    api = api_for(office_user)
    url = f"/api/v1/activities/{activity.pk}/"
    assert api.post(url + "approve/", {"version": 1}, format="json").status_code == 200
    response = api.post(url + "return/", {"version": 1, "reason": "不全"}, format="json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]


def test_a_stale_edit_form_does_not_overwrite_a_newer_save(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    client = client_for(wujin_user)
    url = reverse("events:edit", args=[activity.pk])
    assert client.post(url, {**FORM, "region": wujin.pk, "version": 1, "title": "第一次保存"}).status_code == 302
    response = client.post(url, {**FORM, "region": wujin.pk, "version": 1, "title": "旧页面保存"})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert ActivityReturn.objects.get(pk=activity.pk).title == "第一次保存"
