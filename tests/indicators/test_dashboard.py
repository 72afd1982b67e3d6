"""Who sees what on the dashboard, through pages, exports and the API; speed independent of raw rows."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.services import run_rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_up(make_return, make_base, wujin, tianning):
    make_return(wujin, participants=321, starts_on=dt.date(2025, 3, 5))
    make_return(tianning, participants=654, starts_on=dt.date(2025, 4, 5))
    make_base(wujin, ("provincial", dt.date(2022, 1, 1), None, None))
    return run_rollup()


@pytest.mark.parametrize("persona", ["leader_user", "office_user"])
def test_leaders_and_office_see_the_city_and_every_region(persona, request, client_for, rolled_up):
    client = client_for(request.getfixturevalue(persona))
    city = client.get(reverse("indicators:dashboard")).content.decode()
    assert "常州市" in city and "21.5" in city and 'data-testid="region-comparison"' in city
    assert "数据截至" in city
    body = client.get(reverse("indicators:dashboard") + "?region=320402").content.decode()
    assert "天宁区" in body and "654" in body


TIANNING_FIGURE = 98765
TIANNING_TOTAL = 654 + TIANNING_FIGURE  # 天宁's 2025 participants: a number that appears nowhere else


@pytest.fixture
def tianning_figure(make_return, make_base, tianning, rolled_up):
    make_return(tianning, participants=TIANNING_FIGURE, starts_on=dt.date(2025, 5, 6))
    for _ in range(3):
        make_base(tianning, ("national", dt.date(2022, 1, 1), None, None))
    return run_rollup()


def _cells(response) -> list:
    ws = load_workbook(BytesIO(response.content)).active
    return [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_district_user_on_the_city_view_sees_city_totals_and_its_row_but_no_other_district(
    client_for, api_for, wujin_user, leader_user, tianning_figure
):
    client = client_for(wujin_user)
    page = client.get(reverse("indicators:dashboard") + "?region=320400").content.decode()
    comparison = page.split('data-testid="region-comparison"')[1].split("</table>")[0]
    bases = page.split('data-testid="bases-table"')[1].split("</table>")[0]
    activities = page.split('data-testid="activities-region-table"')[1].split("</table>")[0]
    assert "武进区" in comparison and "武进区" in bases and "武进区" in activities
    assert "天宁区" not in page and "99,419" not in page and str(TIANNING_TOTAL) not in page
    # the city totals include 天宁's activities: 321 + 654 + 98,765 participants in 2025
    assert "<td>2025</td><td>3</td><td>99,740</td>" in page
    # the leader, on the same page, does see 天宁's row (so the assertions above can fail)
    leader_page = client_for(leader_user).get(reverse("indicators:dashboard") + "?region=320400").content.decode()
    assert "天宁区" in leader_page and "99,419" in leader_page

    for section in (
        "cards",
        "literacy",
        "bases",
        "activities-region",
        "activities-campaign",
        "activities-month",
        "activities-year",
        "regions",
        "populations",
        "overdue",
    ):
        cells = _cells(client.get(reverse("indicators:export", args=[section]) + "?region=320400"))
        assert "天宁区" not in cells and TIANNING_TOTAL not in cells, section
    regions = _cells(client.get(reverse("indicators:export", args=["regions"]) + "?region=320400"))
    assert "武进区" in regions and 99740 not in regions
    leader_regions = _cells(client_for(leader_user).get(reverse("indicators:export", args=["regions"])))
    assert "天宁区" in leader_regions and TIANNING_TOTAL in leader_regions

    api = api_for(wujin_user)
    city_values = api.get("/api/v1/indicators/activity_participants/values/?region=320400").json()["results"]
    assert [(v["region"], float(v["value"])) for v in city_values] == [("320400", 99740.0)]
    every = api.get("/api/v1/indicators/activity_participants/values/?page_size=500").json()["results"]
    assert {v["region"] for v in every} == {"320400", "320412"}
    assert all(float(v["value"]) != TIANNING_TOTAL for v in every)
    summary = api.get("/api/v1/dashboard/summary/?region=320400").json()
    assert summary["region"]["code"] == "320400"
    cards = {c["code"]: c for c in summary["cards"]}
    assert "天宁区" not in str(summary) and TIANNING_TOTAL not in [c["actual"] for c in summary["cards"]]
    assert cards["literacy_rate"]["actual"] == 17.0


def test_district_user_sees_its_region_and_the_city_but_not_another_region(client_for, wujin_user, rolled_up):
    client = client_for(wujin_user)
    own = client.get(reverse("indicators:dashboard"))
    assert own.status_code == 200 and "武进区" in own.content.decode() and "321" in own.content.decode()
    assert client.get(reverse("indicators:dashboard") + "?region=320400").status_code == 200
    assert client.get(reverse("indicators:dashboard") + "?region=320402").status_code == 404
    assert client.get(reverse("indicators:export", args=["bases"]) + "?region=320402").status_code == 404
    assert client_for(wujin_user).get("/api/v1/dashboard/summary/?region=320402").status_code == 404
    assert client.get("/api/v1/indicators/activities/values/?region=320402").status_code == 404
    values = client.get("/api/v1/indicators/activities/values/").json()["results"]
    assert {v["region"] for v in values} <= {"320400", "320412"}


def test_liaison_and_anonymous_cannot_open_the_dashboard(client_for, liaison_user, api_for, rolled_up):
    assert client_for(liaison_user).get(reverse("indicators:dashboard")).status_code == 403
    assert client_for(liaison_user).get(reverse("indicators:export", args=["cards"])).status_code == 403
    assert api_for(liaison_user).get("/api/v1/dashboard/summary/").status_code == 403
    from django.test import Client

    response = Client().get(reverse("indicators:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_for(None).get("/api/v1/indicators/").status_code in (401, 403)


def test_leader_cannot_enter_observations_but_office_can(client_for, leader_user, office_user, rolled_up):
    from indicators.models import Indicator, Observation
    from programs.models import Region

    url = reverse("indicators:observation-create")
    assert client_for(leader_user).get(url).status_code == 403
    indicator = Indicator.objects.get(code="literacy_rate")
    city = Region.objects.get(code="320400")
    data = {"indicator": indicator.pk, "year": 2024, "region": city.pk, "value": "19.1", "source": "2024年监测"}
    bad = client_for(office_user).post(url, {**data, "value": "120"})
    assert "比例不能超过 100%" in bad.content.decode()
    assert client_for(office_user).post(url, data).status_code == 302
    assert str(Observation.objects.get(indicator=indicator, year=2024).value) == "19.10"


@pytest.fixture
def with_campaign_and_overdue(make_return, make_campaign, wujin, rolled_up):
    """On top of rolled_up: a 2025 全国科普日 return for youth in 武进, and a campaign whose filings are late."""
    from django.utils import timezone

    from events.models import Campaign

    day = make_campaign(name="2025年全国科普日", year=2025)
    make_return(wujin, participants=55, starts_on=dt.date(2025, 9, 16), campaign=day, populations=["youth"])
    today = timezone.localdate()
    late = Campaign.objects.create(
        name="逾期测试活动",
        year=today.year,
        kind="science_day",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=15),
        schedule_due=today - dt.timedelta(days=10),
        summary_due=today - dt.timedelta(days=5),
    )
    late.regions.add(wujin)
    return run_rollup()


def _sheet(client, section, region=""):
    response = client.get(reverse("indicators:export", args=[section]) + (f"?region={region}" if region else ""))
    assert response.status_code == 200, section
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), section
    ws = load_workbook(BytesIO(response.content)).active
    return ws, {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}


def test_every_export_is_an_xlsx_whose_rows_match_the_table(client_for, leader_user, with_campaign_and_overdue):
    client = client_for(leader_user)
    ws, cards = _sheet(client, "cards")
    assert (
        ws["A1"].value == "常州市 · 目标进度" and ws["A3"].value == "指标" and ws["A2"].value.startswith("数据截至:20")
    )
    assert cards["公民具备科学素质的比例"][:3] == ("%", 2023, 17.0)  # reported 2023-08-02 (issue 14)
    ws, literacy = _sheet(client, "literacy")
    assert (ws["A4"].value, ws["B4"].value) == (2016, 10.3)
    assert literacy == {2016: (10.3,), 2020: (15.2,), 2023: (17.0,)}  # the 17% as reported on 2023-08-02 (issue 14)
    ws, bases = _sheet(client, "bases")
    assert [c.value for c in ws[3]] == ["区域", "国家级", "省级", "市级", "合计"]
    assert bases["武进区"] == (0, 1, 0, 1) and bases["天宁区"] == (0, 0, 0, 0)
    ws, bases_year = _sheet(client, "bases-year")
    assert ws["A3"].value == "年末" and bases_year["2023-08-02"] == (0, 1, 0, 1) and bases_year[2022] == (0, 1, 0, 1)
    assert 2021 not in bases_year  # certified in 2022
    assert _sheet(client, "activities-region")[1]["武进区"] == (2, 376)
    assert _sheet(client, "activities-region")[1]["天宁区"] == (1, 654)
    assert _sheet(client, "activities-campaign")[1] == {"2025年全国科普日": (1, 55)}
    months = _sheet(client, "activities-month")[1]
    assert months["3月"] == (1, 321) and months["4月"] == (1, 654) and months["9月"] == (1, 55)
    assert _sheet(client, "activities-year")[1][2025] == (3, 1030, 3, 1030)
    ws, regions = _sheet(client, "regions")
    assert regions["武进区"] == ("320412", None, 1, 0, 2, 376) and len(regions) == 7
    ws, _ = _sheet(client, "populations")
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert ("青少年", "2025年科普活动项数", 1, "项", 2025) in rows
    assert ("青少年", "2025年科普活动参与人次", 55, "人次", 2025) in rows
    assert ("老年人", "2025年科普活动参与人次", 0, "人次", 2025) in rows
    ws, overdue = _sheet(client, "overdue")
    assert [c.value for c in ws[3]] == ["区域", "活动安排表/总结(份)", "成员单位工作报告(份)"]
    assert overdue["常州市"][0] == 2 and overdue["武进区"][0] == 2 and overdue["天宁区"][0] == 0
    assert client.get(reverse("indicators:export", args=["nope"])).status_code == 404


def test_dashboard_page_shows_population_panels_bases_numbers_and_the_2025_target_line(
    client_for, leader_user, with_campaign_and_overdue
):
    import json
    import re

    page = client_for(leader_user).get(reverse("indicators:dashboard")).content.decode()
    youth = page.split('data-testid="population-youth"')[1].split("</div></div>")[0]
    assert "2025年活动 1 项 · 55 人次" in youth
    bases = page.split('data-testid="bases-table"')[1].split("</table>")[0]
    assert "<tr><td>武进区</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>" in bases
    assert 'data-testid="overdue-returns">2 份' in page
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["literacy"]["target"] == [2025, 21.5]
    assert data["literacy"]["rows"] == [[2016, 10.3], [2020, 15.2], [2023, 17.0]]
    assert data["activities_campaign"] == [["2025年全国科普日", 1, 55]]
    assert ["武进区", 0, 1, 0, 1] in data["bases"]
    assert 'data-chart="activities_campaign"' in page  # the campaign table has its chart
    assert page.count('data-testid="asof-') == page.count('data-testid="card-') > 0  # "as of" on every card


def test_print_view_is_a_meeting_sheet_without_navigation(client_for, leader_user, with_campaign_and_overdue):
    client = client_for(leader_user)
    page = client.get(reverse("indicators:print")).content.decode()
    assert 'data-testid="print-sheet"' in page and "常州市全民科学素质工作指标进度" in page
    assert "<nav" not in page and "navbar" not in page
    # issue 14: the sheet prints its charts (ECharts' SVG renderer) beside the tables
    assert all(f'data-chart="{c}"' in page for c in ("literacy", "bases", "activities_region", "activities_year"))
    assert 'data-testid="headline-literacy_rate">17' in page
    assert 'data-testid="headline-activity_participants">1,030' in page
    assert 'data-testid="headline-overdue">2' in page
    cards = page.split('data-testid="print-cards"')[1].split("</table>")[0]
    assert "公民具备科学素质的比例" in cards and "21.5 (2025)" in cards
    comparison = page.split('data-testid="print-comparison"')[1].split("</table>")[0]
    assert "<td>武进区</td>" in comparison and "<td>376</td>" in comparison
    assert (
        "<tr><td>2023-08-02</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>"
        in page.split('data-testid="print-bases-year"')[1].split("</table>")[0]
    )
    literacy = page.split('data-testid="print-literacy"')[1].split("</table>")[0]
    assert "<td>2020</td><td>15.2</td>" in literacy and "<td>2025 目标</td><td>21.5</td>" in literacy
    assert '<script src="/static/js/indicators/print.js"></script>' in page and "<script>" not in page
    region_page = client.get(reverse("indicators:print") + "?region=320412").content.decode()
    assert "武进区全民科学素质工作指标进度" in region_page and 'data-testid="print-comparison"' not in region_page
    page = client.get(reverse("indicators:indicator-detail", args=["activity_participants"])).content.decode()
    assert "376" in page and "654" in page


def test_the_print_sheet_in_english_shows_years_without_the_chinese_suffix(
    client_for, leader_user, with_campaign_and_overdue
):
    client = client_for(leader_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("indicators:print")).content.decode()
    headline = page.split('data-testid="headline-literacy_rate">')[1].split("</div></div>")[0]
    assert "2023" in headline and "2023年" not in headline and "yr" not in headline


def test_api_summary_cards_carry_status_and_as_of(api_for, leader_user, make_report, rolled_up):
    from unittest import mock

    make_report("市教育局", 2024, {"tech_tutors_trained": "320"})
    run_rollup(today=dt.date(2024, 12, 31))
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2024, 12, 31)):
        body = api_for(leader_user).get("/api/v1/dashboard/summary/").json()
    assert body["region"]["code"] == "320400" and body["as_of"]
    cards = {c["code"]: c for c in body["cards"]}
    # level: 17 (reported 2023, issue 14) against 17 → 21.5 from end-2023 to end-2025, half way at end-2024
    assert cards["literacy_rate"] | {"name": None} == {
        "code": "literacy_rate",
        "name": None,
        "unit": "%",
        "kind": "level",
        "year": 2023,
        "actual": 17.0,
        "target": 21.5,
        "target_year": 2025,
        "target_period": "2025年",
        "expected": 19.25,
        "status": "behind",
    }
    # flow: 320 trained in 2024 against 300 a year
    tutors = cards["tech_tutors_trained"]
    assert (tutors["target_year"], tutors["target_period"]) == (None, "每年")  # not 2021 (issue 14)
    assert (tutors["actual"], tutors["expected"], tutors["target"], tutors["status"]) == (
        320.0,
        300.0,
        300.0,
        "on_track",
    )
    # stock: 1 new provincial base (2022) against 0 → 20 from end-2020 to end-2025: 16 expected at end-2024
    bases = cards["new_provincial_plus_bases"]
    assert (bases["actual"], bases["expected"], bases["status"]) == (1.0, 16.0, "behind")
    listing = api_for(leader_user).get("/api/v1/indicators/").json()
    assert listing["count"] >= 20
    values = api_for(leader_user).get("/api/v1/indicators/activity_participants/values/?region=320412").json()
    assert [(v["period"], float(v["value"])) for v in values["results"]] == [("2025", 321.0)]


def test_dashboard_warns_when_values_are_stale_or_the_last_run_failed(client_for, leader_user, rolled_up):
    from indicators.models import RollupRun
    from indicators.services import RollupError

    RollupRun.objects.update(finished_at=rolled_up.finished_at - dt.timedelta(days=3))
    body = client_for(leader_user).get(reverse("indicators:dashboard")).content.decode()
    assert 'data-testid="stale-warning"' in body and "超过" in body
    with pytest.raises(RollupError):
        run_rollup(fail_after="activities")
    body = client_for(leader_user).get(reverse("indicators:dashboard")).content.decode()
    assert "最近一次数据汇总失败" in body and "654" in body  # the last good values are still served


def test_dashboard_query_count_does_not_grow_with_raw_records(client_for, leader_user, make_return, wujin):
    client = client_for(leader_user)
    make_return(wujin)
    run_rollup()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("indicators:dashboard")).status_code == 200
    from events.models import ActivityReturn

    ActivityReturn.objects.bulk_create(
        [
            ActivityReturn(
                region=wujin,
                status="approved",
                report_status="approved",
                title=f"活动{i}",
                starts_on=dt.date(2025, 1 + i % 12, 1),
                ends_on=dt.date(2025, 1 + i % 12, 1),
                actual_participants=i,
            )
            for i in range(500)
        ]
    )
    run_rollup()
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("indicators:dashboard")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert not any("events_activityreturn" in q["sql"] for q in large.captured_queries)
