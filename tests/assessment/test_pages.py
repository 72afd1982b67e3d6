"""The assessment pages and exports, each from the wrong side too: another district, a liaison, a leader, an
anonymous visitor; bad input is a Chinese message, never a 500."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services
from assessment.models import AssessmentItem, Score

from .conftest import score_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = "武进区自评佐证·会议纪要"


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _claimed(opened, wujin_user, wujin):
    c = client_for(wujin_user)
    score = score_of(opened, wujin, 2)
    response = c.post(
        reverse("assessment:claim", args=[score.pk]),
        {
            "points": "28",
            "evidence": SECRET,
            "version": score.version,
            "file": SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    return Score.objects.get(pk=score.pk)


def _publish(round_, office_user):
    round_ = services.advance_round(round_, "start_review", office_user)
    for score in Score.objects.filter(round=round_, status="claimed"):
        services.review_score(score, office_user, "accept")
    for score in Score.objects.filter(round=round_, item__method="office"):
        services.review_score(score, office_user, "score", points="10", reason="一般")
    return services.advance_round(services.advance_round(round_, "finalise", office_user), "publish", office_user)


def test_a_district_claims_on_its_page_with_a_file_and_sees_its_own_sheet(opened, wujin_user, wujin):
    page = client_for(wujin_user).get(reverse("assessment:round-detail", args=[opened.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "提交自评" in html and "天宁区" not in html
    score = _claimed(opened, wujin_user, wujin)
    assert (score.status, score.claimed_points, score.evidence) == ("claimed", D(28), SECRET)
    evidence = score.files.get()
    assert client_for(wujin_user).get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 200
    sheet = client_for(wujin_user).get(reverse("assessment:sheet", args=[opened.pk, f"region-{wujin.pk}"]))
    assert sheet.status_code == 200 and SECRET in sheet.content.decode()


def test_another_district_reads_nothing_of_wujin_before_publication_and_cannot_claim_for_it(
    opened, wujin_user, tianning_user, wujin
):
    score = _claimed(opened, wujin_user, wujin)
    c = client_for(tianning_user)
    page = c.get(reverse("assessment:round-detail", args=[opened.pk])).content.decode()
    assert SECRET not in page and "武进区" not in page
    assert c.get(reverse("assessment:sheet", args=[opened.pk, f"region-{wujin.pk}"])).status_code == 404
    assert c.get(reverse("assessment:sheet-xlsx", args=[opened.pk, f"region-{wujin.pk}"])).status_code == 404
    assert c.get(reverse("assessment:evidence", args=[score.files.get().pk])).status_code == 404
    results = c.get(reverse("assessment:results", args=[opened.pk])).content.decode()
    assert "武进区" not in results
    workbook = c.get(reverse("assessment:results-xlsx", args=[opened.pk]))
    cells = " ".join(
        str(v)
        for ws in load_workbook(io.BytesIO(workbook.content))
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    assert "天宁区" in cells and "武进区" not in cells and SECRET not in cells
    response = c.post(reverse("assessment:claim", args=[score.pk]), {"points": "1", "evidence": "越权"})
    assert response.status_code == 404
    assert Score.objects.get(pk=score.pk).evidence == SECRET


def test_liaisons_leaders_and_visitors_are_kept_to_their_side(opened, wujin_user, liaison_user, leader_user, wujin):
    score = _claimed(opened, wujin_user, wujin)
    detail = reverse("assessment:round-detail", args=[opened.pk])
    assert client_for(liaison_user).get(detail).status_code == 404  # a districts round is not a unit's
    assert (
        client_for(liaison_user)
        .post(reverse("assessment:claim", args=[score.pk]), {"points": "1", "evidence": "x"})
        .status_code
        == 404
    )
    leader = client_for(leader_user).get(detail)
    assert leader.status_code == 200 and SECRET in leader.content.decode()  # leaders read everything
    assert "保存审核" not in leader.content.decode() and "提交自评" not in leader.content.decode()
    for user in (leader_user, wujin_user):
        review = client_for(user).post(
            reverse("assessment:review", args=[score.pk]), {"action": "adjust", "points": "30", "reason": "自己改"}
        )
        assert review.status_code == 403
        assert (
            client_for(user)
            .post(reverse("assessment:round-advance", args=[opened.pk]), {"action": "start_review"})
            .status_code
            == 403
        )
    assert Score.objects.get(pk=score.pk).reviewed_points is None
    anonymous = client_for(None).get(detail)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_office_reviews_on_the_round_page_and_after_publication_everyone_sees_the_ranking_only(
    opened, office_user, wujin_user, tianning_user, wujin, tianning
):
    score = _claimed(opened, wujin_user, wujin)
    office = client_for(office_user)
    page = office.get(reverse("assessment:round-detail", args=[opened.pk])).content.decode()
    assert SECRET in page and "天宁区" in page and "保存审核" in page
    office.post(
        reverse("assessment:review", args=[score.pk]),
        {"action": "adjust", "points": "24", "reason": "缺少第四季度纪要", "version": score.version},
    )
    assert Score.objects.get(pk=score.pk).reviewed_points == D(24)
    round_ = _publish(opened, office_user)
    results = client_for(tianning_user).get(reverse("assessment:results", args=[round_.pk])).content.decode()
    assert "武进区" in results and "天宁区" in results  # the published ranking
    assert SECRET not in results
    assert (
        client_for(tianning_user).get(reverse("assessment:sheet", args=[round_.pk, f"region-{wujin.pk}"])).status_code
        == 404
    )
    whole = office.get(reverse("assessment:results-xlsx", args=[round_.pk]))
    book = load_workbook(io.BytesIO(whole.content))
    assert book.sheetnames[0] == "排名" and "武进区" in book.sheetnames
    rows = list(book["武进区"].iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "考核内容", "分值")
    assert any(r[1] == "组织领导与工作机制" and r[5] == 28 and r[6] == 24 and r[8] == "缺少第四季度纪要" for r in rows)


def test_a_published_result_changes_only_by_a_recorded_correction(opened, office_user, wujin_user, wujin):
    score = _claimed(opened, wujin_user, wujin)
    round_ = _publish(opened, office_user)
    office = client_for(office_user)
    office.post(reverse("assessment:review", args=[score.pk]), {"action": "adjust", "points": "1", "reason": "x"})
    client_for(wujin_user).post(reverse("assessment:claim", args=[score.pk]), {"points": "30", "evidence": "再改"})
    assert Score.objects.get(pk=score.pk).final_points == D(28)
    page = office.post(reverse("assessment:correct", args=[score.pk]), {"points": "20", "reason": "复核"}, follow=True)
    assert "更正已登记" in page.content.decode()
    assert Score.objects.get(pk=score.pk).final_points == D(20)
    assert round_.revisions.count() == 1


def test_bad_input_is_a_message_naming_what_is_wrong(opened, wujin_user, office_user, wujin, scheme):
    score = score_of(opened, wujin, 2)
    page = client_for(wujin_user).post(
        reverse("assessment:claim", args=[score.pk]), {"points": "三十", "evidence": "说明"}, follow=True
    )
    assert page.status_code == 200 and "自评分“三十”不是数字" in page.content.decode()
    page = client_for(wujin_user).post(
        reverse("assessment:claim", args=[score.pk]),
        {"points": "10", "evidence": "说明", "file": SimpleUploadedFile("假.pdf", b"not a pdf at all")},
        follow=True,
    )
    assert "文件类型不被接受" in page.content.decode()
    assert Score.objects.get(pk=score.pk).status == "pending"
    from assessment.models import AssessmentScheme

    draft = AssessmentScheme.objects.create(year=2024, name="2024年度辖市(区)考核", assessed="districts")
    data = {
        "year": 2024,
        "name": draft.name,
        "assessed": "districts",
        "excellent_min": 90,
        "good_min": 80,
        "pass_min": 60,
        "notes": "",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-0-order": 1,
        "items-0-title": "活动参与人次",
        "items-0-max_points": 40,
        "items-0-method": "computed",
        "items-0-measure": "participants",
        "items-0-rule": "proportional",
        "items-0-params": '{"target": 0}',
    }
    page = client_for(office_user).post(reverse("assessment:scheme-edit", args=[draft.pk]), data)
    assert page.status_code == 200 and "target(目标值)必须大于 0" in page.content.decode()
    data["items-0-params"] = '{"target": 1000}'
    page = client_for(office_user).post(reverse("assessment:scheme-edit", args=[draft.pk]), data)
    assert page.status_code == 302
    assert AssessmentItem.objects.get(scheme=draft).params == {"target": "1000", "cap": "1"}
    edit = client_for(office_user).post(reverse("assessment:scheme-edit", args=[scheme.pk]), data, follow=True)
    assert "不能再修改" in edit.content.decode()  # the opened round's scheme is frozen


def test_the_office_copies_and_opens_from_the_list(office_user, scheme, wujin_user):
    office = client_for(office_user)
    copied = office.post(reverse("assessment:scheme-copy", args=[scheme.pk]), {"year": 2024})
    assert copied.status_code == 302
    from assessment.models import AssessmentScheme

    copy = AssessmentScheme.objects.get(year=2024)
    assert copy.items.count() == 3
    assert client_for(wujin_user).get(reverse("assessment:round-list")).content.decode().count(copy.name) == 0
    opened = office.post(
        reverse("assessment:round-open", args=[copy.pk]),
        {"self_opens_on": "2025-01-05", "self_closes_on": "2025-01-20"},
    )
    assert opened.status_code == 302
    assert copy.name in client_for(wujin_user).get(reverse("assessment:round-list")).content.decode()
    bad = office.post(
        reverse("assessment:round-open", args=[scheme.pk]),
        {"self_opens_on": "2025-01-20", "self_closes_on": "2025-01-05"},
        follow=True,
    )
    assert "自评截止日期不能早于开始日期" in bad.content.decode()


# --- the API ------------------------------------------------------------------------------------------------------
def test_the_api_gives_each_party_its_own_scores_and_the_ranking_once_published(
    opened, office_user, wujin_user, tianning_user, liaison_user, leader_user, wujin, tianning
):
    from rest_framework.test import APIClient

    def api(user, path):
        c = APIClient()
        c.force_authenticate(user)
        return c.get(path)

    _claimed(opened, wujin_user, wujin)
    base = f"/api/v1/assessment-rounds/{opened.pk}/"
    assert api(tianning_user, "/api/v1/assessment-rounds/").json()["count"] == 1
    assert api(liaison_user, "/api/v1/assessment-rounds/").json()["count"] == 0
    assert api(liaison_user, base + "scores/").status_code == 404
    scores = api(tianning_user, base + "scores/").json()["results"]
    assert {s["region"] for s in scores} == {tianning.code} and SECRET not in str(scores)
    mine = api(wujin_user, base + "scores/").json()["results"]
    assert any(s["evidence"] == SECRET and s["claimed_points"] == "28.00" for s in mine)
    assert api(leader_user, base + "scores/").json()["count"] == 21
    assert api(tianning_user, base + "results/").json()["count"] == 0
    assert APIClient().get(base).status_code in (401, 403)
    round_ = _publish(opened, office_user)
    ranking = api(tianning_user, base + "results/").json()["results"]
    assert len(ranking) == 7 and ranking[0]["party"] == "武进区" and ranking[0]["rank"] == 1
    assert api(tianning_user, base).json()["status"] == "published"
    write = APIClient()
    write.force_authenticate(office_user)
    assert write.post(base + "scores/", {}).status_code == 405  # read-only: changes go through the pages' services
    assert round_.status == "published"
