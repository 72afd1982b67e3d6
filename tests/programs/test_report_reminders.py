"""Reminders before the due date to liaisons of units that have not filed; one overdue digest
to the office; one e-mail per recipient per run; a fixed clock."""

import datetime as dt

import pytest
from django.core import mail

from programs.services import periods as period_services
from programs.services import reminders as reminder_services
from programs.services import reports as report_services
from programs.tasks import send_report_reminders_task

pytestmark = pytest.mark.django_db


DUE = dt.date(2026, 1, 15)


@pytest.fixture
def half_year(plan):
    """A second period due the same day, so one liaison has two lines but gets one message."""
    return period_services.open_period(
        plan, year=2026, kind="half", half=1, opens_on=dt.date(2025, 12, 1), due_on=DUE, closes_on=dt.date(2026, 3, 31)
    )


def _to(message):
    return message.to[0]


def test_seven_days_before_due_each_unfiled_liaison_gets_one_message(
    settings, period, half_year, liaison_user, other_liaison_user, office_user
):
    settings.KEPU_REMINDER_DAYS_BEFORE = [7, 3, 1]
    result = reminder_services.send_report_reminders(today=DUE - dt.timedelta(days=7))
    by_recipient = {_to(m): m for m in mail.outbox}
    assert sorted(by_recipient) == ["jyj1@example.invalid", "nync1@example.invalid"]
    assert result["reminders"] == 2 and result["overdue"] == 0
    edu = by_recipient["jyj1@example.invalid"]
    assert "2025年度:市教育局的工作报告尚未提交,截止日期 2026-01-15(还有 7 天)" in edu.body
    assert "2026年上半年:市教育局" in edu.body  # both periods in one message
    assert "市农业农村局" not in edu.body
    assert edu.subject == "【科普工作管理平台】工作报告报送提醒"


def test_unit_that_has_filed_gets_no_reminder(period, liaison_user, other_liaison_user, edu_report):
    report_services.transition_report(edu_report, "submit", liaison_user)
    reminder_services.send_report_reminders(today=DUE - dt.timedelta(days=3))
    assert [_to(m) for m in mail.outbox] == ["nync1@example.invalid"]


def test_returned_report_is_reminded_as_returned(period, liaison_user, office_user, edu_report):
    report_services.transition_report(edu_report, "submit", liaison_user)
    report_services.transition_report(edu_report, "return", office_user, reason="补充")
    reminder_services.send_report_reminders(today=DUE - dt.timedelta(days=1))
    assert len(mail.outbox) == 1 and "已被退回,请修改后重新提交" in mail.outbox[0].body


def test_no_reminder_on_other_days_or_for_closed_periods(settings, period, liaison_user, office_user):
    settings.KEPU_REMINDER_DAYS_BEFORE = [7, 3, 1]
    reminder_services.send_report_reminders(today=DUE - dt.timedelta(days=5))
    assert mail.outbox == []
    period_services.set_period_open(period, False, office_user)
    reminder_services.send_report_reminders(today=DUE - dt.timedelta(days=7))
    reminder_services.send_report_reminders(today=DUE + dt.timedelta(days=2))
    assert mail.outbox == []


def test_after_the_due_date_the_office_gets_one_overdue_digest(
    settings, period, half_year, office_user, liaison_user, edu_report
):
    settings.KEPU_OFFICE_EMAILS = ["kepubu@example.invalid"]
    report_services.transition_report(edu_report, "submit", liaison_user)
    result = reminder_services.send_report_reminders(today=DUE + dt.timedelta(days=5))
    assert sorted(_to(m) for m in mail.outbox) == ["kepubu@example.invalid", "office1@example.invalid"]
    digest = mail.outbox[0]
    assert digest.subject == "【科普工作管理平台】工作报告逾期汇总"
    assert "2025年度:市农业农村局 未提交(截止 2026-01-15,已逾期 5 天)" in digest.body
    assert "2025年度:市教育局" not in digest.body  # filed
    assert "2026年上半年:市教育局 未提交" in digest.body
    assert result["overdue"] == 2 and result["reminders"] == 0


def test_celery_task_runs_the_same_service_with_a_fixed_clock(period, liaison_user):
    result = send_report_reminders_task.apply(kwargs={"today": (DUE - dt.timedelta(days=1)).isoformat()}).get()
    assert result["reminders"] == 1 and [_to(m) for m in mail.outbox] == ["jyj1@example.invalid"]


def test_task_is_registered_under_the_beat_schedule_name(settings):
    from kepu_portal.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["report-reminders"]["task"] == "programs.send_report_reminders_task"
    assert "programs.send_report_reminders_task" in app.tasks


def test_overdue_digest_is_sent_again_only_when_the_overdue_set_changes(
    settings, period, office_user, liaison_user, edu_report
):
    from programs.models import OverdueDigest, ResponsibleUnit

    settings.KEPU_OFFICE_EMAILS = []
    # every unit but 常州经开区管委会 has tasks in the plan (「各辖市(区)政府」 is the six, issue 14); nobody has filed
    expected = ResponsibleUnit.objects.exclude(name="常州经开区管委会").count()
    sent_per_day = {}
    for offset in range(1, 8):  # 2026-01-16 … 2026-01-22, one run a day
        day = DUE + dt.timedelta(days=offset)
        if offset == 3:
            report_services.transition_report(edu_report, "submit", liaison_user)  # one unit files late
        if offset == 5:
            edu_report.refresh_from_db()
            report_services.transition_report(edu_report, "return", office_user, reason="补充")  # and is returned
        before = len(mail.outbox)
        result = reminder_services.send_report_reminders(today=day)
        sent_per_day[day.day] = len(mail.outbox) - before
        assert result["overdue_units"] == (expected - 1 if offset in (3, 4) else expected)
    assert sent_per_day == {16: 1, 17: 0, 18: 1, 19: 0, 20: 1, 21: 0, 22: 0}
    digests = list(OverdueDigest.objects.order_by("id"))
    assert [(d.sent_on.day, len(d.items), d.recipients) for d in digests] == [
        (16, expected, 1),
        (18, expected - 1, 1),
        (20, expected, 1),
    ]
    assert "市教育局" not in digests[1].body and "2025年度:市教育局 被退回后未重新提交" in digests[2].body
    sent_lines = [line.removeprefix("· ") for line in mail.outbox[-1].body.split("\n\n")[0].splitlines()]
    assert sent_lines == digests[2].body.splitlines()  # what was recorded is what was sent
    assert [period.pk, edu_report.unit_id, "returned"] in digests[2].items


def test_digest_is_resent_when_a_unit_falls_overdue_again_after_the_list_emptied(settings, period, office_user):
    from programs.models import OverdueDigest

    settings.KEPU_OFFICE_EMAILS = []
    reminder_services.send_report_reminders(today=DUE + dt.timedelta(days=1))
    # period closed: nothing overdue
    reminder_services.send_report_reminders(today=period.closes_on + dt.timedelta(days=1))
    assert [len(d.items) for d in OverdueDigest.objects.order_by("id")] == [34, 0]  # 经开区 has no task (issue 14)
    assert OverdueDigest.objects.order_by("id").last().recipients == 0 and len(mail.outbox) == 1
    period_services.set_period_open(period, True, office_user)
    result = reminder_services.send_report_reminders(today=DUE + dt.timedelta(days=2))  # a re-run of an earlier day
    assert result["overdue"] == 1 and result["overdue_changed"] is True and len(mail.outbox) == 2
