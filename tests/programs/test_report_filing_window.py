"""The period's dates govern filing: a liaison starts, edits and submits only between opens_on and
closes_on (and while the office's switch is on); office staff may still log on behalf and review."""

import datetime as dt

import pytest
from django.urls import reverse

from programs.models import UnitReport
from programs.services import periods as period_services
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db

BEFORE_OPEN = dt.date(2025, 11, 30)  # 2025年度 opens 2025-12-01
OPEN_DAY, CLOSE_DAY = dt.date(2025, 12, 1), dt.date(2026, 3, 31)
AFTER_CLOSE = dt.date(2026, 4, 1)


def test_liaison_cannot_start_a_report_before_the_period_opens(period, liaison_user):
    with pytest.raises(report_services.ReportLocked) as refused:
        report_services.start_report(liaison_user.unit, period, liaison_user, today=BEFORE_OPEN)
    assert str(refused.value) == "报送周期“2025年度”将于 2025-12-01 开始填报,目前还不能填报。"
    assert not UnitReport.objects.exists()


def test_liaison_may_file_on_the_opening_and_on_the_closing_day(period, liaison_user):
    report, created = report_services.start_report(liaison_user.unit, period, liaison_user, today=OPEN_DAY)
    assert created
    report = report_services.save_report(report, liaison_user, summary="最后一天提交", today=CLOSE_DAY)
    report = report_services.transition_report(report, "submit", liaison_user, today=CLOSE_DAY)
    assert report.status == "submitted"


def test_liaison_cannot_submit_before_the_period_opens(period, liaison_user, office_user, unit):
    report, _ = report_services.start_report(unit("市教育局"), period, office_user, today=BEFORE_OPEN)  # office may
    with pytest.raises(report_services.ReportLocked, match="将于 2025-12-01 开始填报,目前还不能提交"):
        report_services.transition_report(report, "submit", liaison_user, today=BEFORE_OPEN)
    report.refresh_from_db()
    assert report.status == "draft" and report.entered_by == office_user


def test_after_closing_a_liaison_can_neither_start_nor_edit_nor_submit(
    period, liaison_user, edu_report, unit, other_liaison_user
):
    message = "报送周期“2025年度”已于 2026-03-31 关闭,不能再"
    with pytest.raises(report_services.ReportLocked, match=message + "填报"):
        report_services.start_report(other_liaison_user.unit, period, other_liaison_user, today=AFTER_CLOSE)
    with pytest.raises(report_services.ReportLocked, match=message + "填报"):
        report_services.save_report(edu_report, liaison_user, summary="迟到", today=AFTER_CLOSE)
    with pytest.raises(report_services.ReportLocked, match=message + "提交"):
        report_services.transition_report(edu_report, "submit", liaison_user, today=AFTER_CLOSE)
    edu_report.refresh_from_db()
    assert edu_report.status == "draft" and edu_report.summary == ""
    assert not UnitReport.objects.filter(unit=unit("市农业农村局")).exists()


def test_after_closing_the_office_still_logs_on_behalf_and_reviews(period, office_user, liaison_user, edu_report, unit):
    late, created = report_services.start_report(unit("市农业农村局"), period, office_user, today=AFTER_CLOSE)
    assert created and late.entered_by == office_user
    late = report_services.save_report(late, office_user, summary="依据邮件材料补录", today=AFTER_CLOSE)
    late = report_services.transition_report(late, "submit", office_user, today=AFTER_CLOSE)
    report_services.transition_report(edu_report, "submit", liaison_user)  # in time
    edu_report.refresh_from_db()
    assert report_services.transition_report(late, "accept", office_user, today=AFTER_CLOSE).status == "accepted"
    assert (
        report_services.transition_report(edu_report, "return", office_user, reason="补充", today=AFTER_CLOSE).status
        == "returned"
    )
    edu_report.refresh_from_db()
    with pytest.raises(report_services.ReportLocked, match="已于 2026-03-31 关闭"):  # the liaison cannot refile now
        report_services.transition_report(edu_report, "submit", liaison_user, today=AFTER_CLOSE)


def test_liaison_pages_follow_the_window(client_for, liaison_user, period, edu_report, clock):
    client = client_for(liaison_user)
    clock.day = AFTER_CLOSE
    response = client.get(reverse("programs:report-edit", args=[edu_report.pk]), follow=True)
    assert "已于 2026-03-31 关闭,不能再填报" in response.content.decode()
    detail = client.get(reverse("programs:report-detail", args=[edu_report.pk])).content.decode()
    assert reverse("programs:report-edit", args=[edu_report.pk]) not in detail
    assert reverse("programs:report-transition", args=[edu_report.pk, "submit"]) not in detail
    listing = client.get(reverse("programs:report-list")).content.decode()
    assert "已关闭" in listing and reverse("programs:period-mine", args=[period.pk]) not in listing
    posted = client.post(
        reverse("programs:report-transition", args=[edu_report.pk, "submit"]), {"version": edu_report.version}
    )
    assert posted.status_code == 403 and "已于 2026-03-31 关闭,不能再提交" in posted.content.decode()
    edu_report.refresh_from_db()
    assert edu_report.status == "draft"


def test_before_opening_the_liaison_page_names_the_open_date(client_for, other_liaison_user, period, clock):
    clock.day = BEFORE_OPEN
    client = client_for(other_liaison_user)
    listing = client.get(reverse("programs:report-list")).content.decode()
    assert "2025-12-01 开始填报" in listing and reverse("programs:period-mine", args=[period.pk]) not in listing
    response = client.post(reverse("programs:period-mine", args=[period.pk]), follow=True)
    assert "将于 2025-12-01 开始填报" in response.content.decode()
    assert not UnitReport.objects.exists()


def test_api_refuses_a_liaison_start_after_closing_and_shows_the_window(
    api_for, liaison_user, office_user, period, clock
):
    clock.day = AFTER_CLOSE
    response = api_for(liaison_user).post(
        "/api/v1/unit-reports/", {"unit": liaison_user.unit_id, "period": period.pk}, format="json"
    )
    assert response.status_code == 403 and "已于 2026-03-31 关闭" in response.json()["detail"]
    assert api_for(liaison_user).get(f"/api/v1/reporting-periods/{period.pk}/").json()["window"] == "closed"
    assert (
        api_for(office_user)
        .post("/api/v1/unit-reports/", {"unit": liaison_user.unit_id, "period": period.pk}, format="json")
        .status_code
        == 201
    )


def test_manual_close_still_closes_inside_the_dates(period, liaison_user, office_user, edu_report):
    period_services.set_period_open(period, False, office_user)
    edu_report.refresh_from_db()
    with pytest.raises(report_services.ReportLocked, match="报送周期“2025年度”已关闭,不能再填报"):
        report_services.save_report(edu_report, liaison_user, summary="x", today=dt.date(2026, 1, 10))
