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

    for section in ("cards", "literacy", "bases", "activities-region", "activities-campaign", "activities-month",
                    "activities-year", "regions", "populations", "overdue"):
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


def test_every_export_is_an_xlsx_whose_rows_match_the_table(client_for, leader_user, rolled_up):
    client = client_for(leader_user)
    for section in ("cards", "literacy", "bases", "activities-region", "activities-campaign",
                    "activities-month", "activities-year", "regions"):
        response = client.get(reverse("indicators:export", args=[section]))
        assert response.status_code == 200, section
        wb = load_workbook(BytesIO(response.content))
        assert wb.active.max_row >= 3
    ws = load_workbook(BytesIO(client.get(reverse("indicators:export", args=["activities-region"])).content)).active
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["武进区"] == (1, 321) and rows["天宁区"] == (1, 654)
    assert client.get(reverse("indicators:export", args=["nope"])).status_code == 404


def test_print_view_and_indicator_page_render(client_for, leader_user, rolled_up):
    client = client_for(leader_user)
    assert "全民科学素质指标看板" in client.get(reverse("indicators:print")).content.decode()
    page = client.get(reverse("indicators:indicator-detail", args=["activity_participants"])).content.decode()
    assert "321" in page and "654" in page


def test_api_summary_cards_carry_status_and_as_of(api_for, leader_user, rolled_up):
    body = api_for(leader_user).get("/api/v1/dashboard/summary/").json()
    assert body["region"]["code"] == "320400" and body["as_of"]
    cards = {c["code"]: c for c in body["cards"]}
    assert cards["literacy_rate"]["actual"] == 17.0 and cards["literacy_rate"]["target"] == 21.5
    assert cards["literacy_rate"]["status"] in ("on_track", "at_risk", "behind")
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

    ActivityReturn.objects.bulk_create([
        ActivityReturn(region=wujin, status="approved", title=f"活动{i}", starts_on=dt.date(2025, 1 + i % 12, 1),
                       ends_on=dt.date(2025, 1 + i % 12, 1), actual_participants=i)
        for i in range(500)
    ])
    run_rollup()
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("indicators:dashboard")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert not any("events_activityreturn" in q["sql"] for q in large.captured_queries)

