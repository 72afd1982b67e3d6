"""notify(): one notification per recipient inside the portal, one e-mail each after the transaction commits,
the user's e-mail preference respected, the dedupe key making repeated runs harmless."""

import pytest
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def test_each_recipient_gets_one_notification_and_after_commit_one_email(
    wujin_user, tianning_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            [wujin_user, tianning_user, wujin_user],
            "approved",
            "活动填报“甲”:已通过",
            "领导小组办公室通过。",
            "/events/1/",
        )
        assert len(created) == 2 and mail.outbox == []  # nothing leaves before the commit
    assert sorted(m.to[0] for m in mail.outbox) == ["tianning1@example.invalid", "wujin1@example.invalid"]
    message = mail.outbox[0]
    assert message.subject == "【科普工作管理平台】活动填报“甲”:已通过"
    assert "领导小组办公室通过。" in message.body and "/events/1/" in message.body
    assert "/notifications/settings/" in message.body  # how to turn e-mail off
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_rolled_back_change_notifies_nobody(wujin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.notify([wujin_user], "approved", "会回滚")
        raise RuntimeError
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_user_who_turned_email_off_gets_the_notification_but_no_email(
    wujin_user, tianning_user, django_capture_on_commit_callbacks
):
    services.set_email_enabled(wujin_user, False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([wujin_user, tianning_user], "returned", "被退回")
    assert [m.to[0] for m in mail.outbox] == ["tianning1@example.invalid"]
    assert Notification.objects.get(recipient=wujin_user).email_status == "off"


def test_turning_email_off_before_the_worker_sends_stops_the_email(wujin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify([wujin_user], "returned", "被退回")
    services.set_email_enabled(wujin_user, False)
    for callback in callbacks:
        callback()
    assert mail.outbox == [] and Notification.objects.get().email_status == "off"


def test_without_an_address_no_email_is_tried(wujin_user, django_capture_on_commit_callbacks):
    wujin_user.email = ""
    wujin_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([wujin_user], "returned", "被退回")
    assert mail.outbox == [] and Notification.objects.get().email_status == "no_address"


def test_the_same_dedupe_key_is_never_written_twice_for_a_user(wujin_user, tianning_user):
    first = services.notify([wujin_user], "deadline_soon", "还有 3 天", dedupe_key="k1")
    again = services.notify([wujin_user, tianning_user], "deadline_soon", "还有 3 天", dedupe_key="k1")
    assert len(first) == 1 and [n.recipient for n in again] == [tianning_user]
    assert Notification.objects.filter(dedupe_key="k1").count() == 2


def test_the_email_task_sends_each_email_once_however_often_it_runs(wujin_user):
    created = services.notify([wujin_user], "approved", "已通过")
    ids = [n.pk for n in created]
    from notifications.tasks import send_notification_emails_task

    assert send_notification_emails_task.name == "notifications.send_notification_emails_task"
    assert send_notification_emails_task(ids) == {"sent": 1, "failed": 0, "skipped": 0}
    assert send_notification_emails_task(ids) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_leaves_the_notification_and_marks_the_email(wujin_user, monkeypatch):
    created = services.notify([wujin_user], "approved", "已通过")

    def refuse(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    assert services.send_emails([n.pk for n in created])["failed"] == 1
    assert Notification.objects.get().email_status == "failed"


def test_inactive_users_and_links_to_other_hosts_are_dropped(wujin_user, tianning_user):
    tianning_user.is_active = False
    tianning_user.save()
    created = services.notify([wujin_user, tianning_user], "approved", "已通过", link="https://evil.example/")
    assert [n.recipient for n in created] == [wujin_user] and created[0].link == ""
    assert services.notify([tianning_user], "approved", "x") == []
