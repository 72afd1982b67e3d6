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
    for url in (
        f"/bases/{wujin_base.pk}/",
        f"/bases/{wujin_base.pk}/edit/",
        f"/bases/{wujin_base.pk}/export/certifications/",
        f"/bases/{wujin_base.pk}/export/reports/?format=csv",
        f"/bases/{wujin_base.pk}/reports/new/",
    ):
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
        assert lines and not any(
            line.startswith(f"{wujin_base.pk},") or f",{wujin_base.pk}," in line for line in lines[1:]
        )
    assert api_for(tianning_user).get("/api/v1/bases/").json()["count"] == 0


def test_wujin_user_sees_and_exports_its_own_base(client_for, api_for, wujin_user, wujin_base):
    c = client_for(wujin_user)
    assert c.get(f"/bases/{wujin_base.pk}/").status_code == 200
    response = c.get("/bases/export/bases/?format=csv")
    assert "武进区测试科技馆" in response.content.decode("utf-8-sig")
    assert api_for(wujin_user).get(f"/api/v1/bases/{wujin_base.pk}/").status_code == 200


def test_tianning_user_cannot_file_a_report_or_create_a_base_in_wujin(
    client_for, api_for, tianning_user, wujin, wujin_base
):
    c = client_for(tianning_user)
    response = c.post(
        "/bases/new/", {"name": "越界基地", "region": wujin.pk, "category": "other", "opening_policy": "free"}
    )
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
    for url in (
        "/bases/new/",
        f"/bases/{wujin_base.pk}/edit/",
        f"/bases/{wujin_base.pk}/reports/new/",
        f"/bases/{wujin_base.pk}/certifications/new/",
        f"/bases/certifications/{wujin_base.cert.pk}/revoke/",
        "/bases/import/bases/",
        "/bases/template/bases/",
    ):
        assert c.get(url).status_code == 403, url
        assert c.post(url, {}).status_code == 403, url
    api = api_for(leader_user)
    assert api.get(f"/api/v1/bases/{wujin_base.pk}/").status_code == 200
    assert api.post("/api/v1/bases/", {"name": "x", "region": "320412"}, format="json").status_code == 403
    assert api.patch(f"/api/v1/bases/{wujin_base.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/bases/{wujin_base.pk}/").status_code == 403
    assert (
        api.post("/api/v1/base-annual-reports/", {"base": wujin_base.pk, "year": 2024}, format="json").status_code
        == 403
    )
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


def test_district_user_cannot_open_or_post_the_certification_import(client_for, wujin_user, wujin_base):
    from .conftest import upload, xlsx_bytes

    c = client_for(wujin_user)
    assert c.get("/bases/import/certifications/").status_code == 403
    assert "/bases/import/certifications/" not in c.get("/bases/").content.decode()  # no button either
    # its own base: a new certification, and a revocation of the existing one, both refused
    data = xlsx_bytes(
        ["编号", "基地编号", "级别", "认定日期", "证书编号", "撤销日期", "撤销原因"],
        [
            [None, wujin_base.pk, "国家级", "2024-05-27", "GJ-1", None, None],
            [wujin_base.cert.pk, wujin_base.pk, "市级", "2022-01-01", "", "2024-01-01", "区里决定"],
        ],
    )
    response = c.post("/bases/import/certifications/", {"file": upload("c.xlsx", data)})
    assert response.status_code == 403
    assert wujin_base.certifications.count() == 1
    wujin_base.cert.refresh_from_db()
    assert (wujin_base.cert.status, wujin_base.cert.revoked_on, wujin_base.cert.revoke_reason) == ("valid", None, "")


def test_a_district_certification_import_is_refused_by_the_resource_too(wujin_user, wujin_base):
    """The import path itself (not only the page) refuses: nothing is written, one Chinese message."""
    from bases.resources import CertificationResource
    from common.imports import read_upload, run_import

    from .conftest import xlsx_bytes

    data = xlsx_bytes(
        ["编号", "基地编号", "级别", "认定日期", "撤销日期", "撤销原因"],
        [[wujin_base.cert.pk, wujin_base.pk, "市级", "2022-01-01", "2024-01-01", "区里决定"]],
    )
    upload = read_upload(data, "c.xlsx", CertificationResource.column_names(), CertificationResource.required_columns)
    outcome = run_import(CertificationResource(user=wujin_user), upload, dry_run=False)
    assert [p.message for p in outcome.problems] == ["只有领导小组办公室可以导入认定记录。"]
    wujin_base.cert.refresh_from_db()
    assert wujin_base.cert.status == "valid" and wujin_base.cert.revoked_on is None


def test_tianning_user_cannot_import_certifications_or_reports_for_a_wujin_base(
    client_for, tianning_user, tianning, make_base, wujin_base
):
    from .conftest import upload, xlsx_bytes

    c = client_for(tianning_user)
    data = xlsx_bytes(["基地编号", "级别", "认定日期"], [[wujin_base.pk, "省级", "2024-05-27"]])
    assert c.post("/bases/import/certifications/", {"file": upload("c.xlsx", data)}).status_code == 403
    # an annual report row naming the wujin report's id, moved onto a tianning base: not in scope
    own = make_base(tianning, "天宁馆")
    report = wujin_base.annual_reports.get()
    data = xlsx_bytes(["编号", "基地编号", "年度", "参观人次"], [[report.pk, own.pk, 2023, 5]])
    response = c.post("/bases/import/reports/", {"file": upload("r.xlsx", data)})
    assert response.status_code == 400
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(2, "编号")]
    report.refresh_from_db()
    assert (report.base_id, report.visitors) == (wujin_base.pk, 1000)
    assert wujin_base.certifications.count() == 1 and not own.annual_reports.exists()


def test_office_imports_certifications_for_any_region(client_for, office_user, wujin_base):
    from .conftest import upload, xlsx_bytes

    c = client_for(office_user)
    data = xlsx_bytes(["基地编号", "级别", "认定日期", "证书编号"], [[wujin_base.pk, "省级", "2024-05-27", "SJ-1"]])
    first = c.post("/bases/import/certifications/", {"file": upload("c.xlsx", data)})
    assert first.status_code == 200
    assert c.post("/bases/import/certifications/", {"token": first.context["token"]}).status_code == 302
    assert wujin_base.certifications.filter(level="provincial", certificate_no="SJ-1").exists()
