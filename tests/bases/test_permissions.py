"""The wrong side of every rule: other region → 404 (page, export, API); leader → 403 on writes;
liaison → 403; anonymous → login / 401-403."""
import datetime as dt

import pytest

from bases.models import Base, BaseAnnualReport

D = dt.date


@pytest.fixture
def wujin_base(wujin, make_base, certify):
    base = make_base(wujin, "武进区测试科技馆")
    cert = certify(base, "municipal", D(2022, 1, 1))
    BaseAnnualReport.objects.create(base=base, year=2023, visitors=1000)
    base.cert = cert
    return base


def test_tianning_user_gets_404_for_wujin_base_via_page_export_and_api(client_for, api_for, tianning_user, wujin_base):
    c = client_for(tianning_user)
    for url in (f"/bases/{wujin_base.pk}/", f"/bases/{wujin_base.pk}/edit/",
                f"/bases/{wujin_base.pk}/export/certifications/", f"/bases/{wujin_base.pk}/export/reports/?format=csv",
                f"/bases/{wujin_base.pk}/reports/new/"):
        assert c.get(url).status_code == 404, url
    api = api_for(tianning_user)
    assert api.get(f"/api/v1/bases/{wujin_base.pk}/").status_code == 404
    assert api.patch(f"/api/v1/bases/{wujin_base.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.get(f"/api/v1/base-certifications/{wujin_base.cert.pk}/").status_code == 404
    report = wujin_base.annual_reports.get()
    assert api.get(f"/api/v1/base-annual-reports/{report.pk}/").status_code == 404


def test_tianning_lists_and_exports_contain_nothing_of_wujin(client_for, api_for, tianning_user, wujin_base):
    c = client_for(tianning_user)
    assert "武进区测试科技馆" not in c.get("/bases/").content.decode()
    for kind in ("bases", "certifications", "reports"):
        response = c.get(f"/bases/export/{kind}/?format=csv")
        assert response.status_code == 200
        assert "武进区测试科技馆" not in response.content.decode("utf-8-sig")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines and not any(line.startswith(f"{wujin_base.pk},") or f",{wujin_base.pk}," in line
                                 for line in lines[1:])
    assert api_for(tianning_user).get("/api/v1/bases/").json()["count"] == 0


def test_wujin_user_sees_and_exports_its_own_base(client_for, api_for, wujin_user, wujin_base):
    c = client_for(wujin_user)
    assert c.get(f"/bases/{wujin_base.pk}/").status_code == 200
    response = c.get("/bases/export/bases/?format=csv")
    assert "武进区测试科技馆" in response.content.decode("utf-8-sig")
    assert api_for(wujin_user).get(f"/api/v1/bases/{wujin_base.pk}/").status_code == 200


def test_tianning_user_cannot_file_a_report_or_create_a_base_in_wujin(client_for, api_for, tianning_user, wujin,
                                                                       wujin_base):
    c = client_for(tianning_user)
    response = c.post("/bases/new/", {"name": "越界基地", "region": wujin.pk, "category": "other",
                                      "opening_policy": "free"})
    assert response.status_code == 400
    api = api_for(tianning_user)
    response = api.post("/api/v1/bases/", {"name": "越界基地", "region": "320412"}, format="json")
    assert response.status_code == 400 and "管辖范围" in str(response.json())
    response = api.post("/api/v1/base-annual-reports/", {"base": wujin_base.pk, "year": 2024}, format="json")
    assert response.status_code == 400
    assert not Base.objects.filter(name="越界基地").exists()
    assert wujin_base.annual_reports.count() == 1


def test_leader_reads_everything_but_gets_403_on_every_write(client_for, api_for, leader_user, wujin_base):
    c = client_for(leader_user)
    assert c.get("/bases/").status_code == 200
    assert c.get(f"/bases/{wujin_base.pk}/").status_code == 200
    for url in ("/bases/new/", f"/bases/{wujin_base.pk}/edit/", f"/bases/{wujin_base.pk}/reports/new/",
                f"/bases/{wujin_base.pk}/certifications/new/", f"/bases/certifications/{wujin_base.cert.pk}/revoke/",
                "/bases/import/bases/", "/bases/template/bases/"):
        assert c.get(url).status_code == 403, url
        assert c.post(url, {}).status_code == 403, url
    api = api_for(leader_user)
    assert api.get(f"/api/v1/bases/{wujin_base.pk}/").status_code == 200
    assert api.post("/api/v1/bases/", {"name": "x", "region": "320412"}, format="json").status_code == 403
    assert api.patch(f"/api/v1/bases/{wujin_base.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/bases/{wujin_base.pk}/").status_code == 403
    assert api.post("/api/v1/base-annual-reports/", {"base": wujin_base.pk, "year": 2024},
                    format="json").status_code == 403
    wujin_base.refresh_from_db()
    assert wujin_base.name == "武进区测试科技馆"


def test_district_user_cannot_record_or_revoke_certifications(client_for, wujin_user, wujin_base):
    c = client_for(wujin_user)
    assert c.get(f"/bases/{wujin_base.pk}/certifications/new/").status_code == 403
    assert c.post(f"/bases/certifications/{wujin_base.cert.pk}/revoke/", {"reason": "x"}).status_code == 403


def test_liaison_gets_403_on_pages_and_api(client_for, api_for, liaison_user, wujin_base):
    c = client_for(liaison_user)
    for url in ("/bases/", f"/bases/{wujin_base.pk}/", "/bases/export/bases/", "/bases/expiring/"):
        assert c.get(url).status_code == 403, url
    assert api_for(liaison_user).get("/api/v1/bases/").status_code == 403


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client, api_for, wujin_base):
    for url in ("/bases/", f"/bases/{wujin_base.pk}/", "/bases/export/bases/", "/bases/import/bases/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert api_for(None).get("/api/v1/bases/").status_code in (401, 403)
    assert api_for(None).get(f"/api/v1/bases/{wujin_base.pk}/").status_code in (401, 403)
