"""推优: seed 002's conditions for an 优秀活动, the quota, and the wrong side (another district's towns and
activities, a town clerk, a leader, a liaison)."""

import datetime as dt

import pytest
from django.utils import timezone

from assessment import nominations
from assessment.models import AssessmentScheme, Nomination
from common.workflow import InvalidTransition, TransitionNotAllowed

pytestmark = pytest.mark.django_db


def _eligible(make_activity, region, campaign, **fields):
    values = dict(
        campaign=campaign,
        summary_text="活动总结",
        news_links="https://news.example.cn/a",
        video_links="https://video.example.cn/v",
        ends_on=dt.date(2023, 9, 16),
        report_submitted_at=timezone.make_aware(dt.datetime(2023, 9, 26, 10)),
    )
    values.update(fields)
    return make_activity(region, 100, **values)


def test_an_activity_is_eligible_only_with_seed_002s_conditions_and_each_missing_one_is_named(
    wujin, campaign_2023, make_activity
):
    good = _eligible(make_activity, wujin, campaign_2023)
    assert nominations.ineligible_reasons(good) == []  # 9-16 + 10 days = 9-26: on the last day
    late = _eligible(
        make_activity, wujin, campaign_2023, report_submitted_at=timezone.make_aware(dt.datetime(2023, 9, 27, 10))
    )
    assert nominations.ineligible_reasons(late) == [
        "活动总结未在活动结束后 10 日内上传(应在 2023-09-26 前,实际 2023-09-27)。"
    ]
    bare = _eligible(
        make_activity, wujin, campaign_2023, summary_text="", news_links="", video_links="", report_status="forwarded"
    )
    assert nominations.ineligible_reasons(bare) == [
        "活动补充信息尚未通过市级审核。",
        "没有上传活动总结。",
        "没有活动照片或视频链接。",
        "没有新闻报道链接。",
    ]


def test_a_district_nominates_its_own_towns_and_eligible_activities_up_to_the_schemes_quota(
    wujin_user, wujin, hutang, campaign_2023, make_activity, office_user
):
    AssessmentScheme.objects.create(year=2023, name="2023年度考核", assessed="districts", activity_quota=1)
    first = _eligible(make_activity, wujin, campaign_2023)
    n = nominations.nominate(wujin_user, campaign_2023, first, "参与人数多、社会影响大")
    assert (n.kind, n.district, n.status) == ("activity", wujin, "nominated")
    with pytest.raises(InvalidTransition, match="名额为 1 个"):
        nominations.nominate(wujin_user, campaign_2023, _eligible(make_activity, hutang, campaign_2023), "第二个")
    town = nominations.nominate(wujin_user, campaign_2023, hutang, "组织有力")
    assert town.kind == "unit"
    with pytest.raises(InvalidTransition, match="已经推荐过"):
        nominations.nominate(wujin_user, campaign_2023, hutang, "再推一次")
    with pytest.raises(InvalidTransition, match="不符合推优条件"):
        nominations.nominate(
            office_user,
            campaign_2023,
            _eligible(make_activity, wujin, campaign_2023, news_links=""),
            "x",
            district=wujin,
        )
    assert nominations.decide(n, office_user, True).status == "selected"


def test_nobody_nominates_for_another_district_and_only_the_office_decides(
    wujin_user,
    tianning_user,
    hutang_clerk,
    leader_user,
    liaison_user,
    wujin,
    tianning,
    hutang,
    hongmei,
    campaign_2023,
    make_activity,
    office_user,
):
    activity = _eligible(make_activity, wujin, campaign_2023)
    with pytest.raises(TransitionNotAllowed):
        nominations.nominate(tianning_user, campaign_2023, activity, "别区的活动")
    with pytest.raises(TransitionNotAllowed):
        nominations.nominate(tianning_user, campaign_2023, hutang, "别区的镇")
    with pytest.raises(TransitionNotAllowed):
        nominations.nominate(wujin_user, campaign_2023, hongmei, "x", district=tianning)
    for user in (hutang_clerk, leader_user, liaison_user):
        with pytest.raises(TransitionNotAllowed):
            nominations.nominate(user, campaign_2023, activity, "无权推荐")
    assert not Nomination.objects.exists()
    n = nominations.nominate(wujin_user, campaign_2023, activity, "好")
    for user in (wujin_user, leader_user):
        with pytest.raises(TransitionNotAllowed):
            nominations.decide(n, user, True)
    from accounts import scope

    assert not scope.nominations_visible(tianning_user, Nomination.objects.all()).exists()
    assert scope.nominations_visible(wujin_user, Nomination.objects.all()).get() == n
    award = nominations.record_award(
        office_user, year=2023, level="provincial", title="江苏省全国科普日优秀活动", activity=activity, nomination=n
    )
    assert str(award) == "2023 省级 江苏省全国科普日优秀活动"
    with pytest.raises(TransitionNotAllowed):
        nominations.record_award(wujin_user, year=2023, level="national", title="自封")
