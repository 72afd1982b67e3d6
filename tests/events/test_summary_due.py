"""Each activity's summary is due `summary_days_after` days after it ends (seed 002: 活动结束后10日内) — fixed clock."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActivityReturn
from programs.models import Region

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def on(monkeypatch):
    """on(date): the pages' clock (timezone.localdate) reads that day."""

    def set_day(day):
        monkeypatch.setattr(timezone, "localdate", lambda *a: day)

    return set_day


@pytest.fixture
def approved_without_summary(wujin, make_return, science_day):
    """Registered (approved), its post-event report not yet written. Ends 9月16日: its summary is due 9月26日
    (science_day.summary_days_after == 10)."""
    return make_return(
        wujin,
        status="approved",
        report_status="draft",
        campaign=science_day,
        title="湖塘镇科普日主场活动",
        starts_on=dt.date(2025, 9, 16),
        ends_on=dt.date(2025, 9, 16),
        summary_text="",
    )


def test_the_summary_is_due_the_campaigns_days_after_the_activity_ends(
    approved_without_summary, science_day, wujin, make_return
):
    assert approved_without_summary.summary_due_on == dt.date(2025, 9, 26)
    science_day.summary_days_after = 5
    science_day.save()
    approved_without_summary.refresh_from_db()
    assert approved_without_summary.summary_due_on == dt.date(2025, 9, 21)
    assert make_return(wujin, campaign=None).summary_due_on is None  # year-round activities have no such date


def test_the_return_detail_shows_the_summary_due_date_and_days_left(
    client_for, wujin_user, on, approved_without_summary
):
    url = reverse("events:detail", args=[approved_without_summary.pk])
    on(dt.date(2025, 9, 23))
    body = client_for(wujin_user).get(url).content.decode()
    assert 'data-testid="summary-due"' in body and "2025-09-26" in body and "还有 3 天" in body
    on(dt.date(2025, 9, 29))
    assert "已逾期 3 天" in client_for(wujin_user).get(url).content.decode()


def test_the_district_todo_lists_summaries_due_with_their_due_date(
    client_for, wujin_user, tianning_user, on, approved_without_summary, make_return, wujin, tianning, science_day
):
    make_return(
        wujin,
        status="approved",
        report_status="draft",
        campaign=science_day,
        title="已交总结的活动",
        ends_on=dt.date(2025, 9, 16),
        summary_text="活动圆满完成。",
    )
    make_return(
        tianning,
        status="approved",
        report_status="draft",
        campaign=science_day,
        title="天宁的活动",
        ends_on=dt.date(2025, 9, 16),
    )
    on(dt.date(2025, 9, 24))
    body = client_for(wujin_user).get(reverse("events:list")).content.decode()
    panel = body[body.index('data-testid="summaries-due"') :]
    panel = panel[: panel.index("</ul>")]
    assert "湖塘镇科普日主场活动" in panel and "2025-09-26" in panel and "还有 2 天" in panel
    assert "已交总结的活动" not in panel and "天宁的活动" not in panel
    tianning_body = client_for(tianning_user).get(reverse("events:list")).content.decode()
    assert "湖塘镇科普日主场活动" not in tianning_body and "天宁的活动" in tianning_body


def test_filers_are_reminded_of_summaries_due_soon_one_message_each(
    approved_without_summary, make_return, wujin, science_day, wujin_user, tianning_user, office_user
):
    town = Region.objects.get(code="320412103", name="洛阳镇", level="town", parent=wujin)
    # a registration still under review is reminded too: its report does not wait for the registration's decision
    make_return(
        town,
        status="submitted",
        report_status="draft",
        campaign=science_day,
        title="洛阳镇农技培训",
        ends_on=dt.date(2025, 9, 16),
    )
    make_return(
        wujin,
        status="approved",
        report_status="draft",
        campaign=science_day,
        title="已交总结的活动",
        ends_on=dt.date(2025, 9, 16),
        summary_text="活动圆满完成。",
    )
    make_return(
        wujin,
        status="approved",
        report_status="submitted",
        campaign=science_day,
        title="补充信息已提交",
        ends_on=dt.date(2025, 9, 16),
    )
    make_return(wujin, status="draft", campaign=science_day, title="未登记的草稿", ends_on=dt.date(2025, 9, 16))
    services.send_deadline_reminders(today=dt.date(2025, 9, 23))  # 3 days before 9月26日
    to_wujin = [m for m in mail.outbox if m.to == ["wujin1@example.invalid"]]
    assert len(to_wujin) == 1
    body = to_wujin[0].body
    assert "湖塘镇科普日主场活动" in body and "洛阳镇农技培训" in body and "2025年09月26日" in body
    assert "还有 3 天" in body and "已交总结的活动" not in body and "补充信息已提交" not in body
    assert "未登记的草稿" not in body
    assert not any("湖塘镇科普日主场活动" in m.body for m in mail.outbox if m.to != ["wujin1@example.invalid"])
    mail.outbox.clear()
    services.send_deadline_reminders(today=dt.date(2025, 9, 24))  # 2 days before: not a reminder day
    assert not any("湖塘镇科普日主场活动" in m.body for m in mail.outbox)


def test_an_overdue_summary_is_chased_and_a_liaison_is_reminded_for_its_unit(
    approved_without_summary, make_return, science_day, wujin_user, liaison_user
):
    make_return(
        unit=liaison_user.unit,
        status="approved",
        report_status="returned",
        campaign=science_day,
        title="校园科学节",
        ends_on=dt.date(2025, 9, 18),
    )
    services.send_deadline_reminders(today=dt.date(2025, 9, 30))
    wujin_mail = [m for m in mail.outbox if m.to == ["wujin1@example.invalid"]]
    edu_mail = [m for m in mail.outbox if m.to == ["jyj1@example.invalid"]]
    assert len(wujin_mail) == 1 and "湖塘镇科普日主场活动" in wujin_mail[0].body and "已逾期 4 天" in wujin_mail[0].body
    assert len(edu_mail) == 1 and "校园科学节" in edu_mail[0].body and "已逾期 2 天" in edu_mail[0].body
    mail.outbox.clear()
    later = dt.date(2025, 9, 26) + dt.timedelta(days=services.SUMMARY_OVERDUE_DAYS + 1)
    services.send_deadline_reminders(today=later)  # chased for a month, then left to the office
    assert not any("湖塘镇科普日主场活动" in m.body for m in mail.outbox)


def test_the_district_adds_the_summary_in_its_post_event_report_with_no_office_action_and_reminders_stop(
    client_for, wujin_user, approved_without_summary, on
):
    activity = approved_without_summary
    client = client_for(wujin_user)
    on(dt.date(2025, 9, 23))
    assert 'data-testid="edit-report"' in client.get(reverse("events:detail", args=[activity.pk])).content.decode()
    body = client.post(
        reverse("events:report", args=[activity.pk]),
        {
            "report_version": activity.report_version,
            "summary_text": "参与群众 800 人次,发放资料 2000 份。",
            "actual_participants": "800",
            "online_views": 0,
            "volunteers": 3,
            "experts": 1,
            "budget": "0",
            "summary_file": upload("总结.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
        follow=True,
    ).content.decode()
    assert "活动补充信息已保存" in body and "已上传" in body
    activity.refresh_from_db()
    assert activity.status == "approved" and activity.summary_text.startswith("参与群众") and activity.summary_file
    assert activity.actual_participants == 800
    assert activity.report_version == 2 and activity.version == 1  # the registration was not touched
    services.send_deadline_reminders(today=dt.date(2025, 9, 23))
    assert not any("湖塘镇科普日主场活动" in m.body for m in mail.outbox)
    # the registration stays locked for the district
    assert client.get(reverse("events:edit", args=[activity.pk])).status_code == 403


def test_the_post_event_report_is_refused_for_the_wrong_people_bad_files_and_stale_versions(
    client_for, tianning_user, leader_user, wujin_user, approved_without_summary, wujin, make_return, science_day
):
    activity = approved_without_summary
    url = reverse("events:report", args=[activity.pk])
    data = {
        "report_version": activity.report_version,
        "summary_text": "冒名总结",
        "actual_participants": 1,
        "online_views": 0,
        "volunteers": 0,
        "experts": 0,
        "budget": "0",
    }
    assert client_for(tianning_user).post(url, data).status_code == 404
    assert client_for(leader_user).post(url, data).status_code == 403
    body = (
        client_for(wujin_user)
        .post(
            url,
            data | {"summary_text": "x", "summary_file": upload("总结.pdf", b"MZ\x90\x00" + b"\x00" * 60)},
            follow=True,
        )
        .content.decode()
    )
    assert "的文件类型不被接受" in body
    stale = (
        client_for(wujin_user)
        .post(url, data | {"report_version": activity.report_version + 5, "summary_text": "旧版本"}, follow=True)
        .content.decode()
    )
    assert "旧版本" in stale
    submitted = make_return(wujin, status="approved", report_status="submitted", campaign=science_day)
    assert client_for(wujin_user).post(reverse("events:report", args=[submitted.pk]), data).status_code == 403
    activity.refresh_from_db()
    assert activity.summary_text == "" and not activity.summary_file and activity.report_version == 1
    assert ActivityReturn.objects.get(pk=submitted.pk).summary_text == ""
