"""List (filters, search, sorting, pagination, constant query count), detail, forms."""

import datetime as dt
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bases.models import Base, BaseAnnualReport, Certification, Theme
from common import clock

from .conftest import years_before

D = dt.date


def _names(response):
    return [b.name for b in response.context["bases"]]


def test_list_filters_by_region_level_category_theme_status_and_expiring(
    client_for, office_user, wujin, tianning, make_base, certify
):
    nat = make_base(wujin, "国家馆", category="venue_general")
    certify(nat, "national", D(2024, 1, 1))
    prov = make_base(tianning, "省级馆", category="nature")
    prov.themes.add(Theme.objects.get(code="meteorology"))
    certify(prov, "provincial", clock.today() - dt.timedelta(days=365))
    soon = make_base(tianning, "将到期馆")
    today = clock.today()
    certify(soon, "municipal", years_before(today, 5) + dt.timedelta(days=40))
    gone = make_base(wujin, "撤销馆")
    certify(gone, "municipal", D(2024, 1, 1), revoked_on=D(2024, 6, 1), status="revoked", revoke_reason="关闭")
    c = client_for(office_user)
    assert sorted(_names(c.get("/bases/?region=320402"))) == ["将到期馆", "省级馆"]
    assert _names(c.get("/bases/?level=national")) == ["国家馆"]
    assert _names(c.get("/bases/?level=none")) == ["撤销馆"]
    assert _names(c.get("/bases/?category=nature")) == ["省级馆"]
    assert _names(c.get("/bases/?theme=meteorology")) == ["省级馆"]
    assert _names(c.get("/bases/?status=revoked")) == ["撤销馆"]
    assert _names(c.get("/bases/?expiring=6")) == ["将到期馆"]
    assert _names(c.get("/bases/?q=国家")) == ["国家馆"]
    assert _names(c.get("/bases/?ordering=-level"))[:2] == ["国家馆", "省级馆"]
    assert _names(c.get("/bases/?ordering=name")) == sorted(["国家馆", "省级馆", "将到期馆", "撤销馆"])
    page = c.get("/bases/?ordering=-level").content.decode()
    assert "当前有效认定基地 3 家" in page


def test_list_paginates_by_25(client_for, office_user, wujin, make_base):
    Base.objects.bulk_create([Base(region=wujin, name=f"馆{i:03d}") for i in range(30)])
    c = client_for(office_user)
    first, second = c.get("/bases/"), c.get("/bases/?page=2")
    assert len(first.context["bases"]) == 25 and len(second.context["bases"]) == 5
    assert "第 1 / 2 页" in first.content.decode()


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/bases/?ordering=-level")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_page_query_count_does_not_grow_with_the_registry(
    client_for, office_user, wujin, certify, django_assert_max_num_queries
):
    c = client_for(office_user)
    theme = Theme.objects.first()

    def add(n, start):
        bases = Base.objects.bulk_create([Base(region=wujin, name=f"馆{start + i}") for i in range(n)])
        for b in bases:
            certify(b, "municipal", D(2023, 1, 1))
            b.themes.add(theme)

    add(3, 0)
    small = _list_queries(c)
    add(40, 100)
    assert _list_queries(c) == small
    with django_assert_max_num_queries(small):
        c.get("/bases/")


def test_detail_shows_certifications_reports_chart_data_and_no_inline_script(
    client_for, wujin_user, wujin, make_base, certify
):
    base = make_base(wujin, "图表馆")
    certify(base, "provincial", D(2022, 3, 1), batch="2022年第一批", certificate_no="SKP-2022-1")
    for year, visitors in ((2022, 1200), (2023, 3400)):
        BaseAnnualReport.objects.create(base=base, year=year, visitors=visitors, activities=year - 2010)
    page = client_for(wujin_user).get(f"/bases/{base.pk}/").content.decode()
    assert "SKP-2022-1" in page and "2022年第一批" in page and "省级" in page
    data = json.loads(
        re.search(r'<script id="base-report-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["years"] == [2022, 2023] and data["visitors"] == [1200, 3400]
    assert "js/bases/detail.js" in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    assert scripts == []
    assert not re.search(r"\son[a-z]+=", page)


def test_district_user_creates_a_base_and_files_its_annual_report(client_for, wujin_user, wujin):
    c = client_for(wujin_user)
    response = c.post(
        "/bases/new/",
        {
            "name": "新建馆",
            "region": wujin.pk,
            "category": "venue_special",
            "opening_policy": "free",
            "themes": [Theme.objects.get(code="health").pk],
        },
    )
    assert response.status_code == 302
    base = Base.objects.get(name="新建馆")
    assert list(base.themes.values_list("code", flat=True)) == ["health"]
    response = c.post(
        f"/bases/{base.pk}/reports/new/",
        {
            "year": 2024,
            "open_days": 300,
            "free_open_days": 300,
            "visitors": 5000,
            "activities": 12,
            "staff_full_time": 2,
            "staff_part_time": 3,
            "volunteers": 10,
            "exhibition_area": "800",
            "funding": "12.5",
        },
    )
    assert response.status_code == 302
    assert base.annual_reports.get().visitors == 5000


def test_annual_report_form_rejects_negative_visitors_with_a_chinese_message(client_for, wujin_user, wujin, make_base):
    base = make_base(wujin)
    response = client_for(wujin_user).post(
        f"/bases/{base.pk}/reports/new/",
        {
            "year": 2024,
            "open_days": 10,
            "free_open_days": 0,
            "visitors": -5,
            "activities": 0,
            "staff_full_time": 0,
            "staff_part_time": 0,
            "volunteers": 0,
            "exhibition_area": "0",
            "funding": "0",
        },
    )
    assert response.status_code == 400
    assert "确保该值大于或等于0" in response.content.decode()
    assert not base.annual_reports.exists()


def test_office_records_a_certification_with_default_cycle(client_for, office_user, wujin, make_base):
    base = make_base(wujin)
    response = client_for(office_user).post(
        f"/bases/{base.pk}/certifications/new/",
        {"level": "municipal", "certified_on": "2024-05-27", "batch": "2024年第一批", "certificate_no": "CZ-1"},
    )
    assert response.status_code == 302
    cert = base.certifications.get()
    assert cert.valid_until == D(2029, 5, 26)


def test_expiring_page_lists_soon_ending_certifications_for_the_office(
    client_for, office_user, wujin, make_base, certify
):
    today = clock.today()
    certify(make_base(wujin, "快到期馆"), "municipal", years_before(today, 5) + dt.timedelta(days=30))
    certify(make_base(wujin, "远期馆"), "municipal", today - dt.timedelta(days=10))
    page = client_for(office_user).get("/bases/expiring/?months=6").content.decode()
    assert "快到期馆" in page and "远期馆" not in page


def test_expiring_page_paginates_with_page_links_that_keep_the_months(client_for, office_user, wujin):
    today = clock.today()
    bases = Base.objects.bulk_create([Base(region=wujin, name=f"到期馆{i:02d}") for i in range(55)])
    on = years_before(today, 5) + dt.timedelta(days=20)  # the cycle ends in about 20 days
    Certification.objects.bulk_create(
        [
            Certification(base=b, level="municipal", certified_on=on, valid_until=Certification.default_valid_until(on))
            for b in bases
        ]
    )
    c = client_for(office_user)
    first = c.get("/bases/expiring/?months=3")
    assert len(first.context["certifications"]) == 50
    page = first.content.decode()
    assert "第 1 / 2 页,共 55 条认定" in page and 'href="?months=3&amp;page=2"' in page
    second = c.get("/bases/expiring/?months=3&page=2")
    assert len(second.context["certifications"]) == 5
    assert 'href="?months=3&amp;page=1"' in second.content.decode()
