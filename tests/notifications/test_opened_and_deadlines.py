"""A campaign or a reporting period opened; a deadline in 3 days; a deadline missed — the daily job
(notifications.send_deadline_notices_task) is idempotent through the dedupe keys."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import CampaignFiling
from notifications import services
from notifications.models import Notification
from programs.models import Region

from .helpers import make_campaign, titles

pytestmark = pytest.mark.django_db


def _filed(campaign, kind, **owner):
    return CampaignFiling.objects.create(campaign=campaign, kind=kind, filed_at=timezone.now(), **owner)


# --- a campaign opened -------------------------------------------------------------------------------------------
def test_a_new_campaign_tells_every_party_that_files_for_it_and_nobody_else(
    wujin_user,
    hutang_clerk,
    society_contact,
    base_contact,
    tianning_user,
    hongmei_clerk,
    liaison_user,
    other_liaison_user,
    office_user,
    leader_user,
):
    campaign = make_campaign(regions=("320412",), units=("市教育局",))
    told = {u.username for u in (wujin_user, hutang_clerk, society_contact, base_contact, liaison_user)}
    notified = set(Notification.objects.filter(kind="campaign_opened").values_list("recipient__username", flat=True))
    assert notified == told
    notice = Notification.objects.get(recipient=hutang_clerk)
    assert notice.title == "新活动专项:2026年全国科普日" and "2026-09-12 前报送" in notice.body
    assert notice.link == f"/events/campaigns/{campaign.pk}/"


def test_a_district_added_later_is_told_once_the_others_not_again(wujin_user, tianning_user, hongmei_clerk):
    campaign = make_campaign(regions=("320412",), units=())
    campaign.regions.add(Region.objects.get(code="320402"))
    assert titles(tianning_user) == titles(hongmei_clerk) == ["新活动专项:2026年全国科普日"]
    assert Notification.objects.filter(recipient=wujin_user).count() == 1
    services.send_deadline_notices()  # the daily job: nothing twice
    assert Notification.objects.filter(recipient=tianning_user, kind="campaign_opened").count() == 1


def test_a_campaign_whose_filing_is_over_is_not_announced(wujin_user):
    make_campaign(name="去年的专项", schedule_due=dt.date(2025, 9, 12), summary_due=dt.date(2025, 9, 25))
    assert not Notification.objects.exists()


def test_an_account_created_after_the_campaign_is_told_by_the_daily_job(campaign, hutang):
    from accounts.models import User

    clerk = User.objects.create_user("hutang2", email="h2@example.invalid", role="town", region=hutang)
    services.send_deadline_notices()
    assert "新活动专项:2026年全国科普日" in titles(clerk)


# --- a reporting period opened -----------------------------------------------------------------------------------
def test_opening_a_period_tells_the_liaisons_of_every_unit_expected_to_report(
    liaison_user, other_liaison_user, wujin_user, period
):
    for liaison in (liaison_user, other_liaison_user):
        assert titles(liaison, "period_opened") == ["报送周期已开启:2026年上半年工作报告"]
    assert "请于 2026-09-12 前提交" in Notification.objects.filter(recipient=liaison_user).first().body
    assert titles(wujin_user) == []


def test_a_period_that_opens_later_is_announced_on_its_opening_day_once(plan, liaison_user, clock):
    from programs.services import periods as period_services

    period_services.open_period(
        plan,
        year=2026,
        kind="half",
        half=2,
        opens_on=dt.date(2026, 9, 20),
        due_on=dt.date(2027, 1, 15),
        closes_on=dt.date(2027, 3, 31),
    )
    services.send_deadline_notices(today=dt.date(2026, 9, 19))
    assert titles(liaison_user) == []
    clock.day = dt.date(2026, 9, 20)
    services.send_deadline_notices()
    services.send_deadline_notices()
    assert titles(liaison_user, "period_opened") == ["报送周期已开启:2026年下半年工作报告"]


def test_a_period_switched_back_on_is_noticed_by_the_daily_job(period, liaison_user, office_user):
    """The liaison's account is created after the period opened (the fixtures' order): the daily job reaches it
    only while the period is switched on."""
    from programs.services import periods as period_services

    period_services.set_period_open(period, False, office_user)
    services.send_deadline_notices()
    assert titles(liaison_user, "period_opened") == []
    period_services.set_period_open(period, True, office_user)
    services.send_deadline_notices()
    assert titles(liaison_user, "period_opened") == ["报送周期已开启:2026年上半年工作报告"]


# --- deadlines ---------------------------------------------------------------------------------------------------
def test_three_days_before_a_campaign_deadline_those_who_have_not_filed_are_told_once(
    campaign, wujin, wujin_user, tianning_user, hutang_clerk, hongmei_clerk, liaison_user, clock
):
    _filed(campaign, "schedule", region=wujin)
    _filed(campaign, "schedule", unit=liaison_user.unit)
    clock.day = dt.date(2026, 9, 8)  # four days before: nothing yet
    services.send_deadline_notices()
    assert not Notification.objects.filter(kind__in=("deadline_soon", "deadline_missed")).exists()
    clock.day = dt.date(2026, 9, 9)
    services.send_deadline_notices()
    services.send_deadline_notices()  # a second run the same day: nothing twice
    soon = "2026年全国科普日活动安排表还有 3 天截止"
    assert titles(tianning_user, "deadline_soon") == [soon]
    assert titles(hutang_clerk, "deadline_soon") == titles(hongmei_clerk, "deadline_soon") == [soon]
    assert titles(wujin_user, "deadline_soon") == titles(liaison_user, "deadline_soon") == []  # filed
    clock.day = dt.date(2026, 9, 11)
    services.send_deadline_notices()
    assert titles(tianning_user, "deadline_soon") == [soon]


def test_the_day_after_a_deadline_the_parties_still_missing_are_told_it_was_missed(
    campaign, tianning, tianning_user, wujin_user, clock
):
    _filed(campaign, "schedule", region=tianning)
    clock.day = dt.date(2026, 9, 13)
    services.send_deadline_notices()
    services.send_deadline_notices()
    assert titles(wujin_user, "deadline_missed") == ["2026年全国科普日活动安排表已逾期未报送"]
    notice = Notification.objects.get(recipient=wujin_user, kind="deadline_missed")
    assert "已逾期 1 天" in notice.body and notice.link == f"/events/campaigns/{campaign.pk}/"
    assert titles(tianning_user, "deadline_missed") == []


def test_a_moved_due_date_is_a_new_notice(campaign, tianning_user, clock):
    services.send_deadline_notices()
    campaign.schedule_due = dt.date(2026, 9, 11)
    campaign.save()
    clock.day = dt.date(2026, 9, 10)
    services.send_deadline_notices()
    assert titles(tianning_user, "deadline_soon") == [
        "2026年全国科普日活动安排表还有 1 天截止",
        "2026年全国科普日活动安排表还有 3 天截止",
    ]


def test_report_deadlines_reach_the_units_that_have_not_filed(period, liaison_user, other_liaison_user, clock):
    from programs.services import reports as report_services

    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    report_services.transition_report(report, "submit", liaison_user)
    services.send_deadline_notices()  # 2026-09-09: three days before 09-12
    assert titles(other_liaison_user, "deadline_soon") == ["2026年上半年工作报告还有 3 天截止"]
    assert titles(liaison_user, "deadline_soon") == []
    clock.day = dt.date(2026, 9, 14)
    services.send_deadline_notices()
    assert titles(other_liaison_user, "deadline_missed") == ["2026年上半年工作报告已逾期未报送"]


def test_last_years_deadlines_are_not_noticed(wujin_user):
    make_campaign(name="旧专项", schedule_due=dt.date(2026, 7, 1), summary_due=dt.date(2026, 7, 20))
    services.send_deadline_notices()
    assert not Notification.objects.filter(kind__in=("deadline_soon", "deadline_missed")).exists()


def test_the_daily_job_is_a_beat_task_over_the_same_service(settings, campaign, tianning_user):
    from common.tasks import task_named
    from notifications.tasks import send_deadline_notices_task

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-notices"]
    assert task_named(entry["task"]).name == send_deadline_notices_task.name
    assert task_named(entry["task"]).run.__module__ == "notifications.tasks"
    assert send_deadline_notices_task("2026-09-09")["deadline_soon_or_missed"] >= 1
    assert "2026年全国科普日活动安排表还有 3 天截止" in titles(tianning_user)
