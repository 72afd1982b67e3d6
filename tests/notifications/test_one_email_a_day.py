"""One e-mail a day about one deadline, and a user's 「关闭邮件」 holds for every e-mail the portal sends.

Two daily jobs speak about deadlines: the reminder digests (events.send_deadline_reminders_task and
programs.send_report_reminders_task, on the days in KEPU_REMINDER_DAYS_BEFORE) and the notifications' "a deadline
in 3 days" notice. On a day both run for the same deadline, the clerk gets the digest e-mail and the notice inside
the portal — not two e-mails; and a user who turned e-mail off gets neither e-mail."""

import datetime as dt

import pytest
from django.core import mail

from events import services as event_services
from notifications import services
from notifications.models import Notification, NotificationPreference
from programs.services import reminders as report_reminders

pytestmark = pytest.mark.django_db


def _mails_to(user):
    """The e-mails to `user` about a deadline (the news that a campaign or period opened is another matter)."""
    return [m for m in mail.outbox if user.email in m.to and any(w in m.subject for w in ("提醒", "截止", "逾期"))]


@pytest.fixture
def run_the_day(eager, django_capture_on_commit_callbacks):
    """Every daily job that speaks about deadlines, for one day, with the e-mails enqueued on commit sent."""

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            event_services.send_deadline_reminders(today=day)
            report_reminders.send_report_reminders(today=day)
            services.send_deadline_notices(today=day)

    return run


def test_three_days_before_the_clerk_gets_one_email_not_two(run_the_day, campaign, tianning_user):
    run_the_day(dt.date(2026, 9, 9))  # 活动安排表 due 2026-09-12: a digest day and the "3 days" notice
    assert len(_mails_to(tianning_user)) == 1
    assert "活动安排表须于 2026年09月12日 前报送,还有 3 天" in _mails_to(tianning_user)[0].body
    notice = Notification.objects.get(recipient=tianning_user, kind="deadline_soon")
    assert notice.email_status == Notification.Email.DIGEST  # inside the portal, e-mailed with the digest


def test_the_report_liaison_gets_one_email_not_two(run_the_day, period, liaison_user):
    run_the_day(dt.date(2026, 9, 9))  # the period is due 2026-09-12 too
    mails = _mails_to(liaison_user)
    assert len(mails) == 1 and "工作报告" in mails[0].body
    notice = Notification.objects.get(recipient=liaison_user, kind="deadline_soon")
    assert notice.email_status == Notification.Email.DIGEST


def test_without_a_digest_that_day_the_notice_is_emailed(run_the_day, settings, campaign, tianning_user):
    settings.KEPU_REMINDER_DAYS_BEFORE = [7, 1]  # no digest three days before
    run_the_day(dt.date(2026, 9, 9))
    mails = _mails_to(tianning_user)
    assert len(mails) == 1 and "还有 3 天截止" in mails[0].subject
    assert Notification.objects.get(recipient=tianning_user, kind="deadline_soon").email_status == "sent"


def test_email_turned_off_holds_for_the_reminder_digests_too(
    run_the_day, campaign, period, tianning_user, liaison_user, settings
):
    settings.KEPU_OFFICE_EMAILS = ["office-inbox@example.invalid"]
    for user in (tianning_user, liaison_user):
        NotificationPreference.objects.create(user=user, email_enabled=False)
    run_the_day(dt.date(2026, 9, 9))
    assert _mails_to(tianning_user) == [] and _mails_to(liaison_user) == []
    # inside the portal they are still told
    assert Notification.objects.filter(recipient=tianning_user, kind="deadline_soon").exists()
    assert Notification.objects.filter(recipient=liaison_user, kind="deadline_soon").exists()
    # an office address no user owns is never "turned off"
    run_the_day(dt.date(2026, 9, 14))
    assert any("office-inbox@example.invalid" in m.to for m in mail.outbox)


def test_an_address_shared_by_a_user_who_wants_email_still_receives(campaign, tianning_user, settings):
    from accounts.models import User

    User.objects.create_user(
        username="tianning2", password="pw-x", role="district", email=tianning_user.email, region=tianning_user.region
    )
    NotificationPreference.objects.create(user=tianning_user, email_enabled=False)
    event_services.send_deadline_reminders(today=dt.date(2026, 9, 9))
    assert len(_mails_to(tianning_user)) == 1
