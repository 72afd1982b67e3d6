"""Reporting periods through the API, and the demo data."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from programs.models import ReportingPeriod, UnitReport, UnitReportFigure
from programs.services import completeness as completeness_services

pytestmark = pytest.mark.django_db


PERIOD = {
    "year": 2026,
    "kind": "half",
    "half": 1,
    "opens_on": "2026-06-20",
    "due_on": "2026-07-15",
    "closes_on": "2026-08-31",
}


def test_office_opens_a_period_through_the_api_and_everyone_reads_it(api_for, office_user, liaison_user):
    response = api_for(office_user).post("/api/v1/reporting-periods/", PERIOD, format="json")
    assert response.status_code == 201 and response.json()["name"] == "2026年上半年"
    assert response.json()["is_open"] is True
    listed = api_for(liaison_user).get("/api/v1/reporting-periods/?year=2026&kind=half").json()
    assert [p["name"] for p in listed["results"]] == ["2026年上半年"]
    again = api_for(office_user).post("/api/v1/reporting-periods/", PERIOD, format="json")
    assert again.status_code == 400 and "已存在" in str(again.json())


@pytest.mark.parametrize("persona", ["liaison_user", "wujin_user", "leader_user"])
def test_only_the_office_opens_periods(request, api_for, persona):
    user = request.getfixturevalue(persona)
    assert api_for(user).post("/api/v1/reporting-periods/", PERIOD, format="json").status_code == 403
    assert not ReportingPeriod.objects.exists()


def test_period_dates_must_be_in_order(api_for, office_user):
    bad = dict(PERIOD, due_on="2026-09-30")
    response = api_for(office_user).post("/api/v1/reporting-periods/", bad, format="json")
    assert response.status_code == 400 and "截止报送" in str(response.json())


def test_office_opens_a_period_on_the_page(client_for, office_user, liaison_user):
    from django.urls import reverse

    url = reverse("programs:period-create")
    assert client_for(liaison_user).get(url).status_code == 403
    response = client_for(office_user).post(
        url,
        {
            "year": 2025,
            "kind": "year",
            "half": "",
            "opens_on": "2025-12-01",
            "due_on": "2026-01-15",
            "closes_on": "2026-03-31",
        },
    )
    period = ReportingPeriod.objects.get()
    assert response.status_code == 302 and period.name == "2025年度" and period.half is None


def test_unit_report_list_filters_by_status_and_year(api_for, office_user, liaison_user, edu_report, agri_report):
    from programs.services import reports as report_services

    report_services.transition_report(edu_report, "submit", liaison_user)
    body = api_for(office_user).get("/api/v1/unit-reports/?status=submitted&year=2025").json()
    assert [r["unit_name"] for r in body["results"]] == ["市教育局"]
    assert body["results"][0]["available_actions"] == ["accept", "return"]


def test_demo_is_idempotent_and_holds_realistic_reports(office_user, clock, client_for):
    from accounts.demo import load_demo as load_accounts
    from programs.demo import load_demo

    clock.day = dt.date(2026, 12, 1)  # the demo is loaded long after 2025年度 closed
    load_accounts(io.StringIO())
    out = io.StringIO()
    load_demo(out)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1 and "2 个报送周期" in lines[0]
    counts = [UnitReport.objects.count(), UnitReportFigure.objects.count()]
    load_demo(io.StringIO())
    assert [UnitReport.objects.count(), UnitReportFigure.objects.count()] == counts
    assert set(ReportingPeriod.objects.values_list("name", flat=True)) == {"2025年度", "2026年上半年"}
    farmers = UnitReportFigure.objects.get(
        report__period__name="2025年度", report__unit__name="市农业农村局", target__code="high_quality_farmers"
    )
    assert farmers.value == 4650 and farmers.report.status == "accepted"
    # 35 units report; 2 are missing in 2025, 5 in the half-year
    assert UnitReport.objects.filter(period__name="2025年度").count() == 33
    assert UnitReport.objects.filter(period__name="2026年上半年").count() == 30
    returned = set(UnitReport.objects.filter(status="returned").values_list("unit__name", "period__name"))
    assert returned == {("市气象局", "2025年度"), ("市卫健委", "2026年上半年"), ("新北区人民政府", "2026年上半年")}
    late = {(r.unit.name, r.period.name) for r in UnitReport.objects.exclude(first_submitted_at=None) if r.is_late}
    assert late == {
        ("市住建局", "2025年度"),
        ("市水利局", "2025年度"),
        ("钟楼区人民政府", "2025年度"),
        ("市民政局", "2026年上半年"),
        ("金坛区人民政府", "2026年上半年"),
    }
    assert ReportingPeriod.objects.get(name="2025年度").due_on == dt.date(2026, 1, 15)
    # on 2026-12-01 the 2025 period shows as closed, the half-year (closing 2026-12-31) as open
    body = client_for(office_user).get(reverse("programs:report-list")).content.decode()
    assert body.count('data-window="closed"') == 1 and body.count('data-window="open"') == 1
    windows = dict(ReportingPeriod.objects.with_window(clock.day).values_list("name", "window_state"))
    assert windows == {"2025年度": "closed", "2026年上半年": "open"}
    plan = ReportingPeriod.objects.get(name="2025年度").plan
    totals = completeness_services.completeness_matrix(plan, ReportingPeriod.objects.order_by("year"))["totals"]
    assert {k: totals[0][k] for k in ("late", "returned", "missing", "pending")} == {
        "late": 3,
        "returned": 1,
        "missing": 2,
        "pending": 0,
    }
    assert {k: totals[1][k] for k in ("late", "returned", "missing", "pending")} == {
        "late": 2,
        "returned": 2,
        "missing": 7,
        "pending": 0,
    }  # 5 never started + 2 drafts
