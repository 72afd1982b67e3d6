"""A round from opening to publication through the services: compute, claim, review, finalise, publish, correct;
the recomputation check; the wrong side of every rule."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import services
from assessment.models import AssessmentRound, Result, Revision, Score
from common.workflow import ConflictError, InvalidTransition, TransitionNotAllowed, apply_transition

from .conftest import score_of

pytestmark = pytest.mark.django_db(transaction=False)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_opening_creates_a_score_per_party_and_item_and_computes_the_computed_items(
    scheme, office_user, wujin, tianning, make_activity, django_capture_on_commit_callbacks, in_process
):
    make_activity(wujin, 500)
    make_activity(tianning, 1500)
    with django_capture_on_commit_callbacks(execute=True):  # the Celery task runs in-process on commit
        round_ = services.open_round(scheme, office_user)
    round_.refresh_from_db()
    assert round_.status == "open" and round_.computed_at is not None
    assert Score.objects.filter(round=round_).count() == 7 * 3  # 7 districts × 3 items
    assert (score_of(round_, wujin, 1).computed_value, score_of(round_, wujin, 1).points) == (D(500), D("20.00"))
    assert score_of(round_, tianning, 1).points == D("40.00")  # 1,500 of 1,000: capped at 40
    assert round_.transitions.get().actor == office_user


def test_a_changed_approval_changes_the_computed_item_after_the_job(
    opened, office_user, wujin, make_activity, django_capture_on_commit_callbacks, in_process
):
    assert score_of(opened, wujin, 1).points == D("0.00")
    pending = make_activity(wujin, 250, report_status="submitted")
    with django_capture_on_commit_callbacks(execute=True):  # the city approves: the job recomputes the round
        apply_transition(pending, "approve_report", office_user)
    score = score_of(opened, wujin, 1)
    assert (score.computed_value, score.points) == (D(250), D("10.00"))  # 250/1000 × 40
    apply_transition(pending, "reopen_report", office_user, reason="人数有误")
    assert score_of(opened, wujin, 1).points == D("10.00")  # stored until the job runs
    from assessment.tasks import compute_round_task

    assert compute_round_task.delay(opened.pk).get() == 1
    assert score_of(opened, wujin, 1).points == D("0.00")


def test_the_recomputation_check_reports_a_tampered_score_and_a_recompute_mends_it(opened, wujin, make_activity):
    make_activity(wujin, 400)
    services.compute_round(opened.pk)
    assert services.check_round(opened) == []
    Score.objects.filter(pk=score_of(opened, wujin, 1).pk).update(points=D("39.00"))
    differences = services.check_round(opened)
    assert len(differences) == 1
    d = differences[0]
    assert (d.stored_points, d.fresh_points, d.fresh_value) == (D("39.00"), D("16.00"), D(400))
    assert "武进区" in str(d)
    assert services.compute_round(opened.pk) == 1
    assert services.check_round(opened) == []


def test_the_whole_round_claim_review_finalise_publish_and_a_recorded_correction(
    opened, office_user, wujin_user, wujin, tianning, make_activity
):
    make_activity(wujin, 1000)
    services.compute_round(opened.pk)
    claim = services.claim(
        score_of(opened, wujin, 2),
        wujin_user,
        "28",
        "领导小组会议纪要、年度工作要点",
        files=[SimpleUploadedFile("纪要.pdf", PDF)],
    )
    assert claim.status == "claimed" and claim.files.get().kind == "pdf"
    adjusted = services.review_score(
        claim, office_user, "adjust", points="25", reason="会议纪要缺少第四季度", expected_version=claim.version
    )
    assert (adjusted.reviewed_points, adjusted.status, adjusted.reason) == (D(25), "adjusted", "会议纪要缺少第四季度")
    round_ = services.advance_round(opened, "start_review", office_user)
    with pytest.raises(InvalidTransition, match="未审核或未评分"):
        services.advance_round(round_, "finalise", office_user)  # the office items are not scored yet
    for region in (wujin, tianning):
        services.review_score(score_of(opened, region, 3), office_user, "score", points="28", reason="创新做法")
    from programs.models import Region

    for other in Region.objects.districts().exclude(pk__in=[wujin.pk, tianning.pk]):
        services.review_score(score_of(opened, other, 3), office_user, "score", points="10", reason="一般")
    round_ = services.advance_round(round_, "finalise", office_user)
    top = Result.objects.get(round=round_, region=wujin)
    assert (top.total, top.rank, top.grade) == (D("93.00"), 1, "excellent")  # 40 + 25 + 28
    second = Result.objects.get(round=round_, region=tianning)
    assert (second.total, second.rank, second.grade) == (D("28.00"), 2, "fail")
    assert Result.objects.filter(round=round_, rank=3).count() == 5  # five tie at 10 points: all third
    round_ = services.advance_round(round_, "publish", office_user)
    assert round_.status == "published" and round_.published_at is not None
    with pytest.raises(TransitionNotAllowed, match="不能再修改"):
        services.review_score(score_of(round_, wujin, 2), office_user, "adjust", points="30", reason="再改")
    revision = services.correct_published_score(score_of(round_, wujin, 2), office_user, "20", "复核发现材料不全")
    assert (revision.old_points, revision.new_points, revision.old_total, revision.new_total) == (
        D(25),
        D(20),
        D("93.00"),
        D("88.00"),
    )
    assert Result.objects.get(round=round_, region=wujin).grade == "good"
    assert Revision.objects.filter(round=round_).count() == 1
    assert [t.action for t in round_.transitions.all()] == ["open", "start_self", "start_review", "finalise", "publish"]


def test_claims_are_bounded_explained_and_within_the_window(opened, wujin_user, wujin):
    score = score_of(opened, wujin, 2)
    with pytest.raises(InvalidTransition, match="0 到该项满分 30"):
        services.claim(score, wujin_user, "31", "说明")
    with pytest.raises(InvalidTransition, match="不是数字"):
        services.claim(score, wujin_user, "三十", "说明")
    with pytest.raises(InvalidTransition, match="自评说明"):
        services.claim(score, wujin_user, "20", "  ")
    with pytest.raises(InvalidTransition, match="不是自评项目"):
        services.claim(score_of(opened, wujin, 1), wujin_user, "20", "说明")
    with pytest.raises(InvalidTransition, match="文件类型不被接受"):
        services.claim(score, wujin_user, "20", "说明", files=[SimpleUploadedFile("a.pdf", b"MZ not a pdf")])
    AssessmentRound.objects.filter(pk=opened.pk).update(self_closes_on=dt.date(2024, 1, 31))
    opened.refresh_from_db()
    with pytest.raises(InvalidTransition, match="不在自评时间内"):
        services.claim(score, wujin_user, "20", "说明", today=dt.date(2024, 2, 1))
    assert Score.objects.get(pk=score.pk).status == "pending"  # nothing saved by any refusal


# --- the wrong side ---------------------------------------------------------------------------------------------
def test_a_district_sees_only_its_own_scores_and_claims_before_publication(
    opened, wujin_user, tianning_user, wujin, tianning
):
    from assessment.querysets import results_for, scores_for

    services.claim(score_of(opened, wujin, 2), wujin_user, "28", "武进区的佐证")
    assert {s.region_id for s in scores_for(tianning_user, opened)} == {tianning.pk}
    assert not scores_for(tianning_user).filter(region=wujin).exists()
    assert not results_for(tianning_user, opened).exists()


def test_after_publication_every_district_sees_the_ranking_but_never_anothers_sheet(
    opened, office_user, wujin_user, tianning_user, leader_user, liaison_user, wujin, tianning
):
    from assessment.querysets import results_for, rounds_for, scores_for

    round_ = services.advance_round(opened, "start_review", office_user)
    for score in Score.objects.filter(round=round_, item__method="office"):
        services.review_score(score, office_user, "score", points="10", reason="一般")
    round_ = services.advance_round(round_, "finalise", office_user)
    assert [r.region_id for r in results_for(tianning_user, round_)] == [tianning.pk]  # finalised: its own only
    round_ = services.advance_round(round_, "publish", office_user)
    assert results_for(tianning_user, round_).count() == 7
    assert results_for(leader_user, round_).count() == 7
    assert not scores_for(tianning_user).filter(region=wujin).exists()
    assert not rounds_for(liaison_user).exists()  # a districts round is not a member unit's
    assert not results_for(liaison_user, round_).exists()


def test_nobody_claims_for_another_party(opened, tianning_user, liaison_user, leader_user, wujin, office_user):
    score = score_of(opened, wujin, 2)
    for user in (tianning_user, liaison_user, leader_user):
        with pytest.raises(TransitionNotAllowed, match="只能为本单位"):
            services.claim(score, user, "10", "越权自评")
    assert Score.objects.get(pk=score.pk).status == "pending"
    services.claim(score, office_user, "10", "办公室代为录入")  # the office may enter on a party's behalf


def test_a_liaison_cannot_claim_for_another_unit(office_user, liaison_user, other_liaison_user):
    from assessment.models import AssessmentItem, AssessmentScheme

    s = AssessmentScheme.objects.create(year=2023, name="2023年度成员单位考核", assessed="units")
    AssessmentItem.objects.create(scheme=s, order=1, title="任务落实", max_points=D(50), method="self")
    round_ = services.advance_round(services.open_round(s, office_user), "start_self", office_user)
    theirs = Score.objects.get(round=round_, unit=other_liaison_user.unit)
    with pytest.raises(TransitionNotAllowed):
        services.claim(theirs, liaison_user, "50", "越权")
    mine = services.claim(Score.objects.get(round=round_, unit=liaison_user.unit), liaison_user, "45", "材料")
    assert mine.status == "claimed"


def test_only_the_office_steps_rounds_reviews_and_copies_schemes(opened, wujin_user, leader_user, wujin, scheme):
    score = score_of(opened, wujin, 3)
    for user in (wujin_user, leader_user):
        with pytest.raises(TransitionNotAllowed):
            services.review_score(score, user, "score", points="30", reason="自己打分")
        with pytest.raises(TransitionNotAllowed):
            services.advance_round(opened, "start_review", user)
        with pytest.raises(TransitionNotAllowed):
            services.copy_scheme(scheme, 2024, user)
    assert Score.objects.get(pk=score.pk).reviewed_points is None


def test_a_stale_version_is_a_conflict(opened, office_user, wujin_user, wujin):
    score = services.claim(score_of(opened, wujin, 2), wujin_user, "20", "材料")
    services.review_score(score, office_user, "accept", expected_version=score.version)
    with pytest.raises(ConflictError):
        services.review_score(score, office_user, "adjust", points="10", reason="x", expected_version=score.version)


def test_nobody_changes_a_published_result_except_by_a_recorded_correction(opened, office_user, wujin_user, wujin):
    round_ = services.advance_round(opened, "start_review", office_user)
    for score in Score.objects.filter(round=round_, item__method="office"):
        services.review_score(score, office_user, "score", points="10", reason="一般")
    round_ = services.advance_round(services.advance_round(round_, "finalise", office_user), "publish", office_user)
    score = score_of(round_, wujin, 3)
    with pytest.raises(TransitionNotAllowed):
        services.claim(score_of(round_, wujin, 2), wujin_user, "30", "公布后自评")
    with pytest.raises(TransitionNotAllowed):
        services.correct_published_score(score, wujin_user, "30", "自己改")
    with pytest.raises(InvalidTransition, match="理由"):
        services.correct_published_score(score, office_user, "30", "")
    assert services.compute_round(round_.pk) == 0  # a published round is never recomputed
    with pytest.raises(InvalidTransition):
        services.advance_round(round_, "reopen_review", office_user, reason="重新审核")
    assert Score.objects.get(pk=score.pk).reviewed_points == D(10)


def test_copying_last_years_scheme_copies_its_items(scheme, office_user):
    copy = services.copy_scheme(scheme, 2024, office_user)
    assert copy.name == "2024年度辖市(区)全民科学素质工作考核" and copy.copied_from == scheme
    assert [(i.title, i.max_points, i.method, i.params) for i in copy.items.all()] == [
        (i.title, i.max_points, i.method, i.params) for i in scheme.items.all()
    ]
    with pytest.raises(InvalidTransition, match="已有名为"):
        services.copy_scheme(scheme, 2024, office_user)
