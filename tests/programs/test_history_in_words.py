"""A unit report's history says what happened in words (提交, 已提交 → 已通过), never the stored codes
(submit, draft → submitted); in English when the user switched."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from programs.models import UnitReport
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def _history_rows(html: str) -> list[str]:
    table = html.split('data-testid="transitions"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " | ", row)).strip() for row in rows]


def _decided(report, liaison_user, office_user):
    report_services.transition_report(report, "submit", liaison_user)
    report = UnitReport.objects.get(pk=report.pk)
    report_services.transition_report(
        report, "return", office_user, reason="缺少科技辅导员人数", expected_version=report.version
    )
    report = UnitReport.objects.get(pk=report.pk)
    report_services.transition_report(report, "submit", liaison_user)
    report = UnitReport.objects.get(pk=report.pk)
    report_services.transition_report(report, "accept", office_user, expected_version=report.version)
    return report


def test_a_report_history_names_each_step_and_status_in_chinese(client_for, liaison_user, office_user, edu_report):
    _decided(edu_report, liaison_user, office_user)
    html = client_for(office_user).get(reverse("programs:report-detail", args=[edu_report.pk])).content.decode()
    rows = _history_rows(html)
    assert len(rows) == 4
    assert "提交" in rows[0] and "草稿 → 已提交" in rows[0]
    assert "退回" in rows[1] and "已提交 → 已退回" in rows[1] and "缺少科技辅导员人数" in rows[1]
    assert "已退回 → 已提交" in rows[2]
    assert "通过" in rows[3] and "已提交 → 已通过" in rows[3]
    for code in ("submit", "accept", "return", "draft", "submitted", "accepted", "returned"):
        assert not any(re.search(rf"\b{code}\b", row) for row in rows), (code, rows)


def test_a_report_history_is_in_english_when_switched(client_for, liaison_user, office_user, edu_report):
    _decided(edu_report, liaison_user, office_user)
    client = client_for(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _history_rows(client.get(reverse("programs:report-detail", args=[edu_report.pk])).content.decode())
    assert "Submit" in rows[0] and "Draft → Submitted" in rows[0]
    assert "Submitted → Approved" in rows[3]
    assert not any(
        re.search(
            "[\u4e00-\u9fff]",
            row.replace("缺少科技辅导员人数", "")
            .replace(liaison_user.display_name, "")
            .replace(office_user.display_name, ""),
        )
        for row in rows
    ), rows
