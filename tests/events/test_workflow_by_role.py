"""Every transition by every role, through the service, the page and the API."""

import pytest
from django.urls import reverse

from common.workflow import InvalidTransition, TransitionNotAllowed, workflow_transitioned
from events import services
from events.models import ActivityReturn

pytestmark = pytest.mark.django_db


def test_district_submits_its_draft_and_the_submission_is_stamped(wujin_user, wujin, make_return):
    activity = make_return(wujin)
    services.transition(activity, "submit", wujin_user)
    activity.refresh_from_db()
    assert activity.status == "submitted" and activity.submitted_by == wujin_user and activity.submitted_at
    assert activity.version == 2


def test_office_approves_and_the_decision_is_stamped_and_logged(office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    services.transition(activity, "approve", office_user)
    activity.refresh_from_db()
    assert activity.status == "approved" and activity.decided_by == office_user
    log = list(activity.transitions.values_list("action", "from_status", "to_status", "actor__username"))
    assert log == [("approve", "submitted", "approved", "office1")]


def test_office_returns_with_a_reason_and_the_district_resubmits(office_user, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    services.transition(activity, "return", office_user, reason="请补充活动照片和参与人数")
    activity.refresh_from_db()
    assert activity.status == "returned" and activity.return_reason == "请补充活动照片和参与人数"
    services.transition(activity, "submit", wujin_user)
    activity.refresh_from_db()
    assert activity.status == "submitted"
    assert [t.action for t in activity.transitions.all()] == ["return", "submit"]


def test_return_without_a_reason_is_refused(office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    with pytest.raises(InvalidTransition, match="必须填写理由"):
        services.transition(activity, "return", office_user, reason="   ")
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


def test_office_reopens_an_approved_return_with_a_reason(office_user, wujin, make_return):
    activity = make_return(wujin, status="approved")
    with pytest.raises(InvalidTransition):
        services.transition(activity, "reopen", office_user)
    services.transition(activity, "reopen", office_user, reason="参与人数与新闻报道不符")
    activity.refresh_from_db()
    assert activity.status == "returned" and activity.return_reason == "参与人数与新闻报道不符"


def test_a_district_can_never_approve_or_return_its_own_return(wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    for action in ("approve", "return", "reopen"):
        with pytest.raises(TransitionNotAllowed):
            services.transition(activity, action, wujin_user, reason="x")
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


@pytest.mark.parametrize("persona", ["leader_user", "tianning_user", "liaison_user"])
def test_other_roles_cannot_submit_a_wujin_return(persona, request, wujin, make_return):
    activity = make_return(wujin)
    with pytest.raises(TransitionNotAllowed):
        services.transition(activity, "submit", request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", ["leader_user", "liaison_user", "tianning_user"])
def test_only_office_staff_review(persona, request, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    with pytest.raises(TransitionNotAllowed):
        services.transition(activity, "approve", request.getfixturevalue(persona))


def test_a_liaison_files_for_its_unit_only(liaison_user, other_liaison_user, make_return):
    activity = make_return(unit=liaison_user.unit)
    with pytest.raises(TransitionNotAllowed):
        services.transition(activity, "submit", other_liaison_user)
    services.transition(activity, "submit", liaison_user)
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


def test_office_may_submit_on_behalf_of_a_district(office_user, wujin, make_return):
    activity = make_return(wujin)
    services.transition(activity, "submit", office_user)
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


def test_an_approved_return_cannot_be_approved_again(office_user, wujin, make_return):
    activity = make_return(wujin, status="approved")
    with pytest.raises(InvalidTransition, match="不能执行"):
        services.transition(activity, "approve", office_user)


def test_approval_sends_the_workflow_signal(office_user, wujin, make_return, django_capture_on_commit_callbacks):
    received = []

    def handler(sender, **kwargs):
        received.append((sender, kwargs["action"], kwargs["to_status"]))

    workflow_transitioned.connect(handler)
    try:
        activity = make_return(wujin, status="submitted")
        with django_capture_on_commit_callbacks(execute=True):
            services.transition(activity, "approve", office_user)
    finally:
        workflow_transitioned.disconnect(handler)
    assert received == [(ActivityReturn, "approve", "approved")]


# --- through the pages ------------------------------------------------------------------------
def _post(client, activity, action, reason="", version=None):
    return client.post(
        reverse("events:transition", args=[activity.pk]),
        {"action": action, "reason": reason, "version": version or activity.version},
        follow=True,
    )


def test_the_full_loop_through_the_pages(client_for, wujin_user, office_user, wujin, make_return):
    activity = make_return(wujin)
    district, office = client_for(wujin_user), client_for(office_user)
    _post(district, activity, "submit")
    activity.refresh_from_db()
    assert activity.status == "submitted"
    body = _post(office, activity, "return", reason="缺少新闻报道链接").content.decode()
    assert "已退回" in body
    activity.refresh_from_db()
    page = district.get(reverse("events:detail", args=[activity.pk])).content.decode()
    assert "缺少新闻报道链接" in page and 'data-testid="submit"' in page
    _post(district, activity, "submit")
    activity.refresh_from_db()
    _post(office, activity, "approve")
    activity.refresh_from_db()
    assert activity.status == "approved"
    page = office.get(reverse("events:detail", args=[activity.pk])).content.decode()
    for text in ("武进区科协", "市科协科普部", "缺少新闻报道链接", "通过", "退回", "提交"):
        assert text in page


def test_a_district_posting_approve_on_the_page_is_refused(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    body = _post(client_for(wujin_user), activity, "approve").content.decode()
    assert "您无权执行“通过”操作" in body
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


def test_a_leader_sees_no_action_buttons_and_cannot_post_one(client_for, leader_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    client = client_for(leader_user)
    page = client.get(reverse("events:detail", args=[activity.pk])).content.decode()
    assert 'data-testid="approve"' not in page and 'data-testid="edit"' not in page
    _post(client, activity, "approve")
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"
    assert client.get(reverse("events:create")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    for url in (reverse("events:list"), reverse("events:detail", args=[activity.pk]), reverse("events:review-queue")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    client.post(reverse("events:transition", args=[activity.pk]), {"action": "approve", "version": 1})
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"


# --- through the API ----------------------------------------------------------------------------
def test_the_full_loop_through_the_api(api_for, wujin_user, office_user, wujin, make_return):
    activity = make_return(wujin)
    district, office = api_for(wujin_user), api_for(office_user)
    url = f"/api/v1/activities/{activity.pk}/"
    submitted = district.post(url + "submit/").json()  # the filer's own record: no version needed
    assert submitted["status"] == "submitted"
    unversioned = office.post(url + "approve/", {}, format="json")  # a decision names the version it saw
    assert unversioned.status_code == 400 and "版本号" in unversioned.json()["version"][0]
    refused = office.post(url + "return/", {"version": submitted["version"]}, format="json")
    assert refused.status_code == 400 and "必须填写理由" in refused.json()["detail"]
    returned = office.post(
        url + "return/", {"reason": "活动时间填写有误", "version": submitted["version"]}, format="json"
    ).json()
    assert returned["status"] == "returned" and returned["return_reason"] == "活动时间填写有误"
    resubmitted = district.post(url + "submit/").json()
    approved = office.post(url + "approve/", {"version": resubmitted["version"]}, format="json").json()
    assert approved["status"] == "approved"
    assert [t["action"] for t in approved["transitions"]] == ["submit", "return", "submit", "approve"]
    reopened = office.post(url + "reopen/", {"reason": "数据核实", "version": approved["version"]}, format="json")
    assert reopened.json()["status"] == "returned"


def test_a_district_approving_through_the_api_gets_403(api_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    response = api_for(wujin_user).post(f"/api/v1/activities/{activity.pk}/approve/")
    assert response.status_code == 403 and "无权" in response.json()["detail"]


def test_a_leader_reads_but_every_write_is_403(api_for, leader_user, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    api = api_for(leader_user)
    assert api.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert api.post(f"/api/v1/activities/{activity.pk}/approve/").status_code == 403
    assert api.patch(f"/api/v1/activities/{activity.pk}/", {"title": "x"}, format="json").status_code == 403
    created = api.post(
        "/api/v1/activities/",
        {"title": "x", "region": "320412", "starts_on": "2025-09-16", "ends_on": "2025-09-16"},
        format="json",
    )
    assert created.status_code == 403
    assert api.post("/api/v1/campaigns/", {"name": "x"}, format="json").status_code == 403


def test_anonymous_api_calls_are_refused(api_for, wujin, make_return):
    activity = make_return(wujin, status="submitted")
    assert api_for(None).get("/api/v1/activities/").status_code in (401, 403)
    assert api_for(None).post(f"/api/v1/activities/{activity.pk}/approve/").status_code in (401, 403)
    assert ActivityReturn.objects.get(pk=activity.pk).status == "submitted"
