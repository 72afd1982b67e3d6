"""The units × periods matrix: filed on time, late, missing, not yet due; by programme/population."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Programme, ResponsibleUnit, TargetPopulation, UnitReport
from programs.services import completeness as completeness_services
from programs.services import periods as period_services
from programs.services import reminders as reminder_services
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def _filed(unit, period, user, day):
    report, _ = report_services.start_report(unit, period, user)
    report_services.transition_report(report, "submit", user)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
    UnitReport.objects.filter(pk=report.pk).update(first_submitted_at=at, submitted_at=at)
    return report


@pytest.fixture
def half_year(plan):
    return period_services.open_period(
        plan,
        year=2026,
        kind="half",
        half=1,
        opens_on=dt.date(2026, 6, 20),
        due_on=dt.date(2026, 7, 15),
        closes_on=dt.date(2026, 12, 31),
    )


def _cells(matrix):
    return {row["unit"].name: [c["state"] for c in row["cells"]] for row in matrix["rows"]}


def test_matrix_shows_on_time_late_missing_and_pending(plan, period, half_year, office_user):
    _filed(ResponsibleUnit.objects.get(name="市教育局"), period, office_user, period.due_on)  # last minute: on time
    _filed(ResponsibleUnit.objects.get(name="市农业农村局"), period, office_user, period.due_on + dt.timedelta(days=1))
    matrix = completeness_services.completeness_matrix(plan, [period, half_year], today=dt.date(2026, 2, 1))
    cells = _cells(matrix)
    assert cells["市教育局"] == ["on_time", "pending"]
    assert cells["市农业农村局"] == ["late", "pending"]
    assert cells["市人社局"] == ["missing", "pending"]
    # every unit but 常州经开区管委会 has tasks: 「各辖市(区)政府」 is the six (issue 14); the office may add the zone
    assert len(matrix["rows"]) == ResponsibleUnit.objects.count() - 1 == 34
    assert matrix["totals"][0] == {"on_time": 1, "late": 1, "returned": 0, "missing": 32, "pending": 0, "accepted": 0}


def test_a_draft_does_not_count_as_filed(plan, period, edu_report):
    matrix = completeness_services.completeness_matrix(plan, [period], today=dt.date(2026, 1, 16))
    assert _cells(matrix)["市教育局"] == ["missing"]


def test_matrix_is_one_query_whatever_the_number_of_units(
    plan, period, half_year, office_user, django_assert_max_num_queries
):
    for name in ("市教育局", "市农业农村局", "市人社局"):
        _filed(ResponsibleUnit.objects.get(name=name), period, office_user, period.due_on)
    with django_assert_max_num_queries(1):
        completeness_services.completeness_matrix(plan, [period, half_year], today=dt.date(2026, 2, 1))


def test_filter_by_programme_and_population_keeps_only_units_with_such_tasks(plan, period):
    programme_one = Programme.objects.get(plan=plan, code="一")
    youth = TargetPopulation.objects.get(code="youth")
    cadres = TargetPopulation.objects.get(code="cadres")
    rows = completeness_services.completeness_matrix(plan, [period], population=youth)["rows"]
    names = {r["unit"].name for r in rows}
    assert "市教育局" in names and "市委组织部" not in names and "市农业农村局" not in names
    rows = completeness_services.completeness_matrix(plan, [period], population=cadres)["rows"]
    names = {r["unit"].name for r in rows}
    assert "市委组织部" in names and "市教育局" not in names
    rows = completeness_services.completeness_matrix(plan, [period], programme=programme_one)["rows"]
    names = {r["unit"].name for r in rows}
    assert "市财政局" not in names and "市总工会" in names


def test_matrix_page_for_office_filters_by_population_and_is_forbidden_to_liaisons(
    client_for, office_user, liaison_user, period
):
    _filed(ResponsibleUnit.objects.get(name="市教育局"), period, office_user, period.due_on)
    client = client_for(office_user)
    body = client.get(reverse("programs:report-completeness") + "?population=youth").content.decode()
    assert 'data-unit="市教育局"' in body and 'data-unit="市委组织部"' not in body
    assert 'data-state="on_time"' in body and "按时报送" in body
    assert client_for(liaison_user).get(reverse("programs:report-completeness")).status_code == 403


def test_matrix_page_without_filters_shows_every_unit_and_period(client_for, leader_user, period, clock):
    clock.day = dt.date(2026, 1, 15)  # the due day itself: nothing is missing yet
    body = client_for(leader_user).get(reverse("programs:report-completeness")).content.decode()
    assert body.count("<tr data-unit=") == 34 and "2025年度" in body  # all units but 经开区 (issue 14)
    assert body.count('data-state="pending"') == 34 and "截至 2026-01-15" in body
    clock.day = dt.date(2026, 1, 16)  # the day after: nobody filed, all 34 are missing
    body = client_for(leader_user).get(reverse("programs:report-completeness")).content.decode()
    assert body.count('data-state="missing"') == 34 and 'data-state="pending"' not in body


def test_returned_and_not_resubmitted_report_is_not_counted_as_filed(
    plan, period, office_user, liaison_user, edu_report, client_for
):
    report_services.transition_report(edu_report, "submit", liaison_user)
    on_time = timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0))
    UnitReport.objects.filter(pk=edu_report.pk).update(first_submitted_at=on_time, submitted_at=on_time)
    edu_report.refresh_from_db()
    report_services.transition_report(edu_report, "return", office_user, reason="请补充")
    matrix = completeness_services.completeness_matrix(plan, [period], today=dt.date(2026, 1, 20))
    cell = next(row["cells"][0] for row in matrix["rows"] if row["unit"].name == "市教育局")
    assert (cell["state"], cell["state_label"], cell["status"]) == ("returned", "已退回待重报", "returned")
    assert matrix["totals"][0]["returned"] == 1 and matrix["totals"][0]["on_time"] == 0
    assert matrix["totals"][0]["missing"] == 33  # 34 expected (经开区 has no plan task, issue 14), 1 returned
    # the same unit is in the overdue digest as 被退回后未重新提交
    reminder_services.send_report_reminders(today=dt.date(2026, 1, 20))
    from django.core import mail

    assert "2025年度:市教育局 被退回后未重新提交" in mail.outbox[0].body
    body = client_for(office_user).get(reverse("programs:report-completeness")).content.decode()
    assert body.count('data-state="returned"') == 1 and "已退回待重报" in body
    # once resubmitted it counts again, from its first (on-time) submission
    edu_report.refresh_from_db()
    report_services.transition_report(edu_report, "submit", liaison_user)
    matrix = completeness_services.completeness_matrix(plan, [period], today=dt.date(2026, 1, 20))
    assert matrix["totals"][0]["returned"] == 0 and matrix["totals"][0]["on_time"] == 1


def test_matrix_page_filters_by_programme(client_for, office_user, period):
    body = client_for(office_user).get(reverse("programs:report-completeness") + "?programme=一").content.decode()
    assert 'data-unit="市总工会"' in body and 'data-unit="市教育局"' in body
    assert 'data-unit="市财政局"' not in body  # no task in 一、科学素质提升工程
    expected = ResponsibleUnit.objects.expected_to_report(
        Programme.objects.get(code="一").plan, programme=Programme.objects.get(code="一")
    ).count()
    assert body.count("<tr data-unit=") == expected < 34


@pytest.mark.parametrize("persona", ["wujin_user", "tianning_user", "liaison_user"])
def test_matrix_page_is_for_the_office_and_leaders_only(client_for, period, persona, request):
    assert client_for(request.getfixturevalue(persona)).get(reverse("programs:report-completeness")).status_code == 403
