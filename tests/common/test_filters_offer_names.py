"""The list pages' filters offer names to choose from — regions, programmes, populations, periods, units — instead
of asking for codes as free text; the query string keeps the codes, so links and the API work as before, and the
regions offered are the scope rule's (accounts.scope.region_choices), never another district's."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def select(body: str, name: str) -> dict | None:
    """{"options": [(value, label), …], "selected": [values]} of <select name=…>, or None when there is none."""
    m = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    if not m:
        return None
    options = re.findall(r'<option value="([^"]*)"([^>]*)>(.*?)</option>', m.group(1), re.S)
    return {
        "options": [(v, htmllib.unescape(label).strip(" \n\t")) for v, _attrs, label in options],
        "selected": [v for v, attrs, _label in options if "selected" in attrs],
    }


def hidden(body: str, name: str) -> bool:
    return bool(re.search(rf'<input type="hidden" name="{name}"', body))


def labels(sel) -> list[str]:
    return [label for value, label in sel["options"] if value]


# --- activities -------------------------------------------------------------------------------------------------
def test_the_activity_list_offers_the_district_its_own_regions_by_name(
    client_for, wujin_user, make_return, wujin, hutang, tianning
):
    make_return(hutang, title="湖塘镇的活动")
    make_return(wujin, title="武进区的活动")
    body = client_for(wujin_user).get(reverse("events:list")).content.decode()
    region = select(body, "region")
    assert region is not None, "the region filter is a select, not a text box"
    assert region["options"][0] == ("", "全部区域")
    assert labels(region)[0] == "武进区" and "\u3000湖塘镇" in labels(region)
    assert "天宁区" not in labels(region) and "\u3000红梅街道" not in labels(region)
    assert dict(region["options"])["320412100"].strip() == "湖塘镇"  # the value is still the code

    response = client_for(wujin_user).get(reverse("events:list"), {"region": "320412100"})
    assert select(response.content.decode(), "region")["selected"] == ["320412100"]
    assert [a.title for a in response.context["activities"]] == ["湖塘镇的活动"]


def test_the_office_picks_any_region_and_old_links_still_filter(client_for, office_user, make_return, wujin, tianning):
    make_return(wujin, title="武进区的活动")
    make_return(tianning, title="天宁区的活动")
    body = client_for(office_user).get(reverse("events:list"), {"region": "320402"}).content.decode()
    region = select(body, "region")
    names = [n.strip() for n in labels(region)]
    assert names[0] == "常州市" and {"溧阳市", "金坛区", "武进区", "新北区", "天宁区", "钟楼区", "常州经开区"} <= set(
        names
    )
    assert names.index("溧阳市") < names.index("天宁区")  # the plan's order, not the codes'
    assert region["selected"] == ["320402"] and "天宁区的活动" in body and "武进区的活动" not in body
    unknown = select(
        client_for(office_user).get(reverse("events:list"), {"region": "999999"}).content.decode(), "region"
    )
    assert unknown["selected"] == ["999999"]  # shown as it is, not silently "all"


def test_parties_without_regions_to_pick_get_no_region_control(client_for, society_contact, base_contact, liaison_user):
    for user in (society_contact, base_contact, liaison_user):
        body = client_for(user).get(reverse("events:list"), {"region": "320412"}).content.decode()
        assert select(body, "region") is None and hidden(body, "region"), user.username


def test_the_api_still_takes_region_codes_as_before(api_for, wujin_user, make_return, wujin, hutang):
    make_return(hutang, status="submitted", title="湖塘镇的活动")
    api = api_for(wujin_user)
    assert [a["title"] for a in api.get("/api/v1/activities/", {"region": "320412100"}).json()["results"]] == [
        "湖塘镇的活动"
    ]
    other = api.get("/api/v1/activities/", {"region": "320402"})  # another district's code: nothing, not a 400
    assert other.status_code == 200 and other.json()["results"] == []


# --- unit reports -----------------------------------------------------------------------------------------------
@pytest.fixture
def reports(db, liaison_user, other_liaison_user):
    from programs.models import Plan
    from programs.services import periods as period_services
    from programs.services import reports as report_services

    plan = Plan.objects.get(code="changzhou-2021-2035")
    period = period_services.open_period(
        plan,
        year=2025,
        kind="year",
        opens_on=dt.date(2025, 12, 1),
        due_on=dt.date(2026, 1, 15),
        closes_on=dt.date(2026, 3, 31),
    )
    for user in (liaison_user, other_liaison_user):
        report_services.start_report(user.unit, period, user, today=dt.date(2026, 1, 10))
    return period


def test_the_report_list_filters_by_period_unit_region_programme_and_population_names(client_for, office_user, reports):
    body = client_for(office_user).get(reverse("programs:report-list")).content.decode()
    assert labels(select(body, "period")) == ["2025年度"]
    assert set(labels(select(body, "unit"))) == {"市教育局", "市农业农村局"}
    assert labels(select(body, "programme")) == [
        "科学素质提升工程",
        "科普资源提聚工程",
        "科普设施提档工程",
        "科普服务提优工程",
    ]
    assert labels(select(body, "population")) == ["青少年", "农民", "产业工人", "老年人", "领导干部和公务员"]
    region = labels(select(body, "region"))
    assert region[0] == "常州市" and "\u3000武进区" in region and not any("镇" in r for r in region)
    for name in ("programme", "population", "region", "period", "unit"):
        assert not re.search(rf'<input type="text" name="{name}"', body), name

    cadres = client_for(office_user).get(reverse("programs:report-list"), {"population": "cadres"})
    assert [r.unit.name for r in cadres.context["reports"]] == ["市农业农村局"]  # 市教育局 has no task for cadres
    assert select(cadres.content.decode(), "population")["selected"] == ["cadres"]


def test_a_liaison_is_offered_only_its_own_unit_and_the_api_keeps_its_filters(
    client_for, api_for, liaison_user, reports
):
    body = client_for(liaison_user).get(reverse("programs:report-list")).content.decode()
    assert labels(select(body, "unit")) == ["市教育局"]
    assert select(body, "region") is None  # a liaison picks no region (scope.region_choices: none)
    response = api_for(liaison_user).get("/api/v1/unit-reports/", {"programme": "一", "period": reports.pk})
    assert response.status_code == 200 and [r["unit_name"] for r in response.json()["results"]] == ["市教育局"]


# --- bases -----------------------------------------------------------------------------------------------------
def test_the_base_list_offers_a_district_its_own_regions(client_for, tianning_user, office_user):
    body = client_for(tianning_user).get(reverse("bases:list")).content.decode()
    region = labels(select(body, "region"))
    assert region[0] == "天宁区" and "\u3000红梅街道" in region and "武进区" not in region
    office = labels(select(client_for(office_user).get(reverse("bases:list")).content.decode(), "region"))
    assert office[0] == "常州市" and "\u3000武进区" in office and "\u3000\u3000湖塘镇" in office
