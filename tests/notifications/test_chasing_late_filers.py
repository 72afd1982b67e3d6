"""催报 on every completeness page: the campaign's (the office at the city level, a district office for its own
towns, organisations and bases) and a reporting period's (the office); the page lists what was sent to whom and
when; the same reminder is refused within the interval; every other party is refused (accounts.scope.chase_level)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import CampaignFiling
from notifications import services
from notifications.models import Notification, ReminderLog

from .helpers import titles

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 9, 9, 10, 0))


def _remind(client, campaign):
    return client.post(reverse("notifications:remind-campaign", args=[campaign.pk]), follow=True)


def _page(client, campaign):
    return client.get(reverse("events:campaign-detail", args=[campaign.pk])).content.decode()


def test_the_office_reminds_the_districts_and_units_that_have_not_filed(
    client_for, office_user, campaign, wujin, wujin_user, tianning_user, liaison_user, hutang_clerk
):
    CampaignFiling.objects.create(campaign=campaign, kind="schedule", region=wujin, filed_at=timezone.now())
    Notification.objects.all().delete()
    office = client_for(office_user)
    page = _page(office, campaign)
    assert 'data-testid="send-reminder"' in page and 'data-testid="late-parties"' in page
    body = _remind(office, campaign).content.decode()
    assert "已向 2 个未报送单位的 2 位用户发送催报通知" in body
    assert titles(tianning_user, "reminder") == titles(liaison_user, "reminder") == ["催报:2026年全国科普日"]
    notice = Notification.objects.get(recipient=tianning_user)
    assert notice.body.startswith("领导小组办公室提醒您尽快报送:活动安排表(截止 2026-09-12,还有 3 天)")
    assert titles(wujin_user) == [] and titles(hutang_clerk) == []  # filed; towns are the district's to chase
    log = ReminderLog.objects.get()
    assert log.sent_by == office_user and log.district is None and log.recipients == 2
    assert {e["party"] for e in log.parties} == {"天宁区", "市教育局"}
    page = _page(office, campaign)
    assert 'data-testid="reminder-log"' in page and "天宁区科协(tianning1)" in page
    assert timezone.localtime(log.sent_at).strftime("%Y-%m-%d %H:%M") in page


def test_a_district_reminds_its_own_towns_and_organisations_only(
    client_for, campaign, wujin_user, hutang_clerk, society_contact, tianning_user, hongmei_clerk, office_user
):
    Notification.objects.all().delete()
    body = _remind(client_for(wujin_user), campaign).content.decode()
    assert "发送催报通知" in body
    assert titles(hutang_clerk, "reminder") == titles(society_contact, "reminder") == ["催报:2026年全国科普日"]
    assert Notification.objects.get(recipient=hutang_clerk).body.startswith("武进区科协提醒您尽快报送")
    for other in (wujin_user, tianning_user, hongmei_clerk, office_user):
        assert titles(other, "reminder") == []
    log = ReminderLog.objects.get()
    assert log.district.code == "320412"
    assert "无账号,未能通知" in _page(client_for(wujin_user), campaign)  # towns without an account are listed
    # another district's page and the city's show nothing of 武进区's reminders
    assert 'data-testid="reminder-log"' not in _page(client_for(tianning_user), campaign)
    assert 'data-testid="reminder-log"' not in _page(client_for(office_user), campaign)


def test_the_same_reminder_within_an_hour_is_refused_with_a_clear_message(
    client_for, office_user, campaign, tianning_user
):
    services.chase_campaign(campaign, office_user, now=NOW)
    with pytest.raises(services.ReminderRefused) as refused:
        services.chase_campaign(campaign, office_user, now=NOW + dt.timedelta(minutes=59))
    assert "10:00" in str(refused.value) and "60 分钟内不能重复催报" in str(refused.value)
    assert "请于 11:00 后再试" in str(refused.value)
    services.chase_campaign(campaign, office_user, now=NOW + dt.timedelta(minutes=61))
    assert ReminderLog.objects.count() == 2 and len(titles(tianning_user, "reminder")) == 2


def test_a_second_click_on_the_page_is_refused_and_sends_nothing(client_for, office_user, campaign, tianning_user):
    office = client_for(office_user)
    _remind(office, campaign)
    body = _remind(office, campaign).content.decode()
    assert "分钟内不能重复催报" in body
    assert ReminderLog.objects.count() == 1 and len(titles(tianning_user, "reminder")) == 1


def test_each_level_has_its_own_interval(office_user, wujin_user, campaign):
    services.chase_campaign(campaign, office_user, now=NOW)
    services.chase_campaign(campaign, wujin_user, now=NOW)  # 武进区's towns: another reminder
    assert ReminderLog.objects.count() == 2


def test_nothing_to_chase_is_said_plainly(office_user, campaign, clock):
    clock.day = dt.date(2026, 8, 1)  # both due dates beyond the reminder horizon
    with pytest.raises(services.ReminderRefused, match="目前没有需要催报的单位"):
        services.chase_campaign(campaign, office_user)
    assert not ReminderLog.objects.exists()


@pytest.mark.parametrize("persona", ["leader_user", "hutang_clerk", "society_contact", "base_contact", "liaison_user"])
def test_parties_that_do_not_chase_are_refused(request, client_for, campaign, persona, tianning_user):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.post(reverse("notifications:remind-campaign", args=[campaign.pk]))
    assert response.status_code == 403
    assert 'data-testid="send-reminder"' not in _page(client, campaign)
    assert not ReminderLog.objects.exists() and titles(tianning_user, "reminder") == []


def test_a_district_cannot_chase_a_campaign_its_region_does_not_file_for(client_for, campaign, hutang_clerk):
    from accounts.models import User
    from programs.models import Region

    xinbei = User.objects.create_user("xinbei1", role="district", region=Region.objects.get(code="320411"))
    response = client_for(xinbei).post(reverse("notifications:remind-campaign", args=[campaign.pk]))
    assert response.status_code == 403 and not ReminderLog.objects.exists()
    assert 'data-testid="send-reminder"' not in _page(client_for(xinbei), campaign)


def test_anonymous_visitors_go_to_the_login_page_and_a_get_is_not_a_reminder(
    client, client_for, office_user, campaign, period
):
    for url in (
        reverse("notifications:remind-campaign", args=[campaign.pk]),
        reverse("notifications:remind-period", args=[period.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client_for(office_user).get(url).status_code == 405
    assert client_for(office_user).post(reverse("notifications:remind-campaign", args=[999999])).status_code == 404
    assert not ReminderLog.objects.exists()


# --- a reporting period ------------------------------------------------------------------------------------------
def test_the_office_reminds_the_units_whose_report_is_missing_on_the_period_page(
    client_for, office_user, liaison_user, other_liaison_user, period
):
    from programs.services import reports as report_services

    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    report_services.transition_report(report, "submit", liaison_user)
    office = client_for(office_user)
    url = reverse("programs:period-detail", args=[period.pk])
    assert 'data-testid="send-reminder"' in office.get(url).content.decode()
    body = office.post(reverse("notifications:remind-period", args=[period.pk]), follow=True).content.decode()
    assert "发送催报通知" in body and 'data-testid="reminder-log"' in body
    assert titles(other_liaison_user, "reminder") == ["催报:2026年上半年工作报告"]
    assert (
        "2026年上半年工作报告(截止 2026-09-12,还有 3 天)"
        in Notification.objects.get(recipient=other_liaison_user, kind="reminder").body
    )
    assert titles(liaison_user, "reminder") == []  # filed
    assert "市农业农村局" in {e["party"] for e in ReminderLog.objects.get().parties}


def test_a_returned_report_is_reminded_as_returned(office_user, liaison_user, period):
    from programs.services import reports as report_services

    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    report_services.transition_report(report, "submit", liaison_user)
    report_services.transition_report(report, "return", office_user, reason="补充")
    services.chase_period(period, office_user)
    assert "已被退回,请修改后重新提交" in Notification.objects.get(recipient=liaison_user, kind="reminder").body


@pytest.mark.parametrize("persona", ["wujin_user", "leader_user", "liaison_user", "hutang_clerk", "base_contact"])
def test_only_the_office_chases_unit_reports(request, client_for, period, persona, other_liaison_user):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.post(reverse("notifications:remind-period", args=[period.pk])).status_code == 403
    assert (
        'data-testid="send-reminder"'
        not in client.get(reverse("programs:period-detail", args=[period.pk])).content.decode()
    )
    assert not ReminderLog.objects.exists()


def test_a_closed_period_is_not_chased(office_user, period):
    from programs.services import periods as period_services

    period_services.set_period_open(period, False, office_user)
    period.refresh_from_db()
    with pytest.raises(services.ReminderRefused, match="未开放填报"):
        services.chase_period(period, office_user)


def test_leaders_read_the_citys_reminder_log_but_cannot_send(client_for, office_user, leader_user, campaign):
    services.chase_campaign(campaign, office_user)
    page = _page(client_for(leader_user), campaign)
    assert 'data-testid="reminder-log"' in page and 'data-testid="send-reminder"' not in page


def test_the_completeness_matrix_links_each_period_to_its_reminders(client_for, office_user, leader_user, period):
    url = reverse("programs:report-completeness")
    assert 'data-testid="chase-link"' in client_for(office_user).get(url).content.decode()
    assert 'data-testid="chase-link"' not in client_for(leader_user).get(url).content.decode()
