import pytest

from tests.conftest import external_assets

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_gets_401_or_403_from_the_api(api_for):
    for url in ("/api/v1/regions/", "/api/v1/tasks/", "/api/v1/units/"):
        assert api_for(None).get(url).status_code in (401, 403)


def test_token_auth(wujin_user):
    from rest_framework.test import APIClient

    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"username": "wujin1", "password": "nope"}, format="json")
    assert bad.status_code == 400
    token = client.post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"}, format="json")
    assert token.status_code == 200 and token.json()["token"]
    client.credentials(HTTP_AUTHORIZATION="Token " + token.json()["token"])
    assert client.get("/api/v1/regions/").status_code == 200


def test_read_only_endpoints_filter_and_paginate(api_for, leader_user):
    api = api_for(leader_user)
    regions = api.get("/api/v1/regions/?parent=320400").json()
    assert regions["count"] == 7 and {r["code"] for r in regions["results"]} >= {"320412", "320402"}
    tasks = api.get("/api/v1/tasks/?programme=一&level=measure&page_size=5").json()
    assert tasks["count"] == 16 and len(tasks["results"]) <= 50 and "next" in tasks
    youth = api.get("/api/v1/tasks/?population=youth").json()
    assert {t["code"] for t in youth["results"]} >= {"一.1", "一.1.(1)"}
    measure = api.get("/api/v1/tasks/?search=拓宽培育规模").json()["results"][0]
    assert "市农业农村局" in measure["responsible_units"]
    assert api.get("/api/v1/populations/").json()["count"] == 5
    assert api.get("/api/v1/programmes/").json()["count"] == 4
    assert api.get("/api/v1/units/?kind=district_government").json()["count"] == 7


def test_plan_api_is_read_only_even_for_office(api_for, office_user):
    assert api_for(office_user).post("/api/v1/regions/", {"code": "1", "name": "x"}).status_code == 405


def test_schema_and_docs_are_served_without_a_cdn(client_for, leader_user):
    client = client_for(leader_user)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert external_assets(docs) == [] and "unpkg" not in docs and "jsdelivr" not in docs
    assert "/static/drf_spectacular_sidecar/" in docs
