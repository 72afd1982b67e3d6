"""工作台 (the home page) for every role: what is due and in how many days, what was returned and why, what waits
for my review, recent notifications — each from the user's own scope."""

import re

import pytest
from django.urls import reverse

from events import services as event_services
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def _home(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(body, name) -> str:
    match = re.search(rf'data-testid="bench-{name}">(.*?)</section>', body, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def world(
    campaign,
    period,
    wujin,
    hutang,
    hongmei,
    make_return,
    wujin_user,
    hutang_clerk,
    hongmei_clerk,
    office_user,
    liaison_user,
    other_liaison_user,
):
    town_return = make_return(status="submitted", region=hutang, campaign=campaign, title="湖塘镇科普集市")
    sent_back = make_return(status="submitted", region=hutang, campaign=campaign, title="湖塘镇科普讲座")
    event_services.transition(sent_back, "approve", wujin_user)
    sent_back.refresh_from_db()
    event_services.transition(sent_back, "return", office_user, reason="参与人次需核实")
    returned = make_return(status="submitted", region=hutang, campaign=campaign, title="湖塘镇校园科技节")
    event_services.transition(returned, "return", wujin_user, reason="请补充活动照片")
    make_return(status="submitted", region=hongmei, campaign=campaign, title="红梅街道科普周")
    make_return(status="submitted", region=wujin, campaign=campaign, title="武进区主场活动")
    report, _ = report_services.start_report(other_liaison_user.unit, period, other_liaison_user)
    report_services.transition_report(report, "submit", other_liaison_user)
    return {"town_return": town_return, "sent_back": sent_back, "returned": returned}


def test_a_town_clerk_sees_what_is_due_in_days_and_what_was_returned_and_why(client_for, world, hutang_clerk):
    body = _home(client_for, hutang_clerk)
    due = _section(body, "due")
    assert "2026年全国科普日 · 活动安排表" in due and "还有 3 天" in due and "2026-09-12" in due
    returned = _section(body, "returned")
    assert "湖塘镇校园科技节" in returned and "请补充活动照片" in returned
    assert "被退回" in _section(body, "notifications")  # the return's notification
    assert 'data-testid="bench-review"' not in body
    assert "红梅街道科普周" not in body


def test_a_district_sees_its_review_queue_the_citys_reason_and_its_towns_deadlines(client_for, world, wujin_user):
    body = _home(client_for, wujin_user)
    review = _section(body, "review")
    assert "湖塘镇科普集市" in review and "湖塘镇科普讲座" in review
    assert "市级退回" in review and "参与人次需核实" in review
    assert 'data-testid="review-count">2<' in review
    assert "还有 3 天" in _section(body, "due")  # its own 活动安排表
    overview = _section(body, "overview")
    assert "所辖镇(街道)、基层组织未报送" in overview
    assert "被市级退回,请重新审核" in _section(body, "notifications")
    assert "红梅街道科普周" not in body and "工作报告" not in review


def test_the_office_sees_every_deadline_with_who_is_missing_and_both_review_queues(client_for, world, office_user):
    body = _home(client_for, office_user)
    overview = _section(body, "overview")
    assert "2026年全国科普日 · 活动安排表" in overview and "须报送单位未报送 3 个" in overview
    assert "2026年上半年工作报告" in overview and "未报送" in overview and "还有 3 天" in overview
    review = _section(body, "review")
    assert "武进区主场活动" in review and "湖塘镇科普集市" not in review  # the town's waits for 武进区 first
    assert "市农业农村局 · 2026年上半年" in review
    assert 'data-testid="bench-due"' not in body and 'data-testid="bench-returned"' not in body


def test_a_leader_reads_the_deadlines_and_reviews_nothing(client_for, world, leader_user):
    body = _home(client_for, leader_user)
    assert "2026年全国科普日 · 活动安排表" in _section(body, "overview")
    assert 'data-testid="bench-review"' not in body and 'data-testid="bench-due"' not in body


def test_a_liaisons_home_after_a_period_opens_shows_the_period_and_its_due_date(client_for, liaison_user, period):
    body = _home(client_for, liaison_user)
    due = _section(body, "due")
    assert "2026年上半年工作报告" in due and "2026-09-12" in due and "还有 3 天" in due and "尚未填报" in due
    assert "2026年上半年" in _section(body, "notifications")  # its opening notice (account made before the period)


def test_a_returned_unit_report_shows_its_reason_on_the_liaisons_home(client_for, liaison_user, office_user, period):
    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    report_services.transition_report(report, "submit", liaison_user)
    report_services.transition_report(report, "return", office_user, reason="请补充培训人数")
    body = _home(client_for, liaison_user)
    assert "请补充培训人数" in _section(body, "returned")
    assert "已退回" in _section(body, "due")


def test_a_filed_report_is_no_longer_due(client_for, liaison_user, period):
    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    report_services.transition_report(report, "submit", liaison_user)
    assert "2026年上半年工作报告" not in _section(_home(client_for, liaison_user), "due")


@pytest.mark.parametrize(
    "persona", ["society_contact", "base_contact", "hongmei_clerk", "tianning_user", "other_liaison_user"]
)
def test_every_other_party_sees_nothing_of_wujins_towns(request, client_for, world, persona):
    body = _home(client_for, request.getfixturevalue(persona))
    for title in ("湖塘镇科普集市", "湖塘镇科普讲座", "湖塘镇校园科技节", "请补充活动照片", "参与人次需核实"):
        assert title not in body


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_workbench_inbox_and_reminders_speak_english_too(client_for, world, wujin_user, campaign, settings):
    client = client_for(wujin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("home")).content.decode()
    assert "Workbench" in home and "Awaiting my review" in home and "Latest notifications" in home
    assert "Notification settings" in client.get(reverse("notifications:inbox")).content.decode()
    page = client.get(reverse("events:campaign-detail", args=[campaign.pk])).content.decode()
    assert "Reminders sent" in page and "parties that have not filed" in page
