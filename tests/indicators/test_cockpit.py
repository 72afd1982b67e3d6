"""The cockpit (驾驶舱): the dashboard's figures on one screen, a ranking with the laggards marked, a year selector,
a campaign against the same campaign of earlier years; who may open it; the drill-down's city-only message."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.services import run_rollup

pytestmark = pytest.mark.django_db

COCKPIT = reverse("indicators:cockpit")
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def world(make_return, make_base, make_campaign, wujin, tianning):
    """全国科普日 2024 and 2025; 武进 leads, 天宁 second, 新北 third; 2025's figures differ from 2024's."""
    from programs.models import Region

    xinbei = Region.objects.get(code="320411")
    day24 = make_campaign(name="2024年全国科普日", year=2024)
    day25 = make_campaign(name="2025年全国科普日", year=2025)
    for _ in range(3):
        make_return(wujin, participants=400, starts_on=dt.date(2024, 9, 16), campaign=day24)
    make_return(tianning, participants=70, starts_on=dt.date(2024, 9, 17), campaign=day24)
    make_return(tianning, participants=80, starts_on=dt.date(2024, 10, 17))
    make_return(xinbei, participants=9, starts_on=dt.date(2024, 5, 1))
    make_return(wujin, participants=111, starts_on=dt.date(2025, 9, 16), campaign=day25)
    make_base(wujin, ("provincial", dt.date(2022, 1, 1), None, None))
    run_rollup()


def _ctx(client, query=""):
    response = client.get(COCKPIT + query)
    assert response.status_code == 200, response.status_code
    return response.context


def test_the_headline_and_key_figures_are_the_dashboards_figures(client_for, leader_user, world):
    client = client_for(leader_user)
    cockpit = _ctx(client, "?year=2024")
    dashboard = client.get(reverse("indicators:dashboard") + "?year=2024").context
    cards = {c.indicator.code: c for c in dashboard["cards"]}
    assert cockpit["headline"]["value"] == cards["literacy_rate"].actual == 17
    assert cockpit["headline"]["target"] == cards["literacy_rate"].status.target == 21.5
    # 4.5 points to go over 2024 and 2025: 2.25 a year
    assert cockpit["headline"]["gap"] == pytest.approx(4.5) and cockpit["headline"]["pace"] == pytest.approx(2.25)
    keys = {f.indicator.code: f for f in cockpit["key_figures"]}
    assert 6 <= len(keys) <= 8
    assert keys["bases_total"].value == sum(row[-1] for row in dashboard["charts"]["bases"]) == 1
    assert keys["new_municipal_bases"].value == cards["new_municipal_bases"].actual
    by_region = {name: (n, p) for name, n, p in dashboard["charts"]["activities_region"]}
    assert keys["activities"].value == sum(n for n, _p in by_region.values()) == 6
    assert keys["activity_participants"].value == 1200 + 70 + 80 + 9
    body = client.get(COCKPIT + "?year=2024").content.decode()
    assert 'data-testid="headline-literacy">17' in body and "须每年提高 2.25 个百分点" in body


def test_the_ranking_orders_the_districts_and_marks_the_last_places_in_words(client_for, office_user, world):
    ctx = _ctx(client_for(office_user), "?year=2024&metric=activities")
    names = [(r["region"].name, r["value"], r["rank"], r["laggard"]) for r in ctx["ranking"]]
    assert names[:3] == [("武进区", 3, 1, False), ("天宁区", 2, 2, False), ("新北区", 1, 3, False)]
    assert len(names) == 7 and all(lag for *_x, lag in names[-2:])
    body = client_for(office_user).get(COCKPIT + "?year=2024&metric=activities").content.decode()
    wujin_row = body.split('data-testid="rank-320412"')[1].split("</tr>")[0]
    assert "末位" not in wujin_row
    last = body.split('data-testid="ranking"')[1].split("</table>")[0].split("<tr")[-1]
    assert 'data-laggard="1"' in last and "▼ 末位" in last
    # the tile map: one tile per 辖市(区), coloured by the same metric, the leader darkest
    tiles = {t["region"].code: t for t in ctx["tiles"]}
    assert len(tiles) == 7 and tiles["320412"]["bucket"] == 4 and tiles["320412"]["value"] == 3
    assert 'data-testid="tile-320412"' in body and "tile-q4" in body.split('data-testid="tile-320412"')[0][-200:]


def test_the_year_selector_changes_the_figures(client_for, leader_user, world):
    client = client_for(leader_user)
    y24 = {f.indicator.code: f.value for f in _ctx(client, "?year=2024")["key_figures"]}
    y25 = {f.indicator.code: f.value for f in _ctx(client, "?year=2025")["key_figures"]}
    assert (y24["activities"], y25["activities"]) == (6, 1)
    assert (y24["activity_participants"], y25["activity_participants"]) == (1359, 111)
    dash24 = client.get(reverse("indicators:dashboard") + "?year=2024").context
    dash25 = client.get(reverse("indicators:dashboard") + "?year=2025").context
    assert dash24["year"] == 2024 and dash25["year"] == 2025
    assert sum(n for _r, n, _p in dash24["charts"]["activities_region"]) == 6
    assert sum(n for _r, n, _p in dash25["charts"]["activities_region"]) == 1
    # a past year reads the stocks at its year end: no base yet at the end of 2021
    y21 = {f.indicator.code: f.value for f in _ctx(client, "?year=2021")["key_figures"]}
    assert y21["bases_total"] in (None, 0)
    assert [o for o in _ctx(client)["years"]] == list(range(2021, THIS_YEAR + 1))


@pytest.mark.parametrize("raw", ["abc", "2019", str(THIS_YEAR + 1)])
def test_a_bad_year_gets_a_chinese_message_not_an_error(client_for, leader_user, world, raw):
    for url in (COCKPIT, reverse("indicators:dashboard")):
        response = client_for(leader_user).get(url + "?year=" + raw)
        assert response.status_code == 200
        assert "请选择 2021 至" in response.content.decode() and "年份" in response.context["year_error"]


def test_a_campaign_is_compared_with_the_same_campaign_of_earlier_years(client_for, office_user, world):
    history = _ctx(client_for(office_user), "?year=2025&campaign=science_day")["campaign_history"]
    assert history == [[2021, 0, 0], [2022, 0, 0], [2023, 0, 0], [2024, 4, 1270], [2025, 1, 111]]
    assert _ctx(client_for(office_user), "?year=2024")["campaign_history"][-1] == [2024, 4, 1270]


def test_the_office_chooses_the_key_indicators(client_for, office_user, world):
    from indicators.models import Indicator

    Indicator.objects.filter(code="activity_participants").update(on_cockpit=True, cockpit_order=1)
    Indicator.objects.filter(code="bases_national").update(on_cockpit=True, cockpit_order=2)
    ctx = _ctx(client_for(office_user))
    assert [f.indicator.code for f in ctx["key_figures"]] == ["activity_participants", "bases_national"]
    admin = client_for(office_user).get(reverse("admin:indicators_indicator_changelist"))
    assert admin.status_code == 200 and "on_cockpit" in admin.content.decode()


def test_a_district_sees_its_own_cockpit_and_no_other_districts_figures(client_for, wujin_user, world):
    client = client_for(wujin_user)
    ctx = _ctx(client)
    assert ctx["region"].code == "320412"
    assert [r["region"].code for r in ctx["ranking"]] == ["320412"] and ctx["ranking"][0]["laggard"] is False
    body = client.get(COCKPIT + "?year=2024").content.decode()
    assert "武进区" in body and "1,200" not in body.split('data-testid="tile-320402"')[1][:300]
    tianning_tile = next(t for t in ctx["tiles"] if t["region"].code == "320402")
    assert tianning_tile["visible"] is False and tianning_tile["value"] is None
    city = client.get(COCKPIT + "?region=320400&year=2024")
    assert city.status_code == 200 and "150" not in [str(r["value"]) for r in city.context["ranking"]]
    assert [r["region"].code for r in city.context["ranking"]] == ["320412"]
    for url in (
        COCKPIT,
        reverse("indicators:cockpit-print"),
        reverse("indicators:cockpit-pdf"),
        reverse("indicators:print-pdf"),
    ):
        assert client.get(url + "?region=320402").status_code == 404, url


@pytest.mark.parametrize("persona", ["hutang_clerk", "society_contact", "base_contact", "liaison_user"])
def test_other_parties_cannot_open_the_cockpit_or_its_pdf(request, client_for, persona, world):
    client = client_for(request.getfixturevalue(persona))
    for name in ("cockpit", "cockpit-print", "cockpit-pdf", "print-pdf"):
        assert client.get(reverse(f"indicators:{name}")).status_code == 403, name


def test_anonymous_visitors_go_to_the_login_page(world):
    for name in ("cockpit", "cockpit-print", "cockpit-pdf", "print-pdf"):
        response = Client().get(reverse(f"indicators:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_a_districts_page_says_which_indicators_are_city_only(client_for, wujin_user, make_base, tianning, world):
    make_base(tianning, ("municipal", dt.date(2023, 1, 1), None, None))
    run_rollup()
    body = client_for(wujin_user).get(reverse("indicators:dashboard") + "?year=2024").content.decode()
    literacy = body.split('data-testid="card-literacy_rate"')[1].split('data-testid="asof-')[0]
    assert "该指标仅有全市数据" in literacy and "全市 17" in literacy
    bases = body.split('data-testid="card-new_provincial_plus_bases"')[1].split('data-testid="asof-')[0]
    assert "该指标仅有全市数据" not in bases and 'data-testid="actual-new_provincial_plus_bases">1<' in bases
    # counted per region: a district without such bases shows 0, not 「—」 and not "city only"
    municipal = body.split('data-testid="card-new_municipal_bases"')[1].split('data-testid="asof-')[0]
    assert 'data-testid="actual-new_municipal_bases">0<' in municipal
    city = client_for(wujin_user).get(reverse("indicators:dashboard") + "?region=320400").content.decode()
    assert "该指标仅有全市数据" not in city


def test_without_chromium_the_pdf_says_so_in_chinese(client_for, leader_user, settings, world):
    settings.KEPU_CHROMIUM = "/nonexistent/chromium"
    for name in ("print-pdf", "cockpit-pdf"):
        response = client_for(leader_user).get(reverse(f"indicators:{name}"))
        assert response.status_code == 503 and "未安装 Chromium" in response.content.decode(), name


def test_a_pdf_that_takes_too_long_is_stopped_with_a_chinese_message(client_for, leader_user, monkeypatch, world):
    import subprocess

    from indicators import pdf

    seen = {}

    def slow(command, **kwargs):
        seen.update(kwargs)
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(pdf, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf.subprocess, "run", slow)
    response = client_for(leader_user).get(reverse("indicators:cockpit-pdf"))
    assert response.status_code == 503 and "生成 PDF 超时" in response.content.decode()
    assert seen["timeout"] == pdf.TIMEOUT_SECONDS


def test_districts_without_a_figure_are_not_ranked_nor_marked(client_for, leader_user, world):
    ranking = _ctx(client_for(leader_user), "?metric=literacy_rate")["ranking"]
    assert len(ranking) == 7 and all(r["value"] is None and r["rank"] is None and not r["laggard"] for r in ranking)
