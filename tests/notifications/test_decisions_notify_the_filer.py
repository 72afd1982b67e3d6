"""A reviewer's decision tells the filer (common.workflow's workflow_transitioned, received in the notifications
app): a return with its reason, an approval or a forwarding; the chain's district is told what the city decided."""

import pytest
from django.core import mail

from accounts.models import User
from common.workflow import Transition
from events import services as event_services
from events.models import ActivityReturn
from notifications.models import Notification
from programs.services import reports as report_services

from .helpers import titles

pytestmark = pytest.mark.django_db


def test_a_district_returning_a_towns_return_tells_the_town_why(
    hutang,
    hutang_clerk,
    wujin_user,
    tianning_user,
    hongmei_clerk,
    make_return,
    eager,
    django_capture_on_commit_callbacks,
):
    activity = make_return(status="submitted", region=hutang, title="湖塘镇科普日主场活动")
    with django_capture_on_commit_callbacks(execute=True):
        event_services.transition(activity, "return", wujin_user, reason="请补充现场照片。")
    notice = Notification.objects.get(recipient=hutang_clerk)
    assert notice.kind == "returned" and notice.title == "活动填报“湖塘镇科普日主场活动”被退回"
    assert notice.body == "武进区科协退回。理由:请补充现场照片。当前状态:已退回。"
    assert notice.link == f"/events/{activity.pk}/"
    assert [m.to for m in mail.outbox] == [["hutang1@example.invalid"]] and "请补充现场照片" in mail.outbox[0].body
    for other in (wujin_user, tianning_user, hongmei_clerk):  # the actor and other parties hear nothing
        assert titles(other) == []


def test_forwarding_and_the_citys_approval_reach_the_town_and_the_city_tells_the_district(
    hutang, hutang_clerk, wujin_user, office_user, make_return
):
    activity = make_return(status="submitted", region=hutang, title="甲")
    event_services.transition(activity, "approve", wujin_user)
    assert titles(hutang_clerk, "approved") == ["活动填报“甲”:区级已审核,待市级审核"]
    assert titles(wujin_user) == []
    activity.refresh_from_db()
    event_services.transition(activity, "approve", office_user)
    assert "活动填报“甲”:已通过" in titles(hutang_clerk, "approved")
    assert titles(wujin_user, "approved") == ["活动填报“甲”:已通过"]
    assert titles(office_user) == []


def test_the_city_sending_a_forwarded_return_back_tells_the_district_to_review_again(
    hutang, hutang_clerk, wujin_user, office_user, make_return
):
    activity = make_return(status="submitted", region=hutang, title="乙")
    event_services.transition(activity, "approve", wujin_user)
    Notification.objects.all().delete()
    activity.refresh_from_db()
    event_services.transition(activity, "return", office_user, reason="参与人次与规模不符。")
    notice = Notification.objects.get(recipient=wujin_user)
    assert notice.title == "活动填报“乙”被市级退回,请重新审核" and "参与人次与规模不符" in notice.body
    assert titles(hutang_clerk) == []  # still with its district: nothing for the town to do


def test_a_towns_return_without_a_clerk_account_goes_to_its_district(wujin, wujin_user, office_user, make_return):
    from programs.models import Region

    niutang = Region.objects.get(name="牛塘镇", parent=wujin)
    activity = make_return(status="submitted", region=niutang, title="丙")
    event_services.transition(activity, "return", wujin_user, reason="缺照片")
    assert titles(wujin_user) == []  # the district itself returned it: it does not notify itself
    activity.refresh_from_db()
    event_services.transition(activity, "submit", office_user)  # the office on the town's behalf
    event_services.transition(activity, "approve", wujin_user)
    activity.refresh_from_db()
    event_services.transition(activity, "return", office_user, reason="类别有误")
    assert titles(wujin_user) == ["活动填报“丙”被市级退回,请重新审核"]


def test_the_office_deciding_on_a_districts_own_return_tells_that_district(
    wujin, wujin_user, tianning_user, office_user, make_return
):
    activity = make_return(status="submitted", region=wujin, title="丁")
    event_services.transition(activity, "approve", office_user)
    assert titles(wujin_user) == ["活动填报“丁”:已通过"] and titles(tianning_user) == []
    activity.refresh_from_db()
    event_services.transition(activity, "reopen", office_user, reason="数据有误")
    assert titles(wujin_user, "returned") == ["活动填报“丁”被退回"]


def test_submitting_notifies_nobody(hutang, hutang_clerk, make_return):
    activity = make_return(status="draft", region=hutang)
    event_services.transition(activity, "submit", hutang_clerk)
    assert not Notification.objects.exists()


def test_a_unit_report_returned_or_accepted_tells_the_units_liaisons(
    plan, period, liaison_user, other_liaison_user, office_user
):
    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    Notification.objects.all().delete()  # the period's opening notice
    report_services.transition_report(report, "submit", liaison_user)
    report_services.transition_report(report, "return", office_user, reason="请补充科技辅导员培训人数。")
    notice = Notification.objects.get(recipient=liaison_user)
    assert notice.kind == "returned" and "请补充科技辅导员培训人数" in notice.body
    assert notice.link == f"/plan/reports/{report.pk}/"
    report_services.transition_report(report, "submit", liaison_user)
    report_services.transition_report(report, "accept", office_user)
    assert "成员单位工作报告“市教育局 · 2026年上半年”:已通过" in titles(liaison_user, "approved")
    assert titles(other_liaison_user) == []


def test_a_new_action_of_a_workflow_model_notifies_without_a_change_here(
    hutang, hutang_clerk, wujin_user, make_return, monkeypatch
):
    """The lead adds phases to activity returns: any reviewer action with a reason is a return, any other a pass.
    (An action's name is at most 16 characters: TransitionRecord.action; PostgreSQL refuses longer.)"""
    new = Transition(
        sources={"submitted"},
        target="returned",
        who="reviewer",
        needs_reason=True,
        label="退回登记",
        stamps=("decided",),
    )
    monkeypatch.setitem(ActivityReturn.TRANSITIONS, "return_reg", new)
    monkeypatch.setitem(ActivityReturn.DISTRICT_RULES[""], "return_reg", new)  # the registration phase's rules
    activity = make_return(status="submitted", region=hutang, title="戊")
    event_services.transition(activity, "return_reg", wujin_user, reason="登记信息不全")
    notice = Notification.objects.get(recipient=hutang_clerk)
    assert notice.kind == "returned" and "退回登记" in notice.body and "登记信息不全" in notice.body


def test_a_fault_in_the_notifications_never_undoes_the_decision(hutang, wujin_user, make_return, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("notifications.services.notify_transition", broken)
    activity = make_return(status="submitted", region=hutang)
    event_services.transition(activity, "approve", wujin_user)
    activity.refresh_from_db()
    assert activity.status == "forwarded" and not Notification.objects.exists()


def test_an_organisations_and_a_bases_returns_reach_their_contacts(
    wujin, wujin_society, society_contact, wujin_base, base_contact, wujin_user, make_return
):
    org = make_return(status="submitted", region=wujin, organisation=wujin_society, title="学会活动")
    base = make_return(status="submitted", region=wujin, base=wujin_base, title="基地活动")
    event_services.transition(org, "return", wujin_user, reason="补充")
    event_services.transition(base, "approve", wujin_user)
    assert titles(society_contact) == ["活动填报“学会活动”被退回"]
    assert titles(base_contact) == ["活动填报“基地活动”:区级已审核,待市级审核"]
    assert not User.objects.filter(notifications__title="学会活动").exists()
