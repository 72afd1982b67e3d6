"""The inbox (list, open, mark read, mark all read), the unread count in the navigation, the e-mail setting: each
user's own only — another user's notification is a 404 for everyone, the office included."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(wujin_user, tianning_user):
    mine = services.notify([wujin_user], "returned", "武进区的通知", "理由:补充照片", "/events/")[0]
    theirs = services.notify([tianning_user], "returned", "天宁区的通知·保密", "天宁区的理由", "/events/")[0]
    return mine, theirs


def test_the_inbox_lists_the_users_own_notifications_only(client_for, wujin_user, notes):
    body = client_for(wujin_user).get(reverse("notifications:inbox")).content.decode()
    assert "武进区的通知" in body and "理由:补充照片" in body
    assert "天宁区的通知·保密" not in body and "天宁区的理由" not in body


def test_the_navigation_shows_the_unread_count(client_for, wujin_user, notes):
    client = client_for(wujin_user)
    body = client.get(reverse("events:list")).content.decode()
    assert 'data-testid="nav-notifications"' in body and 'data-testid="unread-count">1<' in body
    services.mark_all_read(wujin_user)
    assert 'data-testid="unread-count"' not in client.get(reverse("events:list")).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_for, wujin_user, notes):
    mine, _theirs = notes
    response = client_for(wujin_user).get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/events/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_read_and_mark_all_read_touch_only_the_users_own(client_for, wujin_user, notes, wujin):
    mine, theirs = notes
    other_mine = services.notify([wujin_user], "approved", "第二条")[0]
    client = client_for(wujin_user)
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    other_mine.refresh_from_db()
    assert mine.read_at is not None and other_mine.read_at is None
    client.post(reverse("notifications:read-all"))
    assert Notification.objects.filter(recipient=wujin_user, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "persona",
    ["office_user", "leader_user", "wujin_user", "hongmei_clerk", "liaison_user", "base_contact", "society_contact"],
)
def test_another_users_notification_is_a_404_for_everyone(request, client_for, notes, persona):
    _mine, theirs = notes
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "天宁区的通知·保密" not in client.get(reverse("notifications:inbox")).content.decode()
    assert "天宁区的通知·保密" not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, notes):
    mine, _ = notes
    for method, url in (
        ("get", reverse("notifications:inbox")),
        ("get", reverse("notifications:settings")),
        ("get", reverse("notifications:open", args=[mine.pk])),
        ("post", reverse("notifications:read", args=[mine.pk])),
        ("post", reverse("notifications:read-all")),
        ("post", reverse("notifications:settings")),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_user_turns_email_off_and_on_in_the_settings(client_for, wujin_user, tianning_user):
    client = client_for(wujin_user)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'data-testid="email-enabled" checked' in page  # on by default
    client.post(reverse("notifications:settings"), {})
    assert NotificationPreference.objects.get(user=wujin_user).email_enabled is False
    assert 'data-testid="email-enabled" checked' not in client.get(reverse("notifications:settings")).content.decode()
    assert not NotificationPreference.objects.filter(user=tianning_user).exists()
    client.post(reverse("notifications:settings"), {"email_enabled": "on"})
    assert NotificationPreference.objects.get(user=wujin_user).email_enabled is True


def test_the_inbox_filters_unread_and_pages(client_for, wujin_user):
    for i in range(35):
        services.notify([wujin_user], "approved", f"第{i}条通知")
    Notification.objects.filter(title="第0条通知").update(read_at="2026-09-01T00:00:00+08:00")
    client = client_for(wujin_user)
    assert "第0条通知" not in client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    second = client.get(reverse("notifications:inbox") + "?page=2").content.decode()
    assert "第0条通知" in second and "第34条通知" not in second
