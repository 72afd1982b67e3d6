"""/api/v1/bases/: filters, pagination, nested certifications and reports, district writes."""

import datetime as dt

from bases.models import Base, BaseAnnualReport
from common import clock

D = dt.date


def test_api_lists_bases_with_level_and_filters_by_region_level_and_status(
    api_for, office_user, wujin, tianning, make_base, certify
):
    a = make_base(wujin, "甲")
    certify(a, "provincial", clock.today() - dt.timedelta(days=30))
    b = make_base(tianning, "乙")
    certify(b, "municipal", D(2024, 1, 1), revoked_on=D(2024, 6, 1), status="revoked", revoke_reason="关闭")
    api = api_for(office_user)
    body = api.get("/api/v1/bases/").json()
    assert body["count"] == 2 and {r["name"]: r["level"] for r in body["results"]} == {"甲": "provincial", "乙": None}
    assert [r["name"] for r in api.get("/api/v1/bases/?region=320412").json()["results"]] == ["甲"]
    assert [r["name"] for r in api.get("/api/v1/bases/?level=provincial").json()["results"]] == ["甲"]
    assert [r["name"] for r in api.get("/api/v1/bases/?status=revoked").json()["results"]] == ["乙"]
    assert api.get("/api/v1/bases/?region=320412").json()["results"][0]["region"] == "320412"


def test_api_paginates(api_for, office_user, wujin):
    Base.objects.bulk_create([Base(region=wujin, name=f"馆{i}") for i in range(60)])
    body = api_for(office_user).get("/api/v1/bases/").json()
    assert body["count"] == 60 and len(body["results"]) == 50 and body["next"]


def test_api_detail_includes_certifications_and_annual_reports(api_for, wujin_user, wujin, make_base, certify):
    base = make_base(wujin)
    certify(base, "municipal", D(2022, 5, 20), certificate_no="CZ-1")
    BaseAnnualReport.objects.create(base=base, year=2023, visitors=900)
    body = api_for(wujin_user).get(f"/api/v1/bases/{base.pk}/").json()
    assert body["certifications"][0]["certificate_no"] == "CZ-1"
    assert body["certifications"][0]["valid_until"] == "2027-05-19"
    assert body["annual_reports"][0]["visitors"] == 900


def test_district_creates_a_base_and_files_a_report_through_the_api(api_for, wujin_user):
    api = api_for(wujin_user)
    response = api.post(
        "/api/v1/bases/",
        {"name": "接口馆", "region": "320412", "category": "nature", "themes": ["ecology"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    base = Base.objects.get(name="接口馆")
    assert base.history.first().history_user == wujin_user
    response = api.post("/api/v1/base-annual-reports/", {"base": base.pk, "year": 2024, "visitors": 10}, format="json")
    assert response.status_code == 201
    response = api.post("/api/v1/base-annual-reports/", {"base": base.pk, "year": 2025, "visitors": -1}, format="json")
    assert response.status_code == 400 and "visitors" in response.json()


def test_certifications_are_read_only_in_the_api(api_for, office_user, wujin, make_base, certify):
    cert = certify(make_base(wujin), "municipal", D(2022, 1, 1))
    api = api_for(office_user)
    assert api.get("/api/v1/base-certifications/?level=municipal").json()["count"] == 1
    assert api.patch(f"/api/v1/base-certifications/{cert.pk}/", {"level": "national"}, format="json").status_code == 405


def test_api_refuses_an_annual_report_with_more_open_days_than_a_year_or_free_days_beyond_open_days(
    api_for, wujin_user, wujin, make_base
):
    base = make_base(wujin)
    api = api_for(wujin_user)
    response = api.post(
        "/api/v1/base-annual-reports/", {"base": base.pk, "year": 2024, "open_days": 400}, format="json"
    )
    assert response.status_code == 400 and response.json()["open_days"] == ["开放天数不能超过 366 天。"]
    response = api.post(
        "/api/v1/base-annual-reports/",
        {"base": base.pk, "year": 2024, "open_days": 100, "free_open_days": 200},
        format="json",
    )
    assert response.status_code == 400 and response.json()["free_open_days"] == ["免费开放天数不能超过开放天数。"]
    assert not base.annual_reports.exists()
    # a PATCH is checked against the stored values
    report = BaseAnnualReport.objects.create(base=base, year=2023, open_days=100, free_open_days=50)
    response = api.patch(f"/api/v1/base-annual-reports/{report.pk}/", {"free_open_days": 150}, format="json")
    assert response.status_code == 400 and "free_open_days" in response.json()
    report.refresh_from_db()
    assert report.free_open_days == 50


def test_nobody_deletes_a_base_through_the_api(api_for, office_user, wujin_user, wujin, make_base, certify):
    base = make_base(wujin)
    certify(base, "municipal", D(2022, 1, 1))
    for user in (wujin_user, office_user):
        assert api_for(user).delete(f"/api/v1/bases/{base.pk}/").status_code == 405
    assert Base.objects.filter(pk=base.pk).exists() and base.certifications.count() == 1


def test_api_list_includes_level_certifications_and_reports_at_a_flat_query_count(
    api_for, office_user, wujin, make_base, certify
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(office_user)

    def add(n):
        for _ in range(n):
            base = make_base(wujin)
            certify(base, "municipal", D(2022, 1, 1), certificate_no=f"CZ-{base.pk}")
            certify(base, "provincial", clock.today() - dt.timedelta(days=10))
            BaseAnnualReport.objects.create(base=base, year=2023, visitors=base.pk)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            body = api.get("/api/v1/bases/").json()
        return len(ctx.captured_queries), body

    add(2)
    small, body = queries()
    row = body["results"][0]
    assert row["level"] == "provincial"
    assert [c["level"] for c in row["certifications"]] == ["provincial", "municipal"]
    assert row["annual_reports"][0]["visitors"] == row["id"]
    add(15)
    large, body = queries()
    assert body["count"] == 17 and all(len(r["certifications"]) == 2 for r in body["results"])
    assert large == small
