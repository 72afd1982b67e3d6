"""draft → submitted → accepted, or returned with a reason; locks, history, stale reviews."""

import pytest
from django.urls import reverse

from common.workflow import ConflictError, workflow_transitioned
from programs.models import UnitReport
from programs.services import periods as period_services
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def seen(report) -> int:
    """The version a reviewer looking at the report now would send."""
    return UnitReport.objects.get(pk=report.pk).version


def _submitted(report, user):
    report.refresh_from_db()
    return report_services.transition_report(report, "submit", user)


# --- every transition by every role ---------------------------------------------------------
@pytest.mark.parametrize(
    "persona, expected",
    [
        ("liaison_user", 200),
        ("office_user", 200),
        ("leader_user", 403),
        ("wujin_user", 404),
        ("other_liaison_user", 404),
        ("tianning_user", 404),
    ],
)
def test_submit_by_each_role(request, api_for, edu_report, persona, expected):
    user = request.getfixturevalue(persona)
    response = api_for(user).post(f"/api/v1/unit-reports/{edu_report.pk}/submit/")
    assert response.status_code == expected
    edu_report.refresh_from_db()
    assert edu_report.status == ("submitted" if expected == 200 else "draft")
    if expected == 200:
        assert edu_report.submitted_by == user and edu_report.first_submitted_at is not None
    if expected == 403:
        assert "无权" in response.json()["detail"]


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("office_user", 200),
        ("liaison_user", 403),
        ("leader_user", 403),
        ("other_liaison_user", 404),
        ("wujin_user", 404),
    ],
)
def test_accept_by_each_role(request, api_for, edu_report, liaison_user, persona, expected):
    _submitted(edu_report, liaison_user)
    user = request.getfixturevalue(persona)
    response = api_for(user).post(f"/api/v1/unit-reports/{edu_report.pk}/accept/", {"version": seen(edu_report)})
    assert response.status_code == expected
    edu_report.refresh_from_db()
    assert edu_report.status == ("accepted" if expected == 200 else "submitted")
    if expected == 200:
        assert edu_report.decided_by == user and edu_report.decided_at is not None


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("office_user", 200),
        ("liaison_user", 403),
        ("leader_user", 403),
        ("other_liaison_user", 404),
    ],
)
def test_return_by_each_role(request, api_for, edu_report, liaison_user, persona, expected):
    _submitted(edu_report, liaison_user)
    user = request.getfixturevalue(persona)
    response = api_for(user).post(
        f"/api/v1/unit-reports/{edu_report.pk}/return/", {"reason": "请补充数据", "version": seen(edu_report)}
    )
    assert response.status_code == expected
    edu_report.refresh_from_db()
    assert edu_report.status == ("returned" if expected == 200 else "submitted")


def test_a_review_through_the_api_must_say_which_version_it_decides_on(api_for, office_user, liaison_user, edu_report):
    _submitted(edu_report, liaison_user)
    response = api_for(office_user).post(f"/api/v1/unit-reports/{edu_report.pk}/accept/")
    assert response.status_code == 400 and "版本号" in response.json()["version"][0]
    edu_report.refresh_from_db()
    assert edu_report.status == "submitted"


def test_return_needs_a_reason(api_for, office_user, liaison_user, edu_report):
    _submitted(edu_report, liaison_user)
    response = api_for(office_user).post(
        f"/api/v1/unit-reports/{edu_report.pk}/return/", {"reason": "  ", "version": seen(edu_report)}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "“退回”必须填写理由。"
    edu_report.refresh_from_db()
    assert edu_report.status == "submitted"


def test_returned_report_keeps_the_reason_and_can_be_fixed_and_resubmitted(
    api_for, office_user, liaison_user, edu_report
):
    _submitted(edu_report, liaison_user)
    api_for(office_user).post(
        f"/api/v1/unit-reports/{edu_report.pk}/return/", {"reason": "缺少科技辅导员人数", "version": seen(edu_report)}
    )
    edu_report.refresh_from_db()
    assert edu_report.status == "returned" and edu_report.return_reason == "缺少科技辅导员人数"
    report_services.save_report(edu_report, liaison_user, summary="已补充")
    response = api_for(liaison_user).post(f"/api/v1/unit-reports/{edu_report.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert [t["action"] for t in response.json()["transitions"]] == ["submit", "return", "submit"]


def test_accept_of_a_draft_is_refused_with_a_message(api_for, office_user, edu_report):
    response = api_for(office_user).post(f"/api/v1/unit-reports/{edu_report.pk}/accept/", {"version": seen(edu_report)})
    assert response.status_code == 400 and "不能执行“通过”" in response.json()["detail"]


# --- locks ---------------------------------------------------------------------------------
def test_accepted_report_is_locked_for_everyone(client_for, api_for, office_user, liaison_user, edu_report):
    _submitted(edu_report, liaison_user)
    report_services.transition_report(edu_report, "accept", office_user)
    edu_report.refresh_from_db()
    for user in (liaison_user, office_user):
        response = api_for(user).patch(f"/api/v1/unit-reports/{edu_report.pk}/", {"summary": "改"}, format="json")
        assert response.status_code == 403
        assert "已审核通过并锁定" in response.json()["detail"]
        page = client_for(user).post(
            reverse("programs:report-edit", args=[edu_report.pk]),
            {"version": edu_report.version, "summary": "改"},
            follow=True,
        )
        assert "已审核通过并锁定" in page.content.decode()
    edu_report.refresh_from_db()
    assert edu_report.summary == "" and edu_report.status == "accepted"
    with pytest.raises(report_services.ReportLocked):
        report_services.save_report(edu_report, office_user, summary="改")


def test_submitted_report_is_locked_for_the_filer(client_for, liaison_user, edu_report):
    _submitted(edu_report, liaison_user)
    edu_report.refresh_from_db()
    response = client_for(liaison_user).get(reverse("programs:report-edit", args=[edu_report.pk]), follow=True)
    assert "正在审核,不能修改" in response.content.decode()
    with pytest.raises(report_services.ReportLocked):
        report_services.save_report(edu_report, liaison_user, summary="改")


def test_closed_period_refuses_liaison_edits_but_office_may_still_enter(edu_report, liaison_user, office_user):
    period_services.set_period_open(edu_report.period, False, office_user)
    edu_report.refresh_from_db()
    with pytest.raises(report_services.ReportLocked, match="已关闭"):
        report_services.save_report(edu_report, liaison_user, summary="迟到")
    report_services.save_report(edu_report, office_user, summary="补录")
    edu_report.refresh_from_db()
    assert edu_report.summary == "补录"


# --- stale reviews and concurrent edits ---------------------------------------------------------
def test_stale_second_review_gets_a_conflict_on_the_page(client_for, office_user, liaison_user, edu_report):
    from accounts.models import User

    _submitted(edu_report, liaison_user)
    edu_report.refresh_from_db()
    seen_version = edu_report.version
    second = User.objects.create_user("office2", role="office", last_name="另一位审核人")
    first = client_for(office_user).post(
        reverse("programs:report-transition", args=[edu_report.pk, "accept"]), {"version": seen_version}
    )
    assert first.status_code == 302
    stale = client_for(second).post(
        reverse("programs:report-transition", args=[edu_report.pk, "return"]),
        {"version": seen_version, "reason": "数据不全"},
    )
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()
    edu_report.refresh_from_db()
    assert edu_report.status == "accepted" and edu_report.return_reason == ""


def test_stale_review_gets_409_in_the_api(api_for, office_user, liaison_user, edu_report):
    _submitted(edu_report, liaison_user)
    edu_report.refresh_from_db()
    version = edu_report.version
    assert (
        api_for(office_user).post(f"/api/v1/unit-reports/{edu_report.pk}/accept/", {"version": version}).status_code
        == 200
    )
    response = api_for(office_user).post(
        f"/api/v1/unit-reports/{edu_report.pk}/return/", {"version": version, "reason": "x"}
    )
    assert response.status_code == 409 and "请刷新页面" in response.json()["detail"]


def test_concurrent_edit_with_an_old_version_is_a_conflict(edu_report, liaison_user, office_user):
    seen = edu_report.version
    report_services.save_report(edu_report, office_user, summary="办公室代填", expected_version=seen)
    with pytest.raises(ConflictError):
        report_services.save_report(edu_report, liaison_user, summary="联络员填写", expected_version=seen)
    edu_report.refresh_from_db()
    assert edu_report.summary == "办公室代填"


# --- history ---------------------------------------------------------------------------------
def test_every_transition_and_change_is_shown_on_the_report_page(
    client_for, leader_user, office_user, liaison_user, edu_report, target
):
    tutors = target("tech_tutors_trained")
    report_services.save_report(edu_report, liaison_user, figures={tutors.pk: "300"})
    report_services.save_report(edu_report, liaison_user, figures={tutors.pk: "342"})
    _submitted(edu_report, liaison_user)
    report_services.transition_report(edu_report, "return", office_user, reason="请附培训名单")
    body = client_for(leader_user).get(reverse("programs:report-detail", args=[edu_report.pk])).content.decode()
    assert "请附培训名单" in body and "已提交 → 已退回" in body and "草稿 → 已提交" in body
    assert "市科协科普部" in body  # who returned it
    assert "数据“培训科技辅导员” = 300人" in body and "数据“培训科技辅导员” = 342人" in body
    assert [(t.action, t.from_status, t.to_status, t.actor) for t in edu_report.transitions.all()] == [
        ("submit", "draft", "submitted", liaison_user),
        ("return", "submitted", "returned", office_user),
    ]
    # the report row: created + two saves (transitions are UPDATEs, kept in the transition log)
    history = edu_report.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.history_user, h.version) for h in history] == [
        ("+", liaison_user, 1),
        ("~", liaison_user, 2),
        ("~", liaison_user, 3),
    ]
    figure_history = [
        (h.history_type, h.value)
        for h in tutors.report_figures.model.history.filter(report_id=edu_report.pk).order_by(
            "history_date", "history_id"
        )
    ]
    assert figure_history == [("+", 300), ("~", 342)]


def test_workflow_signal_is_sent_with_the_transition(
    django_capture_on_commit_callbacks, office_user, liaison_user, edu_report
):
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs["action"], kwargs["to_status"]))

    workflow_transitioned.connect(receiver)
    try:
        _submitted(edu_report, liaison_user)
        with django_capture_on_commit_callbacks(execute=True):
            report_services.transition_report(edu_report, "accept", office_user)
    finally:
        workflow_transitioned.disconnect(receiver)
    assert (UnitReport, "accept", "accepted") in seen
    assert UnitReport.objects.accepted().filter(pk=edu_report.pk).exists()


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_review_on_the_page_without_the_version_seen_is_refused(
    client_for, office_user, liaison_user, edu_report, version
):
    _submitted(edu_report, liaison_user)
    data = {"reason": "数据不全"} if version is None else {"reason": "数据不全", "version": version}
    response = client_for(office_user).post(reverse("programs:report-transition", args=[edu_report.pk, "return"]), data)
    assert response.status_code == 400 and "缺少报告版本号,请刷新页面后再操作" in response.content.decode()
    edu_report.refresh_from_db()
    assert edu_report.status == "submitted" and edu_report.transitions.count() == 1
