"""Who sees and edits which unit report: pages, exports and the API enforce the same rule."""

import pytest
from django.urls import reverse

from programs.models import Task, UnitReport
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def test_liaison_sees_only_its_units_reports_in_list_page_and_api(
    client_for, api_for, liaison_user, edu_report, agri_report
):
    body = client_for(liaison_user).get(reverse("programs:report-list")).content.decode()
    assert reverse("programs:report-detail", args=[edu_report.pk]) in body
    assert reverse("programs:report-detail", args=[agri_report.pk]) not in body
    ids = [r["id"] for r in api_for(liaison_user).get("/api/v1/unit-reports/").json()["results"]]
    assert ids == [edu_report.pk]


@pytest.mark.parametrize("url_name", ["programs:report-detail", "programs:report-edit", "programs:report-xlsx"])
def test_another_units_report_is_404_for_a_liaison_on_pages_and_exports(
    client_for, liaison_user, agri_report, url_name
):
    assert client_for(liaison_user).get(reverse(url_name, args=[agri_report.pk])).status_code == 404


def test_another_units_report_is_404_for_a_liaison_in_the_api(api_for, liaison_user, agri_report):
    api = api_for(liaison_user)
    assert api.get(f"/api/v1/unit-reports/{agri_report.pk}/").status_code == 404
    assert api.patch(f"/api/v1/unit-reports/{agri_report.pk}/", {"summary": "x"}, format="json").status_code == 404
    for action in ("submit", "accept", "return"):
        assert api.post(f"/api/v1/unit-reports/{agri_report.pk}/{action}/", {"reason": "x"}).status_code == 404
    agri_report.refresh_from_db()
    assert agri_report.status == "draft" and agri_report.summary == ""


def test_liaison_cannot_start_a_report_for_another_unit_via_api(api_for, liaison_user, period, unit):
    response = api_for(liaison_user).post(
        "/api/v1/unit-reports/", {"unit": unit("市农业农村局").pk, "period": period.pk}, format="json"
    )
    assert response.status_code == 403
    assert not UnitReport.objects.filter(unit=unit("市农业农村局")).exists()


def test_report_holds_one_entry_per_task_assigned_to_the_unit_and_no_other(edu_report, unit):
    entries = set(edu_report.entries.values_list("task__code", flat=True))
    assigned = set(Task.objects.tasks().assigned_to(unit("市教育局")).values_list("code", flat=True))
    assert entries == assigned
    assert {"一.1", "一.2", "一.3", "一.4", "四.4"} <= entries
    assert "一.5" not in entries  # 提升领导干部和公务员科学素质 is not on 市教育局's line


def test_edit_page_lists_only_the_units_tasks_and_figures(client_for, liaison_user, edu_report):
    body = client_for(liaison_user).get(reverse("programs:report-edit", args=[edu_report.pk])).content.decode()
    assert "一.1 提升青少年科学素质" in body and "培训科技辅导员" in body
    assert "一.5 提升领导干部和公务员科学素质" not in body
    assert "培育高素质农民" not in body  # 市农业农村局's figure


def test_liaison_cannot_write_an_entry_for_a_task_not_assigned_to_its_unit(api_for, liaison_user, edu_report):
    response = api_for(liaison_user).patch(
        f"/api/v1/unit-reports/{edu_report.pk}/",
        {"entries": [{"task": "一.5", "progress": "done", "narrative": "不是我们的任务"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "不属于本单位承担的任务" in str(response.json())
    assert not edu_report.entries.filter(task__code="一.5").exists()


def test_liaison_can_write_an_entry_on_a_measure_of_its_task(edu_report, liaison_user):
    measure = Task.objects.get(code="一.1.(3)")
    report_services.save_report(
        edu_report, liaison_user, entries={measure.pk: {"progress": "done", "narrative": "培训"}}
    )
    assert edu_report.entries.get(task=measure).narrative == "培训"


def test_liaison_can_fill_its_own_report_through_the_page(client_for, liaison_user, edu_report, target):
    client = client_for(liaison_user)
    task = edu_report.entries.get(task__code="一.1").task
    tutors = target("tech_tutors_trained")
    response = client.post(
        reverse("programs:report-edit", args=[edu_report.pk]),
        {
            "version": edu_report.version,
            f"progress_{task.pk}": "under_way",
            f"narrative_{task.pk}": "举办科技辅导员培训班 6 期",
            f"figure_{tutors.pk}": "342",
            **{f"progress_{e.task_id}": "not_started" for e in edu_report.entries.exclude(task=task)},
        },
    )
    assert response.status_code == 302
    entry = edu_report.entries.get(task=task)
    assert (entry.progress, entry.narrative) == ("under_way", "举办科技辅导员培训班 6 期")
    assert edu_report.figures.get(target=tutors).value == 342


@pytest.mark.parametrize("persona", ["wujin_user", "leader_user"])
def test_district_user_and_leader_cannot_edit_a_report(
    request, client_for, api_for, period, unit, office_user, persona
):
    report, _ = report_services.start_report(unit("武进区人民政府"), period, office_user)
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("programs:report-detail", args=[report.pk])).status_code == 200  # may read
    assert client.get(reverse("programs:report-edit", args=[report.pk])).status_code == 403
    assert (
        client.post(reverse("programs:report-edit", args=[report.pk]), {"version": report.version}).status_code == 403
    )
    api = api_for(user)
    assert api.patch(f"/api/v1/unit-reports/{report.pk}/", {"summary": "改"}, format="json").status_code == 403
    assert api.post(f"/api/v1/unit-reports/{report.pk}/submit/").status_code == 403
    assert (
        api.post("/api/v1/unit-reports/", {"unit": report.unit_id, "period": period.pk}, format="json").status_code
        == 403
    )
    report.refresh_from_db()
    assert report.summary == "" and report.status == "draft"


def test_district_user_sees_its_district_governments_report_and_nothing_of_another_district(
    client_for, api_for, wujin_user, tianning_user, period, unit, office_user, edu_report
):
    wujin_report, _ = report_services.start_report(unit("武进区人民政府"), period, office_user)
    tianning_report, _ = report_services.start_report(unit("天宁区人民政府"), period, office_user)
    ids = {r["id"] for r in api_for(wujin_user).get("/api/v1/unit-reports/").json()["results"]}
    assert ids == {wujin_report.pk}
    assert api_for(tianning_user).get(f"/api/v1/unit-reports/{wujin_report.pk}/").status_code == 404
    assert client_for(tianning_user).get(reverse("programs:report-detail", args=[wujin_report.pk])).status_code == 404
    assert client_for(wujin_user).get(reverse("programs:report-detail", args=[edu_report.pk])).status_code == 404
    assert tianning_report.pk not in ids


def test_office_and_leader_read_every_report(api_for, office_user, leader_user, edu_report, agri_report):
    for user in (office_user, leader_user):
        ids = {r["id"] for r in api_for(user).get("/api/v1/unit-reports/").json()["results"]}
        assert ids == {edu_report.pk, agri_report.pk}


def test_anonymous_visitor_gets_nothing(client, api_for, edu_report):
    assert api_for(None).get("/api/v1/unit-reports/").status_code in (401, 403)
    assert client.get(reverse("programs:report-detail", args=[edu_report.pk])).status_code == 302
    assert client.get(reverse("programs:report-list")).status_code == 302


def test_anonymous_visitor_is_sent_to_login_from_print_exports_and_attachments(
    client, liaison_user, edu_report, period
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = edu_report.entries.order_by("task__order").first().task
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    report_services.save_report(edu_report, liaison_user, uploads=[(task.pk, pdf)])
    attachment = edu_report.entries.get(task=task).attachments.get()
    for url in (
        reverse("programs:period-consolidated", args=[period.pk]),
        reverse("programs:period-consolidated-xlsx", args=[period.pk]),
        reverse("programs:report-xlsx", args=[edu_report.pk]),
        reverse("programs:report-attachment", args=[attachment.pk]),
        reverse("programs:report-completeness"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        assert "spreadsheetml" not in response.get("Content-Type", "") and not getattr(response, "streaming", False)


def test_anonymous_visitor_cannot_read_or_move_a_report_in_the_api_or_pages(client, api_for, liaison_user, edu_report):
    api = api_for(None)
    detail = api.get(f"/api/v1/unit-reports/{edu_report.pk}/")
    assert detail.status_code in (401, 403) and "unit_name" not in detail.json()
    edu_report.refresh_from_db()
    for action in ("submit", "accept", "return"):
        response = api.post(
            f"/api/v1/unit-reports/{edu_report.pk}/{action}/", {"version": edu_report.version, "reason": "x"}
        )
        assert response.status_code in (401, 403), action
        page = client.post(
            reverse("programs:report-transition", args=[edu_report.pk, action]),
            {"version": edu_report.version, "reason": "x"},
        )
        assert page.status_code == 302 and page.url.startswith(reverse("login")), action
    report_services.transition_report(edu_report, "submit", liaison_user)  # a submitted one cannot be accepted either
    edu_report.refresh_from_db()
    assert api.post(f"/api/v1/unit-reports/{edu_report.pk}/accept/", {"version": edu_report.version}).status_code in (
        401,
        403,
    )
    edu_report.refresh_from_db()
    assert edu_report.status == "submitted" and edu_report.decided_by is None
    assert edu_report.transitions.count() == 1
