"""Office staff log a report for a unit from its e-mailed documents; both identities are kept."""

import pytest
from django.urls import reverse

from programs.models import UnitReport
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def test_office_starts_and_fills_a_report_on_behalf_through_the_pages(client_for, office_user, period, unit, target):
    client = client_for(office_user)
    agri = unit("市农业农村局")
    response = client.post(
        reverse("programs:period-on-behalf", args=[period.pk]),
        {"unit": agri.pk, "source_note": "2026-01-10 邮件报送的 Word 材料"},
    )
    report = UnitReport.objects.get(unit=agri, period=period)
    assert response.status_code == 302 and response.url == reverse("programs:report-edit", args=[report.pk])
    farmers = target("high_quality_farmers")
    data = {
        "version": report.version,
        f"figure_{farmers.pk}": "4,650",
        "submit": "1",
        "source_note": report.source_note,
    }
    data.update({f"progress_{e.task_id}": "done" for e in report.entries.all()})
    assert client.post(reverse("programs:report-edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.unit == agri and report.entered_by == office_user and report.entered_on_behalf
    assert report.submitted_by == office_user and report.status == "submitted"
    assert report.source_note == "2026-01-10 邮件报送的 Word 材料"
    assert report.figures.get(target=farmers).value == 4650
    body = client.get(reverse("programs:report-detail", args=[report.pk])).content.decode()
    assert "由领导小组办公室代录" in body and "市科协科普部" in body


def test_office_on_behalf_through_the_api_records_both_identities(api_for, office_user, period, unit):
    response = api_for(office_user).post(
        "/api/v1/unit-reports/",
        {"unit": unit("市人社局").pk, "period": period.pk, "source_note": "纸质材料"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["unit_name"] == "市人社局" and body["entered_by"] == "office1" and body["entered_on_behalf"] is True


def test_liaison_entry_is_not_on_behalf(edu_report, liaison_user):
    assert edu_report.entered_by == liaison_user and not edu_report.entered_on_behalf


def test_liaison_can_see_a_report_the_office_entered_for_its_unit(client_for, liaison_user, office_user, period, unit):
    report, created = report_services.start_report(unit("市教育局"), period, office_user)
    assert created
    page = client_for(liaison_user).get(reverse("programs:report-detail", args=[report.pk]))
    assert page.status_code == 200 and "由领导小组办公室代录" in page.content.decode()


def test_office_page_offers_on_behalf_entry_but_not_to_a_leader(client_for, office_user, leader_user, period):
    url = reverse("programs:period-detail", args=[period.pk])
    assert "开始代录" in client_for(office_user).get(url).content.decode()
    assert "开始代录" not in client_for(leader_user).get(url).content.decode()
    assert client_for(leader_user).post(reverse("programs:period-on-behalf", args=[period.pk]), {}).status_code == 403


def _testid(body, testid):
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</dd>", start)]


def test_liaison_editing_an_office_started_report_keeps_the_on_behalf_record(
    client_for, api_for, office_user, liaison_user, period, unit
):
    office = client_for(office_user)
    office.post(
        reverse("programs:period-on-behalf", args=[period.pk]), {"unit": unit("市教育局").pk, "source_note": "邮件材料"}
    )
    report = UnitReport.objects.get(unit=unit("市教育局"), period=period)
    report_services.save_report(report, office_user, summary="办公室依据邮件录入")
    report.refresh_from_db()
    liaison = client_for(liaison_user)
    data = {"version": report.version, "summary": "联络员补充完善"}
    data.update({f"progress_{e.task_id}": "under_way" for e in report.entries.all()})
    assert liaison.post(reverse("programs:report-edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.summary == "联络员补充完善"
    assert (report.entered_by, report.last_edited_by) == (office_user, liaison_user)
    assert report.entered_on_behalf
    body = liaison.get(reverse("programs:report-detail", args=[report.pk])).content.decode()
    assert "由领导小组办公室代录" in _testid(body, "entered-by") and "市科协科普部" in _testid(body, "entered-by")
    assert "市教育局" in _testid(body, "last-edited-by")
    api = api_for(office_user).get(f"/api/v1/unit-reports/{report.pk}/").json()
    assert (api["entered_by"], api["entered_on_behalf"], api["last_edited_by"]) == ("office1", True, "jyj1")
    # the office editing again does not make it the liaison's own entry, nor the reverse
    report_services.save_report(report, office_user, summary="办公室再改")
    report.refresh_from_db()
    assert (report.entered_by, report.last_edited_by) == (office_user, office_user)


def test_a_liaison_started_report_edited_by_the_office_is_not_on_behalf(edu_report, liaison_user, office_user):
    report_services.save_report(edu_report, office_user, summary="办公室更正错别字")
    edu_report.refresh_from_db()
    assert (edu_report.entered_by, edu_report.last_edited_by) == (liaison_user, office_user)
    assert not edu_report.entered_on_behalf


def test_one_report_per_unit_per_period_through_service_pages_and_api(
    client_for, api_for, office_user, liaison_user, period, unit
):
    edu = unit("市教育局")
    first, created = report_services.start_report(edu, period, liaison_user)
    assert created
    again, created_again = report_services.start_report(edu, period, office_user, source_note="另一份材料")
    assert (again.pk, created_again, again.entered_by) == (first.pk, False, liaison_user)
    mine = client_for(liaison_user).post(reverse("programs:period-mine", args=[period.pk]))
    assert mine.status_code == 302 and mine.url == reverse("programs:report-edit", args=[first.pk])
    on_behalf = client_for(office_user).post(
        reverse("programs:period-on-behalf", args=[period.pk]), {"unit": edu.pk, "source_note": "x"}
    )
    assert on_behalf.status_code == 302 and on_behalf.url == reverse("programs:report-edit", args=[first.pk])
    for user in (liaison_user, office_user):
        response = api_for(user).post("/api/v1/unit-reports/", {"unit": edu.pk, "period": period.pk}, format="json")
        assert response.status_code == 200 and response.json()["id"] == first.pk
    assert UnitReport.objects.filter(unit=edu, period=period).count() == 1
    first.refresh_from_db()
    assert first.source_note == "" and first.entered_by == liaison_user  # the second start changed nothing
    assert first.entries.count() == report_services.report_tasks(edu, period.plan).count()  # no duplicated entries


def test_a_report_nobody_entered_in_the_portal_still_shows_on_every_page(client_for, office_user, period, unit):
    """A report that came in without a portal user (admin, a data migration, a bulk load) shows "—" for
    who entered it instead of breaking the list, the period and the report page."""
    report = UnitReport.objects.create(unit=unit("市科技局"), period=period, status="submitted", entered_by=None)
    client = client_for(office_user)
    for url in (
        reverse("programs:report-list"),
        reverse("programs:period-detail", args=[period.pk]),
        reverse("programs:report-detail", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "市科技局" in response.content.decode()
