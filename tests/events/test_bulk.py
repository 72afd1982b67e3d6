"""Bulk work on activities (issue 12 point 4): select many → submit, submit the report, delete drafts; reviewers
approve or return many with one reason; stale items refused while the others pass; the lists keep their filters."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import ActivityReturn, ActivityReturnTransition
from events.services_bulk import MAX_BULK, BulkItem, BulkRejected, bulk_delete_drafts, bulk_transition

BULK = "/events/bulk/"


def _body(verb, activities, *, report=False, reason="", next_url=None, versions=None):
    data = {"action": verb, "ids": [f"{a.pk}:report" if report else str(a.pk) for a in activities]}
    for a in activities:
        data[f"version_{a.pk}"] = (versions or {}).get(a.pk, a.version)
        data[f"report_version_{a.pk}"] = a.report_version
    if reason:
        data["reason"] = reason
    if next_url is not None:
        data["next"] = next_url
    return data


def _post(client, verb, activities, **kwargs):
    return client.post(BULK, _body(verb, activities, **kwargs))


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _fresh(*activities):
    return [ActivityReturn.objects.filter(pk=a.pk).first() for a in activities]


def test_the_route_is_named_events_bulk():
    assert reverse("events:bulk") == BULK


# --- a clerk's bulk work ---------------------------------------------------------------------------------------
def test_a_clerk_submits_the_registration_of_many_drafts_in_one_request(client_for, hutang_clerk, hutang, make_return):
    drafts = [make_return(hutang, title=f"草稿{i}") for i in range(4)]
    response = _post(client_for(hutang_clerk), "submit", drafts)
    assert response.status_code == 302
    assert [a.status for a in _fresh(*drafts)] == ["submitted"] * 4
    assert "已提交 4 项" in _messages(response)
    assert ActivityReturnTransition.objects.filter(activity__in=drafts, action="submit").count() == 4


def test_bulk_submit_refuses_what_is_already_submitted_and_names_it(client_for, hutang_clerk, hutang, make_return):
    drafts = [make_return(hutang, title=f"草稿{i}") for i in range(4)]
    done = make_return(hutang, status="submitted", report_status="draft", title="早已提交的活动")
    response = _post(client_for(hutang_clerk), "submit", [*drafts, done])
    text = _messages(response)
    assert "已提交 4 项;1 项未处理:“早已提交的活动”" in text and "不能执行" in text
    assert [a.status for a in _fresh(*drafts, done)] == ["submitted"] * 5


def test_a_clerk_submits_the_post_event_report_of_many(client_for, hutang_clerk, hutang, make_return):
    registered = [make_return(hutang, status="submitted", report_status="draft", title=f"活动{i}") for i in range(3)]
    unregistered = make_return(hutang, title="尚未登记的活动")
    response = _post(client_for(hutang_clerk), "submit_report", [*registered, unregistered])
    fresh = _fresh(*registered, unregistered)
    assert [a.report_status for a in fresh] == ["submitted", "submitted", "submitted", "draft"]
    assert [a.status for a in fresh[:3]] == ["submitted"] * 3  # the registration is not touched
    text = _messages(response)
    assert "已提交补充信息 3 项" in text and "“尚未登记的活动”" in text and "请先提交活动登记" in text


def test_a_clerk_deletes_many_drafts_and_a_submitted_one_is_refused_and_kept(
    client_for, hutang_clerk, hutang, make_return
):
    drafts = [make_return(hutang, title=f"重复导入{i}") for i in range(3)]
    submitted = make_return(hutang, status="submitted", title="已提交的活动")
    response = _post(client_for(hutang_clerk), "delete", [*drafts, submitted])
    assert not ActivityReturn.objects.filter(pk__in=[a.pk for a in drafts]).exists()
    assert ActivityReturn.objects.get(pk=submitted.pk).status == "submitted"
    text = _messages(response)
    assert "已删除 3 项;1 项未处理:“已提交的活动”:只能删除草稿" in text


def test_a_stale_item_is_refused_as_a_conflict_while_the_others_pass(client_for, hutang_clerk, hutang, make_return):
    fresh, stale = make_return(hutang, title="新版本"), make_return(hutang, title="旧版本")
    ActivityReturn.objects.filter(pk=stale.pk).update(version=stale.version + 1)  # changed in another tab
    response = _post(client_for(hutang_clerk), "submit", [fresh, stale])
    fresh, stale = _fresh(fresh, stale)
    assert fresh.status == "submitted" and stale.status == "draft"
    text = _messages(response)
    assert "已提交 1 项;1 项未处理:“旧版本”" in text and "旧版本。请刷新页面" in text


def test_a_stale_draft_is_not_deleted(client_for, hutang_clerk, hutang, make_return):
    stale, other = make_return(hutang, title="别处改过"), make_return(hutang, title="可删")
    ActivityReturn.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    text = _messages(_post(client_for(hutang_clerk), "delete", [stale, other]))
    assert (
        ActivityReturn.objects.filter(pk=stale.pk).exists() and not ActivityReturn.objects.filter(pk=other.pk).exists()
    )
    assert "“别处改过”" in text and "旧版本" in text


def test_an_item_without_its_version_is_refused(client_for, hutang_clerk, hutang, make_return):
    activity = make_return(hutang, title="缺版本")
    response = client_for(hutang_clerk).post(BULK, {"action": "submit", "ids": [str(activity.pk)]})
    assert _fresh(activity)[0].status == "draft" and "缺少版本号" in _messages(response)


def test_an_empty_selection_gets_a_message_and_changes_nothing(client_for, hutang_clerk, hutang, make_return):
    activity = make_return(hutang)
    response = client_for(hutang_clerk).post(BULK, {"action": "submit", "next": "/events/?status=draft"})
    assert response.status_code == 302 and response["Location"] == "/events/?status=draft"
    assert "请先勾选要处理的活动" in _messages(response)
    assert _fresh(activity)[0].status == "draft"


def test_more_than_the_cap_is_refused_whole(client_for, hutang_clerk, hutang, make_return):
    activity = make_return(hutang)
    data = {"action": "submit", "ids": [str(activity.pk)] + [str(10_000 + i) for i in range(MAX_BULK)]}
    data[f"version_{activity.pk}"] = activity.version
    response = client_for(hutang_clerk).post(BULK, data)
    assert response.status_code == 302
    assert f"一次最多处理 {MAX_BULK} 项,您选择了 {MAX_BULK + 1} 项" in _messages(response)
    assert _fresh(activity)[0].status == "draft"


def test_the_cap_holds_in_the_service_too(hutang_clerk):
    with pytest.raises(BulkRejected, match="一次最多处理"):
        bulk_transition(hutang_clerk, [BulkItem(i, "submit", 1) for i in range(1, MAX_BULK + 2)])


def test_an_unknown_action_or_a_malformed_id_is_a_message_not_a_500(client_for, hutang_clerk, hutang, make_return):
    activity = make_return(hutang)
    client = client_for(hutang_clerk)
    response = client.post(BULK, {"action": "explode", "ids": [str(activity.pk)]})
    assert response.status_code == 302 and "请选择要执行的批量操作" in _messages(response)
    response = client.post(BULK, {"action": "submit", "ids": ["1e400", "abc"]})
    assert response.status_code == 302 and "编号有误" in _messages(response)
    response = client.post(BULK, {"action": "submit", "ids": [str(activity.pk)], f"version_{activity.pk}": "9" * 40})
    assert response.status_code == 302 and "缺少版本号" in _messages(response)
    assert _fresh(activity)[0].status == "draft"


# --- reviewers: district and city ----------------------------------------------------------------------------
def test_a_district_approves_many_which_forwards_them_to_the_city(client_for, wujin_user, hutang, make_return):
    waiting = [make_return(hutang, status="submitted", report_status="draft", title=f"待审{i}") for i in range(3)]
    response = _post(client_for(wujin_user), "approve", waiting)
    assert [a.status for a in _fresh(*waiting)] == ["forwarded"] * 3
    assert "已审核通过 3 项" in _messages(response)
    assert response["Location"] == reverse("events:review-queue")
    levels = set(ActivityReturnTransition.objects.filter(activity__in=waiting).values_list("level", flat=True))
    assert levels == {"district"}


def test_a_district_returns_many_with_one_reason_recorded_on_each(client_for, wujin_user, hutang, make_return):
    waiting = [make_return(hutang, status="submitted", report_status="draft", title=f"待审{i}") for i in range(3)]
    response = _post(client_for(wujin_user), "return", waiting, reason="请补充活动地点的详细地址")
    assert [a.status for a in _fresh(*waiting)] == ["returned"] * 3
    assert [a.return_reason for a in _fresh(*waiting)] == ["请补充活动地点的详细地址"] * 3
    history = ActivityReturnTransition.objects.filter(activity__in=waiting, action="return")
    assert history.count() == 3
    assert {(t.reason, t.level) for t in history} == {("请补充活动地点的详细地址", "district")}
    assert "已退回 3 项" in _messages(response)


def test_a_bulk_return_without_a_reason_is_refused_whole(client_for, wujin_user, hutang, make_return):
    waiting = [make_return(hutang, status="submitted", report_status="draft") for _ in range(2)]
    response = _post(client_for(wujin_user), "return", waiting, reason="   ")
    assert "必须填写退回理由" in _messages(response)
    assert [a.status for a in _fresh(*waiting)] == ["submitted"] * 2


def test_the_city_approves_many_forwarded_and_district_filed(client_for, office_user, wujin, hutang, make_return):
    forwarded = make_return(hutang, status="forwarded", report_status="draft", title="区级已审")
    own = make_return(wujin, status="submitted", report_status="draft", title="区本级")
    below = make_return(hutang, status="submitted", report_status="draft", title="尚待区级审核")
    response = _post(client_for(office_user), "approve", [forwarded, own, below])
    fresh = _fresh(forwarded, own, below)
    assert [a.status for a in fresh] == ["approved", "approved", "submitted"]
    text = _messages(response)
    assert "已审核通过 2 项;1 项未处理:“尚待区级审核”" in text and "不在您的审核环节" in text
    assert set(
        ActivityReturnTransition.objects.filter(activity__in=fresh[:2], action="approve").values_list(
            "level", flat=True
        )
    ) == {"city"}


def test_the_city_returns_many_with_one_reason_each_in_history(client_for, office_user, wujin, hutang, make_return):
    forwarded = make_return(hutang, status="forwarded", report_status="draft", title="区级已审")
    own = make_return(wujin, status="submitted", report_status="draft", title="区本级")
    _post(client_for(office_user), "return", [forwarded, own], reason="活动类别填写有误")
    forwarded, own = _fresh(forwarded, own)
    assert forwarded.status == "submitted"  # a forwarded return goes back to the district
    assert own.status == "returned"
    history = ActivityReturnTransition.objects.filter(activity__in=[forwarded, own], reason="活动类别填写有误")
    assert {(t.activity_id, t.level) for t in history} == {(forwarded.pk, "city"), (own.pk, "city")}


def test_reviewers_approve_and_return_post_event_reports_in_bulk(
    client_for, wujin_user, office_user, hutang, make_return
):
    reports = [make_return(hutang, status="approved", report_status="submitted", title=f"补充{i}") for i in range(2)]
    _post(client_for(wujin_user), "approve", reports, report=True)
    assert [a.report_status for a in _fresh(*reports)] == ["forwarded"] * 2
    reports = _fresh(*reports)
    _post(client_for(office_user), "approve", reports[:1], report=True)
    _post(client_for(office_user), "return", reports[1:], report=True, reason="缺少活动照片")
    first, second = _fresh(*reports)
    assert first.report_status == "approved" and second.report_status == "submitted"
    assert second.report_return_reason == "缺少活动照片"
    assert [a.status for a in (first, second)] == ["approved", "approved"]


def test_a_stale_review_is_refused_while_the_others_pass(client_for, wujin_user, hutang, make_return):
    a, b = (make_return(hutang, status="submitted", report_status="draft", title=t) for t in ("甲", "乙"))
    response = _post(client_for(wujin_user), "approve", [a, b], versions={b.pk: b.version - 1})
    a, b = _fresh(a, b)
    assert a.status == "forwarded" and b.status == "submitted"
    assert "“乙”" in _messages(response) and "旧版本" in _messages(response)


def test_the_review_queue_offers_checkboxes_per_phase_and_select_all(client_for, wujin_user, hutang, make_return):
    a = make_return(hutang, status="submitted", report_status="draft")
    b = make_return(hutang, status="approved", report_status="submitted")
    page = client_for(wujin_user).get(reverse("events:review-queue")).content.decode()
    assert f'value="{a.pk}" form="bulk-queue"' in page and f'value="{b.pk}:report" form="bulk-queue"' in page
    assert f'name="version_{a.pk}" value="{a.version}"' in page
    assert f'name="report_version_{b.pk}" value="{b.report_version}"' in page
    assert 'data-select-all="bulk-queue"' in page and 'data-testid="bulk-return"' in page


# --- the wrong side ------------------------------------------------------------------------------------------
def test_another_districts_clerk_posting_ids_changes_nothing_and_gets_a_404(
    client_for, hongmei_clerk, tianning_user, hutang, make_return
):
    drafts = [make_return(hutang, title="泄露检查·湖塘") for _ in range(2)]
    waiting = make_return(hutang, status="submitted", report_status="draft", title="泄露检查·湖塘待审")
    for client, verb, items, extra in (
        (client_for(hongmei_clerk), "submit", drafts, {}),
        (client_for(hongmei_clerk), "delete", drafts, {}),
        (client_for(tianning_user), "approve", [waiting], {}),
        (client_for(tianning_user), "return", [waiting], {"reason": "越权"}),
    ):
        response = _post(client, verb, items, **extra)
        assert response.status_code == 404
        assert "泄露检查" not in response.content.decode() and "不在您的范围内" in response.content.decode()
    assert [a.status for a in _fresh(*drafts, waiting)] == ["draft", "draft", "submitted"]


def test_mixed_own_and_foreign_ids_act_on_the_own_and_refuse_the_foreign_one_by_one(
    client_for, hongmei_clerk, hongmei, hutang, make_return
):
    mine = make_return(hongmei, title="红梅的活动")
    theirs = make_return(hutang, title="泄露检查·湖塘")
    response = _post(client_for(hongmei_clerk), "submit", [mine, theirs])
    assert response.status_code == 302
    text = _messages(response)
    assert "已提交 1 项;1 项未处理" in text and f"编号 {theirs.pk}" in text and "泄露检查" not in text
    assert [a.status for a in _fresh(mine, theirs)] == ["submitted", "draft"]


def test_a_district_cannot_submit_or_delete_its_towns_drafts_in_bulk(client_for, wujin_user, hutang, make_return):
    drafts = [make_return(hutang) for _ in range(2)]
    text = _messages(_post(client_for(wujin_user), "submit", drafts)) + _messages(
        _post(client_for(wujin_user), "delete", drafts)
    )
    assert "无权" in text or "只能删除本区域" in text
    assert [a.status for a in _fresh(*drafts)] == ["draft", "draft"]


@pytest.mark.parametrize("persona", ["leader_user", "base_contact", "hutang_clerk"])
def test_a_leader_a_base_contact_and_a_filer_cannot_review_in_bulk(persona, request, client_for, hutang, make_return):
    waiting = [make_return(hutang, status="submitted", report_status="draft") for _ in range(2)]
    drafts = [make_return(hutang) for _ in range(2)]
    client = client_for(request.getfixturevalue(persona))
    for verb, items in (("approve", waiting), ("return", waiting), ("submit", drafts), ("delete", drafts)):
        if persona == "hutang_clerk" and verb in ("submit", "delete"):
            continue  # its own drafts: the clerk's to submit and delete
        response = _post(client, verb, items, reason="越权")
        assert response.status_code in (302, 404)
    assert [a.status for a in _fresh(*waiting)] == ["submitted", "submitted"]
    assert [a.status for a in _fresh(*drafts)] == ["draft", "draft"]


def test_a_leader_is_told_why_per_item(client_for, leader_user, hutang, make_return):
    waiting = make_return(hutang, status="submitted", report_status="draft", title="待审活动")
    text = _messages(_post(client_for(leader_user), "approve", [waiting]))
    assert "1 项未处理:“待审活动”:您无权执行" in text


def test_anonymous_visitors_go_to_login_and_change_nothing(client, hutang, make_return):
    draft = make_return(hutang)
    response = _post(client, "submit", [draft])
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert _fresh(draft)[0].status == "draft"


def test_the_service_refuses_what_the_user_may_not_see(hongmei_clerk, hutang, make_return):
    draft = make_return(hutang)
    result = bulk_delete_drafts(hongmei_clerk, [BulkItem(draft.pk, "delete", draft.version)])
    assert result.none_found and ActivityReturn.objects.filter(pk=draft.pk).exists()


# --- the lists keep their filters ----------------------------------------------------------------------------
def test_a_bulk_action_goes_back_to_the_list_with_its_query_string(
    client_for, hutang_clerk, hutang, make_return, science_day
):
    drafts = [make_return(hutang, campaign=science_day) for _ in range(2)]
    back = f"/events/?status=draft&campaign={science_day.pk}&q=%E7%A7%91%E6%99%AE&page=1"
    response = _post(client_for(hutang_clerk), "submit", drafts, next_url=back)
    assert response.status_code == 302 and response["Location"] == back


def test_the_review_queue_keeps_its_campaign_filter_after_a_bulk_action(
    client_for, wujin_user, hutang, make_return, science_day
):
    waiting = [make_return(hutang, status="submitted", report_status="draft", campaign=science_day)]
    back = f"/events/review/?campaign={science_day.pk}"
    response = _post(client_for(wujin_user), "approve", waiting, next_url=back)
    assert response["Location"] == back


@pytest.mark.parametrize(
    "evil",
    ["https://evil.example/", "//evil.example/events/", "///evil.example", "javascript:alert(1)", "\\\\evil.example"],
)
def test_an_open_redirect_is_refused(evil, client_for, hutang_clerk, hutang, make_return):
    draft = make_return(hutang)
    client = client_for(hutang_clerk)
    response = _post(client, "submit", [draft], next_url=evil)
    assert response.status_code == 302 and response["Location"] == reverse("events:list")
    other = make_return(hutang)
    response = client.post(reverse("events:delete", args=[other.pk]), {"next": evil})
    assert response.status_code == 302 and response["Location"] == reverse("events:list")


def test_a_single_delete_goes_back_to_the_filtered_list(client_for, hutang_clerk, hutang, make_return):
    draft = make_return(hutang)
    back = "/events/?status=draft&q=%E9%87%8D%E5%A4%8D"
    response = client_for(hutang_clerk).post(reverse("events:delete", args=[draft.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not ActivityReturn.objects.filter(pk=draft.pk).exists()


def test_a_single_transition_goes_back_to_the_filtered_queue(client_for, wujin_user, hutang, make_return):
    waiting = make_return(hutang, status="submitted", report_status="draft")
    back = "/events/review/?campaign=7"
    response = client_for(wujin_user).post(
        reverse("events:transition", args=[waiting.pk]), {"action": "approve", "version": waiting.version, "next": back}
    )
    assert response["Location"] == back and _fresh(waiting)[0].status == "forwarded"


def test_the_list_links_to_the_detail_with_the_list_url_and_the_detail_carries_it(
    client_for, hutang_clerk, hutang, make_return
):
    draft = make_return(hutang)
    client = client_for(hutang_clerk)
    page = client.get("/events/?status=draft").content.decode()
    link = f"/events/{draft.pk}/?next={quote('/events/?status=draft', safe='')}"
    assert link in page
    detail = client.get(link).content.decode()
    assert 'name="next" value="/events/?status=draft"' in detail  # the delete form goes back to the filtered list
    assert 'href="/events/?status=draft" data-testid="back-to-list"' in detail
    evil = client.get(f"/events/{draft.pk}/?next=https://evil.example/").content.decode()
    assert 'href="/events/" data-testid="back-to-list"' in evil
    assert 'name="next" value="https://evil.example/"><button' not in evil


def test_the_list_pagination_and_the_bulk_form_keep_the_filters(client_for, hutang_clerk, hutang, make_return):
    for i in range(31):
        make_return(hutang, title=f"活动{i}")
    page = client_for(hutang_clerk).get("/events/?status=draft").content.decode()
    assert 'href="?status=draft&page=2"' in page
    assert 'name="next" value="/events/?status=draft"' in page


# --- the list at 390 px: cards, checkboxes still there ----------------------------------------------------------
def test_the_activity_list_is_a_card_table_with_labelled_cells_and_checkboxes(
    client_for, hutang_clerk, hutang, make_return
):
    draft = make_return(hutang)
    page = client_for(hutang_clerk).get(reverse("events:list")).content.decode()
    assert 'table-cards" data-testid="activity-table"' in page
    for label in ("选择", "活动名称", "专项", "区域/单位", "类别", "日期", "参与人次", "状态"):
        assert f'data-label="{label}"' in page
    assert f'name="ids" value="{draft.pk}" form="bulk-list"' in page
    assert f'name="version_{draft.pk}" value="{draft.version}" form="bulk-list"' in page
    assert 'data-select-all="bulk-list"' in page


def test_a_leader_gets_no_bulk_form_on_the_list(client_for, leader_user, hutang, make_return):
    make_return(hutang)
    page = client_for(leader_user).get(reverse("events:list")).content.decode()
    assert 'id="bulk-list"' not in page and 'name="ids"' not in page
