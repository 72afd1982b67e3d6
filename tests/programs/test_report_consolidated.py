"""Consolidated output for a period (xlsx and print page) and report attachments."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from programs.models import ResponsibleUnit, UnitReportFigure
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def _report(unit_name, period, user, figures, narrative="", status="accepted", office=None):
    unit = ResponsibleUnit.objects.get(name=unit_name)
    report, _ = report_services.start_report(unit, period, user)
    targets = {t.code: t for t in report_services.report_targets(unit, period.plan)}
    first = report.entries.order_by("task__order").first()
    report_services.save_report(
        report,
        user,
        figures={targets[c].pk: v for c, v in figures.items()},
        entries={first.task_id: {"progress": "done", "narrative": narrative}},
    )
    report.refresh_from_db()
    if status in ("submitted", "accepted"):
        report = report_services.transition_report(report, "submit", user)
    if status == "accepted":
        report = report_services.transition_report(report, "accept", office or user)
    return report


@pytest.fixture
def filled_period(period, office_user, liaison_user):
    _report(
        "市农业农村局",
        period,
        office_user,
        {"high_quality_farmers": "4650", "rural_tech_talent": "215"},
        narrative="=举办高素质农民培训班 32 期",
    )
    _report(
        "市教育局", period, liaison_user, {"tech_tutors_trained": "342"}, narrative="科技辅导员培训", office=office_user
    )
    for name, n in (("武进区人民政府", "2"), ("天宁区人民政府", "1")):
        _report(name, period, office_user, {"district_gov_annual_briefing": n})
    _report("金坛区人民政府", period, office_user, {"district_gov_annual_briefing": "5"}, status="submitted")
    return period


def _sheet_totals(content):
    wb = load_workbook(io.BytesIO(content))
    ws = wb["数据汇总"]
    header = [c.value for c in ws[2]]
    code_col, total_col = header.index("代码"), header.index("合计")
    return wb, {row[code_col]: row[total_col] for row in ws.iter_rows(min_row=3, values_only=True)}


def test_consolidated_xlsx_opens_and_totals_equal_the_accepted_figures(client_for, office_user, filled_period):
    response = client_for(office_user).get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb, totals = _sheet_totals(response.content)
    accepted = {
        row["target__code"]: float(row["total"])
        for row in UnitReportFigure.objects.filter(report__period=filled_period, report__status="accepted")
        .values("target__code")
        .annotate(total=Sum("value"))
    }
    assert accepted == {
        "high_quality_farmers": 4650,
        "rural_tech_talent": 215,
        "tech_tutors_trained": 342,
        "district_gov_annual_briefing": 3,
    }  # 金坛 (submitted, not accepted) is left out
    for code, total in accepted.items():
        assert totals[code] == total
    assert totals["skilled_workers_trained"] is None  # nobody reported it
    progress = wb["任务进展"]
    rows = list(progress.iter_rows(min_row=2, values_only=True))
    assert ("科学素质提升工程" in rows[0][0]) and any(r[2] == "市农业农村局" for r in rows)
    narrative = next(r[4] for r in rows if r[2] == "市农业农村局")
    assert narrative == "=举办高素质农民培训班 32 期"  # shown as typed, stored as text (common.spreadsheets)
    cell = next(r[4] for r in progress.iter_rows(min_row=2) if r[2].value == "市农业农村局")
    assert cell.data_type == "s" and cell.quotePrefix  # never evaluated as a formula
    assert [r[0] for r in wb["报送情况"].iter_rows(min_row=2, values_only=True)].count("金坛区人民政府") == 0


def test_print_page_groups_programme_task_units_with_narratives_and_figures(client_for, leader_user, filled_period):
    body = (
        client_for(leader_user).get(reverse("programs:period-consolidated", args=[filled_period.pk])).content.decode()
    )
    programme = body.index("(一)科学素质提升工程")
    task = body.index("一.1 提升青少年科学素质")
    unit = body.index("科技辅导员培训")
    assert programme < task < unit
    assert "培训科技辅导员：342人" in body and "市农业农村局 4,650" in body  # thousands grouped by three
    assert body.index("(一)科学素质提升工程") < body.index("(四)科普服务提优工程") < body.index("组织实施</h3>")


def test_liaison_consolidated_output_holds_only_its_own_unit(client_for, liaison_user, filled_period):
    response = client_for(liaison_user).get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk]))
    _, totals = _sheet_totals(response.content)
    assert totals["tech_tutors_trained"] == 342 and totals["high_quality_farmers"] is None


def test_district_user_consolidated_page_and_xlsx_hold_only_its_district_government(
    client_for, wujin_user, tianning_user, filled_period
):
    xlsx = client_for(wujin_user).get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk]))
    assert xlsx.status_code == 200
    wb, totals = _sheet_totals(xlsx.content)
    assert totals["district_gov_annual_briefing"] == 2  # 武进 only (天宁 reported 1)
    assert totals["high_quality_farmers"] is None and totals["tech_tutors_trained"] is None
    assert [r[0] for r in wb["报送情况"].iter_rows(min_row=2, values_only=True)] == ["武进区人民政府"]
    _, tianning_totals = _sheet_totals(
        client_for(tianning_user).get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk])).content
    )
    assert tianning_totals["district_gov_annual_briefing"] == 1
    page = client_for(wujin_user).get(reverse("programs:period-consolidated", args=[filled_period.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "武进区人民政府" in body
    assert "天宁区人民政府" not in body and "科技辅导员培训" not in body and "高素质农民培训班" not in body


def test_leader_exports_everything_accepted_but_cannot_change_a_report(
    client_for, api_for, leader_user, office_user, filled_period
):
    leader = client_for(leader_user)
    response = leader.get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk]))
    assert response.status_code == 200
    _, totals = _sheet_totals(response.content)
    _, office_totals = _sheet_totals(
        client_for(office_user).get(reverse("programs:period-consolidated-xlsx", args=[filled_period.pk])).content
    )
    assert totals == office_totals and totals["high_quality_farmers"] == 4650
    assert totals["district_gov_annual_briefing"] == 3
    report = ResponsibleUnit.objects.get(name="市农业农村局").reports.get(period=filled_period)
    assert leader.get(reverse("programs:report-xlsx", args=[report.pk])).status_code == 200
    before = report.version
    assert (
        api_for(leader_user)
        .post(f"/api/v1/unit-reports/{report.pk}/return/", {"version": before, "reason": "领导不能退回"})
        .status_code
        == 403
    )
    assert (
        leader.post(
            reverse("programs:report-transition", args=[report.pk, "return"]), {"version": before, "reason": "x"}
        ).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.status == "accepted" and report.version == before


def test_liaison_consolidated_print_page_holds_only_its_own_unit(client_for, liaison_user, filled_period):
    response = client_for(liaison_user).get(reverse("programs:period-consolidated", args=[filled_period.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "科技辅导员培训" in body and "培训科技辅导员：342人" in body
    assert "高素质农民培训班" not in body and "市农业农村局 4,650" not in body and "武进区人民政府" not in body


def test_single_report_export_is_permission_checked(client_for, other_liaison_user, liaison_user, edu_report):
    assert client_for(liaison_user).get(reverse("programs:report-xlsx", args=[edu_report.pk])).status_code == 200
    assert client_for(other_liaison_user).get(reverse("programs:report-xlsx", args=[edu_report.pk])).status_code == 404


# --- attachments ----------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _edit_post(report, **extra):
    data = {"version": report.version}
    data.update({f"progress_{e.task_id}": e.progress for e in report.entries.all()})
    data.update(extra)
    return data


def test_attachment_is_stored_privately_and_served_only_to_who_may_see_the_report(
    client_for, liaison_user, other_liaison_user, leader_user, edu_report, private_media
):
    task = edu_report.entries.order_by("task__order").first().task
    upload = SimpleUploadedFile("培训名单.pdf", PDF, content_type="application/pdf")
    response = client_for(liaison_user).post(
        reverse("programs:report-edit", args=[edu_report.pk]), _edit_post(edu_report, **{f"file_{task.pk}": upload})
    )
    assert response.status_code == 302
    attachment = edu_report.entries.get(task=task).attachments.get()
    assert attachment.original_name == "培训名单.pdf" and attachment.content_type == "application/pdf"
    assert str(private_media) in attachment.file.path
    url = reverse("programs:report-attachment", args=[attachment.pk])
    download = client_for(leader_user).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(other_liaison_user).get(url).status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("名单.pdf", b"MZ\x90\x00 not a pdf", "文件类型不被接受"),
        ("病毒.exe", b"MZ\x90\x00", "文件类型不被接受"),
        ("表格.xlsx", b"PK\x03\x04garbage", "文件类型不被接受"),
    ],
)
def test_bad_attachment_is_refused_with_a_message_and_nothing_saved(
    client_for, liaison_user, edu_report, name, content, message
):
    task = edu_report.entries.order_by("task__order").first().task
    response = client_for(liaison_user).post(
        reverse("programs:report-edit", args=[edu_report.pk]),
        _edit_post(
            edu_report, **{f"file_{task.pk}": SimpleUploadedFile(name, content), f"narrative_{task.pk}": "不应保存"}
        ),
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not edu_report.entries.filter(attachments__isnull=False).exists()
    assert edu_report.entries.get(task=task).narrative == ""


def test_an_empty_attachment_is_named_on_the_page_and_through_the_api_and_nothing_is_lost(
    client_for, api_for, liaison_user, edu_report
):
    """Django's and DRF's FileField refused a 0-byte file before the upload checker: 提交的是空文件, naming nothing."""
    task = edu_report.entries.order_by("task__order").first().task
    response = client_for(liaison_user).post(
        reverse("programs:report-edit", args=[edu_report.pk]),
        _edit_post(
            edu_report,
            **{f"file_{task.pk}": SimpleUploadedFile("培训名单.pdf", b""), f"narrative_{task.pk}": "本季度培训 3 场"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400 and "附件“培训名单.pdf”是空文件,请选择有内容的文件。" in body
    assert "本季度培训 3 场" in body  # what was typed is on the page again, for saving once the file is fixed
    assert edu_report.entries.get(task=task).narrative == ""
    api = api_for(liaison_user)
    refused = api.post(
        f"/api/v1/unit-reports/{edu_report.pk}/attachments/",
        {"task": task.code, "file": SimpleUploadedFile("名单.docx", b"")},
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["file"] == ["附件“名单.docx”是空文件,请选择有内容的文件。"]
    assert not edu_report.entries.filter(attachments__isnull=False).exists()


def test_oversized_attachment_is_refused(settings, liaison_user, edu_report):
    settings.KEPU_MAX_ATTACHMENT_BYTES = 10
    task = edu_report.entries.first().task
    with pytest.raises(Exception, match="太大"):
        report_services.save_report(edu_report, liaison_user, uploads=[(task.pk, SimpleUploadedFile("a.pdf", PDF))])


def test_real_docx_and_png_are_accepted(liaison_user, edu_report):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", '<w:document xmlns:w="w"/>')
    task = edu_report.entries.first().task
    from tests.events.conftest import png_bytes

    png = png_bytes()
    report_services.save_report(
        edu_report,
        liaison_user,
        uploads=[
            (task.pk, SimpleUploadedFile("总结.docx", buffer.getvalue())),
            (task.pk, SimpleUploadedFile("照片.png", png)),
        ],
    )
    assert sorted(edu_report.entries.get(task=task).attachments.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_a_liaison_uploads_an_attachment_through_the_api_with_the_same_checks(
    api_for, liaison_user, other_liaison_user, leader_user, edu_report, private_media
):
    task = edu_report.entries.order_by("task__order").first().task
    url = f"/api/v1/unit-reports/{edu_report.pk}/attachments/"
    api = api_for(liaison_user)
    bad = api.post(
        url, {"task": task.code, "file": SimpleUploadedFile("名单.pdf", b"MZ\x90\x00 not a pdf")}, format="multipart"
    )
    assert bad.status_code == 400 and "文件类型不被接受" in bad.json()["file"][0]
    assert not edu_report.entries.filter(attachments__isnull=False).exists()
    unknown = api.post(url, {"task": "九.9", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
    assert unknown.status_code == 400 and "九.9" in unknown.json()["task"][0]
    stale = api.post(
        url, {"task": task.code, "file": SimpleUploadedFile("a.pdf", PDF), "version": 0}, format="multipart"
    )
    assert stale.status_code == 409
    good = api.post(
        url,
        {"task": task.code, "file": SimpleUploadedFile("培训名单.pdf", PDF), "version": edu_report.version},
        format="multipart",
    )
    assert good.status_code == 201
    entry = next(e for e in good.json()["entries"] if e["task"] == task.code or e.get("task_title") == task.title)
    assert [a["name"] for a in entry["attachments"]] == ["培训名单.pdf"]
    assert str(private_media) in edu_report.entries.get(task=task).attachments.get().file.path
    # from the wrong side: another unit's liaison does not see the report, a leader may not write
    assert (
        api_for(other_liaison_user)
        .post(url, {"task": task.code, "file": SimpleUploadedFile("b.pdf", PDF)}, format="multipart")
        .status_code
        == 404
    )
    assert (
        api_for(leader_user)
        .post(url, {"task": task.code, "file": SimpleUploadedFile("c.pdf", PDF)}, format="multipart")
        .status_code
        == 403
    )
    assert api_for(None).post(url, {"task": task.code}, format="multipart").status_code in (401, 403)
