"""The campaign API refuses what would break the data with a Chinese 4xx, never a 500."""

import pytest

from events.models import ActivityReturn, Campaign

pytestmark = pytest.mark.django_db


def test_deleting_a_campaign_that_has_returns_is_a_409_and_keeps_everything(
    api_for, office_user, science_day, make_return, wujin
):
    make_return(region=wujin, status="approved", campaign=science_day)
    response = api_for(office_user).delete(f"/api/v1/campaigns/{science_day.pk}/")
    assert response.status_code == 409
    assert "不能删除" in response.json()["detail"] and "活动" in response.json()["detail"]
    assert Campaign.objects.filter(pk=science_day.pk).exists()
    assert ActivityReturn.objects.filter(campaign=science_day).count() == 1


def test_deleting_an_empty_campaign_still_works(api_for, office_user, science_day):
    assert api_for(office_user).delete(f"/api/v1/campaigns/{science_day.pk}/").status_code == 204
    assert not Campaign.objects.filter(pk=science_day.pk).exists()


def test_the_completeness_response_is_documented_as_the_plain_list_it_returns(
    api_for, office_user, science_day, client_for
):
    import yaml

    body = api_for(office_user).get(f"/api/v1/campaigns/{science_day.pk}/completeness/").json()
    assert isinstance(body, list) and {row["name"] for row in body} >= {"武进区", "天宁区"}
    schema = yaml.safe_load(client_for(office_user).get("/api/schema/").content)
    documented = schema["paths"]["/api/v1/campaigns/{id}/completeness/"]["get"]["responses"]["200"]
    assert documented["content"]["application/json"]["schema"]["type"] == "array"
