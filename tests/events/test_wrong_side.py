"""Wrong-side attempts: a liaison on a district's return, leaders and liaisons returning or re-opening,
anonymous exports."""

import pytest
from django.urls import reverse

from events.models import ActivityReturn

pytestmark = pytest.mark.django_db


def _post(client, activity, action, reason="不合格"):
    return client.post(
        reverse("events:transition", args=[activity.pk]),
        {"action": action, "reason": reason, "version": activity.version},
        follow=True,
    )


@pytest.mark.parametrize(
    "status,action", [("submitted", "approve"), ("submitted", "return"), ("approved", "reopen"), ("draft", "submit")]
)
def test_a_liaison_cannot_act_on_a_districts_return_through_the_page(
    status, action, client_for, liaison_user, wujin, make_return
):
    activity = make_return(wujin, status=status)
    client = client_for(liaison_user)
    assert _post(client, activity, action).status_code == 404
    assert client.get(reverse("events:edit", args=[activity.pk])).status_code == 404
    assert client.post(reverse("events:edit", args=[activity.pk]), {"title": "联络员改的"}).status_code == 404
    activity.refresh_from_db()
    assert (activity.status, activity.title, activity.version) == (status, "科普进社区 · 人工智能体验", 1)


def test_a_liaison_cannot_act_on_a_districts_return_through_the_api(api_for, liaison_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    api = api_for(liaison_user)
    url = f"/api/v1/activities/{activity.pk}/"
    for action in ("approve", "return", "reopen", "submit"):
        assert api.post(url + action + "/", {"reason": "x"}, format="json").status_code == 404, action
    assert api.patch(url, {"title": "联络员改的"}, format="json").status_code == 404
    assert (
        api.put(
            url, {"title": "联络员改的", "starts_on": "2025-09-16", "ends_on": "2025-09-16"}, format="json"
        ).status_code
        == 404
    )
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("submitted", 1) and activity.title.startswith("科普进社区")


@pytest.mark.parametrize("persona", ["leader_user", "liaison_user"])
@pytest.mark.parametrize("status,action,label", [("submitted", "return", "退回"), ("approved", "reopen", "重新打开")])
def test_leaders_and_liaisons_cannot_return_or_reopen_through_the_page(
    persona, status, action, label, request, client_for, liaison_user, make_return
):
    activity = make_return(unit=liaison_user.unit, status=status)  # the liaison's own unit: visible to both
    body = _post(client_for(request.getfixturevalue(persona)), activity, action).content.decode()
    assert f"您无权执行“{label}”操作" in body
    activity.refresh_from_db()
    assert (activity.status, activity.return_reason, activity.version) == (status, "", 1)
    assert not activity.transitions.exists()


@pytest.mark.parametrize("persona", ["leader_user", "liaison_user"])
@pytest.mark.parametrize("status,action", [("submitted", "return"), ("approved", "reopen")])
def test_leaders_and_liaisons_cannot_return_or_reopen_through_the_api(
    persona, status, action, request, api_for, liaison_user, make_return
):
    activity = make_return(unit=liaison_user.unit, status=status)
    response = api_for(request.getfixturevalue(persona)).post(
        f"/api/v1/activities/{activity.pk}/{action}/", {"reason": "数据有误"}, format="json"
    )
    assert response.status_code == 403 and "无权" in response.json()["detail"]
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (status, 1) and not activity.transitions.exists()


def test_anonymous_visitors_get_no_campaign_export_and_no_completeness(
    client, api_for, science_day, wujin, make_return
):
    make_return(wujin, status="approved", campaign=science_day)
    response = client.get(reverse("events:campaign-export", args=[science_day.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "spreadsheetml" not in response.get("Content-Type", "")
    assert client.get(reverse("events:campaign-detail", args=[science_day.pk])).status_code == 302
    anonymous = api_for(None)
    assert anonymous.get(f"/api/v1/campaigns/{science_day.pk}/completeness/").status_code in (401, 403)
    assert anonymous.get("/api/v1/campaigns/").status_code in (401, 403)
    assert ActivityReturn.objects.count() == 1
