"""The office's 汇总表: region × category from approved returns only, with totals that equal the data."""

import io
import random

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from events.models import ActivityReturn
from programs.models import Region

pytestmark = pytest.mark.django_db


def test_the_summary_totals_equal_the_approved_figures(client_for, office_user, science_day, make_return, liaison_user):
    rng = random.Random(4)
    categories = [c for c, _l in ActivityReturn.Category.choices]
    for region in Region.objects.districts():
        for i in range(6):
            make_return(
                region,
                status=rng.choice(["approved", "approved", "submitted", "returned", "draft"]),
                campaign=science_day,
                category=rng.choice(categories),
                actual_participants=rng.randint(10, 3000),
                volunteers=rng.randint(0, 30),
                recommended=i == 0,
                recommendation_reason="特色鲜明" if i == 0 else "",
            )
    make_return(
        unit=liaison_user.unit,
        status="approved",
        campaign=science_day,
        category="youth_special",
        actual_participants=4321,
    )
    make_return(Region.objects.get(code="320412"), status="approved", campaign=None, actual_participants=77777)
    approved = ActivityReturn.objects.filter(campaign=science_day, status="approved")
    expected = approved.aggregate(p=Sum("actual_participants"), v=Sum("volunteers"))

    response = client_for(office_user).get(reverse("events:campaign-export", args=[science_day.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["汇总表"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    total = rows[-1]
    assert total[0] == "合计"
    col = {name: i for i, name in enumerate(header)}
    assert total[col["合计\n活动数"]] == approved.count()
    assert total[col["合计\n参与人次"]] == expected["p"]
    assert total[col["志愿者(人)"]] == expected["v"]
    assert total[col["推荐优秀活动(项)"]] == approved.filter(recommended=True).count()
    # each region's row equals its approved returns; each category column sums to the total
    body = rows[4:-1]
    for row in body:
        if row[0] == "市教育局":
            assert row[col["合计\n参与人次"]] == 4321
            continue
        region = Region.objects.get(name=row[0])
        assert row[col["合计\n参与人次"]] == (
            approved.filter(region=region).aggregate(s=Sum("actual_participants"))["s"] or 0
        )
    for code, label in ActivityReturn.Category.choices:
        column = col[f"{label}\n参与人次"]
        assert total[column] == sum(r[column] for r in body)
        assert total[column] == (approved.filter(category=code).aggregate(s=Sum("actual_participants"))["s"] or 0)
    detail = list(workbook["分区分类明细"].iter_rows(values_only=True))
    assert detail[-1][0] == "总计" and detail[-1][3] == expected["p"]
    excellent = list(workbook["推荐优秀活动"].iter_rows(values_only=True))
    assert len(excellent) - 1 == approved.filter(recommended=True).count()


def test_a_campaign_with_no_approved_returns_exports_zero_totals(
    client_for, office_user, science_day, make_return, wujin
):
    make_return(wujin, status="submitted", campaign=science_day, actual_participants=500)
    response = client_for(office_user).get(reverse("events:campaign-export", args=[science_day.pk]))
    rows = list(load_workbook(io.BytesIO(response.content))["汇总表"].iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and set(rows[-1][1:6]) == {0}
